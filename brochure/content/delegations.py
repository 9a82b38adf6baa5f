"""Delegation files: who is visiting, when, and what they will do.

``CONTENT_DIR/delegations/<id>.yaml`` describes one visiting delegation; a
personalised edition of the brochure is made for it in each of its languages
(see docs/delegations.md). This module loads those files with positions
(``sources.load_yaml``), checks them with pydantic like ``validate`` does the
brochure, and adds the checks a model cannot make alone: the delegation's
languages are the brochure's, every personalised text is written in each of
them (no fallback: what is handed to a guest must be complete), and the
programme stays inside the visit without two items at the same time.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints, ValidationError

from brochure import defaults
from brochure.content.model import Model
from brochure.content.sources import KeyPath, Source, field_name, load_yaml
from brochure.content.validate import report_validation_error, suggest_language, validated
from brochure.problems import Location, Problems, relative_name

DELEGATIONS_DIR = defaults.DELEGATIONS_DIR
WORDING_DIR = "text"  # delegations/text/<language>.yaml: the words around a programme

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _clock(value: Any) -> Any:
    """'9:30' or '14:30' as a time of day (the city's wall clock)."""
    if isinstance(value, str) and (match := _CLOCK.match(value.strip())):
        return dt.time(int(match.group(1)), int(match.group(2)))
    if isinstance(value, str):
        raise ValueError(f"'{value}' is not a time of day: write it as 9:30 or 14:00")
    return value


Clock = Annotated[dt.time, BeforeValidator(_clock)]
# A text as printed: one for every language (a name as written), or one per language.
Wording = str | dict[str, str]


class Person(Model):
    name: Wording               # as written; per language when transliterated
    title: Wording


class Host(Person):
    phone: str | None = None
    email: str | None = None


class Item(Model):
    date: dt.date
    start: Clock
    end: Clock
    activity: Wording
    place: Wording


class DelegationFile(Model):
    name: Wording
    languages: list[str] = Field(min_length=1, max_length=2)
    arrives: dt.date
    departs: dt.date
    time_zone: str = defaults.TIME_ZONE
    programme: list[Item] = Field(min_length=1)
    members: list[Person] = Field(min_length=1)
    host: Host
    welcome: Wording | None = None      # Markdown; default: the wording file's, with the name
    link: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None


class PageWords(Model):
    """delegations/text/<language>.yaml: the words of the personalised pages."""

    visit: str           # over the name on the cover: "Programme of the visit"
    welcome_title: str   # "Welcome, {name}"
    welcome: str         # the default welcome text (Markdown), with {name}
    programme: str
    members: str
    host: str
    times: str           # "All times are {zone}."
    about: str           # the contents entry for the brochure's own pages
    link: str            # beside the QR code


@dataclass
class Delegation:
    """A delegation file, loaded and checked."""

    id: str
    source: Source
    model: DelegationFile

    @property
    def languages(self) -> list[str]:
        return list(self.model.languages)


def delegation_files(folder: Path) -> list[Path]:
    """The delegation files of a content folder, in the order of their names."""
    return sorted((folder / DELEGATIONS_DIR).glob("*.yaml"))


def load_delegations(folder: Path, brochure_languages: list[str], problems: Problems,
                     only: list[str] | None = None) -> tuple[list[Delegation],
                                                             dict[str, PageWords]]:
    """Every delegation file (or those named in ``only``) and the wording of
    their languages, with every problem reported in ``problems``."""
    paths = delegation_files(folder)
    known = [p.stem for p in paths]
    for wanted in only or []:
        if wanted not in known:
            close = suggest_language(wanted, known)  # any near name, not only languages
            problems.error(f"--only {wanted}: there is no delegations/{wanted}.yaml",
                           hint=f"Did you mean --only {close}?" if close else
                           f"Known delegations: {', '.join(known) or 'none'}.")
    delegations = []
    for path in paths:
        if only and path.stem not in only:
            continue
        delegation = _load_one(path, brochure_languages, problems)
        if delegation is not None:
            delegations.append(delegation)
    used = dict.fromkeys(lang for d in delegations for lang in d.languages)
    wording = {}
    for language in used:
        found = _load_wording(folder, language, delegations, problems)
        if found is not None:
            wording[language] = found
    return delegations, wording


def _load_one(path: Path, brochure_languages: list[str], problems: Problems,
              ) -> Delegation | None:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", path.stem):
        problems.error("a delegation file's name is its id: lowercase letters, digits and "
                       "hyphens", Location(relative_name(path)),
                       hint="Rename it, e.g. delegations/leipzig-2026.yaml.")
        return None
    source = load_yaml(path, problems)
    if source is None:
        return None
    if not isinstance(source.data, dict):
        problems.error("this file should hold 'name: value' lines", source.where())
        return None
    data = _clock_values_as_typed(source)
    found = Problems()
    try:
        model = DelegationFile.model_validate(data)
    except ValidationError as exc:
        report_validation_error(exc, DelegationFile, source, found)
        problems.extend(found)
        return None
    _check_languages(model, source, brochure_languages, found)
    if not found.errors:  # a misspelt language would make every text look incomplete
        _check_wording(model, source, found)
    _check_programme(model, source, found)
    _check_time_zone(model, source, found)
    problems.extend(found)
    return None if found.errors else Delegation(path.stem, source, model)


def _clock_values_as_typed(source: Source) -> dict[str, Any]:
    """Times as the user typed them: YAML 1.1 reads an unquoted 14:30 as the
    number 870 (base 60), which would be no time of day at all."""
    data = dict(source.data)
    programme = data.get("programme")
    if not isinstance(programme, list):
        return data
    items = []
    for index, item in enumerate(programme):
        if isinstance(item, dict):
            item = {key: source.typed.get(("programme", index, key), value)
                    if key in ("start", "end") and not isinstance(value, str) else value
                    for key, value in item.items()}
        items.append(item)
    data["programme"] = items
    return data


def _check_languages(model: DelegationFile, source: Source, brochure: list[str],
                     problems: Problems) -> None:
    for index, code in enumerate(model.languages):
        if code not in brochure:
            suggestion = suggest_language(code, brochure)
            problems.error(
                f"'{code}' is not one of the brochure's languages ({', '.join(brochure)})",
                source.where(("languages", index)), field=f"languages[{index + 1}]",
                hint=f"Did you mean {suggestion}?" if suggestion else
                     "A delegation's edition is the brochure in its language: translate the "
                     "brochure into it first.")
    if len(set(model.languages)) != len(model.languages):
        problems.error("a language is given twice", source.where(("languages",)),
                       field="languages", hint="Give one or two different languages.")


def wordings(model: DelegationFile) -> Iterator[tuple[KeyPath, Wording]]:
    """Every text of a delegation that is printed, with its place in the file."""
    yield ("name",), model.name
    if model.welcome is not None:
        yield ("welcome",), model.welcome
    for index, item in enumerate(model.programme):
        yield ("programme", index, "activity"), item.activity
        yield ("programme", index, "place"), item.place
    for index, member in enumerate(model.members):
        yield ("members", index, "name"), member.name
        yield ("members", index, "title"), member.title
    yield ("host", "name"), model.host.name
    yield ("host", "title"), model.host.title


def _check_wording(model: DelegationFile, source: Source, problems: Problems) -> None:
    """A text per language is written in each of the delegation's languages, and
    only in those (another is most likely a misspelt code)."""
    for path, wording in wordings(model):
        if isinstance(wording, str):
            continue
        for language in model.languages:
            if not str(wording.get(language, "")).strip():
                problems.error(
                    f"no {language} text: the delegation reads {' and '.join(model.languages)}",
                    source.where(path), field=field_name(path),
                    hint=f"Add '{language}: …'. A personalised edition is never filled in "
                         "from another language.")
        for language in wording:
            if language not in model.languages:
                problems.error(
                    f"'{language}' is not one of this delegation's languages "
                    f"({', '.join(model.languages)})", source.where((*path, language), key=True),
                    field=field_name(path),
                    hint="Check the code, or add the language to 'languages'.")


def _check_programme(model: DelegationFile, source: Source, problems: Problems) -> None:
    if model.departs < model.arrives:
        problems.error("the delegation departs before it arrives", source.where(("departs",)),
                       field="departs", hint="Check the two dates.")
        return
    previous: tuple[int, Item] | None = None
    for index, item in sorted(enumerate(model.programme),
                              key=lambda pair: (pair[1].date, pair[1].start)):
        path = ("programme", index)
        if not model.arrives <= item.date <= model.departs:
            problems.error(
                f"{item.date} is outside the visit ({model.arrives} to {model.departs})",
                source.where((*path, "date")), field=field_name((*path, "date")),
                hint="Check the date, or the visit's 'arrives' and 'departs'.")
        if item.end <= item.start:
            problems.error(f"ends ({item.end:%H:%M}) before it starts ({item.start:%H:%M})",
                           source.where((*path, "end")), field=field_name((*path, "end")),
                           hint="Times are on a 24-hour clock: 2 pm is 14:00.")
        elif previous and previous[1].date == item.date and item.start < previous[1].end:
            other = field_name(("programme", previous[0]))
            problems.error(
                f"starts at {item.start:%H:%M}, while {other} runs until "
                f"{previous[1].end:%H:%M} on the same day",
                source.where((*path, "start")), field=field_name((*path, "start")),
                hint="Two items of a programme cannot overlap: change a time, or make them "
                     "one item.")
        if item.end > item.start:
            previous = (index, item)


def _check_time_zone(model: DelegationFile, source: Source, problems: Problems) -> None:
    try:
        zoneinfo.ZoneInfo(model.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.error(f"'{model.time_zone}' is not a time zone", source.where(("time_zone",)),
                       field="time_zone", hint="Use a name such as Asia/Seoul.")


def _load_wording(folder: Path, language: str, delegations: list[Delegation],
                  problems: Problems) -> PageWords | None:
    path = folder / DELEGATIONS_DIR / WORDING_DIR / f"{language}.yaml"
    if not path.is_file():
        user = next(d for d in delegations if language in d.languages)
        problems.error(
            f"the words of the delegation pages in '{language}' are missing: "
            f"{relative_name(path)} does not exist",
            user.source.where(("languages", user.languages.index(language))),
            field="languages", hint="Copy delegations/text/en.yaml to that name and "
                                    "translate it (see docs/delegations.md).")
        return None
    return validated(PageWords, load_yaml(path, problems), problems)


def check_delegations(folder: Path, problems: Problems) -> list[Delegation]:
    """What ``brochure check`` adds: every delegation file of an already checked
    brochure, against the brochure's languages."""
    if not (folder / DELEGATIONS_DIR).is_dir():
        return []
    # The edition file's own problems are reported by the brochure's check.
    edition = load_yaml(folder / defaults.EDITION_FILE, Problems())
    data = edition.data if edition and isinstance(edition.data, dict) else {}
    listed = data.get("languages")
    languages = [code for code in listed if isinstance(code, str)] \
        if isinstance(listed, list) else []
    return load_delegations(folder, languages, problems)[0]
