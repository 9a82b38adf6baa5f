"""The translator workflow: status (missing and stale texts), export to XLIFF or
PO, and import back into the text files. No PDF is rendered here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SAMPLE, edit, run
from lxml import etree

from brochure.content.validate import load_project
from brochure.translation.checks import check_translation
from brochure.translation.translations import fingerprint, status

XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"


def export(content: Path, language: str, *options: str) -> Path:
    result = run("export", language, str(content), *options)
    assert result.exit_code == 0, result.output
    return Path(re.match(r"(\S+): ", result.output).group(1))


def units_of(xlf: Path) -> dict[str, etree._Element]:
    tree = etree.parse(str(xlf))
    return {u.get("id"): u for u in tree.iter(f"{XLIFF}trans-unit")}


def set_target(xlf: Path, unit_id: str, text: str | None = None,
               state: str | None = None, new_id: str | None = None) -> None:
    """Edit one unit of an exported file, as a translation tool would."""
    tree = etree.parse(str(xlf))
    unit = next(u for u in tree.iter(f"{XLIFF}trans-unit") if u.get("id") == unit_id)
    target = unit.find(f"{XLIFF}target")
    if text is not None:
        target.text = text
    if state is not None:
        target.set("state", state)
    if new_id is not None:
        unit.set("id", new_id)
    tree.write(str(xlf), xml_declaration=True, encoding="UTF-8")


def snapshot(content: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((content / "text").iterdir())}


# --- status -----------------------------------------------------------------------

def test_the_sample_is_fully_translated_and_nothing_is_stale():
    for language in status(SAMPLE):
        assert language.current and not language.unknown, language
        assert language.has_lock and not language.unchecked, (
            f"{language.language}: run 'brochure status --accept {language.language}'")


def test_status_names_stale_and_missing_texts_and_strict_fails_on_them(content):
    edit(content / "text/en.yaml", "green conifer forest.", "green spruce forest.")
    others = [s.language for s in status(content) if s.language != "vi"]
    accepted = run("status", str(content), *(f"--accept={code}" for code in others))
    assert accepted.exit_code == 0, accepted.output
    edit(content / "text/ko.yaml", "  page: 페이지\n", "")

    result = run("status", str(content))
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()
            if re.match(r"\S+ +\d+/\d+ ", line)}
    # translated, missing, copied, stale, unchecked, unknown
    assert rows["vi"] == ["46/46", "0", "0", "1", "0", "0"]
    assert rows["ko"] == ["45/46", "1", "0", "0", "0", "0"]
    assert rows["ja"] == ["46/46", "0", "0", "0", "0", "0"]
    assert "vi stale: sections.energy.image_alt" in result.output
    assert "ko missing: labels.page" in result.output

    strict = run("status", str(content), "--strict")
    assert strict.exit_code == 1
    assert re.search(r"Not ready: ko, vi\b", strict.output)


def test_without_a_lock_file_texts_are_unchecked_never_stale(content):
    (content / "text/ja.lock").unlink()
    edit(content / "text/en.yaml", "green conifer forest.", "green spruce forest.")
    ja = next(s for s in status(content) if s.language == "ja")
    assert not ja.stale and not ja.has_lock
    assert len(ja.unchecked) == ja.total
    result = run("status", str(content))
    assert re.search(r"No lock file.*: ja\. .*--accept", result.output)


def test_unknown_fields_of_a_translation_are_listed(content):
    edit(content / "text/ru.yaml", "labels:\n", "labels:\n  pages: Страница\n")
    result = run("status", str(content))
    assert "ru unknown: labels.pages" in result.output


def test_rewrapping_the_master_text_does_not_make_translations_stale():
    assert fingerprint("one two\nthree\n") == fingerprint("one\ntwo three")
    assert fingerprint("one two\n\nthree") != fingerprint("one two three")
    assert fingerprint("one two") != fingerprint("one, two")


# --- export -----------------------------------------------------------------------

def test_export_writes_xliff_1_2_with_field_ids_states_and_notes(content):
    edit(content / "text/en.yaml", "green conifer forest.", "green spruce forest.")
    edit(content / "text/ja.yaml", "  page: ページ\n", "")
    xlf = export(content, "ja")
    assert xlf.name == "gwangju-city_ja.xlf"
    root = etree.parse(str(xlf)).getroot()
    assert root.get("version") == "1.2"
    file_node = root.find(f"{XLIFF}file")
    assert (file_node.get("source-language"), file_node.get("target-language")) == ("en", "ja")
    units = units_of(xlf)
    assert list(units)[:3] == ["title", "subtitle", "cover_note"]

    def state(unit_id):
        return units[unit_id].find(f"{XLIFF}target").get("state")

    assert state("title") == "translated"
    assert state("labels.page") == "needs-translation"
    assert state("sections.energy.image_alt") == "needs-review-translation"
    notes = " ".join(units["sections.democracy.body"].itertext())
    assert "{unesco-register} (printed as “2011年5月25日”)" in notes
    assert "Markdown text" in notes
    assert not units["labels.contents"].findall(f"{XLIFF}note")


def test_export_marks_stale_texts_fuzzy_in_po(content):
    edit(content / "text/en.yaml", "green conifer forest.", "green spruce forest.")
    po = export(content, "ko", "--format", "po")
    text = po.read_text(encoding="utf-8")
    assert po.name == "gwangju-city_ko.po"
    assert '"Language: ko\\n"' in text
    assert re.search(r'#, fuzzy\nmsgctxt "sections\.energy\.image_alt"', text)
    assert text.count("#, fuzzy") == 1


def test_export_does_not_replace_a_file_that_may_be_a_returned_translation(content):
    xlf = export(content, "ja")
    xlf.write_text("returned", encoding="utf-8")
    result = run("export", "ja", str(content))
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert xlf.read_text(encoding="utf-8") == "returned"


# --- import -----------------------------------------------------------------------

@pytest.mark.parametrize(("language", "fmt"), [
    ("ja", "xliff"), ("ar", "xliff"), ("zh-Hans", "xliff"), ("ru", "xliff"),
    ("ko", "po"), ("ar", "po")])
def test_export_then_import_unchanged_leaves_the_files_byte_identical(content, language,
                                                                       fmt):
    before = snapshot(content)
    exported = export(content, language, "--format", fmt)
    result = run("import", str(exported), str(content))
    assert result.exit_code == 0, result.output
    assert "no text changed" in result.output
    assert snapshot(content) == before


def test_an_imported_change_rewrites_only_that_text_in_its_block_style(content):
    ja_before = (content / "text/ja.yaml").read_text(encoding="utf-8")
    xlf = export(content, "ja")
    new_body = units_of(xlf)["intro.text"].find(f"{XLIFF}target").text.replace(
        "光州は韓国南西部で最大の都市であり", "光州は韓国南西部最大の都市であり")
    set_target(xlf, "intro.text", new_body)
    set_target(xlf, "sections.energy.image_alt", "明るい太陽の下、緑の丘に並ぶ風車と太陽光パネル。")
    result = run("import", str(xlf), str(content))
    assert result.exit_code == 0, result.output
    assert "2 texts changed" in result.output

    ja_after = (content / "text/ja.yaml").read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(ja_before.splitlines(), ja_after.splitlines(),
                                      strict=True) if a != b]
    assert [b for _, b in changed] == [
        "    " + new_body, "      明るい太陽の下、緑の丘に並ぶ風車と太陽光パネル。"]
    load_project(content)   # the build still reads every file
    ja = next(s for s in status(content) if s.language == "ja")
    assert ja.current and not ja.unchecked


def test_a_long_text_in_a_folded_block_is_wrapped_and_reads_back_as_one_line(content):
    xlf = export(content, "de")
    lead = ("Gwangju ist in ganz Korea als Stadt des Gewissens bekannt: ein Ort, dessen "
            "Bürgerinnen und Bürger immer wieder für Demokratie, Menschenrechte und "
            "Frieden eingetreten sind.")
    set_target(xlf, "sections.democracy.lead", lead)
    assert run("import", str(xlf), str(content)).exit_code == 0
    text = (content / "text/de.yaml").read_text(encoding="utf-8")
    block = text[text.index("    lead: >\n"):].split("\n    body:")[0].splitlines()[1:]
    assert len(block) == 3 and all(len(line) <= 76 for line in block)
    project = load_project(content, ["de"])
    assert project.texts["de"].data["sections"]["democracy"]["lead"] == lead + "\n"


def test_import_puts_a_missing_text_back_where_the_master_has_it(content):
    original = (content / "text/ko.yaml").read_bytes()
    edit(content / "text/ko.yaml", "  page: 페이지\n", "")
    xlf = export(content, "ko")
    set_target(xlf, "labels.page", "페이지", state="translated")
    result = run("import", str(xlf), str(content))
    assert result.exit_code == 0, result.output
    assert (content / "text/ko.yaml").read_bytes() == original


def test_a_text_translated_from_an_older_master_stays_stale(content):
    xlf = export(content, "vi")
    edit(content / "text/en.yaml", "green conifer forest.", "green spruce forest.")
    set_target(xlf, "sections.energy.image_alt",
               "Tua-bin gió và tấm pin mặt trời trên đồi xanh.")
    result = run("import", str(xlf), str(content))
    assert result.exit_code == 0, result.output
    assert "Still stale" in result.output and "sections.energy.image_alt" in result.output
    vi = next(s for s in status(content) if s.language == "vi")
    assert vi.stale == ("sections.energy.image_alt",)


def test_a_stale_text_confirmed_by_the_translator_becomes_current(content):
    edit(content / "text/en.yaml", "green conifer forest.", "green spruce forest.")
    before = (content / "text/es.yaml").read_bytes()
    xlf = export(content, "es")
    set_target(xlf, "sections.energy.image_alt", state="translated")
    result = run("import", str(xlf), str(content))
    assert result.exit_code == 0, result.output
    assert "Marked done without change: 1 text." in result.output
    assert (content / "text/es.yaml").read_bytes() == before
    assert next(s for s in status(content) if s.language == "es").current


def remove_placeholder(xlf: Path) -> None:
    target = units_of(xlf)["sections.democracy.body"].find(f"{XLIFF}target").text
    set_target(xlf, "sections.democracy.body", target.replace("{unesco-register}に", ""))


def merge_paragraphs(xlf: Path) -> None:
    target = units_of(xlf)["sections.democracy.body"].find(f"{XLIFF}target").text
    set_target(xlf, "sections.democracy.body", target.replace("\n\n", "", 1))


def unbalance_emphasis(xlf: Path) -> None:
    target = units_of(xlf)["sections.democracy.body"].find(f"{XLIFF}target").text
    set_target(xlf, "sections.democracy.body", target.replace("運動**", "運動*", 1))


@pytest.mark.parametrize(("spoil", "message"), [
    (remove_placeholder,
     r"gwangju-city_ja\.xlf:\d+: sections\.democracy\.body: \{unesco-register\} is "
     r"missing from the translation\. Copy it"),
    (lambda xlf: set_target(xlf, "labels.page", new_id="labels.pages"),
     r"gwangju-city_ja\.xlf:\d+: labels\.pages: there is no such field in the en text\. "
     r"Did you mean 'labels\.page'\?"),
    (merge_paragraphs,
     r"sections\.democracy\.body: paragraphs do not match: 2 in the translation, 3 in "
     r"the en text"),
    (unbalance_emphasis, r"sections\.democracy\.body: emphasis markers .* do not pair up"),
    (lambda xlf: set_target(xlf, "labels.contents", ""),
     r"labels\.contents: the translation is empty, and importing it would delete"),
], ids=["placeholder", "unknown-id", "paragraphs", "emphasis", "emptied"])
def test_a_wrong_unit_is_rejected_and_nothing_is_written(content, spoil, message):
    xlf = export(content, "ja")
    set_target(xlf, "title", "光州市")     # a good change, which must not be written either
    spoil(xlf)
    before = snapshot(content)
    result = run("import", str(xlf), str(content))
    assert result.exit_code == 1
    assert re.search(message, result.output), result.output
    assert "Nothing was written" in result.output
    assert snapshot(content) == before


def test_the_unit_line_is_given_for_a_wrong_unit(content):
    xlf = export(content, "ja")
    remove_placeholder(xlf)
    result = run("import", str(xlf), str(content))
    line = int(re.search(r"\.xlf:(\d+): sections\.democracy\.body", result.output).group(1))
    assert 'id="sections.democracy.body"' in xlf.read_text(encoding="utf-8").splitlines()[
        line - 1]


def test_a_file_that_is_not_xliff_is_reported_with_its_line(content):
    xlf = export(content, "ja")
    xlf.write_text(xlf.read_text(encoding="utf-8").replace("</body>", "</bdy>"),
                   encoding="utf-8")
    result = run("import", str(xlf), str(content))
    assert result.exit_code == 1
    assert re.search(r"gwangju-city_ja\.xlf:\d+: this is not a valid XLIFF file", result.output)


def test_the_markdown_check_catches_a_lost_list_item():
    source = "Steps:\n\n- by {a}, one;\n- by {b}, two."
    assert check_translation("x.body", source, "Schritte:\n\n- bis {a}, eins;\n- bis {b}, "
                             "zwei.", "en") == []
    findings = check_translation("x.body", source, "Schritte:\n\n- bis {a}, eins; bis {b}.",
                                 "en")
    assert [f.message for f in findings] == [
        "list items do not match: 1 in the translation, 2 in the en text"]
    assert check_translation("x.title", "*a*", "*b", "en") == []   # not Markdown


def test_import_starts_the_text_file_of_a_new_language(content):
    (content / "text/th.yaml").unlink()
    (content / "text/th.lock").unlink()
    xlf = export(content, "th")
    assert {u.find(f"{XLIFF}target").get("state") for u in units_of(xlf).values()} == {
        "needs-translation"}
    set_target(xlf, "labels.page", "หน้า")
    set_target(xlf, "title", "กวางจู")
    result = run("import", str(xlf), str(content))
    assert result.exit_code == 0, result.output
    assert "Still untranslated" in result.output
    text = (content / "text/th.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[1:] == ["title: กวางจู", "labels:", "  page: หน้า"]
    th = next(s for s in status(content) if s.language == "th")
    assert th.translated == ("title", "labels.page") and len(th.missing) == th.total - 2
    assert not th.stale and not th.unchecked


def test_the_build_gets_the_same_status_from_a_loaded_project(content):
    edit(content / "text/en.yaml", "green conifer forest.", "green spruce forest.")
    edit(content / "text/ko.yaml", "  page: 페이지\n", "")
    from brochure.problems import Problems
    from brochure.translation.translations import project_status

    problems = Problems()
    from_project = project_status(load_project(content, problems=problems), problems)
    assert from_project == {s.language: s for s in status(content)}
    assert from_project["ko"].missing == ("labels.page",)
    assert "sections.energy.image_alt" in from_project["ja"].stale


def test_a_file_named_for_another_language_is_refused(content):
    xlf = export(content, "ja")
    edit(xlf, 'target-language="ja"', 'target-language="ko"')
    before = snapshot(content)
    result = run("import", str(xlf), str(content))
    assert result.exit_code == 1
    assert "gwangju-city_ja.xlf: this file is named for ja, but says it is in ko" in result.output
    assert snapshot(content) == before
