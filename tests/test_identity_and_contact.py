"""Who the brochure is from and how to reach them: the emblem on the cover,
the contact page's address, e-mail and QR code, read back from the real PDFs
(text, links, pixels, colour operators)."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
from conftest import edit
from pdfs import page_texts, reader, text_box

from brochure.build import build
from brochure.defaults import DEFAULT_CMYK_PROFILE
from brochure.render.colour import to_cmyk

SCALE = 4   # pixels per point when a page is looked at


def _pixels(path: Path, page_index: int):
    document = pdfium.PdfDocument(str(path))
    try:
        page = document[page_index]
        return page.render(scale=SCALE).to_pil().convert("RGB"), page.get_height()
    finally:
        document.close()


def _ink_columns(image, top: float, bottom: float, height: float, background) -> list[int]:
    """The x (in points) of every column with a pixel unlike ``background``
    between ``top`` and ``bottom`` (points from the foot of the page)."""
    rows = range(int((height - top) * SCALE), int((height - bottom) * SCALE))
    columns = []
    for x in range(image.width):
        if any(sum(abs(a - b) for a, b in zip(image.getpixel((x, y)), background,
                                              strict=True)) > 60
               for y in rows[::2]):
            columns.append(x / SCALE)
    return columns


NAVY = (0x1D, 0x35, 0x57)
CREAM = (0xF8, 0xF4, 0xEC)


def test_the_emblem_stands_at_the_foot_of_the_cover_on_the_titles_edge(sample_pdfs):
    for language, name in (("en", "Gwangju Metropolitan City"), ("ar", "مدينة غوانغجو الكبرى")):
        pdf = sample_pdfs[language]
        image, height = _pixels(pdf, 0)
        sender = text_box(pdf, 0, name)
        title = text_box(pdf, 0, page_texts(pdf)[0].split("\n")[0])
        # The band of the sender line, the emblem 14 mm high (40 pt), below the title block.
        middle = (sender[1] + sender[3]) / 2
        inked = _ink_columns(image, middle + 20, middle - 20, height, NAVY)
        if language == "en":
            emblem = [x for x in inked if x < sender[0] - 2]
            assert abs(emblem[0] - title[0]) < 3, (emblem[0], title[0])   # on the title's edge
        else:   # right to left: the emblem on the right, on the title's right edge
            emblem = [x for x in inked if x > sender[2] + 2]
            assert abs(emblem[-1] - title[2]) < 3, (emblem[-1], title[2])
        assert 36 < emblem[-1] - emblem[0] < 44, language    # 14 mm wide
        assert middle < 0.2 * height                          # at the foot of the page


def test_a_logo_prints_in_the_print_profiles_cmyk_and_shows_in_srgb_on_screen(content):
    (content / "images/logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<circle cx="5" cy="5" r="5" fill="#123456"/></svg>', encoding="utf-8")
    edit(content / "edition.yaml", "logo: images/emblem.svg", "logo: images/logo.svg")
    report = build(content, ["en"], content.parent / "out", jobs=1, kinds=["screen", "print"])
    paths = {b.kind: b.path for b in report.built}
    c, m, y, k = to_cmyk((0x12, 0x34, 0x56), DEFAULT_CMYK_PROFILE)
    # Drawn in the profile's CMYK: as a colour of the output intent's space
    # (scn) or, derived from the one layout, as DeviceCMYK (k).
    printed = _fill_colours(paths["print"], "scn", 4) | _fill_colours(paths["print"], "k", 4)
    assert any(max(abs(a - b) for a, b in zip(found, (c, m, y, k), strict=True)) < 0.01
               for found in printed), printed
    assert not any(len(v) == 3 for v in _fill_colours(paths["print"], "scn", 3))
    assert (0x12 / 255, 0x34 / 255, 0x56 / 255) in {
        tuple(round(v * 255) / 255 for v in values)
        for values in _fill_colours(paths["screen"], "rg", 3)}


def _fill_colours(path: Path, operator: str, count: int) -> set[tuple[float, ...]]:
    """The fill colours set with ``operator`` on the cover, its drawings included."""
    found: set[tuple[float, ...]] = set()
    with pikepdf.open(path) as pdf:
        def walk(stream) -> None:
            for operands, op in pikepdf.parse_content_stream(stream):
                if str(op) == operator and len(operands) == count:
                    found.add(tuple(round(float(v), 3) for v in operands))
            resources = stream.get("/Resources")
            if resources is not None and "/XObject" in resources:
                for xobject in resources.XObject.values():
                    if xobject.get("/Subtype") == "/Form":
                        walk(xobject)
        walk(pdf.pages[0])
    return found


def test_the_contact_page_gives_the_address_and_e_mail_under_the_readers_labels(sample_pdfs):
    expected = {
        "en": ["Address", "111 Naebang-ro, Seo-gu", "Gwangju 61945", "Republic of Korea",
               "Telephone", "E-mail", "international@example.org", "Official website"],
        "ko": ["주소", "광주광역시 서구 내방로 111", "이메일", "international@example.org"],
        "ja": ["住所", "111 Naebang-ro, Seo-gu", "韓国", "メール"],
        "ru": ["Адрес", "Республика Корея", "Эл. почта"],
        # (PDFium reads the lam-alef of الإلكتروني back out of order: not asked here.)
        "ar": ["العنوان", "111 Naebang-ro, Seo-gu", "الهاتف", "international@example.org"],
    }
    for language, words in expected.items():
        back = page_texts(sample_pdfs[language])[-1]
        for word in words:
            assert word in back, (language, word)


def test_the_e_mail_is_a_mailto_link_on_screen(sample_pdfs):
    for language in ("en", "ar"):
        back = reader(sample_pdfs[language]).pages[-1]
        uris = [str(a.get_object()["/A"].get("/URI")) for a in back.get("/Annots", [])]
        assert "mailto:international@example.org" in uris, language


def test_the_qr_code_stands_on_the_contact_cards_text_edge(sample_pdfs):
    for language, name in (("en", "Gwangju Metropolitan City"), ("ar", "مدينة غوانغجو الكبرى")):
        pdf = sample_pdfs[language]
        image, height = _pixels(pdf, len(reader(pdf).pages) - 1)
        card = text_box(pdf, len(reader(pdf).pages) - 1, name)
        website = text_box(pdf, len(reader(pdf).pages) - 1, "www.gwangju.go.kr")
        # The QR code is the only thing drawn below the website line.
        qr = _ink_columns(image, website[1] - 10, 60, height, CREAM)
        assert 76 < qr[-1] - qr[0] < 84, language          # 28 mm
        edge = (qr[0], card[0]) if language == "en" else (qr[-1], card[2])
        assert abs(edge[0] - edge[1]) < 1.5, (language, edge)
