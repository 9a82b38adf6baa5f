"""Files for translators: export a language as XLIFF 1.2 or PO, import it back.

An exported file has one unit per field: its id is the field id
(``sections.democracy.body``), its source the master text, its target the
current translation, and its state says what the translator should do:
``translated``, ``needs-translation`` (missing) or ``needs-review-translation``
(stale; in PO, the "fuzzy" flag). Notes explain Markdown and {placeholders}.

Importing checks every unit first (known ids, placeholders, Markdown) and
writes nothing if one is wrong. Then it changes only the fields whose text
changed, through ruamel.yaml's round-trip mode, so the text file keeps its
comments, key order and block styles: a file exported and imported unchanged
stays byte for byte the same.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from brochure import defaults
from brochure.content.localise import format_fact
from brochure.content.model import MARKDOWN_FIELDS, PLACEHOLDER, Fact
from brochure.content.sources import load_yaml
from brochure.content.typography import UnknownLanguage, typography_for
from brochure.output.write import write_atomically
from brochure.problems import Location, Problems, relative_name
from brochure.translation.checks import check_translation, markdown_shape
from brochure.translation.exchange_formats import (
    DONE_STATES,
    FORMATS,
    NEEDS_REVIEW,
    NEEDS_TRANSLATION,
    TRANSLATED,
    ExchangeFile,
    Unit,
    read_exchange,
    write_po,
    write_xliff,
)
from brochure.translation.round_trip import updated_yaml
from brochure.translation.translations import (
    Lock,
    TextFiles,
    fingerprint,
    has_text,
    language_status,
    leaves,
    load_text_files,
    usable_lock,
    write_lock,
)


@dataclass
class ExportReport:
    path: Path
    language: str
    units: list[Unit]

    def count(self, state: str) -> int:
        return sum(1 for unit in self.units if unit.state == state)


@dataclass
class ImportReport:
    language: str
    text_path: Path
    lock_path: Path
    changed: list[str] = field(default_factory=list)      # new or different text
    confirmed: list[str] = field(default_factory=list)    # unchanged, marked done
    untranslated: list[str] = field(default_factory=list)  # still no text
    outdated: list[str] = field(default_factory=list)     # from an older master text
    text_written: bool = False
    lock_written: bool = False


# --- export ----------------------------------------------------------------------

def default_file_name(edition_id: str, language: str, fmt: str) -> Path:
    return Path(f"{edition_id}_{language}{FORMATS[fmt]}")


def export(folder: Path, language: str, fmt: str = "xliff", out: Path | None = None,
           force: bool = False) -> ExportReport:
    """Write a language's exchange file; refuse to overwrite one unless ``force``."""
    problems = Problems()
    files = load_text_files(folder, problems, [language])
    files.check_language(language, problems)
    problems.raise_if_errors()
    out = out or default_file_name(files.edition.id, language, fmt)
    if out.exists() and not force:
        problems.error(
            "this file already exists", Location(relative_name(out)),
            hint="It may be a translation sent back to you: import it first, "
                 "or name another file with --out, or replace it with --force.")
    units = export_units(files, language, problems)
    problems.raise_if_errors()
    writer = write_po if fmt == "po" else write_xliff
    write_atomically(out, writer(units, files.edition.id, files.edition.master, language))
    return ExportReport(out, language, units)


def export_units(files: TextFiles, language: str, problems: Problems) -> list[Unit]:
    """One unit per master field, in the master's order."""
    current = language_status(files, language, problems)
    source = files.translations.get(language)
    values = dict(leaves(source.data if source else None))
    examples = fact_examples(files, language)
    master = files.edition.master
    units = []
    for field_id, text in files.master_fields().items():
        state = (NEEDS_TRANSLATION if field_id in current.missing
                 else NEEDS_REVIEW if field_id in current.stale else TRANSLATED)
        target = exchange_text(values[field_id]) if state != NEEDS_TRANSLATION else ""
        units.append(Unit(field_id, exchange_text(text), target, state,
                          unit_notes(field_id, text, state, master, examples)))
    return units


def exchange_text(text: str) -> str:
    """A text as exchanged: without the line break that ends a '|' or '>' block."""
    return text.replace("\r\n", "\n").rstrip()


