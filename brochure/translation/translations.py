"""Where each translation stands: translated, missing, stale or unknown fields.

A *field* is one text of a text file, named by its dotted path
(``sections.democracy.body``). A translated field is *stale* when the master
text it was translated from has changed since. To know that, each language
has a lock file, ``text/<language>.lock``, recording a fingerprint of the
master text of every field at the time its translation was made (written by
``brochure import`` and ``brochure status --accept``; never edited by hand).

Without a lock file, or for a field the lock does not list, nothing says
which master text a translation was made from: such fields count as
translated, are listed as *unchecked*, and are never reported stale.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from brochure import defaults
from brochure.content.model import Edition
from brochure.content.sources import KeyPath, Source, field_name, load_yaml, text_fields
from brochure.content.validate import report_validation_error
from brochure.output.write import write_atomically
from brochure.problems import Location, Problems, relative_name

if TYPE_CHECKING:
    from brochure.content.validate import Project

LOCK_SUFFIX = ".lock"


# --- fingerprints and lock files -----------------------------------------------

def fingerprint(text: str) -> str:
    """A short fingerprint of a master text.

    Line breaks and spaces inside a paragraph are ignored, so re-wrapping the
    master's lines does not make its translations stale; a changed word,
    punctuation mark or paragraph break does.
    """
    paragraphs = re.split(r"\n[ \t]*\n", text.strip())
    normal = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Lock:
    """Field id → fingerprint of the master text its translation was made from."""

    master: str
    fields: dict[str, str] = field(default_factory=dict)


def read_lock(path: Path, problems: Problems) -> Lock | None:
    """A language's lock file; None when there is none (or it cannot be used)."""
    if not path.is_file():
        return None
    source = load_yaml(path, problems)
    if source is None:
        return None
    data = source.data
    entries = data.get("fields") if isinstance(data, dict) else None
    if not (isinstance(data, dict) and isinstance(data.get("master"), str)
            and isinstance(entries, dict)
            and all(isinstance(v, str) for v in entries.values())):
        problems.error(
            "this lock file is damaged", source.where(),
            hint=f"Check the translation, then run 'brochure status --accept {path.stem}' "
                 "to write it again.")
        return None
    return Lock(data["master"], {str(k): v for k, v in entries.items()})


def lock_text(lock: Lock, language: str) -> str:
    """The lock file's content: sorted, so the same state gives the same bytes."""
    lines = [
        f"# Which {lock.master} text each field of {language}.yaml was translated from",
        "# (a fingerprint of it). Written by 'brochure import' and",
        f"# 'brochure status --accept {language}'. Do not edit.",
        f"master: {json.dumps(lock.master, ensure_ascii=False)}",
        "fields:" if lock.fields else "fields: {}",
    ]
    for field_id in sorted(lock.fields):
        key = field_id if re.fullmatch(r"[A-Za-z0-9_.-]+", field_id) else json.dumps(field_id)
        lines.append(f"  {key}: {json.dumps(lock.fields[field_id])}")
    return "\n".join(lines) + "\n"


# --- text files, loaded leniently ------------------------------------------------

@dataclass
class TextFiles:
    """A brochure's edition and text files, read without the build's full checks,
    so that unfinished or faulty translations can still be reported on."""

    folder: Path
    edition: Edition
    edition_source: Source
    master: Source
    translations: dict[str, Source | None]   # those loaded; None: no file yet

    @property
    def languages(self) -> list[str]:
        """The translated languages, in the edition's order (not the master)."""
        return [code for code in self.edition.languages if code != self.edition.master]

    def text_path(self, language: str) -> Path:
        return self.folder / defaults.TEXT_DIR / f"{language}.yaml"

    def lock_path(self, language: str) -> Path:
        return self.folder / defaults.TEXT_DIR / f"{language}{LOCK_SUFFIX}"

    def load(self, language: str, problems: Problems) -> None:
        """Read a language's text file (reading is slow: only those needed)."""
        path = self.text_path(language)
        self.translations[language] = load_yaml(path, problems) if path.is_file() else None

    def master_fields(self) -> dict[str, str]:
        return master_fields(self.master.data)

    def check_language(self, language: str, problems: Problems) -> None:
        """Report a language that is not a translated language of this edition."""
        if language == self.edition.master:
            problems.error(
                f"'{language}' is the master language: there is nothing to translate",
                self.edition_source.where(("master",)),
                hint=f"Edit {relative_name(self.text_path(language))} directly.")
        elif language not in self.edition.languages:
            problems.error(
                f"'{language}' is not one of this brochure's languages",
                self.edition_source.where(("languages",)),
                hint=f"Choose from {', '.join(self.languages)}, or add it to 'languages'.")


