"""Stage 2, validate: load every file of a content folder and check all of it.

``load_project`` gathers every problem in every file before anything is built:
YAML syntax, fields and types, language codes, references between files
(sections, facts, {placeholders}), images and links, templates and styles.
"""

from __future__ import annotations

import difflib
import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from brochure import defaults
from brochure.content.model import Colour, Edition, Fact, Labels, Text
from brochure.content.references import (
    check_edition_refs,
    check_files,
    check_placeholders,
    check_template,
    extra_stylesheets,
    print_profile_path,
)
from brochure.content.sources import KeyPath, Source, field_name, load_yaml
from brochure.content.typography import Typography, UnknownLanguage, typography_for
from brochure.problems import Location, Problems, did_you_mean, relative_name


@dataclass
class Project:
    """A content folder, loaded and checked: everything a build needs."""

    folder: Path
    edition: Edition
    edition_source: Source
    facts: dict[str, Fact]
    master: Text
    texts: dict[str, Source]            # language → its text file (the master's too)
    typography: dict[str, Typography]   # language → how it is typeset
    template_dirs: list[Path]           # the edition's own first, then the project's
    stylesheets: list[Path]             # the project's, then the edition's
    palette: dict[str, Colour]          # the project's colours, with the edition's overrides
    print_profile: Path                 # the CMYK profile of print editions

    @property
    def languages(self) -> list[str]:
        return list(self.edition.languages)

    def text_path(self, language: str) -> Path:
        return self.folder / defaults.TEXT_DIR / f"{language}.yaml"


def load_project(folder: Path, languages: list[str] | None = None,
                 problems: Problems | None = None) -> Project:
    """Load and check a content folder; raise ``BrochureError`` with every error.

    Warnings (such as missing translations, found later) are left in ``problems``.
    """
    problems = problems if problems is not None else Problems()
    folder = Path(folder)
    if not (folder / defaults.EDITION_FILE).is_file():
        problems.error(
            f"no {defaults.EDITION_FILE} here", Location(relative_name(folder)),
            hint="Give the folder of a brochure, for example content/gwangju.")
        problems.raise_if_errors()
    edition_source = load_yaml(folder / defaults.EDITION_FILE, problems)
    # A brochure without figures has no facts file.
    facts_path = folder / defaults.FACTS_FILE
    facts_source = load_yaml(facts_path, problems) if facts_path.exists() else None
    edition = validated(Edition, edition_source, problems)
    # Each check runs on what could be read: a file that fails is left out of
    # later checks, the others are still checked, so one pass lists everything.
    facts = _facts(facts_source, problems) or {}
    if edition is None or edition_source is None:
        _check_texts_alone(folder, edition_source, facts, problems)
        problems.raise_if_errors()
    assert edition is not None and edition_source is not None

    wanted = _languages_to_build(edition, edition_source, languages, problems)
    typography = _typography(edition, edition_source, problems)
    # A code that is not a language has been reported: no text file to look for.
    texts = _load_texts(folder, edition.master, [c for c in wanted if c in typography],
                        problems)
    master_source = texts.get(edition.master)
    master = validated(Text, master_source, problems) if master_source else None

    if master_source is not None:
        _check_translations(master_source, texts, edition.master, problems)
    if master is not None and master_source is not None:
        check_edition_refs(edition, edition_source, master, master_source, facts, problems)
    check_placeholders(texts, facts, problems)
    check_files(folder, edition, edition_source, texts, problems)
    template_dirs = [folder / defaults.TEMPLATES_DIR, defaults.project_templates()]
    check_template(edition, edition_source, template_dirs, problems)
    stylesheets = extra_stylesheets(folder, edition, edition_source, problems)
    palette = _palette(edition, problems)
    print_profile = print_profile_path(folder, edition, edition_source, problems)
    problems.raise_if_errors()
    assert master is not None and master_source is not None
    return Project(
        folder=folder, edition=edition.model_copy(update={"languages": wanted}),
        edition_source=edition_source, facts=facts, master=master, texts=texts,
        typography=typography, template_dirs=template_dirs, stylesheets=stylesheets,
        palette=palette or {}, print_profile=print_profile)


def _check_texts_alone(folder: Path, edition_source: Source | None, facts: dict[str, Fact],
                       problems: Problems) -> None:
    """The text files, checked when the edition file itself cannot be used: as far
    as its master and languages can still be read from it."""
    data = edition_source.data if edition_source and isinstance(edition_source.data, dict) \
        else {}
    master, languages = data.get("master"), data.get("languages")
    if not isinstance(master, str):
        return
    codes = [c for c in languages if isinstance(c, str) and _is_language(c)] \
        if isinstance(languages, list) else []
    texts = _load_texts(folder, master, codes, problems)
    if master in texts:
        validated(Text, texts[master], problems)
        _check_translations(texts[master], texts, master, problems)
    check_placeholders(texts, facts, problems)


def _is_language(code: str) -> bool:
    try:
        typography_for(code)
    except UnknownLanguage:
        return False
    return True


