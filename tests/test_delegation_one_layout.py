"""A delegation's screen and print editions come from one layout of its own
pages (as the brochure's do, pdf/derive.py), each joined with its brochure
part; and its zip stores the PDFs as they are. Read back from the real PDFs
of one delegation made by the command."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from brochure.cli.commands import main
from brochure.pdf.inspect import inspect_pdf
from brochure.pdf.preflight import check_claims
from tests.conftest import SAMPLE
from tests.test_delegation_join import _labels
from tests.test_one_layout import trim_offset, words


@pytest.fixture(scope="module")
def san_antonio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """San Antonio's screen and print editions (English)."""
    out = tmp_path_factory.mktemp("one-layout")
    result = CliRunner().invoke(main, ["delegations", str(SAMPLE), "--only", "san-antonio",
                                       "--edition", "screen", "--edition", "print",
                                       "--out", str(out), "--strict"])
    assert result.exit_code == 0, result.output
    return out / "delegations"


def test_a_delegations_screen_and_print_editions_have_the_same_words_at_the_same_places(
        san_antonio):
    screen = san_antonio / "san-antonio" / "san-antonio_screen_en.pdf"
    printed = san_antonio / "san-antonio" / "san-antonio_print_en.pdf"
    assert trim_offset(screen) == (0.0, 0.0)  # the screen page is the trim
    on_screen, on_paper = words(screen), words(printed, trim_offset(printed))
    assert len(on_screen) == len(on_paper) == 16  # four own pages, twelve of the brochure
    for page, (a, b) in enumerate(zip(on_screen, on_paper, strict=True), start=1):
        assert a, f"page {page} has no words"
        assert a == b, f"page {page} differs"
    assert "San Antonio" in " ".join(word for word, _, _ in on_screen[0])


def test_a_delegations_derived_editions_keep_their_labels_and_claims(san_antonio):
    folder = san_antonio / "san-antonio"
    for kind in ("screen", "print"):
        path = folder / f"san-antonio_{kind}_en.pdf"
        assert _labels(path)[:5] == ["i", "ii", "iii", "iv", "1"], kind
        settings = {"bleed_mm": 3.0, "variant": "pdf/x-4"} if kind == "print" else {}
        assert check_claims(inspect_pdf(path), kind, **settings) == [], kind
    report = inspect_pdf(folder / "san-antonio_print_en.pdf")
    assert report.variant.pdfx == "PDF/X-4"
    assert inspect_pdf(folder / "san-antonio_screen_en.pdf").variant.pdfua == "PDF/UA-1"


def test_the_zips_pdfs_are_stored_as_they_are_and_equal_the_files(san_antonio):
    folder = san_antonio / "san-antonio"
    with zipfile.ZipFile(san_antonio / "san-antonio.zip") as archive:
        infos = {info.filename: info for info in archive.infolist()}
        pdfs = sorted(name for name in infos if name.endswith(".pdf"))
        assert pdfs == ["san-antonio/san-antonio_print_en.pdf",
                        "san-antonio/san-antonio_screen_en.pdf"]
        for name in pdfs:
            assert infos[name].compress_type == zipfile.ZIP_STORED, name
            assert archive.read(name) == (folder / Path(name).name).read_bytes(), name
        assert infos["san-antonio/manifest.json"].compress_type == zipfile.ZIP_DEFLATED


def test_a_delegation_edition_that_cannot_be_derived_is_rendered_on_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from brochure.pdf import derive

    def cannot(*args, **kwargs):
        raise derive.CannotDerive("refused for the test")

    monkeypatch.setattr(derive, "derive_print", cannot)
    result = CliRunner().invoke(main, ["delegations", str(SAMPLE), "--only", "san-antonio",
                                       "--edition", "screen", "--edition", "print",
                                       "--out", str(tmp_path), "--strict", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    printed = tmp_path / "delegations" / "san-antonio" / "san-antonio_print_en.pdf"
    assert _labels(printed)[:5] == ["i", "ii", "iii", "iv", "1"]
    report = inspect_pdf(printed)
    assert report.variant.pdfx == "PDF/X-4"
    assert check_claims(report, "print", bleed_mm=3.0, variant="pdf/x-4") == []
    assert "San Antonio" in " ".join(word for word, _, _ in words(printed)[0])