def load_text_files(folder: Path, problems: Problems | None = None,
                    languages: list[str] | None = None) -> TextFiles:
    """The edition, the master text and the text files of ``languages`` (default:
    every translated language); raise ``BrochureError`` when they cannot be read."""
    problems = problems if problems is not None else Problems()
    folder = Path(folder)
    edition_path = folder / defaults.EDITION_FILE
    if not edition_path.is_file():
        problems.error(f"no {defaults.EDITION_FILE} here", Location(relative_name(folder)),
                       hint="Give the folder of a brochure, for example content/gwangju.")
        problems.raise_if_errors()
    edition_source = load_yaml(edition_path, problems)
    edition = _edition(edition_source, problems) if edition_source else None
    problems.raise_if_errors()
    assert edition is not None and edition_source is not None
    master = load_yaml(folder / defaults.TEXT_DIR / f"{edition.master}.yaml", problems)
    problems.raise_if_errors()
    assert master is not None
    if not isinstance(master.data, dict):
        problems.error("this file should hold 'name: value' lines", master.where())
        problems.raise_if_errors()
    files = TextFiles(folder, edition, edition_source, master, {})
    for code in files.languages:
        if languages is None or code in languages:
            files.load(code, problems)
    problems.raise_if_errors()
    return files


def _edition(source: Source, problems: Problems) -> Edition | None:
    try:
        return Edition.model_validate(source.data)
    except ValidationError as exc:
        report_validation_error(exc, Edition, source, problems)
        return None


def master_fields(data: Any) -> dict[str, str]:
    """Every text of the master file, by field id, in the file's order."""
    return {field_name(path): text for path, text in text_fields(data)}


