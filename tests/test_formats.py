"""Every page format from the same content: A5, US Letter, the tri-fold leaflet."""

from __future__ import annotations

import re
import subprocess
import tempfile

import pikepdf
import pytest
from conftest import edit, text_of
from pdfs import font_sizes, page_texts, reader, text_box
from PIL import Image
from test_design import body_end, letters
from test_right_to_left import MM

from brochure.build import build
from brochure.content.localise import leaflet_sections
from brochure.render.render_html import paragraphs_within


@pytest.fixture(scope="module")
def formats(sample_format_pdfs):
    return sample_format_pdfs


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
             for s in ("democracy", "economy", "culture")]
    assert [round(x) for x in lefts] == [9, 108, 208]
    # Outside: the front cover is the right-hand panel; the fourth theme and
    # the contact are on the back, in the middle.
    assert text_box(path, 0, text["subtitle"][:20])[0] / MM > 198
    assert 105 < text_box(path, 0, text["sections"]["energy"]["title"])[0] / MM < 198
    assert "CONTACT" in page_texts(path)[0] and "Welcome to Gwangju" in page_texts(path)[0]


def test_the_arabic_leaflet_is_mirrored(formats):
    path = formats["gwangju-city_leaflet_screen_ar.pdf"]
    text = text_of("ar")
    # The first two words of each title: extraction may move Arabic vowel marks.
    first = text_box(path, 1, " ".join(text["sections"]["democracy"]["title"].split()[:2]))
    last = text_box(path, 1, " ".join(text["sections"]["culture"]["title"].split()[:2]))
    assert first[2] / MM > 280 and last[2] / MM < 100  # first theme on the right
    subtitle = " ".join(text["subtitle"].split()[:2])
    assert text_box(path, 0, subtitle)[2] / MM < 100  # the front cover on the left


def test_pdf_x1a_is_refused_for_a_design_with_transparency(content):
    from conftest import build_fails, edit

    edit(content / "edition.yaml", "variant: pdf/x-4", "variant: pdf/x-1a")
    build_fails(content, r"gwangju-city_print_en\.pdf: the print edition fails its check: "
                         r"claims PDF/X-1a:2003, which forbids transparency",
                options=("--lang", "en", "--edition", "print"))


# --- A5's own type scale -------------------------------------------------------

def test_a5_sets_its_body_at_9_pt_or_more_and_nothing_below_7_pt(formats):
    """A5 is not the A4 page reduced (body 8.5 pt, captions 6 pt): read back
    from the PDF, the text pages' body is at least 9 pt, every letter at least 7."""
    for language in ("en", "ar"):
        path = formats[f"gwangju-city_A5_screen_{language}.pdf"]
        for page in range(12):
            sizes = font_sizes(path, page)
            assert min(sizes) >= 7, (language, page + 1, sorted(sizes))
        for page in (4, 6, 8, 10):  # the themes' text pages
            body_size = font_sizes(path, page).most_common(1)[0][0]
            assert body_size >= 9, (language, page + 1, body_size)


def test_a5_keeps_twelve_pages_and_a_theme_per_spread(formats):
    """Each opener on an even page, its whole text on the page facing it."""
    path = formats["gwangju-city_A5_screen_en.pdf"]
    text = text_of("en")
    pages = [letters(page) for page in page_texts(path)]
    for opener, section in zip((3, 5, 7, 9), ("democracy", "economy", "culture", "energy"),
                               strict=True):
        assert letters(text["sections"][section]["title"]) in pages[opener]
        body = without_placeholders(text["sections"][section]["body"])
        assert letters(body)[:20] in pages[opener + 1], section
        assert body_end(body) in pages[opener + 1], section


def without_placeholders(text: str) -> str:
    """The text as far as it is printed as written: {fact} placeholders become figures."""
    return re.sub(r"\{[\w-]+\}", "", text)


# --- the leaflet's text, numbers and fold marks ---------------------------------------

def words(path) -> int:
    """Words as poppler's pdftotext reads them, over every page."""
    found = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout
    return len(found.split())


def test_the_english_leaflet_carries_at_least_350_words(formats):
    assert words(formats["gwangju-city_leaflet_screen_en.pdf"]) >= 350


def test_each_leaflet_theme_carries_its_body_cut_where_a_paragraph_ends(formats):
    """At least the first paragraph of every theme, whole; where the text is
    cut, the paragraph before the cut is printed to its end."""
    path = formats["gwangju-city_leaflet_screen_en.pdf"]
    printed = letters("".join(page_texts(path)))
    for section in ("democracy", "economy", "culture", "energy"):
        paragraphs = without_placeholders(text_of("en")["sections"][section]["body"]
                                          ).split("\n\n")
        shown = [p for p in paragraphs if letters(p)[:25] in printed]
        assert shown == paragraphs[:len(shown)] and shown, section
        assert body_end(shown[-1]) in printed, section


def test_the_leaflet_numbers_its_themes_01_to_04_without_a_gap(formats):
    path = formats["gwangju-city_leaflet_screen_en.pdf"]
    outside, inside = page_texts(path)
    assert [n for n in ("01", "02", "03") if n in inside.split()] == ["01", "02", "03"]
    assert "04" in outside.split()


