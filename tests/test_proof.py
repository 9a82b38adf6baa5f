"""Proof sheets of the built sample: the grid of pages, and the ``proof`` command."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE
from PIL import Image

from brochure.cli.commands import main
from brochure.tools import proof

PAGE_WIDTH = 240
PAGE_HEIGHT = 340  # an A4 page 240 px wide is 339.4 px tall; PDFium rounds up
PAGES = 12


@pytest.fixture(scope="module")
def screen_pdfs(sample_build) -> dict[str, Path]:
    """The sample's screen edition (A4, no bleed), by language."""
    return {b.language: b.path for b in sample_build.built if b.kind == "screen"}


def borders(pixels: list[tuple[int, int, int]], longer_than: int = 100) -> list[int]:
    """The lengths of the page borders crossed by a line of pixels."""
    lengths, current = [], 0
    for pixel in [*pixels, proof.BACKGROUND]:
        if pixel == proof.BORDER:
            current += 1
            continue
        if current > longer_than:
            lengths.append(current)
        current = 0
    return lengths


def read_png(path) -> Image.Image:
    with Image.open(path) as image:
        assert image.format == "PNG"
        return image.convert("RGB")


def row_at(image: Image.Image, y: int) -> list[tuple[int, int, int]]:
    return [image.getpixel((x, y)) for x in range(image.width)]


def column_at(image: Image.Image, x: int) -> list[tuple[int, int, int]]:
    return [image.getpixel((x, y)) for y in range(image.height)]


def test_a_contact_sheet_shows_every_page_in_a_grid(screen_pdfs, tmp_path):
    target = proof.contact_sheet(screen_pdfs["en"], tmp_path / "en.png", columns=5)
    image = read_png(target)
    rows, columns = 3, 5  # 12 pages: 5 + 5 + 2
    page_height = PAGE_HEIGHT
    assert image.size == (
        2 * proof.MARGIN + columns * (PAGE_WIDTH + proof.GAP) - proof.GAP,
        2 * proof.MARGIN + proof.TITLE_HEIGHT
        + rows * (page_height + proof.LABEL_HEIGHT + proof.GAP) - proof.GAP)
    top_border = proof.MARGIN + proof.TITLE_HEIGHT - 1
    assert borders(row_at(image, top_border)) == [PAGE_WIDTH + 2] * columns
    first_column, third_column = (proof.MARGIN - 1 + k * (PAGE_WIDTH + proof.GAP)
                                  for k in (0, 2))
    assert borders(column_at(image, first_column)) == [page_height + 2] * rows
    assert len(borders(column_at(image, third_column))) == 2  # the last row has two pages


def test_each_page_has_its_number_written_under_it(screen_pdfs, tmp_path):
    image = read_png(proof.contact_sheet(screen_pdfs["ko"], tmp_path / "ko.png"))
    page_height = PAGE_HEIGHT
    for index in range(PAGES):
        row, column = divmod(index, 4)
        left = proof.MARGIN + column * (PAGE_WIDTH + proof.GAP)
        top = (proof.MARGIN + proof.TITLE_HEIGHT + page_height
               + row * (page_height + proof.LABEL_HEIGHT + proof.GAP))
        label = image.crop((left, top + 2, left + PAGE_WIDTH, top + proof.LABEL_HEIGHT))
        darkest, _ = label.convert("L").getextrema()
        assert darkest < 128, f"no number under page {index + 1}"


def test_the_proof_command_writes_one_png_per_language_next_to_the_pdfs(screen_pdfs, tmp_path):
    out = tmp_path / "output"
    out.mkdir()
    for language in ("en", "ar"):
        shutil.copy(screen_pdfs[language], out)
    result = CliRunner().invoke(main, ["proof", str(SAMPLE), "--lang", "en", "--lang", "ar",
                                       "--edition", "screen", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = [out / "gwangju-city_screen_en_proof.png", out / "gwangju-city_screen_ar_proof.png"]
    assert result.output.split() == [str(path) for path in written]
    for path in written:
        assert read_png(path).width > PAGE_WIDTH


def test_the_proof_command_says_to_build_first_when_a_pdf_is_missing(screen_pdfs, tmp_path):
    out = tmp_path / "output"
    out.mkdir()
    shutil.copy(screen_pdfs["en"], out)
    result = CliRunner().invoke(main, ["proof", str(SAMPLE), "--lang", "en", "--lang", "ko",
                                       "--edition", "screen", "--out", str(out)])
    assert result.exit_code == 1
    assert "gwangju-city_screen_ko.pdf: not built yet" in result.output
    assert f"brochure build {SAMPLE} --lang ko --edition screen --out {out}" in result.output
    assert "Traceback" not in result.output
    assert not list(out.glob("*.png"))  # nothing written, not even the English proof


def test_proof_finds_the_editions_of_another_format_as_the_build_named_them(content):
    out = content.parent / "out"
    options = ["--lang", "en", "--edition", "screen", "--format", "A5", "--out", str(out)]
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(content), *options]).exit_code == 0
    result = runner.invoke(main, ["proof", str(content), *options])
    assert result.exit_code == 0, result.output
    assert result.output.split() == [str(out / "gwangju-city_A5_screen_en_proof.png")]
