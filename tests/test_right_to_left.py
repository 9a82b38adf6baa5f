"""Right-to-left languages are laid out right to left throughout: Arabic in the
sample, and Persian and Hebrew to show it is not Arabic-only."""

from __future__ import annotations

import subprocess

import pytest
from conftest import edit
from pdfs import page_texts, page_width, text_box

from brochure.build import build, prepare
from brochure.problems import Problems

MM = 72 / 25.4

# A few fields of each language; the rest falls back to English (a draft).
TEXTS = {
    "fa": {"title: Gwangju": "title: گوانگجو",
           "  contents: Contents": "  contents: فهرست مطالب",
           "    title: Democracy and human rights": "    title: دموکراسی و حقوق بشر"},
    "he": {"title: Gwangju": "title: גוואנגג'ו",
           "  contents: Contents": "  contents: תוכן העניינים",
           "    title: Democracy and human rights": "    title: דמוקרטיה וזכויות אדם"},
}
# A lead with a telephone number and an address in each right-to-left script:
# left to right runs inside a right-to-left sentence.
PHONE = "+82 62-613-2321"
EMAIL = "info@gwangju.go.kr"
LEADS = {
    "ar": f"اتصلوا بنا على الرقم {PHONE} أو اكتبوا إلى {EMAIL} في أي وقت.",
    "fa": f"با شماره {PHONE} یا نشانی {EMAIL} با ما تماس بگیرید.",
    "he": f"התקשרו אלינו במספר {PHONE} או כתבו אל {EMAIL} בכל עת.",
}
CONTENTS = {"fa": "فهرست مطالب", "he": "תוכן העניינים", "ar": "المحتويات"}
DEMOCRACY = {"fa": "دموکراسی و حقوق بشر", "he": "דמוקרטיה וזכויות אדם",
             "ar": "الديمقراطية وحقوق الإنسان"}


@pytest.fixture(scope="module")
def rtl_pdfs(tmp_path_factory):
    """Arabic, Persian and Hebrew editions of a copy of the sample, the first
    theme's lead in each holding a telephone number and an e-mail address."""
    import shutil

    from conftest import SAMPLE

    folder = tmp_path_factory.mktemp("rtl") / "content"
    shutil.copytree(SAMPLE, folder)
    for language, replacements in TEXTS.items():
        text = (SAMPLE / "text/en.yaml").read_text(encoding="utf-8")
        for old, new in replacements.items():
            text = text.replace(old, new, 1)
        (folder / f"text/{language}.yaml").write_text(text, encoding="utf-8")
    edit(folder / "edition.yaml", "languages: [en,", "languages: [fa, he, en,")
    for language, lead in LEADS.items():
        path = folder / f"text/{language}.yaml"
        text = path.read_text(encoding="utf-8")
        start = text.index("    lead: >\n")
        end = text.index("    body: |", start)
        path.write_text(f"{text[:start]}    lead: \"{lead}\"\n{text[end:]}", encoding="utf-8")
    report = build(folder, ["ar", "fa", "he"], folder.parent / "out", kinds=["screen"],
                   jobs=1)
    return {b.language: b.path for b in report.built}


@pytest.mark.parametrize("language", ["ar", "fa", "he"])
def test_headings_and_contents_are_set_from_the_right(rtl_pdfs, language):
    path = rtl_pdfs[language]
    width = page_width(path)
    left, _, right, _ = text_box(path, 1, CONTENTS[language])
    assert right > width - 20 * MM and left > width / 2  # title against the right margin
    # In the contents, the entry is on the right and its page number on the left.
    entry_left, _, entry_right, _ = text_box(path, 1, DEMOCRACY[language])
    assert entry_right > width - 20 * MM
    page_number = {"fa": "۴", "ar": "٤", "he": "4"}[language]
    number_left, _, number_right, _ = text_box(path, 1, page_number)
    assert number_right < 30 * MM


@pytest.mark.parametrize("language", ["ar", "fa", "he"])
def test_the_running_header_is_mirrored(rtl_pdfs, language):
    path = rtl_pdfs[language]
    width = page_width(path)
    # On the theme's text page (page 5), the section title is top right.
    left, bottom, right, top = text_box(path, 4, DEMOCRACY[language])
    assert right > width - 20 * MM and bottom > 842 - 24 * MM  # in the top margin


def test_page_numbers_use_each_locales_digits(rtl_pdfs):
    assert page_texts(rtl_pdfs["fa"])[-1].split()[-1] == "۱۲"
    assert page_texts(rtl_pdfs["ar"])[-1].split()[-1] == "١٢"
    assert page_texts(rtl_pdfs["he"])[-1].split()[-1] == "12"


def test_right_to_left_pages_carry_the_direction(tmp_path):
    from conftest import SAMPLE

    [edition] = prepare(SAMPLE, ["ar"], tmp_path, False, Problems(), ["screen"])
    assert '<html lang="ar" dir="rtl">' in edition.html
    assert any(str(s).endswith("rtl.css") for s in edition.stylesheets)


def drawn_lines(path, page_index: int) -> list[str]:
    """The characters of each line of a page in the order they are drawn, left
    to right: what a reader sees, whatever order the text is stored in."""
    import ctypes

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        textpage = document[page_index].get_textpage()
        lines: dict[int, list[tuple[float, str]]] = {}
        x, y = ctypes.c_double(), ctypes.c_double()
        for index in range(textpage.count_chars()):
            character = textpage.get_text_range(index, 1)
            if character.strip() and pdfium.raw.FPDFText_GetCharOrigin(
                    textpage.raw, index, ctypes.byref(x), ctypes.byref(y)):
                lines.setdefault(round(y.value), []).append((x.value, character))
        return ["".join(c for _, c in sorted(line)) for line in lines.values()]
    finally:
        document.close()


@pytest.mark.parametrize("language", ["ar", "fa", "he"])
def test_numbers_and_addresses_in_right_to_left_text_read_in_their_own_order(
        rtl_pdfs, language):
    """Without isolation, '+82 62-613-2321' in a right-to-left sentence is drawn
    as '2321-613-62 82+' (the bidi algorithm reorders its runs)."""
    path = rtl_pdfs[language]
    poppler = subprocess.run(["pdftotext", "-f", "4", "-l", "4", str(path), "-"],
                             capture_output=True, text=True, check=True).stdout
    assert PHONE in poppler and EMAIL in poppler
    seen = "".join(drawn_lines(path, 3))
    assert PHONE.replace(" ", "") in seen and EMAIL in seen
