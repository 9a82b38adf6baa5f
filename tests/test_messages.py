"""Messages a person understands: the option is blamed for an option's mistake,
and YAML's surprises are shown as they were typed."""

from __future__ import annotations

import shlex

import pytest
from conftest import edit, line_of, run


@pytest.mark.parametrize(("typed", "meant"), [("kr", "ko"), ("jp", "ja"), ("cn", "zh-Hans"),
                                              ("KO", "ko"), ("zh-tw", "zh-Hant")])
def test_a_mistyped_language_option_is_blamed_on_the_option_with_a_suggestion(typed, meant):
    result = run("check", "--lang", typed)
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"--lang {typed}: not one of this brochure's languages (en, ko,")
    assert first.endswith(f"Did you mean --lang {meant}?")
    assert "edition.yaml" not in first


@pytest.mark.parametrize(("typed", "read_as"), [
    ("0626132321", "the number 106476753"),   # YAML 1.1: a leading zero is octal
    ("no", "yes/no"),
    ("1:30", "the number 90"),                 # YAML 1.1: base 60
])
def test_a_value_yaml_reads_as_something_else_is_shown_as_typed(content, typed, read_as):
    line = line_of(content / "edition.yaml", "  phone:")
    text = (content / "edition.yaml").read_text(encoding="utf-8")
    phone_line = text.splitlines()[line - 1]
    edit(content / "edition.yaml", phone_line, f"  phone: {typed}")
    result = run("check", str(content))
    assert result.exit_code == 1
    assert (f"content/edition.yaml:{line}:10: metadata.phone: should be text, not {typed}, "
            f"which YAML reads as {read_as}. Put the value in double quotes") in result.output


def test_the_import_hint_after_an_export_works_as_typed(content):
    exported = run("export", "ko", str(content))
    assert exported.exit_code == 0, exported.output
    hint = exported.output.strip().splitlines()[-1]
    assert hint.startswith("When it comes back: brochure import ")
    command = shlex.split(hint.removeprefix("When it comes back: brochure "))
    assert command[-1] == str(content)
    assert run(*command).exit_code == 0


def test_the_summary_says_which_editions_carry_the_draft_mark(content):
    edit(content / "text/ko.yaml", "  department: 정책기획관실\n", "")
    out = content.parent / "out"
    result = run("build", str(content), "--lang", "ko", "--lang", "en", "--edition", "screen",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.output.splitlines()
            if line.startswith(str(out))}
    assert rows[str(out / "gwangju-city_screen_ko.pdf")][-1] == "DRAFT"
    assert rows[str(out / "gwangju-city_screen_en.pdf")][-1] == "0"
    assert "Marked DRAFT on every page: ko" in result.output
