"""A mistake in the content gives a located, plain-language message, a non-zero
exit status, no traceback, and no PDF."""

from __future__ import annotations

import re

import pytest
from conftest import build_fails, edit, line_of, run


def test_invalid_yaml_names_file_line_and_column_and_what_to_do(content):
    line = line_of(content / "text/en.yaml", "title: Gwangju\n")
    edit(content / "text/en.yaml", "title: Gwangju\n", "title: Gwangju: the city\n")
    build_fails(content, rf"content/text/en\.yaml:{line}:15: this is not valid YAML",
                r"double quotes")


def test_a_tab_used_for_indenting_is_explained(content):
    edit(content / "text/ko.yaml", "\n  contents:", "\n\tcontents:")
    build_fails(content, r"content/text/ko\.yaml:\d+:\d+: .*tab")


def test_a_wrong_type_says_what_was_expected(content):
    line = line_of(content / "text/en.yaml", "title: Gwangju\n")
    edit(content / "text/en.yaml", "title: Gwangju\n", "title: 2045\n")
    build_fails(content,
                rf"content/text/en\.yaml:{line}:8: title: should be text, not the number 2045")


def test_an_unknown_field_suggests_the_right_name(content):
    edit(content / "edition.yaml", "page_size: A4", "page_sise: A4")
    build_fails(content, r"content/edition\.yaml:\d+:1: 'page_sise' is not a field",
                r"Did you mean 'page_size'\?")


def test_a_missing_field_is_named(content):
    edit(content / "text/en.yaml", "\n    body: |", "\n    bdy: |")
    build_fails(content, r"content/text/en\.yaml:\d+:\d+: sections\.democracy: 'body' is missing")


def test_a_missing_image_is_named_with_its_field(content):
    edit(content / "edition.yaml", "images/economy.svg", "images/energie.svg")
    build_fails(content, r"content/edition\.yaml:\d+:\d+: sections\[2\]\.image: "
                         r"the image 'images/energie\.svg' does not exist")


def test_an_unknown_language_code_is_refused(content):
    edit(content / "edition.yaml", "languages: [en,", "languages: [en, xx,")
    build_fails(content, r"content/edition\.yaml:\d+:\d+: languages\[2\]: "
                         r"'xx' is not a language code")


def test_a_language_without_its_text_file_says_how_to_start_one(content):
    (content / "text/vi.yaml").unlink()
    build_fails(content, r"content/text/vi\.yaml: the text file for this language does not exist",
                r"Copy text/en\.yaml")


def test_a_template_error_names_the_template_line(content):
    templates = content / "templates"
    templates.mkdir()
    (templates / "brochure.html").write_text(
        "<html>\n<body>\n{{ text.no_such_field }}\n</body></html>\n", encoding="utf-8")
    build_fails(content, r"content/templates/brochure\.html:3: template error")


def test_a_template_syntax_error_names_the_template_line(content):
    templates = content / "templates"
    templates.mkdir()
    (templates / "brochure.html").write_text("<html>\n{% if %}\n</html>\n", encoding="utf-8")
    build_fails(content, r"content/templates/brochure\.html:2: template error")


@pytest.mark.parametrize("reference, reason", [
    ("file:///etc/passwd", "address outside the brochure"),
    ("../../secret.txt", "points outside the content folder"),
    ("http://127.0.0.1/x.png", "address outside the brochure"),
    ("/etc/hostname", "absolute path"),
])
def test_references_outside_the_content_folder_are_refused(content, reference, reason):
    (content.parent.parent / "secret.txt").write_text("secret", encoding="utf-8")
    edit(content / "edition.yaml", "images/culture.svg", reference)
    build_fails(content, r"content/edition\.yaml:\d+:\d+: sections\[3\]\.image: .*" + reason)


def test_an_image_in_body_text_outside_the_folder_is_refused(content):
    edit(content / "text/en.yaml", "    body: |\n", "    body: |\n      ![x](../../secret.txt)\n\n")
    build_fails(content, r"content/text/en\.yaml:\d+:\d+: sections\.democracy\.body: "
                         r".*points outside the content folder")


def test_a_link_to_a_local_file_is_refused(content):
    edit(content / "text/ko.yaml", "    body: |\n", "    body: |\n      [x](file:///etc/passwd)\n\n")
    build_fails(content, r"content/text/ko\.yaml:\d+:\d+: sections\.democracy\.body: "
                         r"the link 'file:///etc/passwd' is not allowed")


