"""Limits: a mistaken or hostile content file is refused quickly, with its place."""

from __future__ import annotations

import time

from conftest import line_of, run

BODY = "    body: |\n"


def check_fails_quickly(content, *expected: str) -> str:
    started = time.perf_counter()
    result = run("check", str(content))
    assert time.perf_counter() - started < 10
    assert result.exit_code == 1 and "Traceback" not in result.output
    for text in expected:
        assert text in result.output, result.output
    assert result.output.strip().splitlines()[-1].startswith("Not ready to build: 1 error")
    return result.output


def test_a_yaml_alias_bomb_is_refused_while_reading(content):
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    with (content / "text/ko.yaml").open("a", encoding="utf-8") as text:
        text.write("bomb:\n" + "".join(f"  {line}\n" for line in levels))
    check_fails_quickly(content, "content/text/ko.yaml:", "more than 100,000 values",
                        "aliases")


def test_a_five_megabyte_text_file_is_refused_naming_it(content):
    text = content / "text/en.yaml"
    text.write_text(text.read_text(encoding="utf-8").replace(
        BODY, BODY + "      " + "word " * 1_000_000 + "\n", 1), encoding="utf-8")
    check_fails_quickly(content, "content/text/en.yaml: this file is 5.0 MB")


def test_a_body_over_the_field_limit_is_refused_at_its_line(content):
    text = content / "text/en.yaml"
    line = line_of(text, BODY)
    text.write_text(text.read_text(encoding="utf-8").replace(
        BODY, BODY + "      " + "word " * 10_000 + "\n", 1), encoding="utf-8")
    check_fails_quickly(content, f"content/text/en.yaml:{line}:11: sections.democracy.body: "
                                 "this text is 50,",
                        "at most 20,000")
