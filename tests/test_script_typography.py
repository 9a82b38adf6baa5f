"""Typography by the W3C requirements of each script, read back from the sample's
PDFs: Chinese and Japanese justified between characters, punctuation pairs
squeezed, dates kept whole, no lone last character (JLREQ, CLREQ); no lone last
word in leads and captions in every other script."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from html import unescape

import pytest
from pdfs import Line, outline_pages, page_texts, text_lines
from test_design import context

from brochure.render.script_rules import (
    LONGEST_BOUND_PAIR,
    isolate_left_to_right,
    keep_last_words_together,
    set_cjk,
)

CJK_LANGUAGES = ["ja", "zh-Hans", "zh-Hant"]
PUNCTUATION = set("、。，．・：；？！」』）】〕〉》「『（【〔〈《“”‘’…")
CLOSING = set("、。，．」』）】〕〉》")


def paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Lines of one size, top first, cut where the space between two lines is
    larger than the line spacing (the margin of a paragraph or a list item)."""
    if not lines:
        return []
    spacing = min((a.baseline - b.baseline for a, b in zip(lines, lines[1:], strict=False)),
                  default=0)
    groups = [[lines[0]]]
    for above, line in zip(lines, lines[1:], strict=False):
        if above.baseline - line.baseline > spacing * 1.1:
            groups.append([])
        groups[-1].append(line)
    return groups


def all_paragraphs(path) -> list[list[Line]]:
    """The paragraphs of every page, in each font size."""
    found = []
    for index in range(len(page_texts(path))):
        lines = text_lines(path, index)
        for size in sorted({line.size for line in lines}):
            found += paragraphs([line for line in lines if line.size == size])
    return found


def body_paragraphs(path, language: str) -> list[list[Line]]:
    """The paragraphs of every theme's text, on the page after its opener."""
    found = []
    starts = outline_pages(path)
    for section in context(language)["sections"]:
        lines = text_lines(path, starts[section["title"]])  # the page after the opener
        body_size = Counter(line.size for line in lines).most_common(1)[0][0]
        found += paragraphs([line for line in lines if line.size == body_size])
    return found


@pytest.mark.parametrize("language", CJK_LANGUAGES)
def test_chinese_and_japanese_lines_end_flush_with_the_measure(sample_pdfs, language):
    """Every line but a paragraph's last ends on the same right edge (set ragged,
    they fell short of it by up to 13 pt)."""
    groups = body_paragraphs(sample_pdfs[language], language)
    full = [line for group in groups for line in group[:-1]]
    assert len(full) >= 15, (language, len(full))
    edge = max(line.right for line in full)
    short = [(round(edge - line.right, 2), line.text) for line in full
             if edge - line.right > 1]
    assert short == [], language


@pytest.mark.parametrize("language", CJK_LANGUAGES)
def test_no_paragraph_ends_with_one_character_alone(sample_pdfs, language):
    # A page number under a full page can fall into the last paragraph's group
    # (lines close together); it is not a line of the paragraph.
    lasts = [group[-1].text for group in all_paragraphs(sample_pdfs[language])
             if len(group) > 1 and not group[-1].text.strip().isdigit()]
    assert len(lasts) >= 20, (language, len(lasts))
    alone = [text for text in lasts
             if len([c for c in text if c not in PUNCTUATION]) < 2]
    assert alone == [], language


@pytest.mark.parametrize("language", CJK_LANGUAGES)
def test_dates_and_numbers_with_their_counters_are_never_split(sample_pdfs, language):
    """'5月18日', '2045年', '411.6亿' stay on one line; a year may end a line
    before its month."""
    values = {fact["value"].replace("\u00a0", "") for fact in context(language)["highlights"]}
    values |= {fact["value"].replace("\u00a0", "")
               for section in context(language)["sections"] for fact in section["facts"]}
    breaks = [f"{above.text}|{below.text}" for group in all_paragraphs(sample_pdfs[language])
              for above, below in zip(group, group[1:], strict=False)
              if above.text not in values]  # the fact values: one block each
    assert len(breaks) >= 50, (language, len(breaks))
    split = [b for b in breaks if re.search(r"\d\|[\d年月日億亿万萬周週%％]"  # 2020年5|月
                                           r"|\d月\|\d", b)]                 # 5月|18日
    assert split == [], language


