"""Reading PDFs back for assertions (pypdf)."""

from __future__ import annotations

import ctypes
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader
from pypdf.generic import DictionaryObject


def reader(path: Path) -> PdfReader:
    return PdfReader(str(path))


def page_texts(path: Path) -> list[str]:
    """The text of each page in reading order, as PDFium (Chrome's engine) reads it:
    right-to-left runs and digits come out in logical order."""
    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].get_textpage().get_text_range().replace("\r\n", "\n")
                for i in range(len(document))]
    finally:
        document.close()


def document_language(path: Path) -> str | None:
    root = reader(path).trailer["/Root"]
    return str(root["/Lang"]) if "/Lang" in root else None


def fonts(path: Path) -> Iterator[tuple[str, DictionaryObject]]:
    """Every font dictionary used on any page, with its base name."""
    seen = set()
    for page in reader(path).pages:
        resources = page.get("/Resources")
        if not resources or "/Font" not in resources:
            continue
        for font in resources["/Font"].get_object().values():
            font = font.get_object()
            name = str(font.get("/BaseFont"))
            if name in seen:
                continue
            seen.add(name)
            yield name, font


def is_embedded(font: DictionaryObject) -> bool:
    descendants = font.get("/DescendantFonts")
    target = descendants[0].get_object() if descendants else font
    descriptor = target.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def outline_pages(path: Path) -> dict[str, int]:
    """Bookmark title → 1-based page number."""
    pdf = reader(path)
    result = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                result[str(item.title)] = pdf.get_destination_page_number(item) + 1

    walk(pdf.outline)
    return result


def text_box(path: Path, page_index: int, text: str) -> tuple[float, float, float, float]:
    """Where ``text`` first appears on a page: (left, bottom, right, top) in points."""
    document = pdfium.PdfDocument(str(path))
    try:
        page = document[page_index]
        textpage = page.get_textpage()
        searcher = textpage.search(text)
        found = searcher.get_next()
        if found is None:
            raise LookupError(f"{text!r} is not on page {page_index + 1} of {path.name}")
        start, count = found
        boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))
    finally:
        document.close()


def font_sizes(path: Path, page_index: int) -> Counter[float]:
    """How many letters and digits a page prints at each size, in points as
    printed (PDFium's size of the font, scaled by the text's matrix)."""
    document = pdfium.PdfDocument(str(path))
    try:
        textpage = document[page_index].get_textpage()
        matrix = pdfium_c.FS_MATRIX()
        sizes: Counter[float] = Counter()
        for index in range(textpage.count_chars()):
            if not chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index)).isalnum():
                continue
            pdfium_c.FPDFText_GetMatrix(textpage.raw, index, matrix)
            scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
            sizes[round(pdfium_c.FPDFText_GetFontSize(textpage.raw, index) * scale, 2)] += 1
        return sizes
    finally:
        document.close()


def page_width(path: Path, page_index: int = 0) -> float:
    document = pdfium.PdfDocument(str(path))
    try:
        return document[page_index].get_width()
    finally:
        document.close()


@dataclass
class Line:
    """A line of text as drawn: its characters left to right, its font size, its
    left and right edges (by each glyph's advance) and its baseline, in points."""

    text: str
    size: float
    left: float
    right: float
    baseline: float


def text_lines(path: Path, page_index: int) -> list[Line]:
    """The lines of a page, top first: characters of one size on one baseline."""
    document = pdfium.PdfDocument(str(path))
    try:
        textpage = document[page_index].get_textpage()
        lines: dict[tuple[float, int], Line] = {}
        x, y = ctypes.c_double(), ctypes.c_double()
        for index in range(textpage.count_chars()):
            character = textpage.get_text_range(index, 1)
            if not character.strip() or not pdfium.raw.FPDFText_GetCharOrigin(
                    textpage.raw, index, ctypes.byref(x), ctypes.byref(y)):
                continue
            size = round(pdfium.raw.FPDFText_GetFontSize(textpage.raw, index), 1)
            left, _, right, _ = textpage.get_charbox(index, loose=True)
            line = lines.setdefault((size, round(y.value)),
                                    Line("", size, left, right, y.value))
            line.text += character
            line.left, line.right = min(line.left, left), max(line.right, right)
        return sorted(lines.values(), key=lambda line: -line.baseline)
    finally:
        document.close()
