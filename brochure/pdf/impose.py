"""Post-process: impose a brochure's pages two-up for saddle stitching.

A saddle-stitched booklet is a stack of sheets folded once and stapled through
the fold. Each sheet carries four pages, two on each side, so the printer's
PDF has one page per sheet side with two brochure pages side by side, in the
order that makes the folded stack read 1, 2, 3, …

Pages are placed by their trim box, so the two pages of a side meet exactly at
the fold. Their bleed, if they have one, is kept on the sheet's outer edges and
cut at the fold, where it would otherwise cover the neighbouring page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Rectangle

from brochure.output.write import write_atomically
from brochure.problems import BrochureError, Location, Problem, Problems, relative_name

SIZE_TOLERANCE = 1.0  # points: pages whose trims differ by less are the same size


@dataclass(frozen=True)
class Imposition:
    """What ``saddle_stitch`` placed: one (left, right) pair of the source's page
    numbers (1-based, ``None`` for a blank) per sheet side, front then back,
    outermost sheet first."""

    sheets: int
    sides: int
    pairs: list[tuple[int | None, int | None]]
    padded: int                       # blank pages added to reach a multiple of four
    sheet_size: tuple[float, float]   # a sheet side's MediaBox, in points


@dataclass(frozen=True)
class Edges:
    left: float = 0.0
    bottom: float = 0.0
    right: float = 0.0
    top: float = 0.0


def booklet_pages(count: int) -> list[int | None]:
    """The document's page numbers in booklet order, padded with blanks (``None``)
    to a multiple of four. The blanks go before the last page, which stays the
    back cover."""
    blanks = -count % 4
    pages: list[int | None] = list(range(1, count + 1))
    if count < 2:
        return pages + [None] * blanks
    return pages[:-1] + [None] * blanks + pages[-1:]


def side_pairs(positions: int, right_to_left: bool = False) -> list[tuple[int, int]]:
    """The (left, right) booklet positions on each sheet side, front then back,
    outermost sheet first. Right-to-left booklets are bound on the right, which
    mirrors every side."""
    pairs = []
    for sheet in range(positions // 4):
        low, high = 2 * sheet + 1, positions - 2 * sheet
        pairs += [(high, low), (low + 1, high - 1)]
    return [(right, left) for left, right in pairs] if right_to_left else pairs


def saddle_stitch(source: Path, target: Path, right_to_left: bool = False,
                  keep_bleed: bool = True) -> Imposition:
    """Write ``target``: the pages of ``source`` two-up on sheets twice their width,
    in saddle-stitch order. Raise ``BrochureError`` if the pages cannot be imposed.

    With ``keep_bleed`` the sheet's MediaBox adds the pages' bleed around the two
    trims (its TrimBox); without, the MediaBox is the two trims side by side.
    """
    data, imposition = impose(_read(source), source, right_to_left, keep_bleed)
    write_atomically(target, data)
    return imposition


def impose(data: bytes, source: Path, right_to_left: bool = False,
           keep_bleed: bool = True) -> tuple[bytes, Imposition]:
    """The printer's sheets of a PDF given as bytes (``source`` names it in
    messages), so that a build can impose before it writes anything."""
    with _open(data, source) as pdf, pikepdf.new() as sheets:
        pages = list(pdf.pages)
        trim = _check_pages(pages, source)
        bleed = _bleed(pages[0]) if keep_bleed else Edges()
        order = booklet_pages(len(pages))
        pairs = [(order[left - 1], order[right - 1])
                 for left, right in side_pairs(len(order), right_to_left)]
        for left, right in pairs:
            _add_side(sheets, [pages[n - 1] if n else None for n in (left, right)],
                      trim, bleed)
        _copy_document_info(pdf, sheets)
        buffer = io.BytesIO()
        sheets.save(buffer, deterministic_id=True, min_version=pdf.pdf_version)
    return buffer.getvalue(), Imposition(
        sheets=len(pairs) // 2, sides=len(pairs), pairs=pairs,
        padded=len(order) - len(pages), sheet_size=_sheet_size(trim, bleed))


def _read(source: Path) -> bytes:
    try:
        return source.read_bytes()
    except OSError as exc:
        raise BrochureError([Problem(
            f"cannot read this PDF ({exc.strerror or exc})", Location(relative_name(source)),
            hint="Build the brochure again, then impose the new PDF.")]) from exc


def _open(data: bytes, source: Path) -> pikepdf.Pdf:
    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        raise BrochureError([Problem(
            f"cannot read this PDF ({exc})", Location(relative_name(source)),
            hint="Build the brochure again, then impose the new PDF.")]) from exc


def _check_pages(pages: list[pikepdf.Page], source: Path) -> Rectangle:
    """The trim box of the first page, once every page is known to match it."""
    problems = Problems()
    where = Location(relative_name(source))
    if not pages:
        problems.error("this PDF has no pages", where)
        problems.raise_if_errors()
    first = Rectangle(pages[0].trimbox)
    for number, page in enumerate(pages, start=1):
        trim = Rectangle(page.trimbox)
        if int(page.obj.get(Name.Rotate, 0)) % 360:
            problems.error(f"page {number} is rotated", where,
                           hint="Imposition needs every page upright.")
        if (abs(trim.width - first.width) > SIZE_TOLERANCE
                or abs(trim.height - first.height) > SIZE_TOLERANCE):
            problems.error(
                f"page {number} is {_size(trim)}, page 1 is {_size(first)}", where,
                hint="A saddle-stitched booklet needs every page the same size.")
    problems.raise_if_errors()
    return first


def _size(box: Rectangle) -> str:
    return f"{box.width / 72 * 25.4:.0f} × {box.height / 72 * 25.4:.0f} mm"


def _bleed(page: pikepdf.Page) -> Edges:
    """How far the page's bleed reaches beyond its trim on each side."""
    trim = Rectangle(page.trimbox)
    bleed = Rectangle(page.bleedbox) & Rectangle(page.mediabox)
    return Edges(left=max(0.0, trim.llx - bleed.llx), bottom=max(0.0, trim.lly - bleed.lly),
                 right=max(0.0, bleed.urx - trim.urx), top=max(0.0, bleed.ury - trim.ury))