# --- models -----------------------------------------------------------------

M = typing.TypeVar("M", bound=BaseModel)


def validated(cls: type[M], source: Source | None, problems: Problems) -> M | None:
    """The file's data as the model ``cls``, or None with its problems reported."""
    if source is None:
        return None
    if not isinstance(source.data, dict):
        problems.error("this file should hold 'name: value' lines", source.where())
        return None
    try:
        return cls.model_validate(source.data)
    except ValidationError as exc:
        report_validation_error(exc, cls, source, problems)
        return None


def _facts(source: Source | None, problems: Problems) -> dict[str, Fact] | None:
    if source is None:
        return None
    if not isinstance(source.data, dict):
        problems.error("this file should hold 'fact-id: {kind: value}' lines",
                       source.where())
        return None
    facts: dict[str, Fact] = {}
    for fact_id, value in source.data.items():
        if not isinstance(value, dict):
            problems.error(
                "a fact should be written like {date: 2011-05-25} or {number: 191}",
                source.where((fact_id,)), field=str(fact_id))
            continue
        try:
            facts[str(fact_id)] = Fact.model_validate(value)
        except ValidationError as exc:
            report_validation_error(exc, Fact, source, problems, prefix=(fact_id,))
    return facts


def report_validation_error(exc: ValidationError, cls: type[BaseModel], source: Source,
                            problems: Problems, prefix: KeyPath = ()) -> None:
    """One plain-language problem per pydantic finding, at the value's position."""
    for error in exc.errors():
        path = (*prefix, *error["loc"])
        kind = error["type"]
        if "[key]" in path:
            path = tuple(p for p in path if p != "[key]")
            problems.error(
                f"'{path[-1]}' is not a valid id", source.where(path, key=True),
                field=field_name(path[:-1]),
                hint="Use lowercase letters, digits and hyphens, e.g. 'my-section'.")
        elif kind == "missing":
            problems.error(f"'{path[-1]}' is missing", source.where(path[:-1]),
                           field=field_name(path[:-1]) or None,
                           hint="Add it; docs/content.md shows every field.")
        elif kind == "extra_forbidden":
            known = _known_fields(cls, path[len(prefix):-1])
            problems.error(f"'{path[-1]}' is not a field that belongs here",
                           source.where(path, key=True), field=field_name(path[:-1]) or None,
                           hint=did_you_mean(str(path[-1]), known))
        elif kind in ("string_type", "str_type"):
            problems.error(f"should be text, not {_describe(error['input'], source, path)}",
                           source.where(path), field=field_name(path),
                           hint='Put the value in double quotes: "…".')
        elif kind == "value_error":
            problems.error(error["msg"].removeprefix("Value error, "),
                           source.where(path), field=field_name(path) or None)
        elif kind == "literal_error":
            problems.error(f"'{error['input']}' is not allowed here", source.where(path),
                           field=field_name(path),
                           hint=error["msg"].replace("Input should be", "Use"))
        else:
            problems.error(_plain(error["msg"], error["input"]), source.where(path),
                           field=field_name(path) or None)


def _describe(value: Any, source: Source | None = None, path: KeyPath = ()) -> str:
    """What YAML made of a value; as typed too, when that looks different."""
    typed = source.typed.get(path) if source else None
    if typed is not None and typed != str(value) and not isinstance(value, dict | list):
        return f"{typed}, which YAML reads as {_describe(value)}"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return type(value).__name__


def _plain(message: str, value: Any) -> str:
    return f"{message[0].lower()}{message[1:]} (found {_describe(value)})"


def _known_fields(cls: type[BaseModel], path: KeyPath) -> list[str]:
    """The field names allowed at ``path`` inside model ``cls``."""
    current: Any = cls
    for part in path:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        while typing.get_origin(current) in (list, dict, typing.Union) or \
                type(current).__name__ == "UnionType":
            args = [a for a in typing.get_args(current) if a is not type(None)]
            current = args[-1] if args else None
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


# --- languages and text files ------------------------------------------------

def _languages_to_build(edition: Edition, source: Source, requested: list[str] | None,
                        problems: Problems) -> list[str]:
    if not requested:
        return list(edition.languages)
    for code in requested:
        if code not in edition.languages:
            # A mistake on the command line: blamed on the option, not the file.
            suggestion = suggest_language(code, edition.languages)
            problems.error(
                f"--lang {code}: not one of this brochure's languages "
                f"({', '.join(edition.languages)})",
                hint=f"Did you mean --lang {suggestion}?" if suggestion else
                     f"Or add it to 'languages' in {source.name}.")
    return [code for code in requested if code in edition.languages]


# Country codes and other near misses people type for a language code.
_LANGUAGE_MISTAKES = {
    "kr": "ko", "kor": "ko", "jp": "ja", "jpn": "ja", "cn": "zh-Hans", "zh": "zh-Hans",
    "zh-cn": "zh-Hans", "tw": "zh-Hant", "zh-tw": "zh-Hant", "hk": "zh-Hant",
    "vn": "vi", "sa": "ar", "eg": "ar", "ir": "fa", "il": "he", "in": "hi", "ua": "uk",
    "gr": "el", "dk": "da", "se": "sv", "cz": "cs", "br": "pt", "mx": "es", "us": "en",
    "uk": "en", "gb": "en", "kz": "kk", "my": "ms", "ge": "ka", "am": "hy",
}


