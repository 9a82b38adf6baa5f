"""Saddle-stitch imposition of real brochure PDFs, read back sheet by sheet."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from brochure.pdf.impose import saddle_stitch
from brochure.problems import BrochureError
from brochure.render.render_pdf import Renderer

MM = 72 / 25.4
A3_LANDSCAPE = (420 * MM, 297 * MM)
A5 = (148 * MM, 210 * MM)
BLEED = 3 * MM
SADDLE_STITCH_12 = [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]


@pytest.fixture(scope="module")
def editions(sample_build) -> dict[tuple[str, str], Path]:
    """The sample's PDFs by (edition kind, language): screen is A4 without bleed,
    print is A4 with 3 mm bleed and crop marks."""
    return {(b.kind, b.language): b.path for b in sample_build.built}


def _squeezed(text: str) -> str:
    """Text without whitespace: extraction guesses spaces differently on a sheet,
    and marks a hyphen at a line's end differently (U+FFFE or U+0002)."""
    return "".join(text.split()).replace("\ufffe", "").replace("\x02", "")


def page_texts(path: Path) -> list[str]:
    return [_squeezed(page.get_textpage().get_text_range()) for page in pdfium.PdfDocument(path)]


def pages_on_sheets(sheets: Path, source: Path) -> list[tuple[int | None, int | None]]:
    """For each sheet side, which pages of ``source`` (1-based) are on its left and
    right halves, recognised by their text; ``None`` for an empty half."""
    originals = page_texts(source)
    sides = []
    for side in pdfium.PdfDocument(sheets):
        width, height = side.get_size()
        text = side.get_textpage()
        halves = [_squeezed(text.get_text_bounded(0, 0, width / 2, height)),
                  _squeezed(text.get_text_bounded(width / 2, 0, width, height))]
        sides.append(tuple(originals.index(half) + 1 if half else None for half in halves))
    return sides


def sheet_sizes(path: Path) -> list[tuple[float, float]]:
    with pikepdf.open(path) as pdf:
        return [(float(p.mediabox[2] - p.mediabox[0]), float(p.mediabox[3] - p.mediabox[1]))
                for p in pdf.pages]


def test_a_twelve_page_booklet_is_three_sheets_in_saddle_stitch_order(editions, tmp_path):
    for kind in ("screen", "print"):
        source, sheets = editions[kind, "en"], tmp_path / f"{kind}.pdf"
        imposition = saddle_stitch(source, sheets)
        assert (imposition.sheets, imposition.sides, imposition.padded) == (3, 6, 0)
        assert imposition.pairs == SADDLE_STITCH_12
        assert pages_on_sheets(sheets, source) == SADDLE_STITCH_12, kind


def test_a4_pages_are_imposed_on_a3_landscape(editions, tmp_path):
    imposition = saddle_stitch(editions["screen", "ko"], tmp_path / "sheets.pdf")
    for size in [imposition.sheet_size, *sheet_sizes(tmp_path / "sheets.pdf")]:
        assert size == pytest.approx(A3_LANDSCAPE, abs=1)


def test_a4_print_pages_are_trimmed_to_a3_landscape_with_their_bleed_around(
        editions, tmp_path):
    imposition = saddle_stitch(editions["print", "ko"], tmp_path / "sheets.pdf")
    width, height = A3_LANDSCAPE
    assert imposition.sheet_size == pytest.approx((width + 2 * BLEED, height + 2 * BLEED),
                                                  abs=1)
    with pikepdf.open(tmp_path / "sheets.pdf") as pdf:
        assert "/OutputIntents" in pdf.Root  # the print shop's CMYK profile is kept
        for side in pdf.pages:
            trim = pikepdf.Rectangle(side.trimbox)
            assert (trim.llx, trim.lly) == pytest.approx((BLEED, BLEED), abs=1)
            assert (trim.width, trim.height) == pytest.approx(A3_LANDSCAPE, abs=1)