def leaves(data: Any, path: KeyPath = ()) -> Iterator[tuple[str, Any]]:
    """Every value of a text file that is not a group, by field id (empty ones too)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*path, str(key)))
    elif path:
        yield field_name(path), data


def has_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


# --- status --------------------------------------------------------------------

@dataclass(frozen=True)
class LanguageStatus:
    """One language compared with the master. Every list holds field ids, in the
    master's order (``unknown``: in the translation's order)."""

    language: str
    total: int                    # fields in the master
    translated: tuple[str, ...]   # has a text (fresh, stale or unchecked)
    missing: tuple[str, ...]      # no text: the master's is printed instead
    copied: tuple[str, ...]       # the master's text, never accepted as the translation
    stale: tuple[str, ...]        # translated from a master text that has changed since
    unchecked: tuple[str, ...]    # translated; nothing records from which master text
    unknown: tuple[str, ...]      # in the translation but not in the master
    has_lock: bool = True

    @property
    def complete(self) -> bool:
        return not self.missing and not self.copied

    @property
    def current(self) -> bool:
        """Every field translated from the master text as it is now (as far as known)."""
        return self.complete and not self.stale


def compare(language: str, master: dict[str, str], translation: Any,
            lock: Lock | None) -> LanguageStatus:
    """Where a translation stands against the master fields and its lock."""
    values = dict(leaves(translation))
    locked = lock.fields if lock is not None else {}
    # A text left as the master's (a file copied to start a translation) is not
    # translated, unless a reviewer accepted it as it is (a name, an acronym).
    copied = [f for f in master if has_text(values.get(f)) and f not in locked
              and _same_text(values[f], master[f])]
    translated = [f for f in master if has_text(values.get(f)) and f not in copied]
    stale = [f for f in translated if f in locked and locked[f] != fingerprint(master[f])]
    unchecked = [f for f in translated if f not in locked]
    unknown = [f for f, value in values.items()
               if f not in master and not (value is None and _is_group(f, master))]
    missing = [f for f in master if not has_text(values.get(f))]
    return LanguageStatus(
        language=language, total=len(master), translated=tuple(translated),
        missing=tuple(missing), copied=tuple(copied),
        stale=tuple(stale), unchecked=tuple(unchecked), unknown=tuple(unknown),
        has_lock=lock is not None)


def _same_text(translation: str, master: str) -> bool:
    """The same words: only texts with letters count (a phone number is the
    same in every language)."""
    return " ".join(translation.split()) == " ".join(master.split()) and \
        any(character.isalpha() for character in master)


def _is_group(field_id: str, master: dict[str, str]) -> bool:
    return any(f.startswith(f"{field_id}.") for f in master)


def language_status(files: TextFiles, language: str, problems: Problems) -> LanguageStatus:
    source = files.translations.get(language)
    lock = usable_lock(files, language, problems)
    return compare(language, files.master_fields(), source.data if source else None, lock)


def usable_lock(files: TextFiles, language: str, problems: Problems) -> Lock | None:
    """The language's lock, unless it was made against another master language."""
    lock = read_lock(files.lock_path(language), problems)
    if lock is not None and lock.master != files.edition.master:
        problems.warning(
            f"this lock records {lock.master} texts, but the master is now "
            f"{files.edition.master}", Location(relative_name(files.lock_path(language))),
            hint=f"Check the translation, then run 'brochure status --accept {language}'.")
        return None
    return lock


def status(folder: Path, problems: Problems | None = None) -> list[LanguageStatus]:
    """Every translated language of a brochure, in the edition's order."""
    problems = problems if problems is not None else Problems()
    files = load_text_files(folder, problems)
    result = [language_status(files, code, problems) for code in files.languages]
    problems.raise_if_errors()
    return result


def project_status(project: Project, problems: Problems) -> dict[str, LanguageStatus]:
    """The status of every language of a loaded project (the master excluded)."""
    master = master_fields(project.texts[project.edition.master].data)
    result = {}
    for language in project.languages:
        if language == project.edition.master:
            continue
        lock_path = project.folder / defaults.TEXT_DIR / f"{language}{LOCK_SUFFIX}"
        lock = read_lock(lock_path, problems)
        if lock is not None and lock.master != project.edition.master:
            lock = None
        result[language] = compare(language, master, project.texts[language].data, lock)
    return result


def accepted_lock(files: TextFiles, language: str) -> Lock:
    """A lock recording every translated field of a language as made from the
    master text as it is now; a text the same as the master's is accepted as it is."""
    master = files.master_fields()
    source = files.translations.get(language)
    current = compare(language, master, source.data if source else None, None)
    return Lock(files.edition.master,
                {f: fingerprint(master[f]) for f in (*current.translated, *current.copied)})


def accept(folder: Path, languages: list[str]) -> list[tuple[str, Path, int]]:
    """Record, for each language, that its translated fields match the master as
    it is now (after a reviewer checked them, or when adopting lock files).
    Returns (language, lock file, fields recorded) for each language."""
    problems = Problems()
    files = load_text_files(folder, problems, languages)
    for language in languages:
        files.check_language(language, problems)
    problems.raise_if_errors()
    result = []
    for language in languages:
        lock = accepted_lock(files, language)
        write_lock(files.lock_path(language), lock, language)
        result.append((language, files.lock_path(language), len(lock.fields)))
    return result


def write_lock(path: Path, lock: Lock, language: str) -> bool:
    """Write a lock file unless it already says the same; True when written."""
    text = lock_text(lock, language)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomically(path, text.encode("utf-8"))
    return True
