"""Shared fixtures: the sample brochure is rendered once per test session, with
the real renderer and the real fonts, and read back by the tests."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from brochure.build import BuildReport, build
from brochure.cli.commands import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "gwangju"


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    """Every language of the sample, built in strict mode (no warning allowed)."""
    out = tmp_path_factory.mktemp("output")
    return build(SAMPLE, out_dir=out, strict=True)


@pytest.fixture(scope="session")
def sample_pdfs(sample_build: BuildReport) -> dict[str, Path]:
    """The screen edition of each language."""
    return {b.language: b.path for b in sample_build.built if b.kind == "screen"}


@pytest.fixture(scope="session")
def sample_print_pdfs(sample_build: BuildReport) -> dict[str, Path]:
    """The print edition of each language."""
    return {b.language: b.path for b in sample_build.built if b.kind == "print"}


@pytest.fixture(scope="session")
def sample_archive_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The archive edition of three scripts: Latin, Hangul, Arabic (right to left)."""
    report = build(SAMPLE, ["en", "ko", "ar"], tmp_path_factory.mktemp("archive"),
                   kinds=["archive"], strict=True)
    return {b.language: b.path for b in report.built}


@pytest.fixture(scope="session")
def sample_format_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A5, US Letter and the leaflet, screen and print, in English and Arabic
    (left to right, right to left), by file name."""
    report = build(SAMPLE, ["en", "ar"], tmp_path_factory.mktemp("formats"),
                   kinds=["screen", "print"], formats=["A5", "letter", "leaflet"], strict=True)
    return {b.path.name: b.path for b in report.built}


@pytest.fixture(scope="session")
def delegation_screen_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The screen edition of every sample delegation, made once by the command:
    its delegations/ folder and what the command printed."""
    out = tmp_path_factory.mktemp("delegations")
    result = CliRunner().invoke(main, ["delegations", str(SAMPLE), "--edition", "screen",
                                       "--out", str(out), "--strict"])
    assert result.exit_code == 0, result.output
    return out / "delegations", result.output


@pytest.fixture(scope="session")
def sample_languages() -> list[str]:
    return yaml.safe_load((SAMPLE / "edition.yaml").read_text(encoding="utf-8"))["languages"]


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the sample to break; the working folder is its parent,
    so messages name files as content/edition.yaml etc."""
    copy = tmp_path / "content"
    shutil.copytree(SAMPLE, copy)
    monkeypatch.chdir(tmp_path)
    return copy


def text_of(language: str) -> dict:
    return yaml.safe_load((SAMPLE / "text" / f"{language}.yaml").read_text(encoding="utf-8"))


# --- helpers shared by the tests -------------------------------------------------

def run(*args: str):
    """The command as a user runs it; whatever happens, never a traceback."""
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result


def build_fails(content: Path, *expected: str, options: tuple[str, ...] = ()) -> str:
    """Build into a fresh folder; the build must fail with every expected text."""
    out = content.parent / "out"
    result = run("build", str(content), "--out", str(out), "--jobs", "1", *options)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for text in expected:
        assert re.search(text, result.output), (text, result.output)
    assert not list(out.glob("**/*.pdf")) if out.exists() else True
    assert not list(out.glob("**/*.part")) if out.exists() else True
    return result.output


def line_of(path: Path, text: str) -> int:
    """The 1-based line where ``text`` starts in a file."""
    content = path.read_text(encoding="utf-8")
    return content[:content.index(text)].count("\n") + 1


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
