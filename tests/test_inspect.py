"""Preflight reports of real PDFs: the built sample, and small documents rendered
here with the real renderer to have what the sample lacks (raster images,
tagging, PDF/X and PDF/A claims, bleed, CMYK)."""

from __future__ import annotations

import base64
import gc
import io
import struct
import warnings
from pathlib import Path

import pytest
import weasyprint
from click.testing import CliRunner
from pdfs import fonts, reader
from PIL import Image

from brochure.cli.commands import main
from brochure.pdf.inspect import Variant, inspect_pdf
from brochure.pdf.preflight import NEEDS, check_claims

A4 = (210.0, 297.0)


def data_uri(data: bytes, media_type: str) -> str:
    return f"data:{media_type};base64," + base64.b64encode(data).decode("ascii")


def square_image(size: int, mode: str = "RGB", fmt: str = "PNG") -> str:
    image = Image.new(mode, (size, size), (200, 30, 30) if mode == "RGB" else (0, 90, 80, 0))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return data_uri(buffer.getvalue(), f"image/{fmt.lower()}")


def cmyk_profile(description: str) -> bytes:
    """The smallest ICC profile that names itself a CMYK printer profile: a header,
    a description and a white point. Enough for an output intent (it converts no
    colour; none of these tests asks it to)."""
    text = description.encode("ascii") + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * 78
    desc += b"\0" * (-len(desc) % 4)
    d50 = struct.pack(">iii", 63190, 65536, 54061)
    tags = [(b"desc", desc), (b"wtpt", b"XYZ \0\0\0\0" + d50)]
    offset = 128 + 4 + 12 * len(tags)
    table = data = b""
    for signature, body in tags:
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = struct.pack(">I4sI4s4s4s12s4s4sI4s4sQI", offset + len(data), b"none", 0x02100000,
                         b"prtr", b"CMYK", b"Lab ", b"\0" * 12, b"acsp", b"APPL", 0,
                         b"none", b"none", 0, 0) + d50 + b"\0" * 48
    return header + struct.pack(">I", len(tags)) + table + data


def html(body: str, css: str = "", title: str = "Test leaflet") -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>@page {{ size: A5; margin: 15mm }} {css}</style></head>"
            f"<body>{body}</body></html>")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory):
    """Render small documents once for the module: name → path."""
    folder = tmp_path_factory.mktemp("inspect")

    def render(name: str, document: str, **options) -> Path:
        path = folder / f"{name}.pdf"
        weasyprint.HTML(string=document).write_pdf(path, **options)
        return path

    return render


@pytest.fixture(scope="module")
def english(sample_pdfs):
    return inspect_pdf(sample_pdfs["en"])


@pytest.fixture(scope="module")
def english_print(sample_print_pdfs):
    return inspect_pdf(sample_print_pdfs["en"])


def test_the_sample_report_finds_pages_a4_boxes_fonts_language_and_title(english, sample_pdfs):
    path = sample_pdfs["en"]
    assert english.page_count == len(reader(path).pages)
    assert english.file_size == path.stat().st_size
    pages = [n for group in english.boxes for n in group.pages]
    assert sorted(pages) == list(range(1, english.page_count + 1))
    for group in english.boxes:
        for box in (group.media, group.trim, group.bleed):
            assert box is not None
            assert box.width == pytest.approx(A4[0], abs=0.5)
            assert box.height == pytest.approx(A4[1], abs=0.5)
    assert {f.name for f in english.fonts} == {name[1:] for name, _ in fonts(path)}
    assert all(f.embedded and f.subset for f in english.fonts)
    assert english.accessibility.language == "en"
    assert english.metadata.info_title == reader(path).metadata.title
    assert "https://www.gwangju.go.kr/" in english.metadata.uris


def test_the_screen_edition_is_tagged_rgb_pdf_ua_that_passes_the_screen_claims(english):
    assert english.variant == Variant(pdfua="PDF/UA-1")
    rgb = {use.used_for for use in english.colours if use.space.name == "DeviceRGB"}
    assert {"text", "vector"} <= rgb
    # The illustrations are SVG, drawn as vectors; the one raster image is the
    # energy theme's photo, in RGB and reduced to the screen's 150 ppi.
    [photo] = english.images
    assert photo.colour_space.family == "RGB" and 140 < photo.ppi <= 151
    assert english.accessibility.tagged
    assert english.accessibility.figures > 0
    assert english.accessibility.figures_without_alt == 0
    assert check_claims(english, "screen") == []


