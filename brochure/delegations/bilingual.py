"""The bilingual edition of a delegation that reads two languages.

The delegation's pages in parallel columns (``templates/delegation_bilingual.html``),
the delegation's language on the start side and the second beside it, row
by row; then the brochure's own pages in the first language, then in the
second: the same brochure parts as the single-language editions, joined
(``parts.py``). Each column carries its ``lang`` and ``dir``, so that it is
set in its own fonts (a generated style, from ``typography``), keeps its line
breaking (Korean words whole) and direction, and gets its own /Lang in the
tagged PDF (``render_pdf`` tags every element that names its language; the
join gives the second brochure part's elements theirs). The second part's
anchors are prefixed with its language (``ko-intro``) in the joined PDF, so
each column's contents leads to its own part.
See docs/delegations.md for why columns and not facing pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from brochure.content.delegations import DELEGATIONS_DIR, Delegation, PageWords
from brochure.content.validate import Project
from brochure.delegations.personalise import delegation_context, render_pages
from brochure.plan import Edition
from brochure.problems import Problems
from brochure.render.editions import kind_named

if TYPE_CHECKING:
    from brochure.delegations.parts import Joined

TEMPLATE = "delegation_bilingual.html"

def language_code(languages: list[str]) -> str:
    """How the manifest and the file name call a bilingual edition: 'de+ko'."""
    return "+".join(languages)


def bilingual_edition(project: Project, delegation: Delegation, words: dict[str, PageWords],
                      parts: list[Joined], out_dir: Path, problems: Problems) -> Edition | None:
    """The delegation's pages in both languages, to go before the brochure in
    each (``parts``, the second prefixed); None when a template fails."""
    from brochure.delegations.parts import delegation_edition

    languages = delegation.languages
    first = parts[0].part
    kind = kind_named(first.kind, project.edition.print.variant)
    sides = [_side(project, delegation, words[language], language, joined, number)
             for number, (language, joined) in enumerate(zip(languages, parts, strict=True),
                                                         start=1)]
    pages = render_pages(
        project, TEMPLATE, {**parts[0].context, "sides": sides}, sides[0]["d"]["link"], kind,
        first.page_format, any(project.typography[code].keep_words_whole for code in languages),
        problems)
    if pages is None:
        return None
    title = " · ".join(f"{side['d']['words']['visit']}: {side['d']['name']}" for side in sides)
    code = language_code(languages)
    edition = delegation_edition(
        project, parts, pages, title, out_dir / DELEGATIONS_DIR / delegation.id
        / f"{delegation.id}_{kind.name}_{code}.pdf", head=_style(sides))
    edition.language = code
    edition.inputs["fonts"] = {**first.inputs["fonts"], **parts[1].part.inputs["fonts"]}
    edition.script = max((p.part.script for p in parts),
                         key=lambda s: s in ("Kore", "Jpan", "Hans", "Hant"))
    edition.text = delegation.source
    return edition


def _side(project: Project, delegation: Delegation, words: PageWords, language: str,
          joined: Joined, number: int) -> dict[str, Any]:
    """One column of the delegation's pages: its language, its words, and the
    prefix of its brochure part's anchors."""
    typography = project.typography[language]
    context = joined.context
    return {
        "lang": language, "dir": typography.direction, "number": number,
        "prefix": joined.prefix,
        "d": delegation_context(delegation, words, typography),
        "text": context["text"], "sections": context["sections"],
        "highlights": context["highlights"],
        "fonts": context["fonts"],
    }


def _style(sides: list[dict[str, Any]]) -> str:
    """Each column in its own language's fonts: what the brochure's head sets
    for a document of one language."""
    rules = []
    for side in sides:
        scope, fonts = f".bi-{side['number']}", side["fonts"]
        headings = ", ".join(f"{scope} {element}"
                             for element in ("h1", "h2", "h3", ".sans", ".facts dt"))
        rules += [f"{scope} {{ font-family: {fonts['body']}; }}",
                  f"{headings} {{ font-family: {fonts['heading']}; }}"]
    return "<style>\n  " + "\n  ".join(rules) + "\n</style>\n"