def suggest_language(code: str, languages: list[str]) -> str | None:
    """The brochure's language a mistyped code most likely means, if any."""
    lowered = code.lower().replace("_", "-")
    by_lower = {language.lower(): language for language in languages}
    for guess in (lowered, _LANGUAGE_MISTAKES.get(lowered, "").lower(), lowered[:2]):
        if guess in by_lower:
            return by_lower[guess]
    close = difflib.get_close_matches(code, languages, n=1)
    return close[0] if close else None


def _typography(edition: Edition, source: Source, problems: Problems,
                ) -> dict[str, Typography]:
    result = {}
    codes = list(dict.fromkeys([edition.master, *edition.languages]))
    _check_font_keys(edition, codes, source, problems)
    fonts = edition.font_stacks()
    for code in codes:
        where = (("master",) if code == edition.master and code not in edition.languages
                 else ("languages", edition.languages.index(code)))
        try:
            result[code] = typography_for(code, edition.locales.get(code), fonts)
        except UnknownLanguage as exc:
            hint = (f"Name its fonts under 'fonts: {{{exc.script}: …}}' in {source.name} "
                    "(see docs/languages.md)."
                    if exc.script else "Use a code such as en, ko, ja, zh-Hans, ar (BCP 47).")
            problems.error(str(exc), source.where(where), field=field_name(where), hint=hint)
    return result


_SCRIPT_CODE = re.compile(r"^[A-Z][a-z]{3}$")   # ISO 15924: Deva, Beng, Hans


def _check_font_keys(edition: Edition, codes: list[str], source: Source,
                     problems: Problems) -> None:
    """Each key under 'fonts:' is a script code or one of the brochure's languages."""
    for key in edition.fonts:
        if not _SCRIPT_CODE.match(key) and key not in codes:
            problems.error(
                f"'{key}' is neither a script code nor one of this brochure's languages",
                source.where(("fonts", key), key=True), field="fonts",
                hint="Use an ISO 15924 script code such as Deva or Beng, or a language "
                     f"of 'languages' ({', '.join(codes)}).")


def _load_texts(folder: Path, master: str, languages: list[str], problems: Problems,
                ) -> dict[str, Source]:
    texts = {}
    for language in dict.fromkeys([master, *languages]):
        path = folder / defaults.TEXT_DIR / f"{language}.yaml"
        if not path.is_file():
            problems.error(
                "the text file for this language does not exist",
                Location(relative_name(path)),
                hint=f"Copy text/{master}.yaml to this name and translate it.")
            continue
        source = load_yaml(path, problems)
        if source is not None:
            texts[language] = source
    return texts


def _check_translations(master: Source, texts: dict[str, Source], master_language: str,
                        problems: Problems) -> None:
    """A translation has the master's shape: no unknown fields, text where text is."""
    shape = master.data
    if isinstance(shape, dict):
        # Every label may be given, in any language, whether the master gives it or not.
        labels = shape.get("labels")
        given: dict[str, Any] = labels if isinstance(labels, dict) else {}
        shape = {**shape, "labels": {**dict.fromkeys(Labels.model_fields, ""), **given}}
    for language, source in texts.items():
        if language != master_language:
            _compare_shape(shape, source.data, (), source, problems)


def _compare_shape(master: Any, translated: Any, path: KeyPath, source: Source,
                   problems: Problems) -> None:
    if translated is None:
        return  # an empty value falls back to the master; localise reports it
    if isinstance(master, dict):
        if not isinstance(translated, dict):
            problems.error(f"should be a group of fields, not {_describe(translated)}",
                           source.where(path), field=field_name(path) or None,
                           hint="Give it the same fields as the master text.")
            return
        for key, value in translated.items():
            if key not in master:
                problems.error(
                    f"'{key}' is not in the master text", source.where((*path, key), key=True),
                    field=field_name(path) or None,
                    hint=did_you_mean(str(key), [str(k) for k in master]))
            else:
                _compare_shape(master[key], value, (*path, key), source, problems)
    elif not isinstance(translated, str):
        problems.error(f"should be text, not {_describe(translated, source, path)}",
                       source.where(path),
                       field=field_name(path), hint='Put the value in double quotes: "…".')


def _palette(edition: Edition, problems: Problems) -> dict[str, Colour] | None:
    source = load_yaml(defaults.project_styles() / defaults.PALETTE_FILE, problems)
    if source is None:
        return None
    palette: dict[str, Colour] = {}
    for name, value in (source.data or {}).items():
        try:
            palette[str(name)] = Colour.model_validate(value)
        except ValidationError as exc:
            report_validation_error(exc, Colour, source, problems, prefix=(name,))
    return {**palette, **edition.palette}