def closing_pairs(path) -> list[tuple[str, float, float]]:
    """Each closing mark followed by another mark (」。 》， ）、), with the first
    one's advance and the em of its font size, in points."""
    import pypdfium2 as pdfium

    found = []
    document = pdfium.PdfDocument(str(path))
    try:
        for page in document:
            textpage = page.get_textpage()
            characters = [textpage.get_text_range(i, 1) for i in range(textpage.count_chars())]
            for i, (first, second) in enumerate(zip(characters, characters[1:],
                                                    strict=False)):
                if first in CLOSING and second in PUNCTUATION:
                    left, _, right, _ = textpage.get_charbox(i, loose=True)
                    following, *_ = textpage.get_charbox(i + 1, loose=True)
                    found.append((first + second, following - left, right - left))
    finally:
        document.close()
    return found


@pytest.mark.parametrize("language", CJK_LANGUAGES)
def test_punctuation_pairs_are_squeezed(sample_pdfs, language):
    """Of 》。 the first is set half-width (the font's halt): the pair takes one
    and a half ems, not two."""
    pairs = closing_pairs(sample_pdfs[language])
    assert pairs, language
    wide = [(pair, round(advance / em, 2)) for pair, advance, em in pairs
            if advance > 0.75 * em]
    assert wide == [], language


def captions(language: str) -> list[str]:
    """The leads, fact labels and figure labels of a language, as printed."""
    view = context(language)
    return ([section["lead"] for section in view["sections"]]
            + [fact["label"] for section in view["sections"] for fact in section["facts"]]
            + [fact["label"] for fact in view["highlights"]])


def unmarked(text: str) -> str:
    """Words without their marks, the no-break space as a space: PDFium moves
    some Arabic marks (tanween) elsewhere in the line."""
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.parametrize("language", ["en", "de", "ru", "vi", "ar"])
def test_no_lead_or_caption_ends_with_one_word_alone(sample_pdfs, language):
    lines = [unmarked(line) for page in page_texts(sample_pdfs[language])
             for line in page.split("\n")]
    checked = 0
    for text in captions(language):
        words = unmarked(text).split()
        if len(words) < 2 or len(" ".join(words[-2:])) > LONGEST_BOUND_PAIR:
            continue
        last_two = " ".join(words[-2:])
        assert any(line.endswith(last_two) for line in lines), (language, last_two)
        checked += 1
    assert checked >= 8, (language, checked)


# --- the marks themselves, on HTML in memory ---------------------------------------

def printed(html: str) -> str:
    """The text a reader gets from HTML: tags gone, entities read."""
    return unescape(re.sub(r"<[^>]*>", "", html))


def test_cjk_marks_change_no_printed_character_but_the_colon():
    html = ('<body class="x"><p>運動40周年の2020年5月、5月18日に&amp;「記憶」》。光州:'
            '<a href="https://example.org/5月18日">5月18日</a>です。</p></body>')
    marked = set_cjk(html)
    assert printed(marked) == printed(html).replace(":", "：")
    assert '<a href="https://example.org/5月18日">5月18日</a>' in marked  # links untouched
    assert '<span class="kt"><span class="ln">40</span>周年</span>' in marked
    assert '<span class="kt">5月<span class="ln">18</span>日</span>' in marked
    assert '<span class="sq">」</span><span class="sq">》</span>。' in marked
    assert marked.endswith('<span class="kt">です。</span></p></body>')


def test_left_to_right_runs_are_isolated_and_plain_numbers_left_alone():
    html = "<body><p>اتصلوا على +82 62-613-2321، أو A&amp;B عام 2045.</p></body>"
    marked = isolate_left_to_right(html)
    assert printed(marked) == printed(html)
    assert '<span dir="ltr">+82 62-613-2321</span>،' in marked
    assert '<span dir="ltr">A&amp;B</span>' in marked
    assert "عام 2045." in marked


def test_last_two_words_are_bound_in_leads_and_captions_only():
    html = ('<body><p class="lead" data-field="x">A city of conscience.</p>'
            "<dd>Memory of the World</dd><p>An ordinary paragraph ends.</p></body>")
    marked = keep_last_words_together(html)
    assert "of\u00a0conscience.</p>" in marked and "the\u00a0World</dd>" in marked
    assert "paragraph ends.</p>" in marked