def test_the_print_edition_is_cmyk_pdf_x_with_bleed_that_passes_the_print_claims(english_print):
    report = english_print
    assert report.variant.pdfx == "PDF/X-4"
    assert [(i.subtype, i.colour_space) for i in report.output_intents] == [("GTS_PDFX", "CMYK")]
    assert {use.space.family for use in report.colours} == {"CMYK"}
    for group in report.boxes:
        assert group.trim.width == pytest.approx(A4[0], abs=0.5)
        assert all(mm == pytest.approx(3, abs=0.1)
                   for mm in group.bleed.margins_to(group.trim).values())
    assert check_claims(report, "print") == []


def test_an_image_is_measured_at_its_placed_size_even_inside_a_scaled_transparent_block(made):
    image = square_image(300)
    path = made("images", html(
        f'<img src="{image}" style="width: 1in">'
        '<div style="break-before: page; opacity: 0.5; transform: scale(2); '
        f'transform-origin: top left"><img src="{image}" style="width: 1in"></div>'))
    report = inspect_pdf(path)
    [info] = report.images
    assert (info.width, info.height, info.colour_space.name) == (300, 300, "DeviceRGB")
    assert info.pages == (1, 2)
    # Page 1: 300 px over 1 inch. Page 2: the same image drawn 2 inches wide.
    assert info.ppi == pytest.approx(150, rel=0.01)
    assert info.page == 2
    single = inspect_pdf(made("one-image", html(f'<img src="{image}" style="width: 1in">')))
    assert single.images[0].ppi == pytest.approx(300, rel=0.01)


def test_the_untagged_print_edition_fails_the_screen_claims(english_print):
    findings = check_claims(english_print, "screen")
    assert [f.message for f in findings if f.severity == "error"] == [
        "not tagged: screen readers get no headings, reading order or figure descriptions "
        "(render with tags, e.g. PDF/UA)"]


def test_a_plain_pdf_fails_the_screen_claims_on_each_missing_part(made):
    report = inspect_pdf(made("plain", "<p>No language, no title, no tags</p>"))
    messages = " | ".join(f.message for f in check_claims(report, "screen"))
    for expected in ("not tagged", "no document language", "no title"):
        assert expected in messages


def test_a_tagged_pdf_ua_with_alt_text_passes_the_screen_claims(made):
    image = square_image(30)
    report = inspect_pdf(made("ua", html(f'<h1>Title</h1><img src="{image}" alt="A red square">'),
                              pdf_variant="pdf/ua-1", pdf_tags=True))
    assert report.variant.pdfua == "PDF/UA-1"
    assert report.accessibility.tagged
    assert (report.accessibility.figures, report.accessibility.figures_without_alt) == (1, 0)
    assert check_claims(report, "screen") == []


def test_a_figure_without_alt_text_fails_the_screen_claims(made):
    report = inspect_pdf(made("no-alt", html(f'<img src="{square_image(30)}">'),
                              pdf_variant="pdf/ua-1", pdf_tags=True))
    messages = [f.message for f in check_claims(report, "screen")]
    assert messages == ["1 of 1 figures have no alternative text (/Alt): give every image an "
                        "alt text"]


def test_pdf_x4_without_an_output_intent_fails_the_print_claims(made):
    report = inspect_pdf(made("x4", html("<p>Hello</p>"), pdf_variant="pdf/x-4"))
    assert report.variant.pdfx == "PDF/X-4"
    assert report.output_intents == ()
    messages = [f.message for f in check_claims(report, "print") if f.severity == "error"]
    assert any(m.startswith("no output intent") for m in messages)
    assert any("RGB colour (DeviceRGB) in text" in m for m in messages)


def test_cmyk_pdf_x4_with_bleed_and_a_300_ppi_image_passes_the_print_claims(made):
    profile = data_uri(cmyk_profile("Test press CMYK"), "application/vnd.iccprofile")
    css = (f"@color-profile device-cmyk {{ src: url({profile}); components: c, m, y, k }} "
           "@page { bleed: 3mm } body { color: device-cmyk(0 0 0 1) } "
           "h1 { color: device-cmyk(1 0.5 0 0) } img { width: 1in }")
    body = f'<h1>Title</h1><p>Text</p><img src="{square_image(300, "CMYK", "JPEG")}">'
    report = inspect_pdf(made("x4-cmyk", html(body, css), pdf_variant="pdf/x-4"))
    [intent] = report.output_intents
    assert (intent.subtype, intent.profile, intent.colour_space, intent.components) == (
        "GTS_PDFX", "Test press CMYK", "CMYK", 4)
    [group] = report.boxes
    assert group.trim.width == pytest.approx(148, abs=0.5)
    assert group.bleed.width - group.trim.width == pytest.approx(6, abs=0.1)
    assert {use.space.family for use in report.colours} == {"CMYK"}
    assert check_claims(report, "print") == []
    wider = [f.message for f in check_claims(report, "print", bleed_mm=5)]
    assert len(wider) == 1 and "need 5 mm on every side" in wider[0]


