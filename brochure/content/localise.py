"""Stage 3, localise: one language's view of the brochure, as plain data.

Fills gaps in a translation from the master text (with a warning), formats
every fact with CLDR for the language's locale and puts it into the sentences
that quote it. The result holds only strings, numbers, lists and dicts, so a
template cannot reach anything else.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent, get_currency_symbol
from babel.units import format_unit
from markupsafe import Markup

from brochure.content.labels import with_labels, with_master_labels
from brochure.content.model import PLACEHOLDER, Fact, Text
from brochure.content.sources import KeyPath, Source, field_name
from brochure.content.typography import Typography, keep_numbers_with_units
from brochure.content.validate import Project
from brochure.problems import Problems


def localise(project: Project, language: str, problems: Problems) -> dict[str, Any]:
    """The template context for one language."""
    typography = project.typography[language]
    master_language = project.edition.master
    master_source = project.texts[master_language]
    source = project.texts[language]
    # The master's problems (a label in no language) are reported with its own build.
    master = with_master_labels(master_source.data, master_source, master_language,
                                problems if language == master_language else Problems())
    if language == master_language:
        text = master
    else:
        text = _merge(master, with_labels(source.data, language), (), source, problems,
                      master_name=master_language)
    text = _with_defaults(text, project)
    # Right to left, a no-break space between a number and its word is read back
    # out of order (it is a bidi separator): there the plain space stays.
    together = keep_numbers_with_units if typography.direction == "ltr" else str
    values = {fact_id: together(typography.digits(format_fact(fact, typography.locale)))
              for fact_id, fact in project.facts.items()}
    text = _fill(_smarten(text, typography), values)
    edition = project.edition
    sections = [
        {
            "id": plan.id,
            "number": typography.digits(f"{index:02d}"),
            "summary": None,  # optional: the leaflet cuts the body without one
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
        "logo": edition.logo,
        # The postal address line by line, each in its own direction: a Latin
        # address stays in order in a right-to-left brochure.
        "address": [{"text": line, "dir": _direction(line, typography.direction)}
                    for line in (text["back"]["address"] or "").strip().splitlines()],
        "contact": edition.metadata.model_dump(),
        "meta": {
            "title": ": ".join(filter(None, (text["title"], text["subtitle"]))),
            "author": ", ".join(filter(None, (text["back"]["organisation"],
                                              text["back"]["department"]))),
            "subject": text["cover_note"] or text["subtitle"] or text["title"],
            "keywords": ", ".join([text["title"], *(s["title"] for s in sections)]),
            "date": _publication_date(project),
        },
    }


def _with_defaults(text: dict[str, Any], project: Project) -> dict[str, Any]:
    """Every field of the content format, those left out as None, and the
    contact page's defaults: its title the word for contact, its organisation
    the edition's author."""
    text = Text.model_validate(text).model_dump()
    back, labels = text["back"], text["labels"]
    back["title"] = back["title"] or labels["contact"]
    back["organisation"] = back["organisation"] or project.edition.metadata.author
    back["website_label"] = back["website_label"] or labels["website"]
    return text


def _direction(line: str, default: str) -> str:
    """The direction of a line's first strong character (Unicode's rule)."""
    for character in line:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return default


def _merge(master: Any, translated: Any, path: KeyPath, source: Source, problems: Problems,
           master_name: str) -> Any:
    """The translation where it has a value, else the master's, reported."""
    if isinstance(master, dict):
        translated = translated if isinstance(translated, dict) else {}
        return {key: _merge(value, translated.get(key), (*path, key), source, problems,
                            master_name) for key, value in master.items()}
    if isinstance(translated, str) and translated.strip():
        return translated
    if master is None:
        return None   # left out of the master too: the design does without it
    problems.warning(
        f"no translation, the {master_name} text is used", source.where(path),
        field=field_name(path), hint="Translate it, or build with this fallback.")
    return master


def _smarten(text: Any, typography: Typography) -> Any:
    """Typographic quotes and apostrophes in every text, as the language prints them."""
    if isinstance(text, dict):
        return {key: _smarten(value, typography) for key, value in text.items()}
    return typography.smarten(text) if isinstance(text, str) else text