def unit_notes(field_id: str, source: str, state: str, master: str,
               examples: dict[str, str]) -> list[str]:
    """What a translator should know about one text."""
    notes = []
    if state == NEEDS_REVIEW:
        notes.append(f"The {master} text has changed since this was translated. Compare "
                     "the translation with it, change what differs, and mark it translated.")
    names = list(dict.fromkeys(PLACEHOLDER.findall(source)))
    if names:
        described = ", ".join(
            f"{{{n}}} (printed as “{examples[n]}”)" if n in examples else f"{{{n}}}"
            for n in names)
        notes.append(f"Keep {described} exactly as written, braces included: each is "
                     "replaced by a figure or a date. You may move it within the sentence.")
    if field_id.rsplit(".", 1)[-1] in MARKDOWN_FIELDS:
        notes.append(_markdown_note(source))
    return notes


def _markdown_note(source: str) -> str:
    shape = markdown_shape(source)
    parts = ["Markdown text"]
    if shape["paragraphs"] > 1:
        parts.append("keep one empty line between paragraphs")
    if shape["list items"]:
        parts.append("start each list item on a new line with '- '")
    if shape["emphasis"]:
        parts.append("put *…* (italic) and **…** (bold) around the translated words")
    if shape["links"]:
        parts.append("in [text](address), translate the text and keep the address")
    if len(parts) == 1:
        parts.append("*…* makes italic and **…** bold; an empty line starts a paragraph")
    return f"{parts[0]}: {'; '.join(parts[1:])}."


def fact_examples(files: TextFiles, language: str) -> dict[str, str]:
    """Each fact as the language prints it, to show translators what a
    {placeholder} becomes; facts that cannot be read are left out (the build
    reports them)."""
    source = load_yaml(files.folder / defaults.FACTS_FILE, Problems())
    try:
        typography = typography_for(language, files.edition.locales.get(language),
                                    files.edition.font_stacks())
    except UnknownLanguage:
        return {}
    examples = {}
    for fact_id, value in (source.data if source and isinstance(source.data, dict)
                           else {}).items():
        try:
            fact = Fact.model_validate(value)
        except ValidationError:
            continue
        examples[str(fact_id)] = typography.digits(format_fact(fact, typography.locale))
    return examples


# --- import ----------------------------------------------------------------------------

def import_file(path: Path, folder: Path) -> ImportReport:
    """Check a translator's file and write its texts into the language's text file."""
    problems = Problems()
    exchange = read_exchange(path, problems)
    problems.raise_if_errors()
    assert exchange is not None
    files = load_text_files(folder, problems, [])
    language = _file_language(exchange, files, problems)
    problems.raise_if_errors()
    assert language is not None
    files.load(language, problems)
    problems.raise_if_errors()
    source = files.translations.get(language)
    current = dict(leaves(source.data if source else None))
    units = _checked_units(exchange, files, language, current, problems)
    problems.raise_if_errors()

    report = ImportReport(language, files.text_path(language), files.lock_path(language))
    old_lock = usable_lock(files, language, problems) or Lock(files.edition.master)
    master = files.master_fields()
    updates, made_from = {}, {}
    for unit in units:
        target = exchange_text(unit.target)
        made_from[unit.id] = fingerprint(unit.source or master[unit.id])
        if not target:
            if not has_text(current.get(unit.id)):
                report.untranslated.append(unit.id)
        elif not has_text(current.get(unit.id)) or exchange_text(current[unit.id]) != target:
            updates[unit.id] = target
            report.changed.append(unit.id)
        elif unit.state in DONE_STATES and old_lock.fields.get(unit.id) != made_from[unit.id]:
            report.confirmed.append(unit.id)
    report.outdated = [f for f in report.changed + report.confirmed
                       if made_from[f] != fingerprint(master[f])]
    new_text = updated_yaml(files, language, updates, problems) if updates else None
    problems.raise_if_errors()
    if new_text is not None:
        write_atomically(report.text_path, new_text.encode("utf-8"))
        report.text_written = True
    # The lock records the master text the translator saw, which may be older
    # than the current one: then the field shows as stale.
    entries = {f: v for f, v in old_lock.fields.items() if f in master}
    entries.update({f: made_from[f] for f in report.changed + report.confirmed})
    report.lock_written = write_lock(report.lock_path, Lock(files.edition.master, entries),
                                     language)
    return report


