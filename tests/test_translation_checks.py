"""Translation checks that catch: a file copied from the master is not
translated, and a translation that lost a placeholder or a link is an error."""

from __future__ import annotations

import re
import shutil

import yaml
from conftest import edit, line_of, run


def start_language_from_english(content, code: str, translated: int) -> None:
    """A new language whose file is the English one with ``translated`` texts changed."""
    english = yaml.safe_load((content / "text/en.yaml").read_text(encoding="utf-8"))
    done = 0

    def translate(node):
        nonlocal done
        for key, value in node.items():
            if isinstance(value, dict):
                translate(value)
            elif isinstance(value, str) and done < translated and "{" not in value:
                node[key] = f"[{code}] {value}"
                done += 1

    translate(english)
    (content / f"text/{code}.yaml").write_text(yaml.safe_dump(english, allow_unicode=True),
                                               encoding="utf-8")
    edit(content / "edition.yaml", "languages: [en, ", f"languages: [en, {code}, ")


def test_a_file_copied_from_the_master_counts_as_untranslated(content):
    start_language_from_english(content, "pt", translated=6)
    status = run("status", str(content))
    row = next(line for line in status.output.splitlines() if line.startswith("pt "))
    assert row.split()[1:4] == ["6/46", "0", "40"]   # translated, missing, copied
    assert run("status", str(content), "--strict").exit_code == 1
    checked = run("check", str(content), "--lang", "pt", "--strict")
    assert checked.exit_code == 1
    assert "the same as the en text: not translated yet" in checked.output
    final = run("build", str(content), "--lang", "pt", "--final", "--out",
                str(content.parent / "out"))
    assert final.exit_code == 1 and not (content.parent / "out").exists()


def test_a_copied_name_accepted_by_a_reviewer_counts_as_translated(content):
    start_language_from_english(content, "pt", translated=46)
    shutil.copy(content / "text/en.yaml", content / "text/pt.yaml")  # all copied…
    assert run("status", str(content), "--accept", "pt").exit_code == 0  # …and accepted
    row = next(line for line in run("status", str(content)).output.splitlines()
               if line.startswith("pt "))
    assert row.split()[1:4] == ["46/46", "0", "0"]


def test_a_lost_placeholder_in_a_translation_is_an_error_at_its_line(content):
    text = content / "text/de.yaml"
    line = line_of(text, "    body: |\n")  # the democracy body holds {unesco-register}
    edit(text, "{unesco-register}", "2011")
    result = run("check", str(content), "--lang", "de")
    assert result.exit_code == 1
    assert f"content/text/de.yaml:{line}:11: sections.democracy.body: {{unesco-register}} " \
           "is missing from the translation" in result.output


def test_a_lost_link_in_a_current_translation_is_an_error(content):
    for language in ("en", "de"):
        edit(content / f"text/{language}.yaml", "    body: |\n",
             "    body: |\n      [Link](https://x.kr/).\n\n")
    assert run("status", str(content), "--accept", "de").exit_code == 0
    edit(content / "text/de.yaml", "[Link](https://x.kr/).", "Link.")
    result = run("check", str(content), "--lang", "de")
    assert result.exit_code == 1
    assert re.search(r"content/text/de\.yaml:\d+:\d+: sections\.democracy\.body: links do not "
                     r"match: 0 in the translation, 1 in the en text", result.output), \
        result.output


def test_a_stale_translation_is_not_checked_against_the_changed_master(content):
    edit(content / "text/en.yaml", "    body: |\n", "    body: |\n      [Link](https://x.kr/).\n\n")
    result = run("check", str(content), "--lang", "de")
    assert result.exit_code == 0, result.output
    assert "translated from an older en text" in result.output