def test_all_problems_in_all_files_are_reported_at_once(content):
    edit(content / "edition.yaml", "images/economy.svg", "images/missing.svg")
    edit(content / "text/en.yaml", "{unesco-register}", "{unesco-registr}")
    edit(content / "text/ja.yaml", "title:", "titel:")
    output = build_fails(content, r"images/missing\.svg", r"\{unesco-registr\}",
                         r"content/text/ja\.yaml:\d+:\d+: 'titel' is not in the master text")
    assert "3 error(s)" in output


def test_a_failed_build_keeps_the_previous_complete_pdf(content):
    out = content.parent / "out"
    options = ("--lang", "en", "--edition", "screen", "--out", str(out))
    assert run("build", str(content), *options).exit_code == 0
    before = (out / "gwangju-city_screen_en.pdf").read_bytes()
    edit(content / "text/en.yaml", "title: Gwangju\n", "title: [Gwangju\n")
    result = run("build", str(content), *options)
    assert result.exit_code == 1
    assert (out / "gwangju-city_screen_en.pdf").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [".brochure-build.json",
                                                     "gwangju-city_screen_en.pdf"]


def test_a_character_no_font_has_is_refused_before_rendering(content):
    # An emoji: none of the Korean edition's fonts has it.
    line = line_of(content / "text/ko.yaml", "  contents:")
    edit(content / "text/ko.yaml", "  contents: 목차", "  contents: 목차 \U0001F600")
    output = build_fails(
        content, rf"content/text/ko\.yaml:{line}:\d+: labels\.contents: '\U0001F600' "
                 r"\(U\+1F600 GRINNING FACE\) has no glyph in the fonts for ko "
                 r"\(Noto Serif CJK KR, Noto Serif, Noto Sans CJK KR, Noto Sans\)")
    assert "Nothing was written" in output


def test_the_renderer_reports_a_missing_glyph_it_draws(tmp_path):
    from brochure.render.render_pdf import Renderer

    # U+1FAE8 SHAKING FACE: no installed font has it.
    pdf = Renderer().render("<p>\U0001FAE8</p>", tmp_path, [], [tmp_path])
    assert pdf.missing_glyphs


def test_check_lists_the_problems_of_every_file_and_stage_in_one_pass(content):
    """A file that cannot be read is left out of later checks; every other file
    is still checked, delegations included, so one run lists everything."""
    edit(content / "text/ja.yaml", "title:", 'title: "not closed\n  x: [')
    edit(content / "edition.yaml", "images/economy.svg", "images/missing.svg")
    edit(content / "text/en.yaml", "{unesco-register}", "{unesco-registr}")
    edit(content / "edition.yaml", "languages: [en,", "languages: [en, xx,")
    delegation = sorted((content / "delegations").glob("*.yaml"))[0]
    delegation.write_text(delegation.read_text(encoding="utf-8") + "\nbogus: [\n",
                          encoding="utf-8")
    result = run("check", str(content))
    assert result.exit_code == 1
    for expected in (r"content/text/ja\.yaml:\d+:\d+: this is not valid YAML",
                     r"content/edition\.yaml:\d+:\d+: sections\[2\]\.image: the image "
                     r"'images/missing\.svg' does not exist",
                     r"content/text/en\.yaml:\d+:\d+: .*\{unesco-registr\} does not name a fact",
                     r"content/edition\.yaml:\d+:\d+: languages\[2\]: 'xx' is not a language",
                     rf"content/delegations/{delegation.name}:\d+:\d+: this is not valid YAML"):
        assert re.search(expected, result.output), (expected, result.output)
    assert "5 error(s)" in result.output


def test_text_files_are_checked_even_when_the_edition_file_is_wrong(content):
    edit(content / "edition.yaml", "template: brochure.html", "templat: brochure.html")
    edit(content / "text/en.yaml", "{unesco-register}", "{unesco-registr}")
    edit(content / "text/de.yaml", "title:", "titel:")
    result = run("check", str(content))
    assert result.exit_code == 1
    assert "'templat' is not a field that belongs here" in result.output
    assert "{unesco-registr} does not name a fact" in result.output
    assert "'titel' is not in the master text" in result.output
