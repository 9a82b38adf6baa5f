"""Post-process: a proof sheet of a built PDF, every page small on one PNG.

A contact sheet shows a whole brochure at a glance, for a reviewer who wants to
see the order of the pages, the pictures and the page breaks before reading
the PDF itself. Pages are drawn by PDFium, laid out in a grid by Pillow.
"""

from __future__ import annotations

import io
import subprocess
from functools import lru_cache
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from brochure import defaults
from brochure.build import output_path, own_format
from brochure.content.validate import load_project
from brochure.output.write import write_atomically
from brochure.problems import BrochureError, Location, Problem, Problems, relative_name

BACKGROUND = (234, 234, 234)
BORDER = (160, 160, 160)
INK = (70, 70, 70)
MARGIN = 24          # pixels around the grid
GAP = 20             # pixels between two pages, across and down
LABEL_HEIGHT = 24    # the page number's line under each page
TITLE_HEIGHT = 40    # the file name's line above the grid
LABEL_SIZE, TITLE_SIZE = 14, 20


def contact_sheet(pdf: Path, target: Path, columns: int = 4,
                  page_width_px: int = 240) -> Path:
    """Write ``target``: a PNG of every page of ``pdf``, ``columns`` to a row,
    each ``page_width_px`` wide, numbered, under the file's name."""
    pages = render_pages(pdf, page_width_px)
    sheet = lay_out(pages, columns, page_width_px, title=pdf.name)
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG")
    write_atomically(target, buffer.getvalue())
    return target


def render_pages(pdf: Path, width_px: int) -> list[Image.Image]:
    try:
        document = pdfium.PdfDocument(pdf)
    except (OSError, pdfium.PdfiumError) as exc:
        raise BrochureError([Problem(
            f"cannot read this PDF ({exc})", Location(relative_name(pdf)),
            hint="Build the brochure again, then make the proof.")]) from exc
    try:
        return [page.render(scale=width_px / page.get_width()).to_pil().convert("RGB")
                for page in document]
    finally:
        document.close()


def lay_out(pages: list[Image.Image], columns: int, page_width_px: int,
            title: str) -> Image.Image:
    """The grid: every cell as wide as a page and as tall as the tallest one."""
    rows = -(-len(pages) // columns)
    page_height = max((page.height for page in pages), default=0)
    cell_width, cell_height = page_width_px + GAP, page_height + LABEL_HEIGHT + GAP
    size = (2 * MARGIN + columns * cell_width - GAP,
            2 * MARGIN + TITLE_HEIGHT + rows * cell_height - GAP)
    sheet = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    draw.text((MARGIN, MARGIN), title, font=_font(TITLE_SIZE), fill=INK)
    label_font = _font(LABEL_SIZE)
    for index, page in enumerate(pages):
        row, column = divmod(index, columns)
        x = MARGIN + column * cell_width
        y = MARGIN + TITLE_HEIGHT + row * cell_height
        sheet.paste(page, (x, y))
        draw.rectangle((x - 1, y - 1, x + page.width, y + page.height), outline=BORDER)
        _centred(draw, str(index + 1), label_font, x + page.width / 2, y + page.height + 6)
    return sheet


def _centred(draw: ImageDraw.ImageDraw, text: str, font, middle: float, top: float) -> None:
    left, _, right, _ = draw.textbbox((0, 0), text, font=font)
    draw.text((middle - (right - left) / 2, top), text, font=font, fill=INK)


@lru_cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _noto_sans()
    if path:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            pass  # an unreadable font file: the built-in font still does the job
    return ImageFont.load_default(size)


@lru_cache(maxsize=1)
def _noto_sans() -> str | None:
    """The Noto Sans file fontconfig would use, or None without fontconfig."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans"],
                               capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return found.stdout.strip() if Path(found.stdout.strip()).is_file() else None


def proof_path(pdf: Path) -> Path:
    return pdf.with_name(f"{pdf.stem}_proof.png")


def proof_built(folder: Path = defaults.CONTENT_DIR, languages: list[str] | None = None,
                out_dir: Path = defaults.OUTPUT_DIR, kinds: list[str] | None = None,
                formats: list[str] | None = None) -> list[Path]:
    """A contact sheet next to each PDF a build of ``folder`` wrote into ``out_dir``:
    every language, in every edition kind (screen, print, …) and page format the
    brochure lists (or those asked for), named as the build names them.

    Every PDF must be there before any sheet is written; raise ``BrochureError``
    naming each one that is missing.
    """
    folder, out_dir = Path(folder), Path(out_dir)
    project = load_project(folder, languages)
    problems = Problems()
    pdfs = []
    formats = formats or list(project.edition.formats) or [own_format(project)]
    for language in project.languages:
        for page_format in formats:
            for kind in kinds or project.edition.editions:
                pdf = output_path(project, out_dir, language, kind, page_format)
                pdfs.append(pdf)
                if not pdf.is_file():
                    named = "" if page_format == own_format(project) \
                        else f" --format {page_format}"
                    problems.error("not built yet", Location(relative_name(pdf)), hint=(
                        f"Run 'brochure build {folder} --lang {language} --edition {kind}"
                        f"{named} --out {out_dir}' first."))
    problems.raise_if_errors()
    return [contact_sheet(pdf, proof_path(pdf)) for pdf in pdfs]
