"""Content written by others: a brochure with only the required fields, in a
script the package has no fonts for (Bengali, named in the edition file),
builds, reads back and looks designed; what the design can do without may be
left out."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import edit, run
from pdfs import page_texts

from brochure.build import BuildReport, build

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.fixture(scope="module")
def minimal_build(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    """The minimal brochure, screen and print, in strict mode: no fallback, no warning."""
    return build(MINIMAL, out_dir=tmp_path_factory.mktemp("minimal"), jobs=1, strict=True)


def _pdf(report: BuildReport, language: str, kind: str = "screen") -> Path:
    return next(b.path for b in report.built if b.language == language and b.kind == kind)


@pytest.fixture
def minimal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the minimal brochure to break."""
    copy = tmp_path / "content"
    shutil.copytree(MINIMAL, copy)
    monkeypatch.chdir(tmp_path)
    return copy


def test_a_script_without_built_in_fonts_is_set_in_the_fonts_the_edition_names(minimal_build):
    pdf = _pdf(minimal_build, "bn")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "Noto-Serif-Bengali" in fonts and "Noto-Sans-Bengali" in fonts
    text = "\n".join(page_texts(pdf))
    assert "গণতন্ত্র ও সংস্কৃতির শহর" in text
    assert "২৫ মে, ২০১১" in text          # the fact, in Bengali digits


def test_a_font_that_is_not_installed_is_named_with_its_field(minimal):
    edit(minimal / "edition.yaml", "heading: Noto Sans Bengali", "heading: Noto Sans Bengalli")
    result = run("check", str(minimal))
    assert result.exit_code == 1
    assert ("content/edition.yaml:11:45: fonts.Beng.heading: the font 'Noto Sans Bengalli' "
            "is not installed. Did you mean 'Noto Sans Bengali'?") in result.output


def test_a_script_with_no_fonts_says_where_to_name_them(minimal):
    edit(minimal / "edition.yaml",
         "fonts:\n  Beng: {body: Noto Serif Bengali, heading: Noto Sans Bengali}", "")
    result = run("check", str(minimal))
    assert result.exit_code == 1
    assert "languages[2]: 'bn' is written in the Beng script, which has no fonts set up" \
        in result.output
    assert "Name its fonts under 'fonts: {Beng: …}' in content/edition.yaml" in result.output


def test_a_fonts_key_that_is_neither_a_script_nor_a_language_is_refused(minimal):
    edit(minimal / "edition.yaml", "  Beng:", "  bengali:")
    result = run("check", str(minimal))
    assert result.exit_code == 1
    assert "'bengali' is neither a script code nor one of this brochure's languages" \
        in result.output
