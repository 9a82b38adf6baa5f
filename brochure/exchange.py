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

import copy
import difflib
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from lxml import etree
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from translate.storage import po, xliff

from . import defaults
from .localise import format_fact
from .model import MARKDOWN_FIELDS, PLACEHOLDER, Fact
from .problems import Location, Problems, relative_name
from .sources import load_yaml
from .translations import (
    Lock,
    TextFiles,
    check_translation,
    fingerprint,
    has_text,
    language_status,
    leaves,
    load_text_files,
    markdown_shape,
    usable_lock,
    write_lock,
)
from .typography import UnknownLanguage, typography_for
from .write import write_atomically

FORMATS = {"xliff": ".xlf", "po": ".po"}
XLIFF_NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"

TRANSLATED = "translated"
NEEDS_TRANSLATION = "needs-translation"
NEEDS_REVIEW = "needs-review-translation"
# States of a returned unit that mean "the translator says this is done".
DONE_STATES = frozenset({TRANSLATED, "signed-off", "final"})

FOLD_WIDTH = 76   # the longest line of a '>' text written by import, indent included


@dataclass
class Unit:
    """One field, as exchanged with a translator."""

    id: str
    source: str
    target: str
    state: str
    notes: list[str] = field(default_factory=list)
    line: int | None = None     # where the unit starts in a returned file


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
        typography = typography_for(language, files.edition.locales.get(language))
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


# --- XLIFF 1.2 and PO -----------------------------------------------------------------

class _Xliff12Unit(xliff.xliffunit):
    namespace = XLIFF_NAMESPACE


class _Xliff12File(xliff.xlifffile):
    """translate-toolkit's XLIFF store, writing version 1.2 (its default is 1.1)."""

    UnitClass = _Xliff12Unit
    namespace = XLIFF_NAMESPACE
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='1.2' xmlns='{XLIFF_NAMESPACE}'>
<file original='NoName' source-language='en' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""


def write_xliff(units: list[Unit], edition_id: str, master: str, language: str) -> bytes:
    store = _Xliff12File(sourcelanguage=master)
    store.settargetlanguage(language)
    for unit in units:
        item = store.addsourceunit(unit.source)
        item.setid(unit.id)
        item.settarget(unit.target)
        # The state says what to do; "approved" is the reviewer's, not ours.
        item.xmlelement.attrib.pop("approved", None)
        item.getlanguageNode(lang=None, index=1).set("state", unit.state)
        for note in unit.notes:
            item.addnote(note, origin="developer")
    # Named only now: the toolkit adds units to the file called "NoName".
    next(store.document.getroot().iterchildren(store.namespaced("file"))).set(
        "original", edition_id)
    return bytes(store)


def write_po(units: list[Unit], edition_id: str, master: str, language: str) -> bytes:
    store = po.pofile(noheader=True)
    header = store.addsourceunit("")
    header.target = (f"Project-Id-Version: {edition_id}\nLanguage: {language}\n"
                     "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
                     f"Content-Transfer-Encoding: 8bit\nX-Source-Language: {master}\n")
    for unit in units:
        item = store.addsourceunit(unit.source)
        item.setcontext(unit.id)   # the same English text may appear in two fields
        item.target = unit.target
        for note in unit.notes:
            item.addnote(note, origin="developer")
        item.markfuzzy(unit.state == NEEDS_REVIEW)
    return bytes(store)


@dataclass
class ExchangeFile:
    """A translator's file, read back."""

    name: str
    source_language: str | None
    target_language: str | None
    units: list[Unit]