def _add_side(sheets: pikepdf.Pdf, pages: list[pikepdf.Page | None], trim: Rectangle,
              bleed: Edges) -> None:
    """One sheet side: each page as a form placed with its trim in its half."""
    width, height = _sheet_size(trim, bleed)
    side = sheets.add_blank_page(page_size=(width, height))
    trims = [bleed.left, bleed.bottom, bleed.left + 2 * trim.width, bleed.bottom + trim.height]
    side.obj.TrimBox = Array(trims)
    side.obj.BleedBox = Array([0, 0, width, height])
    forms, drawing = Dictionary(), []
    for slot, page in enumerate(pages):
        if page is None:
            continue
        name = Name(f"/Page{slot}")
        forms[name] = sheets.copy_foreign(_form(page, slot, bleed))
        page_trim = Rectangle(page.trimbox)
        x = bleed.left + slot * trim.width - page_trim.llx
        y = bleed.bottom - page_trim.lly
        drawing.append(f"q 1 0 0 1 {_number(x)} {_number(y)} cm {name} Do Q")
    side.obj.Resources = Dictionary(XObject=forms)
    side.obj.Contents = sheets.make_stream("\n".join(drawing).encode("ascii"))


def _sheet_size(trim: Rectangle, bleed: Edges) -> tuple[float, float]:
    return (bleed.left + 2 * trim.width + bleed.right, bleed.bottom + trim.height + bleed.top)


def _form(page: pikepdf.Page, slot: int, bleed: Edges) -> pikepdf.Object:
    """The page as a form XObject showing its trim plus the bleed on the outer
    side (left for the left slot, right for the right one), cut at the fold."""
    form = page.as_form_xobject()
    trim = Rectangle(page.trimbox)
    outer_left = bleed.left if slot == 0 else 0.0
    outer_right = bleed.right if slot == 1 else 0.0
    form.BBox = Array([trim.llx - outer_left, trim.lly - bleed.bottom,
                       trim.urx + outer_right, trim.ury + bleed.top])
    return form


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def _copy_document_info(source: pikepdf.Pdf, target: pikepdf.Pdf) -> None:
    """Keep the title, author and language, so the printer's file says what it is,
    and a print edition's output intent (its CMYK profile) and PDF/X metadata."""
    target.docinfo = target.copy_foreign(source.docinfo)  # type: ignore[assignment]
    if Name.Lang in source.Root:
        target.Root.Lang = source.Root.Lang
    for key in (Name.OutputIntents, Name.Metadata):
        if key in source.Root:
            # Only indirect objects can be copied between files.
            target.Root[key] = target.copy_foreign(source.make_indirect(source.Root[key]))
