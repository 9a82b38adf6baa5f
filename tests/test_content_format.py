"""The content format: escaping, Markdown, fallbacks, overrides, CLDR formatting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import edit, line_of
from pdfs import page_texts

from brochure.build import build, prepare
from brochure.check import check
from brochure.content.localise import format_fact
from brochure.content.model import Fact
from brochure.content.typography import parse_locale
from brochure.defaults import project_templates
from brochure.problems import BrochureError, Problems
from brochure.render.render_html import keep_words_together


def html_of(content, language):
    editions = prepare(content, [language], content.parent / "out", False, Problems())
    return editions[0].html


def test_html_in_content_is_shown_as_text_not_run(content):
    edit(content / "text/en.yaml", "subtitle: City", "subtitle: <script>alert(1)</script> & City")
    edit(content / "text/en.yaml", "    body: |\n",
         "    body: |\n      <b>raw</b> & <script>x()</script>\n\n")
    html = html_of(content, "en")
    assert "<script>" not in html.split("</head>")[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; City" in html
    assert "&lt;b&gt;raw&lt;/b&gt; &amp; &lt;script&gt;" in html
    report = build(content, ["en"], content.parent / "out", jobs=1, kinds=["screen"])
    cover = page_texts(report.built[0].path)[0]
    assert "<script>alert(1)</script> & City" in cover


def test_markdown_in_body_text_becomes_emphasis_lists_and_links(content):
    html = html_of(content, "en")
    assert "<strong>May 18 Democratization Movement</strong>" in html
    assert "<em>Memory of the" in html
    assert "<ul>" in html and "<li>by 2030" in html


def test_a_missing_translation_falls_back_to_the_master_with_a_warning(content):
    edit(content / "text/ko.yaml", "\n  department:", "\n  department_old:")
    problems = Problems()
    with pytest.raises(BrochureError):  # the renamed field is unknown: an error
        prepare(content, ["ko"], content.parent / "out", False, problems)
    edit(content / "text/ko.yaml", "\n  department_old:", "\n  # department:")
    problems = check(content, ["ko"])
    [warning] = problems.warnings
    assert warning.location.file == "content/text/ko.yaml"
    assert warning.field == "back.department"
    assert "no translation, the en text is used" in str(warning)
    assert "Department of Policy Planning" in html_of(content, "ko")


def test_strict_mode_makes_a_missing_translation_an_error(content):
    edit(content / "text/ko.yaml", "\n  department:", "\n  # department:")
    with pytest.raises(BrochureError) as raised:
        check(content, ["ko"], strict=True)
    assert "back.department" in str(raised.value)


def test_an_edition_folder_can_override_one_template_and_add_a_stylesheet(content):
    (content / "templates").mkdir()
    original = (project_templates() / "brochure.html").read_text(encoding="utf-8")
    (content / "templates/brochure.html").write_text(
        original.replace('<div class="title-block">', '<div class="title-block own-template">'),
        encoding="utf-8")
    (content / "extra.css").write_text(".cover h1 { color: red; }", encoding="utf-8")
    edit(content / "edition.yaml", "stylesheets: [photo.css]",
         "stylesheets: [photo.css, extra.css]")
    [edition] = prepare(content, ["en"], content.parent / "out", False, Problems(), ["screen"])
    assert 'class="title-block own-template"' in edition.html
    assert edition.stylesheets[-1] == (content / "extra.css").resolve()
    assert any(isinstance(p, Path) and p.name == "brochure.css" for p in edition.stylesheets)


@pytest.mark.parametrize("language, fact, expected", [
    ("ko", Fact(date=dt.date(2011, 5, 25)), "2011년 5월 25일"),
    ("ja", Fact(date=dt.date(2011, 5, 25)), "2011年5月25日"),
    ("ru", Fact(date=dt.date(2011, 5, 25)), "25 мая 2011\u202fг."),
    ("ar", Fact(date=dt.date(2011, 5, 25)), "25 مايو 2011"),
    ("en", Fact(amount=411.6e9, currency="KRW"), "₩411.6 billion"),
    ("ko", Fact(amount=411.6e9, currency="KRW"), "₩4116억"),
    ("ja", Fact(amount=411.6e9, currency="KRW"), "₩4116億"),
    ("ru", Fact(amount=411.6e9, currency="KRW"), "411,6 миллиарда ₩"),
    ("ar", Fact(amount=411.6e9, currency="KRW"), "411.6 مليار ₩"),
    ("ko", Fact(number=4.37, unit="area-square-kilometer"), "4.37km²"),
    ("ru", Fact(number=4.37, unit="area-square-kilometer"), "4,37 км²"),
    ("ar", Fact(number=4.37, unit="area-square-kilometer"), "4.37 كم²"),
    ("ru", Fact(number=12800), "12\u00a0800"),
    ("es", Fact(month="2015-11"), "noviembre de 2015"),
    ("en", Fact(year=2045), "2045"),
])
def test_facts_are_formatted_with_cldr_for_each_reader(language, fact, expected):
    assert format_fact(fact, parse_locale(language)) == expected


WJ = "\u2060"  # WORD JOINER


def test_korean_words_are_kept_whole_in_the_body_only():
    html = ("<html><head><title>광주 소개</title></head>"
            "<body><p>광주는 민주주의의 도시, A&amp;B</p></body></html>")
    result = keep_words_together(html)
    assert "<title>광주 소개</title>" in result
    assert (f"<p>광{WJ}주{WJ}는 민{WJ}주{WJ}주{WJ}의{WJ}의 도{WJ}시{WJ}, A&amp;B</p>"
            in result)


def test_korean_words_of_a_heading_are_wrapped_whole_as_its_bookmark_reads_them():
    result = keep_words_together("<body><h2>민주주의와 인권</h2><p>광주</p></body>")
    assert ('<h2><span class="kw">민주주의와</span> <span class="kw">인권</span></h2>'
            f"<p>광{WJ}주</p>") in result


def test_a_korean_word_split_by_emphasis_is_joined_across_the_tag():
    result = keep_words_together("<body><p><em>세계기록유산</em>으로 등재</p></body>")
    assert f"<em>{WJ.join('세계기록유산')}</em>{WJ}으{WJ}로 등{WJ}재" in result


def test_an_edition_with_missing_translations_is_marked_draft_on_every_page(content):
    edit(content / "text/es.yaml", "\n  department:", "\n  # department:")
    report = build(content, ["es"], content.parent / "out", jobs=1, kinds=["screen"])
    pages = page_texts(report.built[0].path)
    assert all("DRAFT · 1 to translate" in page for page in pages)
    with pytest.raises(BrochureError):
        build(content, ["es"], content.parent / "out2", strict=True, jobs=1, kinds=["screen"])


def test_a_complete_edition_has_no_draft_mark(sample_pdfs):
    assert not any("DRAFT" in page for page in page_texts(sample_pdfs["es"]))


def test_a_stale_translation_makes_a_draft_and_a_final_build_refuses_it(content):
    edit(content / "text/en.yaml", "  contents: Contents", "  contents: Table of contents")
    problems = check(content, ["es"])
    [stale] = problems.warnings
    assert stale.field == "labels.contents" and stale.location.file == "content/text/es.yaml"
    assert "translated from an older en text" in stale.message
    with pytest.raises(BrochureError) as refused:
        check(content, ["es"], final=True)
    assert "A final build needs every text translated and up to date" in str(refused.value)
    html = html_of(content, "es")
    assert "DRAFT · 1 to translate" in html


def test_a_table_of_dates_numbers_amounts_and_percentages_for_every_language_follows_cldr():
    """Expected values come from Babel itself, for each language of the sample, so the
    formatting can never fall back to one convention for everybody."""
    import yaml
    from babel.dates import format_date as babel_date
    from babel.numbers import format_decimal as babel_decimal
    from babel.numbers import format_percent as babel_percent
    from conftest import SAMPLE

    from brochure.content.typography import typography_for

    edition = yaml.safe_load((SAMPLE / "edition.yaml").read_text(encoding="utf-8"))
    for language in edition["languages"]:
        typography = typography_for(language, edition.get("locales", {}).get(language))
        locale, native = typography.locale, typography.digits

        def printed(fact, locale=locale):
            return format_fact(fact, locale)

        day = dt.date(2011, 5, 25)
        assert printed(Fact(date=day)) == babel_date(day, "long", locale=locale)
        assert printed(Fact(number=12800)) == babel_decimal(
            12800, locale=locale, numbering_system="default")
        assert printed(Fact(percent=0.425)) == babel_percent(
            0.425, locale=locale, numbering_system="default", decimal_quantization=False)
        assert "2011-05-25" not in native(printed(Fact(date=day)))


def test_a_korean_word_longer_than_any_line_may_still_break():
    long_word = "가" * 30
    result = keep_words_together(f"<body><p>짧은 {long_word}</p></body>")
    assert f"짧{WJ}은 {long_word}</p>" in result


@pytest.mark.parametrize("language, amount, currency, expected", [
    ("fr", 411.6e9, "KRW", "411,6 milliards ₩"),
    ("fr", 1e12, "KRW", "1 billion ₩"),
    ("fr", 2.5e9, "EUR", "2,5 milliards €"),
    ("es", 411.6e9, "KRW", "411,6 mil millones KRW"),   # CLDR: no symbol in Spanish
    ("de", 1e12, "KRW", "1 Billion ₩"),
    ("de", 411.6e9, "KRW", "411,6 Milliarden ₩"),
    ("ru", 1e12, "KRW", "1 триллион ₩"),
    ("th", 411.6e9, "KRW", "₩4.116 แสนล้าน"),
    ("zh-Hant", 411.6e9, "KRW", "￦4116億"),
    ("zh-Hans", 1e12, "KRW", "₩1万亿"),
    ("vi", 411.6e9, "KRW", "411,6 tỷ ₩"),
    ("en", 2.5e9, "EUR", "€2.5 billion"),
    ("fr", 950, "EUR", "950\u00a0€"),     # a plain number keeps its symbol on its line
])
def test_large_amounts_read_as_a_native_speaker_writes_them(language, amount, currency,
                                                            expected):
    assert format_fact(Fact(amount=amount, currency=currency),
                       parse_locale(language)) == expected


@pytest.mark.parametrize("value, said", [
    ("1.0e+25", "less than 1000000000000000"), (".nan", "a finite number")])
def test_a_number_too_large_or_not_finite_is_located_not_a_crash(content, value, said):
    """CLDR's number formats fail on 25 digits (found by tests/test_fuzz_loader.py)."""
    facts = content / "facts.yaml"
    edit(facts, "suv-target: {number: 100000}", f"suv-target: {{number: {value}}}")
    with pytest.raises(BrochureError) as refused:
        check(content, ["ko"])
    line = line_of(facts, "suv-target:")
    assert any(f"facts.yaml:{line}:" in str(p) and "suv-target.number" in str(p)
               and said in str(p) for p in refused.value.problems), refused.value.problems


def test_a_file_name_with_a_nul_character_is_located_not_a_crash(content):
    """The operating system refuses such a name outright (found by tests/test_fuzz_loader.py)."""
    edition = content / "edition.yaml"
    edit(edition, "stylesheets: [photo.css]", 'stylesheets: [photo.css, "a\\0b.css"]')
    with pytest.raises(BrochureError) as refused:
        check(content, ["en"])
    line = line_of(edition, "stylesheets:")
    assert [str(p) for p in refused.value.problems] == [
        f"{edition.relative_to(content.parent)}:{line}:26: stylesheets: 'a\\x00b.css' holds "
        "a NUL character (U+0000), which no file name can"]