def read_exchange(path: Path, problems: Problems) -> ExchangeFile | None:
    name = relative_name(path)
    try:
        data = path.read_bytes()
    except OSError:
        problems.error("this file cannot be opened", Location(name),
                       hint="Check the file name and folder.")
        return None
    is_po = path.suffix.lower() in (".po", ".pot") or \
        (path.suffix.lower() not in (".xlf", ".xliff") and not data.lstrip().startswith(b"<"))
    if b"urn:oasis:names:tc:xliff:document:2" in data:
        problems.error("this is an XLIFF 2 file; brochure reads XLIFF 1.2 and PO",
                       Location(name),
                       hint="Save it from the translation tool as XLIFF 1.2, the format "
                            "of the file 'brochure export' made.")
        return None
    try:
        return _read_po(name, data) if is_po else _read_xliff(name, data)
    except etree.XMLSyntaxError as exc:
        problems.error(f"this is not a valid XLIFF file ({exc.msg})",
                       Location(name, exc.lineno or None),
                       hint="Send back the file exactly as the translation tool saved it.")
    except Exception as exc:  # whatever the toolkit's parsers raise on a damaged file
        kind = "PO" if is_po else "XLIFF 1.2"
        problems.error(f"this file cannot be read as {kind} ({exc})", Location(name),
                       hint="Export it from the translation tool as XLIFF 1.2 or PO.")
    return None


def _read_xliff(name: str, data: bytes) -> ExchangeFile:
    store = xliff.xlifffile.parsestring(data)
    units = []
    for item in store.unit_iter():
        target_node = item.getlanguageNode(lang=None, index=1)
        state = target_node.get("state") if target_node is not None else None
        if state is None and item.isapproved():
            state = TRANSLATED
        units.append(Unit(item.xmlelement.get("id") or "", str(item.source or ""),
                          str(item.target or ""), state or NEEDS_TRANSLATION,
                          line=item.xmlelement.sourceline))
    return ExchangeFile(name, store.getsourcelanguage(), store.gettargetlanguage(), units)


def _read_po(name: str, data: bytes) -> ExchangeFile:
    store = po.pofile.parsestring(data)
    units = []
    for item in store.units:
        if item.isheader() or item.isobsolete():
            continue
        target = str(item.target or "")
        state = (NEEDS_TRANSLATION if not target else
                 NEEDS_REVIEW if item.isfuzzy() else TRANSLATED)
        units.append(Unit(item.getcontext() or "", str(item.source or ""), target, state,
                          line=item.line_number))
    header = store.parseheader()
    return ExchangeFile(name, header.get("X-Source-Language"), store.gettargetlanguage(),
                        units)


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
    new_text = _updated_yaml(files, language, updates, problems) if updates else None
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


# --- writing the text file and the lock ---------------------------------------------------

def _round_trip_yaml() -> YAML:
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096          # never re-wrap a plain text
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def _updated_yaml(files: TextFiles, language: str, updates: dict[str, str],
                  problems: Problems) -> str | None:
    """The text file with ``updates`` applied; everything else as it was."""
    path = files.text_path(language)
    document = _editable(path, files.edition.master, language, problems)
    if document is None:
        return None
    master = files.master.data
    for field_id, text in updates.items():
        *groups, key = field_id.split(".")
        parent, master_group = document, master
        for name in groups:
            parent = _group(parent, name, master_group)
            master_group = master_group[name]
        old = parent.get(key)
        value = _styled(text, old, master_group[key], indent=2 * len(groups) + 2)
        if key in parent:
            parent[key] = value
        else:
            _insert(parent, key, value, list(master_group))
    stream = io.StringIO()
    _round_trip_yaml().dump(document, stream)
    result = stream.getvalue()
    if not _reads_back(result, files, language, updates):
        problems.error("the new text could not be written safely; nothing was changed",
                       Location(relative_name(path)),
                       hint="Put the new texts into the file by hand.")
        return None
    return result


def _editable(path: Path, master: str, language: str, problems: Problems,
              ) -> CommentedMap | None:
    """The text file as ruamel.yaml reads it, with its comments and styles; a new
    one when there is none yet."""
    if not path.is_file():
        document = CommentedMap()
        document.yaml_set_start_comment(
            f"Translation of {master}.yaml into {language}. "
            "Keys and {placeholders} must stay as they are.\n")
        return document
    try:
        document = _round_trip_yaml().load(path.read_text(encoding="utf-8"))
    except RuamelError as exc:
        problems.error(f"this file cannot be updated ({exc})", Location(relative_name(path)),
                       hint="Run 'brochure check' and correct what it reports.")
        return None
    if document is None:
        return CommentedMap()
    if not isinstance(document, CommentedMap):
        problems.error("this file should hold 'name: value' lines",
                       Location(relative_name(path)),
                       hint="Copy the master text file to this name and translate it.")
        return None
    return document


