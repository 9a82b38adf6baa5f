"""Every page format from the same content: A5, US Letter, the tri-fold leaflet."""

from __future__ import annotations

import pytest
from conftest import SAMPLE, text_of
from pdfs import page_texts, reader, text_box
from test_right_to_left import MM

from brochure.build import build


@pytest.fixture(scope="module")
def formats(tmp_path_factory):
    out = tmp_path_factory.mktemp("formats")
    report = build(SAMPLE, ["en", "ar"], out, kinds=["screen", "print"],
                   formats=["A5", "letter", "leaflet"])
    return {b.path.name: b.path for b in report.built}


def trim_mm(path, page=0):
    box = reader(path).pages[page].trimbox
    return round(float(box.width) / MM, 1), round(float(box.height) / MM, 1)


def test_a5_and_letter_editions_have_their_page_size(formats):
    assert trim_mm(formats["gwangju-city_A5_screen_en.pdf"]) == (148.0, 210.0)
    assert trim_mm(formats["gwangju-city_A5_print_en.pdf"]) == (148.0, 210.0)
    assert trim_mm(formats["gwangju-city_letter_screen_en.pdf"]) == (215.9, 279.4)
    for name in ("A5_screen_en", "letter_screen_en", "A5_print_ar"):
        assert len(reader(formats[f"gwangju-city_{name}.pdf"]).pages) == 12, name


def test_a5_print_keeps_3_mm_of_bleed(formats):
    page = reader(formats["gwangju-city_A5_print_en.pdf"]).pages[0]
    trim, bleed = page.trimbox, page.bleedbox
    assert round((float(trim.left) - float(bleed.left)) / MM, 2) == 3.0
    assert round((float(bleed.top) - float(trim.top)) / MM, 2) == 3.0


def test_the_leaflet_is_two_a4_landscape_sides_of_three_panels(formats):
    path = formats["gwangju-city_leaflet_screen_en.pdf"]
    assert len(reader(path).pages) == 2
    assert trim_mm(path) == (297.0, 210.0)
    text = text_of("en")
    # Inside, left to right: three themes; the last panel, which folds in, is 2 mm narrower.
    lefts = [text_box(path, 1, text["sections"][s]["title"])[0] / MM
             for s in ("democracy", "economy", "energy")]
    assert [round(x) for x in lefts] == [9, 108, 208]
    # Outside: the front cover is the right-hand panel.
    assert text_box(path, 0, text["subtitle"][:20])[0] / MM > 198
    assert "Contact" in page_texts(path)[0] and "Welcome to Gwangju" in page_texts(path)[0]


def test_the_arabic_leaflet_is_mirrored(formats):
    path = formats["gwangju-city_leaflet_screen_ar.pdf"]
    text = text_of("ar")
    # The first two words of each title: extraction may move Arabic vowel marks.
    first = text_box(path, 1, " ".join(text["sections"]["democracy"]["title"].split()[:2]))
    last = text_box(path, 1, " ".join(text["sections"]["energy"]["title"].split()[:2]))
    assert first[2] / MM > 280 and last[2] / MM < 100  # first theme on the right
    subtitle = " ".join(text["subtitle"].split()[:2])
    assert text_box(path, 0, subtitle)[2] / MM < 100  # the front cover on the left


def test_pdf_x1a_is_refused_for_a_design_with_transparency(content):
    from conftest import build_fails, edit

    edit(content / "edition.yaml", "variant: pdf/x-4", "variant: pdf/x-1a")
    build_fails(content, r"gwangju-city_print_en\.pdf: the print edition fails its check: "
                         r"claims PDF/X-1a:2003, which forbids transparency",
                options=("--lang", "en", "--edition", "print"))
