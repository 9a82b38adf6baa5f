"""Line breaks as a reader of each script expects, counted from the PDF's lines."""

from __future__ import annotations

import re

import pytest
from conftest import SAMPLE
from pdfs import page_texts

from brochure.build import prepare
from brochure.content.localise import localise
from brochure.content.validate import load_project
from brochure.problems import Problems
from brochure.render.render_pdf import Renderer

HANGUL = re.compile(r"[\uac00-\ud7af]")
# Japanese and Chinese line rules (kinsoku): these never start a line...
NO_LINE_START = set("、。，．・：；？！」』）】〕〉》ー"
                    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
# ...and these never end one.
NO_LINE_END = set("「『（【〔〈《")


def source_text(language: str) -> str:
    """Every text of a language as printed: facts filled in, Markdown marks removed."""
    project = load_project(SAMPLE, [language], Problems())
    context = localise(project, language, Problems())

    def strings(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str):
            yield value

    return re.sub(r"\s+", " ", " ".join(strings(context["text"])).replace("*", ""))


def lines_of(pdf_pages: list[str]) -> list[str]:
    return [line.strip() for page in pdf_pages for line in page.split("\n") if line.strip()]


def mid_word_breaks(lines: list[str], source: str) -> list[str]:
    """Line ends that split a word: the two halves stand together, without a space,
    in the source text."""
    breaks = []
    for line, following in zip(lines, lines[1:], strict=False):
        end, start = line.split(" ")[-1], following.split(" ")[0]
        if not (HANGUL.search(end[-1:]) and HANGUL.search(start[:1])):
            continue
        if end + start in source and f"{end} {start}" not in source:
            breaks.append(f"{end}|{start}")
    return breaks


def test_korean_lines_break_only_between_words(sample_pdfs):
    lines = lines_of(page_texts(sample_pdfs["ko"]))
    assert len(lines) > 150  # the measure has something to measure
    assert mid_word_breaks(lines, source_text("ko")) == []


def test_without_keeping_words_whole_korean_breaks_mid_word(tmp_path):
    """The measure above can fail: the same page rendered without the pipeline's
    word joining breaks Korean words in the middle."""
    [edition] = prepare(SAMPLE, ["ko"], tmp_path, False, Problems(), ["screen"])
    plain = edition.html.replace("\u2060", "")
    pdf = Renderer().render(plain, edition.base_dir, edition.stylesheets, edition.roots,
                            edition.options)
    path = tmp_path / "plain.pdf"
    path.write_bytes(pdf.data)
    assert len(mid_word_breaks(lines_of(page_texts(path)), source_text("ko"))) >= 5


@pytest.mark.parametrize("language", ["ja", "zh-Hans"])
def test_japanese_and_chinese_follow_their_line_start_and_end_rules(sample_pdfs, language):
    lines = lines_of(page_texts(sample_pdfs[language]))
    assert len(lines) > 100
    bad_starts = [line for line in lines if line[0] in NO_LINE_START]
    bad_ends = [line for line in lines if line[-1] in NO_LINE_END]
    assert bad_starts == [] and bad_ends == []
