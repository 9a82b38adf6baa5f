"""Localise a delegation: its pages in one language, as plain template data.

Like ``localise`` does for the brochure, this picks the delegation's texts in
the reader's language and writes dates and times the way that reader expects
(CLDR through Babel): the weekday and date of each day, a 24-hour or 12-hour
clock as the locale has it, the locale's own digits, and the name of the
city's time zone. The templates receive only strings, lists and dicts.
Then the pages' HTML, and the document they are rendered in: the brochure's
head, numbered as front matter, to be joined with the brochure's pages
(``parts.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from itertools import groupby
from typing import TYPE_CHECKING, Any

from babel import Locale
from babel.dates import format_date, format_interval, format_time, get_timezone, get_timezone_name

from brochure.content.delegations import Delegation, PageWords, Wording
from brochure.content.typography import Typography
from brochure.problems import Problems
from brochure.render.editions import EditionKind, ink_colour, qr_code
from brochure.render.render_html import keep_words_together, render_html

if TYPE_CHECKING:
    from brochure.content.validate import Project


def text_in(wording: Wording, language: str) -> str:
    """A text as printed for ``language``: one for all, or that language's own
    (complete, as ``delegations`` has checked)."""
    return wording if isinstance(wording, str) else wording[language]


def delegation_context(delegation: Delegation, words: PageWords,
                       typography: Typography) -> dict[str, Any]:
    """The delegation's pages for one reader: the ``delegation`` of the template."""
    model = delegation.model
    language = typography.language
    locale = typography.locale
    name = text_in(model.name, language)
    welcome = (text_in(model.welcome, language) if model.welcome is not None
               else words.welcome.replace("{name}", name))
    zone = get_timezone_name(get_timezone(model.time_zone), "long", locale=locale,
                             zone_variant="standard")
    days = [
        {"id": f"day-{number}",
         "date": typography.digits(format_date(day, "full", locale=locale)),
         "items": [_item(item, language, typography) for item in items]}
        for number, (day, items) in enumerate(
            groupby(sorted(model.programme, key=lambda i: (i.date, i.start)),
                    key=lambda i: i.date), start=1)
    ]
    return {
        "id": delegation.id,
        "name": name,
        "dates": typography.digits(visit_dates(model.arrives, model.departs, locale)),
        "welcome_title": words.welcome_title.replace("{name}", name),
        "welcome": welcome,
        "words": words.model_dump(),
        "times_note": words.times.replace("{zone}", zone),
        "days": days,
        "members": [{"name": text_in(m.name, language), "title": text_in(m.title, language)}
                    for m in model.members],
        "host": {"name": text_in(model.host.name, language),
                 "title": text_in(model.host.title, language),
                 "phone": model.host.phone, "email": model.host.email},
        "link": model.link,
    }


def _item(item: Any, language: str, typography: Typography) -> dict[str, str]:
    return {
        "time": typography.digits(time_range(item.start, item.end, typography.locale)),
        "activity": text_in(item.activity, language),
        "place": text_in(item.place, language),
    }


def visit_dates(first: dt.date, last: dt.date, locale: Locale) -> str:
    """'12–14 May 2026', '2026년 5월 12일~14일': CLDR's interval of the visit."""
    if first == last:
        return format_date(first, "long", locale=locale)
    return format_interval(first, last, "yMMMMd", locale=locale)


def time_range(start: dt.time, end: dt.time, locale: Locale) -> str:
    """'10:00 – 11:00', '오전 10:00 ~ 오전 11:00', '10:00 AM – 11:00 AM': each
    time in the locale's short format (its 12- or 24-hour clock), joined the
    way the locale joins a range.

    Not ``format_interval`` with a skeleton: CLDR's 24-hour skeleton writes
    '10時00分～11時00分' in Japanese, where a timetable reads '10:00～11:00'.
    """
    pattern = locale.interval_formats.get(None, "{0} – {1}")
    return pattern.replace("{0}", format_time(start, "short", locale=locale))\
        .replace("{1}", format_time(end, "short", locale=locale))


_BODY = re.compile(r"(<body\b[^>]*>)(.*)(</body>)", re.DOTALL)
_TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)
_LINK = re.compile(r'\bhref="#([^"]+)"')
_ID = re.compile(r'\bid="([^"]+)"')

# The delegation's pages are front matter: numbered i, ii, iii … (their
# contents too), before the brochure's own 1, 2, 3 … This style comes after
# the brochure template's, which it overrides.
FRONT_MATTER = ("<style>\n"
                "  @page { @bottom-center { content: counter(page, lower-roman); } }\n"
                '  .toc a::after { content: leader(" ") target-counter(attr(href), page, '
                "lower-roman); }\n</style>\n")


def own_document(brochure: str, pages: str, title: str, head: str = "") -> str:
    """A delegation's pages as a document of their own, in the brochure's head
    (its styles, fonts, language and direction) with ``head`` added, under a
    title of its own (the PDF's title names the delegation).

    Each brochure page the pages link to gets an empty anchor at their end: the
    renderer keeps a link only to an anchor of its document, and the joined
    document's destination of that name is the brochure's (``pdf/join.py``)."""
    body = _BODY.search(brochure)
    if body is None:
        raise ValueError("the brochure's template has no <body>")
    missing = sorted(set(_LINK.findall(pages)) - set(_ID.findall(pages)))
    anchors = "".join(f'<span id="{name}"></span>' for name in missing)
    document = (brochure[:body.start(2)] + "\n" + pages
                + (f'\n<div class="joined-anchors">{anchors}</div>\n' if anchors else "\n")
                + brochure[body.end(2):])
    document = document.replace("</head>", FRONT_MATTER + head + "</head>", 1)
    return _TITLE.sub(lambda _: f"<title>{escape(title)}</title>", document, count=1)


def page_numbers_css(numbers: dict[str, str]) -> str:
    """The contents of a delegation's pages give each brochure page the number
    printed on it (``numbers``: anchor → number, in its language's digits)."""
    return "\n".join(
        f'.toc a[href="#{name}"]::after {{ content: leader(" ") "{number}" !important; }}'
        for name, number in sorted(numbers.items()))


def render_pages(project: Project, template: str, context: dict[str, Any], link: str | None,
                 kind: EditionKind, page_format: str, keep_words_whole: bool,
                 problems: Problems) -> str | None:
    """The HTML of a delegation's own pages (single or bilingual), with its QR code
    in the edition's ink and Korean words kept whole; None when the template fails."""
    ink = ink_colour(project.palette, kind.cmyk)
    pages = render_html(template, project.template_dirs, {
        **context, "edition_kind": kind.name, "page_format": page_format,
        "delegation_qr_code": qr_code(link, ink) if link else None,
    }, False, problems)
    if pages is not None and keep_words_whole:
        pages = keep_words_together("<body>" + pages).removeprefix("<body>")
    return pages
