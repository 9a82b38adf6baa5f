"""How full a page is, by its ink: the measure behind "pages that are full and calm".

A page is rendered at low resolution and its type area (the page inside the
margins the stylesheet gives ``@page``) is read row by row. A row holds ink
when any pixel of it differs from the page's own background (white paper, or
the navy and cream of the figures and back pages). Gaps between inked rows
narrower than ``CLOSING_MM`` are counted as full: the space between lines,
paragraphs and a heading and its text belongs to the text. A wider gap, and
above all the empty foot of a page, does not. The share of full rows is the
page's fullness.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops

STYLESHEET = Path(__file__).resolve().parent.parent / "styles" / "brochure.css"
MM_PER_PT = 25.4 / 72
DPI = 50                # one pixel is 0.5 mm: enough to see lines and hairlines, fast
CLOSING_MM = 10.0       # a gap narrower than this is part of the text around it
INK_DIFFERENCE = 6      # of 255 in any channel: anything printed, however pale (a tint, a sky)


@cache
def page_margins_mm() -> tuple[float, float, float, float]:
    """The type area's margins (top, right, bottom, left) as the stylesheet's
    first ``@page`` rule sets them, so that the measure follows the design."""
    css = STYLESHEET.read_text(encoding="utf-8")
    rule = re.search(r"@page\s*\{[^}]*?\bmargin:\s*([^;]+);", css)
    assert rule, "styles/brochure.css has no @page margin"
    values = [float(v.removesuffix("mm")) for v in rule.group(1).split()]
    top, right, bottom, left = {1: values * 4, 2: values * 2, 3: [*values, values[1]],
                                4: values}[len(values)]
    return top, right, bottom, left


def fullness(path: Path) -> list[float]:
    """Each page's share (0 to 1) of type-area rows that are full of ink."""
    document = pdfium.PdfDocument(str(path))
    try:
        return [_page_fullness(document[i]) for i in range(len(document))]
    finally:
        document.close()


def _page_fullness(page: pdfium.PdfPage) -> float:
    scale = DPI / 72
    image = page.render(scale=scale).to_pil().convert("RGB")
    # The image shows the media box; a print page's trim box lies inside it.
    media_left, _, _, media_top = page.get_mediabox()
    trim_left, trim_bottom, trim_right, trim_top = page.get_trimbox()
    top, right, bottom, left = (mm / MM_PER_PT for mm in page_margins_mm())

    def pixel(x: float, y: float) -> tuple[int, int]:
        return round((x - media_left) * scale), round((media_top - y) * scale)

    area = (*pixel(trim_left + left, trim_top - top),
            *pixel(trim_right - right, trim_bottom + bottom))
    paper = image.getpixel(pixel(trim_left + 6, trim_top - 6))
    rows = _inked_rows(image.crop(area), paper)
    return sum(_closed(rows, round(CLOSING_MM / MM_PER_PT * scale))) / len(rows)


def _inked_rows(area: Image.Image, paper: tuple[int, int, int]) -> list[bool]:
    """Whether each row of the area holds a pixel that is not the paper's colour."""
    red, green, blue = ImageChops.difference(area, Image.new("RGB", area.size, paper)).split()
    ink = ImageChops.lighter(red, ImageChops.lighter(green, blue))
    ink = ink.point(lambda v: 255 if v > INK_DIFFERENCE else 0)
    return [ink.crop((0, y, area.width, y + 1)).getbbox() is not None
            for y in range(area.height)]


def _closed(rows: list[bool], gap: int) -> list[bool]:
    """The rows with every run of empty rows shorter than ``gap`` between two
    inked rows filled in (a vertical closing)."""
    closed = list(rows)
    inked = [y for y, full in enumerate(rows) if full]
    for above, below in zip(inked, inked[1:], strict=False):
        if 1 < below - above <= gap:
            closed[above + 1:below] = [True] * (below - above - 1)
    return closed
