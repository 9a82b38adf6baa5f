"""The command line, and writing files safely."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from brochure import __version__
from brochure.build import build
from brochure.cli.commands import main
from brochure.output.write import Staging, write_atomically
from brochure.problems import BrochureError


def test_version_and_help():
    runner = CliRunner()
    assert runner.invoke(main, ["--version"]).output.strip() == f"brochure, version {__version__}"
    assert "Example:" in runner.invoke(main, ["--help"]).output


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output, name


def test_check_reports_a_ready_brochure_without_writing_anything(content):
    result = CliRunner().invoke(main, ["check", str(content)])
    assert result.exit_code == 0, result.output
    assert "ready to build" in result.output
    assert not list(content.parent.glob("**/*.pdf"))


def test_an_interrupted_write_leaves_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "a.pdf"
    write_atomically(target, b"%PDF-old")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, b"%PDF-new" * 1000)
    assert target.read_bytes() == b"%PDF-old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_pdfs_written_aside_are_removed_when_a_language_is_refused_after_rendering(
        content, monkeypatch):
    """Each PDF is written aside as soon as it is rendered; a problem found after
    the rendering (a Thai run the line breaker cannot break) puts none in place
    and leaves nothing behind."""
    text = content / "text/th.yaml"
    body = "      ธรรมเนียมการลุกขึ้นต่อต้านความอยุติธรรม"
    text.write_text(text.read_text(encoding="utf-8").replace(
        body, "      " + "ฃฅ" * 40 + " " + body.lstrip(), 1), encoding="utf-8")
    staged = []
    original = Staging.stage
    monkeypatch.setattr(Staging, "stage", lambda self, target, data: (
        staged.append(target.name), original(self, target, data)))
    out = content.parent / "out"
    with pytest.raises(BrochureError, match="th.yaml"):
        build(content, ["en", "th"], out, jobs=2, kinds=["screen"])
    assert "gwangju-city_screen_en.pdf" in staged
    assert list(out.iterdir()) == []


def test_build_with_impose_writes_the_printers_sheets_beside_each_pdf(content):
    from pypdf import PdfReader

    out = content.parent / "out"
    result = CliRunner().invoke(main, ["build", str(content), "--lang", "en", "--edition",
                                       "screen", "--impose", "saddle-stitch", "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheets = out / "gwangju-city_screen_en_sheets.pdf"
    assert f"printer's sheets: {sheets}" in result.output
    assert len(PdfReader(str(sheets)).pages) == 6  # 12 pages, two-up, both sides of 3 sheets


def test_the_records_hold_the_digest_of_every_pdf_written(sample_build):
    """Taken as each PDF arrived from its worker, not read back: the same."""
    import hashlib

    from brochure.output.records import BuildRecords

    records = BuildRecords(sample_build.built[0].path.parent)
    assert len(sample_build.built) == 26
    for built in sample_build.built:
        data = built.path.read_bytes()
        assert records.entry(built.path)["sha256"] == hashlib.sha256(data).hexdigest()
