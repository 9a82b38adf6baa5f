"""A language's screen and print editions come from one layout (pdf/derive.py):
the screen cut at the trim, the print in the palette's own inks; each keeps
its claims (the veraPDF, preflight and image tests check those)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from conftest import SAMPLE, edit

from brochure.build import build
from brochure.content.validate import load_project
from brochure.pdf.inspect import inspect_pdf
from brochure.pdf.preflight import check_claims
from brochure.problems import Problems
from brochure.render.editions import inks

LANGUAGES = ["en", "ko", "ar", "ja"]
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">'
                   r"([^<]*)</word>")


def words(path: Path, offset: tuple[float, float] = (0.0, 0.0)) -> list[list[tuple]]:
    """Every word poppler reads on each page, with its top-left corner in
    points from the page's top-left corner, less ``offset``."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [[(word, round(float(x) - offset[0], 1), round(float(y) - offset[1], 1))
             for x, y, word in _WORD.findall(page)]
            for page in html.split("<page ")[1:]]


def trim_offset(path: Path) -> tuple[float, float]:
    """Where the trim starts, from the top-left corner of the MediaBox."""
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0].obj
        media = [float(v) for v in page.MediaBox]
        trim = [float(v) for v in page.TrimBox]
    return trim[0] - media[0], media[3] - trim[3]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_word_sits_at_the_same_place_on_the_trimmed_print_page_as_on_screen(
        sample_pdfs, sample_print_pdfs, language):
    screen, printed = sample_pdfs[language], sample_print_pdfs[language]
    assert trim_offset(screen) == (0.0, 0.0)  # the screen page is the trim
    on_screen, on_paper = words(screen), words(printed, trim_offset(printed))
    assert len(on_screen) == len(on_paper) == 12
    for page, (a, b) in enumerate(zip(on_screen, on_paper, strict=True), start=1):
        assert a, f"page {page} has no words"
        assert a == b, f"page {page} differs"


def text_colours(path: Path) -> set[tuple[str, tuple[float, ...]]]:
    """The fill colours text is drawn in on the pages: (operator, operands)."""
    found = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            fill, saved = ("none", ()), []
            for operands, operator in pikepdf.parse_content_stream(
                    page, "q Q k rg g sc scn Tj TJ"):
                op = str(operator)
                if op == "q":
                    saved.append(fill)
                elif op == "Q":
                    fill = saved.pop()
                elif op in ("Tj", "TJ"):
                    found.add(fill)
                else:
                    fill = (op, tuple(round(float(v), 4) for v in operands))
    return found


@pytest.fixture(scope="module")
def palette():
    return inks(load_project(SAMPLE, ["en"], Problems()).palette)


@pytest.mark.parametrize("language", LANGUAGES)
def test_print_sets_all_text_in_the_palettes_own_inks(sample_print_pdfs, palette, language):
    colours = text_colours(sample_print_pdfs[language])
    own = {("k", tuple(round(v, 4) for v in cmyk)) for cmyk in palette.values()}
    assert colours and colours <= own, colours - own


@pytest.mark.parametrize("language", LANGUAGES)
def test_screen_sets_all_text_in_the_palettes_srgb(sample_pdfs, palette, language):
    colours = text_colours(sample_pdfs[language])
    own = {("rg", tuple(round(v / 255, 4) for v in rgb)) for rgb in palette}
    assert colours and colours <= own, colours - own


def test_a_gradient_in_the_design_prints_in_cmyk_and_shows_in_srgb(content):
    (content / "photo.css").write_text(
        (content / "photo.css").read_text()
        + ".cover-frame { background: linear-gradient(#1d3557, #e9c46a, #ffffff); }\n")
    report = build(content, ["en"], content.parent / "out", kinds=["screen", "print"], jobs=1)
    paths = {b.kind: b.path for b in report.built}
    printed = inspect_pdf(paths["print"])
    assert check_claims(printed, "print") == []
    assert {use.space.family for use in printed.colours} == {"CMYK"}
    shadings = shading_spaces(paths["print"])
    assert shadings and shadings <= {"/DeviceCMYK"}
    assert shading_spaces(paths["screen"]) == {"/DeviceRGB"}