def _file_language(exchange: ExchangeFile, files: TextFiles, problems: Problems,
                   ) -> str | None:
    """The edition's code for the file's language; tools may write ja-JP or
    zh_Hans for ja or zh-Hans."""
    where = Location(exchange.name)
    master = files.edition.master
    source = exchange.source_language
    if source and not _same_language(source, master):
        problems.error(
            f"this file was made from the {source} text, but the master text is {master}",
            where, hint="Export the file again with 'brochure export' and translate that.")
    target = exchange.target_language
    named = _language_in_name(exchange.name, files.languages)
    if named and target and not _same_language(target, named):
        problems.error(
            f"this file is named for {named}, but says it is in {target}", where,
            hint="Check that this is the right file. If it is, correct the target "
                 "language in the translation tool, or rename the file.")
        return None
    code = next((c for c in files.languages if c == target), None) or \
        next((c for c in files.languages if target and _same_language(target, c)), None)
    if code is None:
        problems.error(
            f"this file is for '{target}', which is not a translated language of "
            "this brochure" if target else "this file does not say which language it is in",
            where, hint=f"Set the file's target language to one of "
                        f"{', '.join(files.languages)}, or add the language to "
                        f"'languages' in {files.edition_source.name}.")
    return code


def _language_in_name(name: str, languages: list[str]) -> str | None:
    """The language an exported file's name gives: gwangju-city_ja.xlf → ja."""
    stem = Path(name).stem
    return next((code for code in sorted(languages, key=len, reverse=True)
                 if stem.endswith(f"_{code}")), None)


def _same_language(code: str, wanted: str) -> bool:
    simple, wanted = code.replace("_", "-").lower(), wanted.lower()
    return simple == wanted or simple.startswith(f"{wanted}-")


def _checked_units(exchange: ExchangeFile, files: TextFiles, language: str,
                   current: dict[str, Any], problems: Problems) -> list[Unit]:
    master = files.master_fields()
    master_language = files.edition.master
    seen: set[str] = set()
    for unit in exchange.units:
        where = Location(exchange.name, unit.line)
        if not unit.id:
            problems.error("this unit has no id", where,
                           hint="Keep the ids of the file as exported.")
            continue
        if unit.id in seen:
            problems.error("this id is given twice", where, field=unit.id,
                           hint="Keep one of the two units and delete the other.")
        seen.add(unit.id)
        if unit.id not in master:
            close = difflib.get_close_matches(unit.id, list(master), n=1)
            problems.error(
                f"there is no such field in the {master_language} text", where,
                field=unit.id, hint=f"Did you mean '{close[0]}'?" if close else
                "Keep the ids of the file as exported, or export a new file.")
            continue
        target = exchange_text(unit.target)
        if not target:
            if has_text(current.get(unit.id)):
                problems.error(
                    "the translation is empty, and importing it would delete the "
                    "current one", where, field=unit.id,
                    hint="Put the translation back in; it was in the file as exported.")
            continue
        source = unit.source or master[unit.id]
        for finding in check_translation(unit.id, source, target, master_language):
            problems.error(finding.message, where, field=unit.id, hint=finding.hint)
        _check_place(unit.id, current, files.text_path(language), where, problems)
    return [unit for unit in exchange.units if unit.id in master]


def _check_place(field_id: str, current: dict[str, Any], text_path: Path,
                 where: Location, problems: Problems) -> None:
    """A field can be written only where the text file has no text in its way
    (such as 'sections: none' where a group of fields belongs)."""
    parts = field_id.split(".")
    for depth in range(1, len(parts)):
        group = ".".join(parts[:depth])
        if current.get(group) is not None:
            problems.error(
                f"{group} in the text file is a text, where a group of fields belongs",
                where, field=field_id,
                hint=f"Fix {group} in {relative_name(text_path)} first.")
            return
