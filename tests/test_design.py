"""The design, read back from the sample's PDFs: each theme on one spread,
art placed whole, typographic quotes, crop marks in a slug beyond the bleed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache

import pypdfium2 as pdfium
import pytest
from conftest import SAMPLE
from pdfs import outline_pages, page_texts, reader
from PIL import Image

from brochure.content.localise import localise
from brochure.content.validate import load_project
from brochure.problems import Problems

MM = 72 / 25.4


@cache
def context(language: str) -> dict:
    project = load_project(SAMPLE, [language], Problems())
    return localise(project, language, Problems())


def letters(text: str) -> str:
    """Only the letters of a text: what survives line breaks, hyphenation, Markdown
    and the order in which marks are read back."""
    return "".join(c for c in text if c.isalpha())


def body_end(markdown: str, count: int = 12) -> str:
    text = re.sub(r"\]\([^)]*\)", "", markdown)  # link targets are not printed
    return letters(text)[-count:]


def test_every_theme_faces_its_text_on_one_spread(sample_pdfs):
    """The opener is on an even page, the end of its text on the odd page after
    it: one spread (left | right; in a right-to-left brochure the even page is
    the right-hand one and the spread reads from it)."""
    for language, path in sample_pdfs.items():
        pages = [letters(page) for page in page_texts(path)]
        starts = outline_pages(path)
        assert len(pages) % 4 == 0, (language, len(pages))  # saddle stitch
        for section in context(language)["sections"]:
            opener = starts[section["title"]]
            assert opener % 2 == 0, (language, section["id"], opener)
            end = body_end(section["body"])
            assert end in pages[opener], (language, section["id"], end)  # page opener + 1
            assert end not in pages[opener + 1], (language, section["id"])


def test_english_has_no_straight_quotes_or_apostrophes(sample_pdfs, sample_print_pdfs):
    for path in (sample_pdfs["en"], sample_print_pdfs["en"]):
        text = "".join(page_texts(path))
        assert "'" not in text and '"' not in text
        assert "city’s" in text and "UNESCO’s" in text


def test_quotes_follow_each_languages_conventions(sample_pdfs):
    korean = re.sub(r"\s+", " ", "".join(page_texts(sample_pdfs["ko"])))
    assert "‘양심의 도시’" in korean and "'" not in korean


def test_numbers_stay_with_their_units():
    for language, value in (("en", "411.6\u00a0billion"), ("ru", "411,6\u00a0миллиарда"),
                            ("de", "4,37\u00a0km²")):
        facts = {f["id"]: f["value"] for s in context(language)["sections"] for f in s["facts"]}
        assert any(value in v for v in facts.values()), (language, facts)


def test_print_media_box_leaves_a_slug_of_2_mm_beyond_the_bleed(sample_print_pdfs):
    for language, path in sample_print_pdfs.items():
        for number, page in enumerate(reader(path).pages, start=1):
            media, bleed = page.mediabox, page.bleedbox
            slugs = [float(bleed.left) - float(media.left),
                     float(bleed.bottom) - float(media.bottom),
                     float(media.right) - float(bleed.right),
                     float(media.top) - float(bleed.top)]
            assert min(slugs) >= 2 * MM, (language, number, [s / MM for s in slugs])


def art_size(reference: str) -> tuple[float, float]:
    path = SAMPLE / reference
    if path.suffix == ".svg":
        root = ET.parse(path).getroot()
        return float(root.get("width", 0)), float(root.get("height", 0))
    with Image.open(path) as image:
        return image.size


def visible_extent(image: Image.Image, box: tuple[int, int, int, int]) -> tuple[int, ...]:
    """The bounding box of what is printed (not white) in ``box``, in pixels."""
    region = image.crop(box).convert("L").point(lambda v: 255 if v < 250 else 0)
    found = region.getbbox()
    assert found, box
    return (box[0] + found[0], box[1] + found[1], box[0] + found[2], box[1] + found[3])


@pytest.mark.parametrize("language", ["en", "ar", "zh-Hans"])
def test_illustrations_are_placed_whole_at_their_own_proportions(sample_pdfs, language):
    """The art is drawn at its own proportions, and all of what is drawn is
    visible: a frame that crops (object-fit: cover) would show less of it than
    is drawn."""
    path = sample_pdfs[language]
    starts = outline_pages(path)
    document = pdfium.PdfDocument(str(path))
    scale = 2
    try:
        for section, plan in zip(context(language)["sections"],
                                 load_project(SAMPLE, [language], Problems()).edition.sections,
                                 strict=True):
            page = document[starts[section["title"]] - 1]
            height = page.get_height()
            art = max((obj.get_bounds() for obj in page.get_objects(max_depth=1)
                       if obj.type in (pdfium.raw.FPDF_PAGEOBJ_IMAGE, pdfium.raw.FPDF_PAGEOBJ_PATH,
                                       pdfium.raw.FPDF_PAGEOBJ_FORM)),
                      key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
            left, bottom, right, top = art
            width, tall = art_size(plan.image or "")
            assert (right - left) / (top - bottom) == pytest.approx(width / tall, rel=0.01), \
                (language, section["id"])
            assert right - left > 150 * MM  # the type area's width
            image = page.render(scale=scale).to_pil()
            drawn = (round(left * scale), round((height - top) * scale),
                     round(right * scale), round((height - bottom) * scale))
            assert drawn[0] >= 0 and drawn[2] <= image.width, (language, section["id"], drawn)
            seen = visible_extent(image, (max(0, drawn[0] - 4), drawn[1] - 4,
                                          min(image.width, drawn[2] + 4), drawn[3] + 4))
            assert all(abs(a - b) <= 3 for a, b in zip(seen, drawn, strict=True)), \
                (language, section["id"], seen, drawn)
    finally:
        document.close()


def test_never_three_hyphenated_lines_in_a_row(sample_pdfs):
    """PDFium reads a line ending in a hyphenation as U+2010 (or U+0002/U+FFFE)."""
    for language, path in sample_pdfs.items():
        for number, page in enumerate(page_texts(path), start=1):
            run = 0
            for line in page.split("\n"):
                hyphenated = line.rstrip().endswith(("\u2010", "\x02", "\ufffe", "-"))
                run = run + 1 if hyphenated else 0
                assert run < 3, (language, number, line)