def test_a_low_resolution_image_is_a_warning_then_an_error_for_print(made):
    report = inspect_pdf(made("soft", html(f'<img src="{square_image(200)}" style="width: 1in">')))
    [soft] = [f for f in check_claims(report, "print") if "ppi" in f.message]
    assert soft.severity == "warning" and "200 ppi" in soft.message
    [coarse] = [f for f in check_claims(report, "print", min_ppi=250) if "ppi" in f.message]
    assert coarse.severity == "error"


def test_pdf_a_with_its_srgb_intent_passes_the_archive_claims(made, english):
    # The renderer leaves its own sRGB profile file open when it adds a PDF/A
    # output intent; the unclosed file is its leak, not this module's.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        path = made("a2b", html("<p>Hello</p>"), pdf_variant="pdf/a-2b")
        gc.collect()
    report = inspect_pdf(path)
    assert report.variant.pdfa == "PDF/A-2b"
    assert [i.colour_space for i in report.output_intents] == ["RGB"]
    assert check_claims(report, "archive") == []
    assert any("claims no PDF/A" in f.message for f in check_claims(english, "archive"))


def test_a_build_reads_only_what_the_claims_need_and_judges_as_the_whole_report(
        made, sample_pdfs, sample_print_pdfs):
    image = square_image(200)
    pdfs = [sample_pdfs["ko"], sample_pdfs["ar"], sample_print_pdfs["ko"],
            made("x4-pattern", html(f'<div style="background: url({image}) repeat; '
                                    'height: 5cm; opacity: 0.5">Text</div>'),
                 pdf_variant="pdf/x-4")]
    for path in pdfs:
        whole = inspect_pdf(path)
        for kind, parts in NEEDS.items():
            report = inspect_pdf(path, parts=parts)
            assert check_claims(report, kind) == check_claims(whole, kind), (path, kind)
            assert report.fonts == whole.fonts  # every kind reads the fonts
            if "colours" in parts:
                assert (report.colours, report.images) == (whole.colours, whole.images)


def test_the_inspect_command_prints_every_section_of_the_report(sample_pdfs):
    result = CliRunner().invoke(main, ["inspect", str(sample_pdfs["en"])])
    assert result.exit_code == 0, result.output
    for section in ("Pages and boxes", "Variant and output intent", "Colour", "Images",
                    "Fonts", "Accessibility", "Metadata"):
        assert f"\n{section}\n" in result.output
    assert "pages 1–12: MediaBox 210.0 × 297.0 mm" in result.output


def test_inspect_as_a_use_exits_1_only_when_the_file_is_not_ready(sample_pdfs,
                                                                  sample_print_pdfs):
    runner = CliRunner()
    ready = runner.invoke(main, ["inspect", str(sample_pdfs["en"]), "--as", "screen"])
    assert ready.exit_code == 0, ready.output
    assert "Ready for screen: yes" in ready.output
    assert "veraPDF 1.31 PDF/UA-1: 0 failed rules" in ready.output
    not_ready = runner.invoke(main, ["inspect", str(sample_print_pdfs["en"]), "--as", "screen"])
    assert not_ready.exit_code == 1
    assert "Ready for screen: no (" in not_ready.output
    assert "error: not tagged" in not_ready.output
    # veraPDF's failed rules count as errors too.
    assert "error: veraPDF: rule 7.1-" in not_ready.output


def test_inspect_fails_cleanly_on_a_missing_or_non_pdf_file(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(main, ["inspect", str(tmp_path / "nowhere.pdf")])
    text = tmp_path / "notes.pdf"
    text.write_text("not a PDF at all", encoding="utf-8")
    not_pdf = runner.invoke(main, ["inspect", str(text)])
    for result, expected in ((missing, "no such file"), (not_pdf, "not a PDF file")):
        assert result.exit_code == 1
        assert isinstance(result.exception, SystemExit)
        assert result.output.strip().count("\n") == 0
        assert expected in result.output


def test_a_damaged_xmp_packet_is_an_error_not_a_missing_claim(sample_pdfs, tmp_path):
    import pikepdf

    damaged = tmp_path / "damaged.pdf"
    with pikepdf.open(sample_pdfs["en"]) as pdf:
        pdf.Root.Metadata = pdf.make_stream(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF")
        pdf.save(damaged, fix_metadata_version=False)  # keep the packet as broken
    report = inspect_pdf(damaged)
    assert report.variant.damaged_xmp
    [finding] = [f for f in check_claims(report, "screen") if "XMP" in f.message]
    assert finding.severity == "error" and "cannot be read" in finding.message
