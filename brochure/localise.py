"""Stage 3, localise: one language's view of the brochure, as plain data.

Fills gaps in a translation from the master text (with a warning), formats
every fact with CLDR for the language's locale and puts it into the sentences
that quote it. The result holds only strings, numbers, lists and dicts, so a
template cannot reach anything else.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import (
    format_compact_decimal,
    format_decimal,
    get_currency_name,
    get_currency_unit_pattern,
)
from babel.units import format_unit
from markupsafe import Markup

from .model import PLACEHOLDER, Fact
from .problems import Problems
from .sources import KeyPath, Source, field_name
from .validate import Project


def localise(project: Project, language: str, problems: Problems) -> dict[str, Any]:
    """The template context for one language."""
    typography = project.typography[language]
    master_source = project.texts[project.edition.master]
    source = project.texts[language]
    if language == project.edition.master:
        text = master_source.data
    else:
        text = _merge(master_source.data, source.data, (), source, problems,
                      master_name=project.edition.master)
    values = {fact_id: typography.digits(format_fact(fact, typography.locale))
              for fact_id, fact in project.facts.items()}
    text = _fill(text, values)
    edition = project.edition
    sections = [
        {
            "id": plan.id,
            "number": typography.digits(f"{index:02d}"),
            **text["sections"][plan.id],
            "image": plan.image,
            "facts": [{"id": f, "value": values[f], "label": text["facts"][f]}
                      for f in plan.facts],
        }
        for index, plan in enumerate(edition.sections, start=1)
    ]
    highlights = [{"id": f, "value": values[f], "label": text["facts"][f]}
                  for f in edition.highlights]
    return {
        "lang": language,
        "dir": typography.direction,
        # Font lists come from typography, never from content: safe inside <style>.
        "fonts": {role: Markup(typography.css_font_list(role))
                  for role in ("body", "heading")},
        "page_size": edition.page_size,
        "page_counter_style": typography.page_counter_style,
        "text": text,
        "sections": sections,
        "highlights": highlights,
        "cover_image": edition.cover_image,
        "contact": edition.metadata.model_dump(),
        "meta": {
            "title": f"{text['title']}: {text['subtitle']}",
            "author": f"{text['back']['organisation']}, {text['back']['department']}",
            "subject": text["cover_note"],
            "keywords": ", ".join([text["title"], *(s["title"] for s in sections)]),
            "date": _publication_date(project),
        },
    }


def _merge(master: Any, translated: Any, path: KeyPath, source: Source, problems: Problems,
           master_name: str) -> Any:
    """The translation where it has a value, else the master's, reported."""
    if isinstance(master, dict):
        translated = translated if isinstance(translated, dict) else {}
        return {key: _merge(value, translated.get(key), (*path, key), source, problems,
                            master_name) for key, value in master.items()}
    if isinstance(translated, str) and translated.strip():
        return translated
    problems.warning(
        f"no translation, the {master_name} text is used", source.where(path),
        field=field_name(path), hint="Translate it, or build with this fallback.")
    return master


def _fill(text: Any, values: dict[str, str]) -> Any:
    if isinstance(text, dict):
        return {key: _fill(value, values) for key, value in text.items()}
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def _publication_date(project: Project) -> str | None:
    """The date written into the PDF: from the content, else SOURCE_DATE_EPOCH.

    Never the clock, so that the same content gives the same file.
    """
    if project.edition.published:
        return project.edition.published.isoformat()
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    return None


def format_fact(fact: Fact, locale: Locale) -> str:
    """A fact as a reader of ``locale`` expects to see it (CLDR via Babel)."""
    if fact.date is not None:
        return format_date(fact.date, "long", locale=locale)
    if fact.month is not None:
        year, month = (int(part) for part in fact.month.split("-"))
        return format_skeleton("yMMMM", dt.date(year, month, 1), locale=locale)
    if fact.year is not None:
        return format_decimal(fact.year, "0", locale=locale)
    if fact.amount is not None:
        return format_amount(fact.amount, fact.currency or "", locale)
    assert fact.number is not None
    if fact.unit:
        return format_unit(fact.number, fact.unit, length="short", locale=locale)
    return format_decimal(fact.number, locale=locale)


def format_amount(amount: float, currency: str, locale: Locale) -> str:
    """A large amount in words the way the locale counts: '411.6 billion South
    Korean won', '4116억 대한민국 원', '411,6 миллиарда южнокорейских вон'."""
    length = "long" if "long" in locale.compact_decimal_formats else "short"
    number = format_compact_decimal(amount, format_type=length, locale=locale,
                                    fraction_digits=1)
    name = get_currency_name(currency, count=amount, locale=locale)
    return get_currency_unit_pattern(currency, count=amount, locale=locale)\
        .format(number, name)