def test_the_print_leaflet_has_fold_marks_in_the_slug_in_black_only(formats):
    """Dashed marks above and below each fold, outside the bleed, in 100 % K: read
    from the content stream and seen in the rendered slug."""
    for language in ("en", "ar"):
        path = formats[f"gwangju-city_leaflet_print_{language}.pdf"]
        with pikepdf.open(path) as pdf:
            for number, page in enumerate(pdf.pages):
                marks = slug_marks(page)
                folds = sorted({round(x, 1) for x, dashed in marks if dashed})
                # A letter fold: the panel that folds in is 2 mm narrower; on
                # the outside it is the first panel (left to right), inside the last.
                outside_first = (number == 0) == (language == "en")
                assert folds == ([98.0, 197.5] if outside_first else [99.5, 199.0]), \
                    (language, number + 1, folds)
                assert {x for x, dashed in marks if not dashed} == {0.0, 297.0}
        assert dark_in_slug(path, folds) == [True] * len(folds)


def test_a5_and_letter_print_have_no_fold_marks(formats):
    for name in ("A5_print_en", "letter_print_ar"):
        with pikepdf.open(formats[f"gwangju-city_{name}.pdf"]) as pdf:
            assert not any(dashed for x, dashed in slug_marks(pdf.pages[1])), name


def test_print_media_box_is_at_least_2_mm_beyond_the_bleed_box_on_every_side(formats):
    for name in ("A5_print_en", "A5_print_ar", "letter_print_en", "leaflet_print_en",
                 "leaflet_print_ar"):
        with pikepdf.open(formats[f"gwangju-city_{name}.pdf"]) as pdf:
            for page in pdf.pages:
                media = [float(v) for v in page.MediaBox]
                bleed = [float(v) for v in page.BleedBox]
                beyond = [bleed[0] - media[0], bleed[1] - media[1],
                          media[2] - bleed[2], media[3] - bleed[3]]
                assert min(beyond) / MM >= 2, (name, [round(b / MM, 1) for b in beyond])


def slug_marks(page: pikepdf.Page) -> list[tuple[float, bool]]:
    """The vertical strokes above the bleed box, drawn after the page's own
    content (which is enclosed in q/Q): (mm from the trim's left edge, dashed);
    every one must be in 100 % K and nothing else."""
    trim_left = float(page.TrimBox[0])
    bleed_top = float(page.BleedBox[3])
    stroke, dashed, found, start = None, False, [], None
    saved, after_page = [], False
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            saved.append((stroke, dashed))
        elif op == "Q":
            stroke, dashed = saved.pop()
            after_page = after_page or not saved
        elif op == "K":
            stroke = [float(v) for v in operands]
        elif op == "d":
            dashed = len(operands[0]) > 0
        elif op == "m":
            start = [float(v) for v in operands]
        elif op == "l" and start is not None:
            x0, y0 = start
            x1, y1 = (float(v) for v in operands)
            if after_page and x0 == x1 and min(y0, y1) >= bleed_top - 0.01:
                assert stroke == [0, 0, 0, 1], stroke
                found.append((round((x0 - trim_left) / MM, 2), dashed))
    return found


def dark_in_slug(path, folds_mm: list[float]) -> list[bool]:
    """Whether poppler's rendering shows ink in the slug above each fold (the
    last page), and none halfway between two folds."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", "127", "-png", "-singlefile", "-f", "2", "-l", "2",
                        str(path), f"{folder}/p"], check=True)
        image = Image.open(f"{folder}/p.png").convert("L")
    px_per_mm = 127 / 25.4
    slug_row = int(5 * px_per_mm)  # 5 mm down from the MediaBox's top: inside the slug
    trim_left = 10 * px_per_mm     # 7 mm slug + 3 mm bleed
    def ink(x_mm: float) -> bool:
        x = int(round(trim_left + x_mm * px_per_mm))
        return any(image.getpixel((x + dx, slug_row + dy)) < 128
                   for dx in (-1, 0, 1) for dy in range(-6, 7))
    assert not ink(50)
    return [ink(x) for x in folds_mm]


# --- how the leaflet chooses and numbers its text (no rendering) ------------------------

def test_a_body_is_cut_where_a_paragraph_ends_and_a_list_stays_with_its_lead_in():
    body = "One two three.\n\nFour five six.\n\nThe plan:\n\n- seven\n- eight\n"
    assert paragraphs_within(body, 20) == "One two three."  # 14 ens
    assert paragraphs_within(body, 30) == "One two three.\n\nFour five six."
    # 'The plan:' would fit, but not without its list:
    assert paragraphs_within(body, 45) == "One two three.\n\nFour five six."
    assert paragraphs_within(body, 60).endswith("Four five six.\n\nThe plan:\n\n- seven\n- eight")
    assert paragraphs_within(body, 1) == "One two three."  # never nothing


def test_the_leaflet_numbers_its_themes_by_their_place_in_it():
    sections = [{"id": s, "number": n} for s, n in
                (("democracy", "01"), ("economy", "02"), ("culture", "03"), ("energy", "04"))]
    shown = leaflet_sections(sections, ["energy", "democracy"], str)
    assert [(s["id"], s["number"]) for s in shown] == [("energy", "01"), ("democracy", "02")]


def test_a_summary_in_the_text_is_what_the_leaflet_prints(content):
    text = content / "text/en.yaml"
    edit(text, "    image_alt: >\n      Stylised drawing of the May 18",
         "    summary: A summary written for the leaflet, shorter than the body.\n"
         "    image_alt: >\n      Stylised drawing of the May 18")
    report = build(content, ["en"], content.parent / "out", kinds=["screen"],
                   formats=["leaflet"], strict=True)
    printed = letters("".join(page_texts(report.built[0].path)))
    assert letters("A summary written for the leaflet, shorter than the body.") in printed
    body = text_of("en")["sections"]["democracy"]["body"]
    assert letters(body)[:25] not in printed
