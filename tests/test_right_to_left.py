"""Right-to-left languages are laid out right to left throughout: Arabic in the
sample, and Persian and Hebrew to show it is not Arabic-only."""

from __future__ import annotations

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
CONTENTS = {"fa": "فهرست مطالب", "he": "תוכן העניינים", "ar": "المحتويات"}
DEMOCRACY = {"fa": "دموکراسی و حقوق بشر", "he": "דמוקרטיה וזכויות אדם",
             "ar": "الديمقراطية وحقوق الإنسان"}


@pytest.fixture(scope="module")
def rtl_pdfs(tmp_path_factory, sample_pdfs):
    """Persian and Hebrew editions of a copy of the sample, and the sample's Arabic."""
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
    report = build(folder, ["fa", "he"], folder.parent / "out", kinds=["screen"], jobs=1)
    return {**{b.language: b.path for b in report.built}, "ar": sample_pdfs["ar"]}


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