def _group(parent: CommentedMap, name: str, master_group: dict[str, Any]) -> CommentedMap:
    if not isinstance(parent.get(name), dict):
        group = CommentedMap()
        if name in parent:
            parent[name] = group
        else:
            _insert(parent, name, group, list(master_group))
    return parent[name]


def _insert(parent: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    """Add a key where the master has it: after the keys that come before it there."""
    existing = list(parent)
    before = set(order[:order.index(key)])
    position = max((i + 1 for i, k in enumerate(existing) if k in before), default=0)
    if position == len(existing) and existing:
        # The empty line that ended the group belongs after the new last key.
        comments = parent.ca.items.pop(existing[-1], None)
        if comments is not None:
            parent.ca.items[key] = comments
    parent.insert(position, key, value)


def _styled(text: str, old: Any, master_text: str, indent: int) -> Any:
    """The new text in the style the field had: '|' and '>' blocks stay blocks,
    quotes stay quotes; a new text of several lines becomes a '|' block."""
    several_lines = "\n" in text
    block = isinstance(old, LiteralScalarString | FoldedScalarString) or (
        old is None and master_text.endswith("\n"))
    if several_lines or isinstance(old, LiteralScalarString):
        return LiteralScalarString(text + "\n")
    if block:
        folded = FoldedScalarString(text + "\n")
        folded.fold_pos = _fold_positions(text, FOLD_WIDTH - indent)
        return folded
    if isinstance(old, DoubleQuotedScalarString | SingleQuotedScalarString):
        return type(old)(text)
    if _reads_as_plain(text):
        return text
    return DoubleQuotedScalarString(text)   # as docs/content.md asks: in double quotes


def _reads_as_plain(text: str) -> bool:
    """Whether the build's YAML reader reads the text back unquoted (it reads
    'yes' as true and 'a: b' not at all)."""
    try:
        return yaml.safe_load(f"value: {text}") == {"value": text}
    except yaml.YAMLError:
        return False


def _fold_positions(text: str, width: int) -> list[int]:
    """Where to break a '>' text into lines of at most ``width`` columns (a Hangul
    or Han character takes two): only at a single space between two words, which
    the reader turns back into that space."""
    spaces = [i for i in range(1, len(text) - 1)
              if text[i] == " " and text[i - 1] != " " and text[i + 1] != " "]
    positions, start = [], 0
    for space, after in zip(spaces, [*spaces[1:], len(text)], strict=False):
        if _columns(text[start:after]) > width and space > start:
            positions.append(space)
            start = space + 1
    return positions


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _reads_back(text: str, files: TextFiles, language: str, updates: dict[str, str]) -> bool:
    """The new file, read the way the build reads it, has the new texts and
    every other value unchanged."""
    source = files.translations.get(language)
    expected = copy.deepcopy(source.data) if source and isinstance(source.data, dict) else {}
    for field_id, new in updates.items():
        *groups, key = field_id.split(".")
        group = expected
        for name in groups:
            if not isinstance(group.get(name), dict):
                group[name] = {}
            group = group[name]
        group[key] = new
    try:
        actual = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return _same_texts(actual, expected)


def _same_texts(actual: Any, expected: Any) -> bool:
    """Equal, but a text may gain or lose the line break that ends a block."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and actual.keys() == expected.keys() and all(
            _same_texts(actual[k], v) for k, v in expected.items())
    if isinstance(expected, str) and isinstance(actual, str):
        return actual.rstrip("\n") == expected.rstrip("\n")
    return actual == expected