def _fill(text: Any, values: dict[str, str]) -> Any:
    if isinstance(text, dict):
        return {key: _fill(value, values) for key, value in text.items()}
    if not isinstance(text, str):
        return text
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
        return format_decimal(fact.year, "0", locale=locale, numbering_system="default")
    if fact.amount is not None:
        return format_amount(fact.amount, fact.currency or "", locale)
    if fact.percent is not None:
        # The locale's own pattern (42 %, 42%, ٪٤٢), keeping the fraction given.
        return format_percent(fact.percent, locale=locale, numbering_system="default",
                              decimal_quantization=False)
    assert fact.number is not None
    if fact.unit:
        return format_unit(fact.number, fact.unit, length="short", locale=locale,
                           numbering_system="default")
    return format_decimal(fact.number, locale=locale, numbering_system="default")


def format_amount(amount: float, currency: str, locale: Locale) -> str:
    """An amount of money as readers of ``locale`` write it: the number in words
    the way the locale counts ('411.6 billion', '4116억', '411,6 миллиарда'),
    with the currency's symbol from CLDR ('₩'; 'KRW' in Spanish, '￦' in
    Traditional Chinese) where the locale's currency pattern puts it:
    '₩411.6 billion', '₩4116억', '411,6 Milliarden ₩'. The symbol, not the
    currency's full name: '4116억 대한민국 원' and 'Südkoreanische Won' are
    what no one writes (docs/content.md)."""
    value = Decimal(int(amount)) if float(amount).is_integer() else Decimal(repr(amount))
    symbol = get_currency_symbol(currency, locale=locale)
    # The positive pattern ('¤#,##0.00', '#,##0.00 ¤'), without its marks of
    # direction: the page sets the direction.
    pattern = locale.currency_formats["standard"].pattern.split(";")[0].strip("\u200e\u200f")
    before, after = _NUMBER_PATTERN.split(pattern, maxsplit=1)
    number = compact_number(value, locale)
    if not number[-1:].isdigit():
        # After a word ('миллиарда'), the line may break before the symbol: a
        # narrow column holds '411,6 миллиарда', not '411,6 миллиарда ₩'.
        after = after.replace("\u00a0", " ")
    return before.replace("¤", symbol) + number + after.replace("¤", symbol)


_NUMBER_PATTERN = re.compile(r"[#0,.]+")


def compact_number(value: Decimal, locale: Locale) -> str:
    """``value`` in CLDR's long compact form ('411.6 billion', '1 Billion', '4116억'),
    keeping four significant digits.

    Babel's own compact formatting picks the wrong plural for some locales
    ('1 billions' in French) and rounds to a fixed number of decimals
    ('4.1 แสนล้าน' for 411.6 billion in Thai); this uses the same CLDR patterns.
    """
    formats = locale.compact_decimal_formats
    styles = formats.get("long") or formats["short"]
    for magnitude in sorted((int(m) for m in styles["other"]), reverse=True):
        if abs(value) < magnitude:
            continue
        pattern = styles["other"][str(magnitude)].pattern
        zeros = pattern.count("0")
        if pattern.strip("'") == "0":
            break
        shown = value / (magnitude // 10 ** (zeros - 1))
        shown = round(shown, max(0, 4 - len(str(int(abs(shown))))))
        # 1.000 is one (singular), not a decimal number (plural in many languages).
        shown = shown.quantize(Decimal(1)) if shown == shown.to_integral() else shown.normalize()
        plural = locale.plural_form(shown)
        chosen = styles.get(plural, {}).get(str(magnitude)) or styles["other"][str(magnitude)]
        # Compact numbers are written without grouping: 4116억, not 4,116억.
        number = format_decimal(shown, "0.###", locale=locale, numbering_system="default")
        before, _zeros, after = re.split(r"(0+)", chosen.pattern.replace("'", ""), maxsplit=1)
        return f"{before}{number}{after}"
    return format_decimal(value, locale=locale, numbering_system="default")


def leaflet_sections(sections: list[dict[str, Any]], chosen: list[str],
                     digits: Callable[[str], str]) -> list[dict[str, Any]]:
    """The leaflet's themes in its own order, numbered 01, 02, 03 by their
    place in the leaflet: a theme left out leaves no gap in the numbers."""
    shown = sorted((s for s in sections if s["id"] in chosen), key=lambda s: chosen.index(s["id"]))
    return [{**s, "number": digits(f"{place:02d}")} for place, s in enumerate(shown, start=1)]
