"""After layout, text that does not fit is found and named: its language (the
file), page and field. Each test renders one language in one edition."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_fails, edit, line_of
from pdfs import page_texts

from brochure.accept import compare_page_counts
from brochure.build import build, prepare
from brochure.problems import Problems
from brochure.render.render_html import ens

ONE_SCREEN_EDITION = ("--lang", "en", "--edition", "screen")


def test_a_long_title_is_set_smaller_and_keeps_the_cover_on_its_page(content):
    title = "Gwangju Metropolitan City of Light, Democracy and Future Industries"
    edit(content / "text/en.yaml", "title: Gwangju\n", f"title: {title}\n")
    report = build(content, ["en"], content.parent / "out", kinds=["screen"])
    pdf = report.built[0]
    assert pdf.pages == 12
    cover = " ".join(page_texts(pdf.path)[0].split())
    assert title in cover and "AN INTRODUCTION" in cover


def test_a_title_far_too_long_for_the_cover_is_refused_naming_the_field(content):
    text = content / "text/en.yaml"
    line = line_of(text, "title: Gwangju\n")
    edit(text, "title: Gwangju\n", "title: Gwangju Metropolitan City, the City of Light, "
         "of Democracy and Human Rights, of Culture and the Arts, of Artificial "
         "Intelligence and of Clean Energy for Everyone\n")
    build_fails(content,
                rf"content/text/en\.yaml:{line}:8: title: takes \d lines on page 1 of the "
                r"screen edition \(A4\); the design gives it 3\. Shorten it to about \d+ "
                r"characters",
                rf"content/text/en\.yaml:{line}:8: title: 'cover' \(1 page in the design\) "
                r"runs onto page 2 of the screen edition \(A4\), pushing cover_note there",
                options=ONE_SCREEN_EDITION)


def test_a_leaflet_with_too_much_text_is_refused(content):
    text = content / "text/en.yaml"
    welcome = "    Gwangju is the largest city in the south-west of Korea"
    edit(text, welcome, "    " + "Gwangju welcomes you. " * 40 + "\n\n" + welcome)
    line = line_of(text, "  text: |")  # the welcome's text, the first "text:"
    build_fails(content,
                rf"content/text/en\.yaml:{line}:9: intro\.text: 'intro' \(1 page in the "
                r"design\) runs onto page 2 of the screen edition \(leaflet\), pushing "
                r"labels\.highlights",
                options=(*ONE_SCREEN_EDITION, "--format", "leaflet"))


def test_a_word_too_long_for_its_column_is_refused_naming_field_and_page(content):
    """Thai has no spaces: a run the line breaker finds no word in cannot break."""
    text = content / "text/th.yaml"
    body = "      ธรรมเนียมการลุกขึ้นต่อต้านความอยุติธรรม"
    edit(text, body, "      " + "ฃฅ" * 40 + " " + body.lstrip())
    line = line_of(text, "ฃฅฃฅ") - 1
    build_fails(content,
                rf"content/text/th\.yaml:{line}:11: sections\.democracy\.body: on page 5 of "
                r"the screen edition \(A4\), 'ฃฅฃฅ.*…' runs [\d.]+ mm past the right edge of "
                r"its column\. A word this long cannot be broken",
                options=("--lang", "th", "--edition", "screen"))


def test_editions_of_one_language_with_different_page_counts_are_refused(content):
    editions = prepare(content, ["en"], content.parent / "out", False, Problems(),
                       kinds=["screen", "print"])
    screen, print_ = editions
    problems = Problems()
    compare_page_counts(editions, {screen.output: 12, print_.output: 13}, problems)
    assert [str(p) for p in problems] == [
        "content/text/en.yaml: the editions in A4 have different page counts (screen 12, "
        "print 13). The layout gate's other messages for this language say what does not "
        "fit; fix them and the editions agree again."]


def test_the_sample_keeps_to_its_designed_pages_in_every_language(sample_build):
    """The sample was built in strict mode: no layout finding in any language."""
    assert {b.pages for b in sample_build.built} == {12}


@pytest.mark.parametrize(("text", "width"), [
    ("Gwangju", 7), ("광주광역시", 10), ("光州", 4), ("กวางจู", 5), ("غوانغجو", 7)])
def test_a_title_is_measured_in_ens_in_every_script(text, width):
    assert ens(text) == width


def test_the_gate_reads_no_renderer_module():
    """Only render_pdf imports the renderer; the gate reads its boxes by duck typing."""
    layout = Path(__file__).parent.parent / "brochure" / "render" / "layout.py"
    source = layout.read_text(encoding="utf-8")
    assert "import weasyprint" not in source and "from weasyprint" not in source