def test_a_ten_page_document_gets_two_blanks_before_the_back_cover(editions, tmp_path):
    ten_pages = tmp_path / "ten.pdf"
    with pikepdf.open(editions["screen", "en"]) as pdf:
        del pdf.pages[5:7]  # the sample's pages 6 and 7
        pdf.save(ten_pages)
    sheets = tmp_path / "sheets.pdf"
    imposition = saddle_stitch(ten_pages, sheets)
    assert (imposition.sheets, imposition.sides, imposition.padded) == (3, 6, 2)
    assert imposition.pairs == [(10, 1), (2, None), (None, 3), (4, 9), (8, 5), (6, 7)]
    assert pages_on_sheets(sheets, ten_pages) == imposition.pairs


def test_a_right_to_left_booklet_mirrors_every_side(editions, tmp_path):
    sheets = tmp_path / "sheets.pdf"
    imposition = saddle_stitch(editions["screen", "ar"], sheets, right_to_left=True)
    mirrored = [(right, left) for left, right in SADDLE_STITCH_12]
    assert imposition.pairs == mirrored
    assert pages_on_sheets(sheets, editions["screen", "ar"]) == mirrored


def test_imposing_twice_gives_the_same_bytes(editions, tmp_path):
    saddle_stitch(editions["print", "en"], tmp_path / "a.pdf")
    saddle_stitch(editions["print", "en"], tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


# --- pages with bleed: four A5 pages, each filled with its own colour -------------

COLOURS = [(220, 40, 40), (40, 160, 40), (40, 40, 220), (220, 200, 40)]


@pytest.fixture(scope="module")
def bleeding_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bleed")
    css = "@page { size: A5; bleed: 3mm; margin: 20mm }\n" + "".join(
        f"@page :nth({n}) {{ background: rgb{colour} }}\n"
        for n, colour in enumerate(COLOURS, start=1))
    html = (f"<style>{css} p {{ font-size: 40pt; break-after: page }}</style>"
            + "".join(f"<p>page {n}</p>" for n in range(1, len(COLOURS) + 1)))
    path = folder / "pages.pdf"
    path.write_bytes(Renderer().render(html, folder, [], [folder]).data)
    return path


def colour_at(sheets: Path, side: int, x: float, y: float) -> tuple[int, int, int]:
    """The colour at (x, y) points from the top left of a sheet side."""
    image = pdfium.PdfDocument(sheets)[side].render(scale=1).to_pil().convert("RGB")
    return image.getpixel((round(x), round(y)))


def test_pages_meet_at_the_fold_with_their_bleed_kept_outside(bleeding_pages, tmp_path):
    sheets = tmp_path / "sheets.pdf"
    imposition = saddle_stitch(bleeding_pages, sheets)
    trim_width, trim_height = A5
    assert imposition.sheet_size == pytest.approx(
        (2 * trim_width + 2 * BLEED, trim_height + 2 * BLEED), abs=0.5)
    with pikepdf.open(sheets) as pdf:
        assert [float(v) for v in pdf.pages[0].trimbox] == pytest.approx(
            [BLEED, BLEED, BLEED + 2 * trim_width, BLEED + trim_height], abs=0.5)
    fold, middle = BLEED + trim_width, BLEED + trim_height / 2
    back_cover, cover = COLOURS[3], COLOURS[0]
    assert colour_at(sheets, 0, 1, middle) == back_cover   # outer bleed, left
    assert colour_at(sheets, 0, fold - 2, middle) == back_cover
    assert colour_at(sheets, 0, fold + 2, middle) == cover  # no bleed over the fold
    assert colour_at(sheets, 0, 2 * fold - 1, middle) == cover  # outer bleed, right


def test_without_bleed_the_sheet_is_the_two_trims(bleeding_pages, tmp_path):
    imposition = saddle_stitch(bleeding_pages, tmp_path / "sheets.pdf", keep_bleed=False)
    assert imposition.sheet_size == pytest.approx((2 * A5[0], A5[1]), abs=0.5)
    assert colour_at(tmp_path / "sheets.pdf", 0, 1, 100) == COLOURS[3]


def test_pages_of_different_sizes_are_refused_with_a_message(tmp_path):
    mixed = tmp_path / "mixed.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=A5)
        pdf.add_blank_page(page_size=(A5[1], A5[0]))
        pdf.save(mixed)
    with pytest.raises(BrochureError) as error:
        saddle_stitch(mixed, tmp_path / "sheets.pdf")
    assert "page 2 is 210 × 148 mm, page 1 is 148 × 210 mm" in str(error.value)
    assert not (tmp_path / "sheets.pdf").exists()
