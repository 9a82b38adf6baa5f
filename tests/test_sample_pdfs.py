"""The sample brochure, rendered for real in every language and read back."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import yaml
from conftest import SAMPLE, text_of
from pdfs import document_language, fonts, is_embedded, outline_pages, page_texts, reader

from brochure.build import build


def test_every_language_gives_a_pdf_per_edition_named_after_edition_and_language(
        sample_build, sample_languages):
    built = [(b.kind, b.language) for b in sample_build.built]
    assert built == [(kind, language) for language in sample_languages
                     for kind in ("screen", "print")]
    for b in sample_build.built:
        assert b.path.name == f"gwangju-city_{b.kind}_{b.language}.pdf"
        assert b.path.read_bytes().startswith(b"%PDF-")


def test_each_edition_shows_its_title_in_its_own_script_on_the_cover(sample_pdfs):
    for language, path in sample_pdfs.items():
        cover = page_texts(path)[0]
        title = text_of(language)["title"]
        assert title in cover or title[::-1] in cover, (language, cover[:80])


def test_the_document_language_is_set_per_edition(sample_pdfs):
    for language, path in sample_pdfs.items():
        assert document_language(path) == language


def test_every_font_is_embedded_and_subset(sample_pdfs):
    for language, path in sample_pdfs.items():
        used = list(fonts(path))
        assert used, language
        for name, font in used:
            assert is_embedded(font), (language, name)
            assert re.match(r"^/[A-Z]{6}\+", name), (language, name)


def test_each_script_is_set_in_its_own_fonts(sample_pdfs):
    expected = {"ko": "CJK-KR|CJKkr|Noto-Serif-CJK-KR|NotoSerifCJKkr",
                "ja": "CJK-JP|CJKjp", "zh-Hans": "CJK-SC|CJKsc", "ar": "Arabic"}
    for language, pattern in expected.items():
        names = " ".join(name for name, _ in fonts(sample_pdfs[language]))
        assert re.search(pattern, names), (language, names)


def without_marks(text: str) -> str:
    """Text without combining marks: extraction may move Arabic vowel marks."""
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def test_the_contents_page_numbers_are_the_pages_where_sections_start(sample_pdfs):
    for language, path in sample_pdfs.items():
        contents = without_marks(page_texts(path)[1])
        starts = outline_pages(path)
        text = text_of(language)
        titles = [text["sections"][s]["title"] for s in text["sections"]]
        titles.append(text["back"]["title"])
        for title in titles:
            match = re.search(re.escape(without_marks(title)) + r"\s*(\d+)", contents)
            assert match, (language, title, contents)
            assert int(match.group(1)) == starts[title], (language, title)


def test_bookmarks_follow_the_headings_in_order(sample_pdfs):
    path = sample_pdfs["en"]
    text = text_of("en")
    pages = outline_pages(path)
    expected = [text["labels"]["contents"], text["labels"]["highlights"],
                *(text["sections"][s]["title"] for s in text["sections"]),
                text["back"]["title"]]
    assert list(pages) == expected
    assert list(pages.values()) == sorted(pages.values())


def test_metadata_has_title_author_subject_and_keywords(sample_pdfs):
    for language in ("en", "ko", "ar"):
        meta = reader(sample_pdfs[language]).metadata
        text = text_of(language)
        assert meta.title == f"{text['title']}: {text['subtitle']}"
        assert text["back"]["department"] in meta.author
        assert meta.subject == text["cover_note"]
        assert text["sections"]["economy"]["title"] in meta["/Keywords"]
        assert meta["/CreationDate"].startswith("D:20261101")


def test_facts_are_formatted_the_way_each_reader_expects(sample_pdfs):
    expected = {
        "en": ["May 25, 2011", "₩411.6 billion", "4.37 km²"],
        "ko": ["2011년 5월 25일", "₩4116억", "4.37km²"],
        "ja": ["2011年5月25日", "₩4116億"],
        "ru": ["25 мая 2011 г.", "411,6 миллиарда ₩", "4,37 км²"],
        "es": ["25 de mayo de 2011", "411,6 mil millones KRW"],
        # Money with the currency's symbol where each locale writes it (CLDR).
        "de": ["411,6 Milliarden ₩", "1 Billion ₩"],
        "fr": ["411,6 milliards ₩"],
        "vi": ["411,6 tỷ ₩"],
        "zh-Hans": ["₩4116亿"],
        "zh-Hant": ["￦4116億"],
        "th": ["₩4.116 แสนล้าน"],
        "ar": ["٤١١٫٦ مليار ₩"],
    }
    for language, values in expected.items():
        text = re.sub(r"\s+", " ", " ".join(page_texts(sample_pdfs[language])))
        for value in values:
            assert value in text, (language, value)


def test_links_on_the_back_page_are_clickable(sample_pdfs):
    last = reader(sample_pdfs["en"]).pages[-1]
    uris = [a.get_object()["/A"].get("/URI") for a in last.get("/Annots", [])]
    assert "https://www.gwangju.go.kr/" in uris
    assert any(str(u).startswith("tel:+82") for u in uris)


def test_the_same_content_gives_byte_identical_pdfs(sample_pdfs, sample_print_pdfs, tmp_path):
    again = build(SAMPLE, ["en", "ko", "ar"], tmp_path, jobs=1, kinds=["screen", "print"])
    for built in again.built:
        first = sample_pdfs if built.kind == "screen" else sample_print_pdfs
        assert built.path.read_bytes() == first[built.language].read_bytes(), \
            (built.kind, built.language)


def test_every_edition_shows_dates_and_amounts_as_cldr_writes_them(sample_pdfs):
    """The expected values are computed here with Babel, for every language of the
    sample: a template change can never print 2011-05-25 to a Korean reader."""
    from babel import Locale
    from babel.dates import format_date
    from babel.numbers import format_decimal

    edition = yaml.safe_load((SAMPLE / "edition.yaml").read_text(encoding="utf-8"))
    arabic_indic = {ord("0") + i: chr(0x0660 + i) for i in range(10)}
    for language, path in sample_pdfs.items():
        code = edition.get("locales", {}).get(language, language).replace("-", "_")
        locale = Locale.parse(code)
        native = arabic_indic if locale.default_numbering_system == "arab" else {}
        text = re.sub(r"\s+", " ", " ".join(page_texts(path)))
        date = format_date(dt.date(2011, 5, 25), "long", locale=locale).translate(native)
        count = format_decimal(12800, locale=locale, numbering_system="default").translate(native)
        assert re.sub(r"\s+", " ", date) in text, (language, date)
        assert re.sub(r"\s+", " ", count) in text, (language, count)
        assert "2011-05-25" not in text


def test_scripts_without_italics_are_never_slanted(sample_pdfs):
    for language in ("ko", "ja", "zh-Hans", "zh-Hant", "ar", "th"):
        names = [name for name, _ in fonts(sample_pdfs[language])]
        assert not [n for n in names if "Oblique" in n or "Italic" in n], (language, names)
