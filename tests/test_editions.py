"""Every edition of every language meets its own claims, read back from the PDFs."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from conftest import SAMPLE
from pdfs import reader

from brochure.build import build
from brochure.pdf.inspect import inspect_pdf

MM = 72 / 25.4


def test_every_print_edition_is_cmyk_pdf_x4_with_an_output_intent(sample_print_pdfs):
    for language, path in sample_print_pdfs.items():
        report = inspect_pdf(path)
        assert report.variant.pdfx == "PDF/X-4", language
        assert [i.components for i in report.output_intents] == [4], language
        rgb = [use for use in report.colours if use.space.family == "RGB"]
        assert rgb == [], (language, rgb)
        assert all(image.colour_space.family != "RGB" for image in report.images)


def test_trim_and_bleed_boxes_are_3_mm_apart_on_every_side_of_every_page(sample_print_pdfs):
    for language, path in sample_print_pdfs.items():
        for number, page in enumerate(reader(path).pages, start=1):
            trim, bleed = page.trimbox, page.bleedbox
            gaps = [float(trim.left) - float(bleed.left), float(trim.bottom) - float(bleed.bottom),
                    float(bleed.right) - float(trim.right), float(bleed.top) - float(trim.top)]
            assert [round(g / MM, 2) for g in gaps] == [3.0] * 4, (language, number)
            assert round(float(trim.width) / MM, 1) == 210.0


def test_crop_marks_are_drawn_in_the_slug_outside_the_bleed(sample_print_pdfs):
    # Page 2 (contents) is white up to the bleed's edge: the marks are in the
    # slug beyond it (MediaBox = trim + 3 mm bleed + 7 mm slug), the bleed
    # band and the corner of the trimmed page stay white.
    document = pdfium.PdfDocument(str(sample_print_pdfs["en"]))
    image = document[1].render(scale=150 / 72).to_pil().convert("L")
    document.close()
    px = 150 / 25.4  # pixels per mm
    slug, bleed = round(7 * px), round(10 * px)  # from the MediaBox's edge

    def darkest(box):
        return image.crop(box).getextrema()[0]

    assert darkest((0, 0, slug, bleed + 2)) < 200  # the top-left vertical mark (0.25 pt)
    assert darkest((slug + 1, slug + 1, bleed * 3, bleed * 3)) > 240  # bleed and trim: white
    width, height = image.size
    assert darkest((width - slug, height - bleed - 2, width, height)) < 200
    assert darkest((width - bleed * 3, height - bleed * 3, width - slug - 1,
                    height - slug - 1)) > 240


def test_every_screen_edition_is_tagged_with_language_title_and_alt_text(sample_pdfs):
    for language, path in sample_pdfs.items():
        report = inspect_pdf(path)
        assert report.variant.pdfua == "PDF/UA-1", language
        assert report.accessibility.tagged, language
        assert report.accessibility.figures >= 6, language  # cover, four themes, QR code
        assert report.accessibility.figures_without_alt == 0, language
        assert report.accessibility.language == language
        assert report.metadata.info_title and report.metadata.xmp_title, language
        assert report.file_size < 3 * 1024 * 1024, (language, report.file_size)


@pytest.fixture(scope="module")
def archive(sample_archive_pdfs):
    return sample_archive_pdfs


def test_the_archive_edition_claims_pdf_a_2b_with_fonts_embedded(archive):
    for language, path in archive.items():
        report = inspect_pdf(path)
        assert report.variant.pdfa == "PDF/A-2b", language
        assert report.output_intents and all(f.embedded for f in report.fonts)


def test_the_archive_edition_is_reproducible(archive, tmp_path):
    again = build(SAMPLE, ["ko"], tmp_path, kinds=["archive"], jobs=1)
    assert again.built[0].path.read_bytes() == archive["ko"].read_bytes()


def test_a_print_shops_own_profile_becomes_the_output_intent(content):
    import shutil

    from conftest import build_fails, edit

    from brochure.defaults import DEFAULT_CMYK_PROFILE

    shutil.copy(DEFAULT_CMYK_PROFILE, content / "shop.icc")
    edit(content / "edition.yaml", "  bleed_mm: 3", "  bleed_mm: 3\n  profile: shop.icc")
    report = build(content, ["en"], content.parent / "shop", kinds=["print"], jobs=1)
    [intent] = inspect_pdf(report.built[0].path).output_intents
    assert intent.components == 4
    shutil.copy("/usr/share/color/icc/ghostscript/default_rgb.icc", content / "shop.icc")
    build_fails(content, r"content/edition\.yaml:\d+:\d+: print\.profile: 'shop\.icc' is not "
                         r"a CMYK ICC profile", options=("--edition", "print"))
