"""An independent validator: veraPDF checks every machine-testable rule of
PDF/UA-1 (screen) and PDF/A-2b (archive) on the sample's real PDFs.

CI installs Java and veraPDF (scripts/setup.sh): when they are missing these
tests fail rather than skip, so that a broken set-up cannot pass unnoticed.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import build_fails, edit, run, text_of

from brochure.cli.commands import main
from brochure.pdf import verapdf
from brochure.pdf.verapdf import Verdict


@pytest.fixture(scope="session")
def broken_pdf(tmp_path_factory) -> Path:
    broken = tmp_path_factory.mktemp("broken") / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really a PDF\n")
    return broken


@pytest.fixture(scope="session")
def verdicts(sample_pdfs, sample_archive_pdfs, broken_pdf) -> dict[Path, Verdict]:
    """veraPDF's verdict on every screen and archive edition (and a broken
    file), in one JVM: starting one costs seconds."""
    assert verapdf.available(), "veraPDF cannot run here: " + verapdf.SETUP_HINT
    jobs = {path: "ua1" for path in [*sample_pdfs.values(), broken_pdf]}
    jobs.update({path: "2b" for path in sample_archive_pdfs.values()})
    return verapdf.validate_each(jobs)


def _failures(verdict: Verdict) -> list[str]:
    return [f"{rule} at {rule.contexts}" for rule in verdict.failed_rules] + (
        [verdict.error] if verdict.error else [])


def test_every_screen_edition_passes_pdf_ua_1(sample_pdfs, sample_languages, verdicts):
    assert sorted(sample_pdfs) == sorted(sample_languages)
    for language, path in sample_pdfs.items():
        verdict = verdicts[path]
        assert verdict.flavour == "ua1"
        assert verdict.passed and not verdict.failed_rules, (language, _failures(verdict))


def test_the_archive_editions_pass_pdf_a_2b(sample_archive_pdfs, verdicts):
    assert sorted(sample_archive_pdfs) == ["ar", "en", "ko"]
    for language, path in sample_archive_pdfs.items():
        verdict = verdicts[path]
        assert verdict.flavour == "2b"
        assert verdict.passed and not verdict.failed_rules, (language, _failures(verdict))


def test_a_file_veraPDF_cannot_read_is_a_verdict_not_a_crash(broken_pdf, verdicts):
    verdict = verdicts[broken_pdf]
    assert not verdict.passed and verdict.error
    assert "could not validate" in verdict.summary


def test_missing_java_is_a_clear_error(monkeypatch, sample_pdfs):
    monkeypatch.setattr(verapdf.shutil, "which", lambda name: None)
    assert not verapdf.available()
    with pytest.raises(verapdf.VeraPdfUnavailable, match="missing Java"):
        verapdf.validate([sample_pdfs["en"]], "ua1")
    result = CliRunner().invoke(main, ["inspect", str(sample_pdfs["en"]), "--as", "screen"])
    assert result.exit_code == 0, result.output
    assert "veraPDF not installed: brochure's own checks only" in result.output


def test_print_is_checked_by_brochure_alone(sample_print_pdfs):
    result = CliRunner().invoke(main, ["inspect", str(sample_print_pdfs["en"]), "--as", "print"])
    assert result.exit_code == 0, result.output
    assert "no independent validator for print (veraPDF has no PDF/X profile)" in result.output


# --- links: one annotation per link on screen, none in print --------------------------


def test_no_print_page_carries_an_annotation_in_the_bleed(sample_print_pdfs):
    for language, path in sample_print_pdfs.items():
        with pikepdf.open(path) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                kinds = [str(a.get("/Subtype")) for a in page.obj.get("/Annots", [])]
                assert set(kinds) <= {"/TrapNet", "/PrinterMark"}, (language, number, kinds)


def test_each_contents_entry_is_one_link_described_in_the_pages_language(sample_pdfs):
    for language, path in sample_pdfs.items():
        text = text_of(language)
        titles = [text["intro"]["title"], text["labels"]["highlights"],
                  *(s["title"] for s in text["sections"].values()), text["back"]["title"]]
        with pikepdf.open(path) as pdf:
            parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
            links = [a for a in pdf.pages[1].obj.get("/Annots", [])
                     if a.get("/Subtype") == "/Link"]
            # The link's own words, in the brochure's language (not a target id).
            assert [str(a.Contents) for a in links] == titles, language
            assert {str(parents[int(a.StructParent)].S) for a in links} == {"/Link"}, language
            boxes = [sorted(float(v) for v in a.Rect[1::2]) for a in links]
            assert all(lower[1] <= upper[0] + 0.5 for upper, lower in zip(  # no overlap
                boxes, boxes[1:], strict=False)), (language, boxes)


def test_build_verify_refuses_what_verapdf_refuses_and_writes_nothing(content):
    # Translucent text goes into a transparency group whose marked content the
    # renderer leaves out of the structure tree: veraPDF rule 7.1-3, which our
    # own preflight does not see.
    (content / "translucent.css").write_text("h1 { opacity: 0.85; }\n", encoding="utf-8")
    edit(content / "edition.yaml", "stylesheets: [photo.css]",
         "stylesheets: [photo.css, translucent.css]")
    options = ("--lang", "en", "--edition", "screen")
    output = build_fails(content, r"gwangju-city_screen_en\.pdf: veraPDF: rule 7\.1-3",
                         options=(*options, "--verify"))
    assert "Nothing was written" in output
    plain = run("build", str(content), "--out", str(content.parent / "out"), *options)
    assert plain.exit_code == 0, plain.output