def shading_spaces(path: Path) -> set[str]:
    found = set()
    with pikepdf.open(path) as pdf:
        for thing in pdf.objects:
            if isinstance(thing, pikepdf.Dictionary) and "/ShadingType" in thing:
                found.add(str(thing.ColorSpace))
    return found


def test_a_colour_the_layout_cannot_map_exactly_gets_a_print_edition_of_its_own(content):
    """A CSS lab() colour is drawn in a Lab colour space, not in sRGB, which the
    derivation refuses to guess at: the print edition is rendered on its own
    (the Lab colour stays, as it always did), and both editions keep their claims."""
    edit(content / "photo.css", "#energy .illustration img { margin: 0 auto; }",
         "#energy .illustration img { margin: 0 auto; }\n"
         "h1, h2 { color: lab(40% 30 -40) !important; }")
    report = build(content, ["en"], content.parent / "out", kinds=["screen", "print"], jobs=1)
    paths = {b.kind: b.path for b in report.built}
    printed = inspect_pdf(paths["print"])
    assert check_claims(printed, "print") == []
    assert "Lab" in {use.space.family for use in printed.colours}
    assert check_claims(inspect_pdf(paths["screen"]), "screen") == []


@pytest.mark.parametrize("kind, variant", [("archive", "pdf/x-4"), ("print", "pdf/x-1a")])
def test_an_edition_rendered_on_its_own_is_preflighted_from_its_file_still_open(
        content, tmp_path, kind, variant):
    """Archive and PDF/X-1a editions are not derived; their preflight reads the
    finished file before it is closed, and finds what reading the saved bytes
    finds (PDF/X-1a: the design's transparency)."""
    from brochure.build import prepare
    from brochure.pdf.preflight import NEEDS
    from brochure.render_task import render_alone

    edit(content / "edition.yaml", "variant: pdf/x-4", f"variant: {variant}")
    edition, = prepare(content, ["en"], tmp_path, False, Problems(), kinds=[kind])
    assert edition.layout is None
    pdf, _ = render_alone(edition)
    read_again = inspect_pdf(edition.output, pdf.data, NEEDS[kind])
    assert pdf.findings == check_claims(read_again, kind, **edition.claim_settings)
    assert bool(pdf.findings) == (variant == "pdf/x-1a")


def test_a_screen_editions_pages_are_walked_once_and_its_preflight_reads_as_the_saved_file(
        tmp_path):
    """The walk that finds where the screen edition's images are placed (to
    reduce them) also finds its fonts for its preflight: the report is the one
    read from the saved bytes."""
    from brochure.build import prepare
    from brochure.defaults import SCREEN_PPI
    from brochure.pdf.derive import derive_screen, open_layout
    from brochure.pdf.inspect import report_of
    from brochure.pdf.preflight import NEEDS
    from brochure.render.links import link_texts
    from brochure.render_task import lay_out

    edition, = prepare(SAMPLE, ["ko"], tmp_path, False, Problems(), kinds=["screen"])
    layout = edition.layout
    assert layout is not None
    laid = lay_out([edition])
    with open_layout(laid.made.data) as pdf:
        data, walked = derive_screen(pdf, layout.bleed_mm, link_texts(layout.html), SCREEN_PPI)
        from_the_walk = report_of(pdf, edition.output, len(data), NEEDS["screen"], walked)
    assert from_the_walk == inspect_pdf(edition.output, data, NEEDS["screen"])
    assert len(from_the_walk.fonts) >= 3 and all(f.embedded for f in from_the_walk.fonts)
    placed = walked.largest_placements()
    assert len(placed) == 1 and all(side > 100 for side in next(iter(placed.values())))
