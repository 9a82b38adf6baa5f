"""The bilingual edition of a delegation that reads two languages.

One document: the delegation's pages in parallel columns
(``templates/delegation_bilingual.html``), the delegation's language on the
start side and the second beside it, row by row; then the brochure's own pages
in the first language, then in the second, each exactly as ``build`` makes
them. Each language's part carries its ``lang`` and ``dir``, so that it is set
in its own fonts (a generated style, from ``typography``), keeps its line
breaking (Korean words whole) and direction, and gets its own /Lang in the
tagged PDF (``render_pdf`` tags every element that names its language).
See docs/delegations.md for why columns and not facing pages.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from markupsafe import Markup

from brochure.build import make_edition
from brochure.content.delegations import DELEGATIONS_DIR, Delegation, PageWords
from brochure.content.validate import Project
from brochure.delegations.personalise import delegation_context, join_pages, render_pages
from brochure.output.records import digest
from brochure.plan import Edition
from brochure.problems import Problems
from brochure.render.editions import EditionKind

TEMPLATE = "delegation_bilingual.html"

_BODY = re.compile(r"<body\b[^>]*>(.*)</body>", re.DOTALL)
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_ANCHORED = re.compile(r'\b(id|href|data-page|data-field)="(#?)([^"]*)"')


def language_code(languages: list[str]) -> str:
    """How the manifest and the file name call a bilingual edition: 'de+ko'."""
    return "+".join(languages)


def bilingual_edition(project: Project, delegation: Delegation, words: dict[str, PageWords],
                      kind: EditionKind, page_format: str, contexts: dict[str, dict[str, Any]],
                      out_dir: Path, shared_inputs: dict[str, Any],
                      problems: Problems) -> Edition | None:
    """The delegation's pages in both languages, then the brochure in each;
    None when a template fails."""
    folder = out_dir / DELEGATIONS_DIR / delegation.id
    languages = delegation.languages
    made = [make_edition(project, language, kind, page_format, contexts[language], folder,
                     shared_inputs, problems) for language in languages]
    parts = [part for part in made if part is not None]
    if len(parts) != len(languages):
        return None
    sides = [_side(project, delegation, words[language], language, contexts[language], number)
             for number, language in enumerate(languages, start=1)]
    first = sides[0]["d"]
    pages = render_pages(
        project, TEMPLATE, {**contexts[languages[0]], "sides": sides}, first["link"], kind,
        page_format, any(project.typography[code].keep_words_whole for code in languages),
        problems)
    if pages is None:
        return None
    title = " · ".join(f"{side['d']['words']['visit']}: {side['d']['name']}" for side in sides)
    html = _joined(parts[0].html, pages, [p.html for p in parts], sides, title)
    code = language_code(languages)
    return replace(
        parts[0], language=code, html=html,
        output=folder / f"{delegation.id}_{kind.name}_{code}.pdf",
        inputs={**parts[0].inputs, "html": digest(html.encode()),
                "fonts": {**parts[0].inputs["fonts"], **parts[1].inputs["fonts"]}},
        script=max((p.script for p in parts), key=lambda s: s in ("Kore", "Jpan", "Hans",
                                                                  "Hant")),
        text=delegation.source)


def _side(project: Project, delegation: Delegation, words: PageWords, language: str,
          context: dict[str, Any], number: int) -> dict[str, Any]:
    """One column of the delegation's pages: its language, its words, and the
    anchors of its brochure part (the second's are prefixed, see ``_part``)."""
    typography = project.typography[language]
    return {
        "lang": language, "dir": typography.direction, "number": number,
        "prefix": _prefix(language) if number > 1 else "",
        "d": delegation_context(delegation, words, typography),
        "text": context["text"], "sections": context["sections"],
        "highlights": context["highlights"],
        "fonts": context["fonts"], "counter": context["page_counter_style"],
    }


def _prefix(language: str) -> str:
    return f"{language}-"


def _joined(document: str, pages: str, brochures: list[str], sides: list[dict[str, Any]],
            title: str) -> str:
    """The first language's document, its body replaced by the delegation's
    pages and both brochure parts, with the style that sets each in its fonts."""

    body = _BODY.search(document)
    if body is None:
        raise ValueError("the brochure's template has no <body>")
    parts = "".join(_part(html, side) for html, side in zip(brochures, sides, strict=True))
    document = document[:body.start(1)] + "\n" + parts + document[body.end(1):]
    document = document.replace("</head>", f"{_style(sides)}\n</head>", 1)
    return join_pages(document, pages, title)


def _part(html: str, side: dict[str, Any]) -> str:
    """One language's brochure pages, inside an element that names the
    language. The second's anchors, designed pages and fields are prefixed
    with its language: they must not clash with the first's (links, the
    contents' page numbers, the layout gate)."""
    body = _BODY.search(html)
    assert body is not None
    inner = body.group(1)
    if side["prefix"]:
        inner = _TAG.sub(lambda tag: _ANCHORED.sub(
            lambda a: _prefixed(a, side["lang"]), tag.group(0)), inner)
    return (f'<div class="bi-part bi-part-{side["number"]}" lang="{side["lang"]}" '
            f'dir="{side["dir"]}">{inner}</div>\n')


def _prefixed(attribute: re.Match[str], language: str) -> str:
    name, hash_sign, value = attribute.groups()
    if name == "href" and not hash_sign:
        return attribute.group(0)  # a link out of the document
    separator = ":" if name.startswith("data-") else "-"
    return f'{name}="{hash_sign}{language}{separator}{value}"'


def _style(sides: list[dict[str, Any]]) -> Markup:
    """Each language in its own fonts, its page numbers and contents in its own
    digits: what the brochure's head sets for a document of one language. The
    second language's brochure pages are a named page of their own, so that
    their numbers are written in its digits."""
    rules = []
    for side in sides:
        scopes = (f".bi-{side['number']}", f".bi-part-{side['number']}")
        fonts, counter = side["fonts"], side["counter"]
        headings = ", ".join(f"{scope} {element}" for scope in scopes
                             for element in ("h1", "h2", "h3", ".sans", ".facts dt"))
        contents = ", ".join(f"{scope} .toc a::after" for scope in scopes)
        rules += [f"{', '.join(scopes)} {{ font-family: {fonts['body']}; }}",
                  f"{headings} {{ font-family: {fonts['heading']}; }}",
                  f'{contents} {{ content: leader(" ") target-counter(attr(href), page, '
                  f"{counter}); }}"]
        if side["number"] > 1:
            rules += [f"{scopes[1]} {{ page: bi-part-{side['number']}; }}",
                      f"@page bi-part-{side['number']} {{ @bottom-center {{ "
                      f"content: counter(page, {counter}); }} }}",
                      f"@page bi-part-{side['number']}:blank {{ @bottom-center {{ "
                      "content: none; } }"]
    return Markup("<style>\n  " + "\n  ".join(rules) + "\n</style>")
