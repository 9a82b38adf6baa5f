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
from brochure.pdf import verapdf

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
    assert "গণতন্ত্র ও মানবাধিকার" in text
    assert "২৫\u00a0মে, ২০১১" in text     # the fact, in Bengali digits


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


def test_a_brochure_with_only_the_required_fields_builds_without_a_warning(minimal_build):
    """Title, section titles and bodies: everything else has a default or is
    left out, and the pages say nothing of what is missing."""
    assert not minimal_build.problems.warnings
    pages = page_texts(_pdf(minimal_build, "en"))
    cover, contents, *_, back = pages
    assert cover.split() == ["Gwangju", "Gwangju", "Metropolitan", "City"]   # title, sender
    assert "Contents" in contents and "Welcome" not in contents
    assert back.split()[:4] == ["Contact", "Gwangju", "Metropolitan", "City"]
    assert "None" not in "".join(pages)


def test_the_layout_words_a_text_leaves_out_come_in_its_own_language(minimal_build):
    pages = page_texts(_pdf(minimal_build, "bn"))
    assert "সূচিপত্র" in pages[1]     # Contents
    assert "যোগাযোগ" in pages[-1]     # Contact


def test_alternative_text_is_required_only_for_a_picture_that_is_there(minimal):
    edit(minimal / "edition.yaml", "  - id: democracy", "  - id: democracy\n    image: pic.svg")
    (minimal / "pic.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 5"><rect width="8" '
        'height="5" fill="#2a9d8f"/></svg>', encoding="utf-8")
    result = run("check", str(minimal))
    assert result.exit_code == 1
    assert ("content/edition.yaml:10:12: sections.democracy.image_alt: this picture has no "
            "alternative text: give sections.democracy.image_alt in content/text/en.yaml"
            ) in result.output


def test_a_logo_that_is_missing_is_named_with_its_field(minimal):
    edit(minimal / "edition.yaml", "sections:", "logo: images/emblem.svg\nsections:")
    result = run("check", str(minimal))
    assert result.exit_code == 1
    assert ("content/edition.yaml:8:7: logo: the image 'images/emblem.svg' does not exist"
            in result.output)


def test_the_minimal_brochures_screen_editions_pass_pdf_ua_1(minimal_build):
    """What is left out leaves nothing untagged: veraPDF, not our own check."""
    assert verapdf.available(), "veraPDF cannot run here: " + verapdf.SETUP_HINT
    paths = [_pdf(minimal_build, language) for language in ("en", "bn")]
    for path, verdict in verapdf.validate(paths, "ua1").items():
        assert verdict.passed and not verdict.failed_rules and not verdict.error, \
            (path.name, [str(rule) for rule in verdict.failed_rules], verdict.error)
