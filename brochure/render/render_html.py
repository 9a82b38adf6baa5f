"""Stage 4, render HTML: merge one language's view into the Jinja template.

Templates run in Jinja's sandbox with autoescaping and strict undefined
variables, and see only the plain data from ``localise``. Templates are looked
up in the brochure's own templates/ folder first, then in the project's.
"""

from __future__ import annotations

import re
import traceback
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from brochure.content import markup
from brochure.problems import Location, Problems, relative_name
from brochure.render import copyfit
from brochure.render.links import WORD_JOINER
from brochure.render.script_rules import (
    LINK_END as _LINK_END,
)
from brochure.render.script_rules import (
    LINK_START as _LINK_START,
)
from brochure.render.script_rules import (
    TAG_OR_TEXT as _TAG_OR_TEXT,
)
from brochure.render.script_rules import (
    isolate_left_to_right,
    keep_last_words_together,
    set_cjk,
)


@lru_cache(maxsize=8)
def environment(template_dirs: tuple[Path, ...]) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(str(d)) for d in template_dirs if d.is_dir()]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = _markdown
    env.filters["ens"] = ens
    env.filters["paragraphs_within"] = paragraphs_within
    env.filters["spread_fit"] = copyfit.spread_fit
    env.filters["type_area_height"] = copyfit.type_area_height
    env.filters["welcome_size"] = copyfit.welcome_size
    return env


@jinja2.pass_context
def _markdown(context: jinja2.runtime.Context, text: str) -> Markup:
    """``{{ text | markdown }}``: relative links go to the brochure's website."""
    return Markup(markup.render(text, (context.get("contact") or {}).get("website")))


def ens(text: str) -> int:
    """How long a text runs, in ens (half an em), so that a template can choose
    a type size by length in any script: a Han, kana or Hangul character is as
    wide as two Latin letters, a combining mark (Thai vowels and tones) takes
    no room of its own."""
    width = 0
    for character in str(text):
        if unicodedata.combining(character) or unicodedata.category(character) == "Mn":
            continue
        width += 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1
    return width


_LIST_ITEM = re.compile(r"([-*+]|\d+[.)])\s")


def paragraphs_within(text: str, budget: int) -> str:
    """``{{ body | paragraphs_within(900) }}``: the Markdown text's first
    paragraphs, as many as run to at most ``budget`` ens (at least the first):
    a text cut where a paragraph ends, never inside one. A list goes with the
    paragraph before it, which introduces it ('The plan has three steps:')."""
    blocks: list[str] = []
    for block in (b.strip() for b in str(text).split("\n\n")):
        if blocks and _LIST_ITEM.match(block):
            blocks[-1] += "\n\n" + block
        elif block:
            blocks.append(block)
    kept: list[str] = []
    used = 0
    for block in blocks:
        used += ens(block)
        if kept and used > budget:
            break
        kept.append(block)
    return "\n\n".join(kept)


def render_html(template_name: str, template_dirs: list[Path], context: dict[str, Any],
                keep_words_whole: bool, problems: Problems, script: str = "",
                direction: str = "ltr") -> str | None:
    """The page HTML for one language, or None (with a problem) if the template
    fails; its text set by the rules of its ``script`` and ``direction``."""
    env = environment(tuple(template_dirs))
    try:
        html = env.get_template(template_name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = Location(relative_name(Path(exc.filename or template_name)), exc.lineno)
        problems.error(f"template error: {exc.message}", where,
                       hint="Fix the {{ }} or {% %} tag on this line.")
        return None
    except jinja2.TemplateError as exc:
        problems.error(f"template error: {exc}", _template_location(exc, template_name),
                       hint="The template uses a name the content does not provide, "
                            "or something a template may not do.")
        return None
    return script_rules(html, keep_words_whole, script, direction)


def script_rules(html: str, keep_words_whole: bool, script: str, direction: str) -> str:
    """No lone last word in leads and captions; Korean words kept whole;
    Chinese and Japanese set by JLREQ and CLREQ; left-to-right runs isolated
    in right-to-left text (see script_rules)."""
    if script not in CJK_RULES:
        html = keep_last_words_together(html)
    if keep_words_whole:
        html = keep_words_together(html)
    if script in CJK_RULES:
        html = set_cjk(html)
    if direction == "rtl":
        html = isolate_left_to_right(html)
    return html


def _template_location(exc: BaseException, template_name: str) -> Location:
    """The template line Jinja was running when it failed."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".j2", ".jinja")):
            return Location(relative_name(Path(frame.filename)), frame.lineno)
    return Location(template_name)


# Scripts set by the rules of JLREQ and CLREQ.
CJK_RULES = {"Jpan", "Hans", "Hant"}

# A word that holds Hangul, up to the next space or tag.
_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_HANGUL_WORD = re.compile(rf"[^\s<>]*[{_HANGUL}][^\s<>]*")
_HANGUL_CHAR = re.compile(rf"[{_HANGUL}]")
_INLINE_TAG = re.compile(r"</?(em|strong|a|span|b|i|code|sub|sup|small)\b", re.IGNORECASE)
_HEADING_START = re.compile(r"<h[1-6]\b", re.IGNORECASE)
_HEADING_END = re.compile(r"</h[1-6]\s*>", re.IGNORECASE)
# A word longer than this may still be broken, as keep-all allows for a word
# longer than the line: 20 syllables fill the narrowest column (a fact label).
LONGEST_UNBROKEN_WORD = 20


def keep_words_together(html: str) -> str:
    """Keep every Korean word of the body on one line.

    The renderer rejects ``word-break: keep-all``; this gives the same result:
    lines break only at spaces, never between the syllables of a word. The
    characters of each word are glued by WORD JOINERs (U+2060), which forbid a
    break and draw nothing; where a word is split by an inline tag
    (``*세계기록유산*으로``), a WORD JOINER glues the two parts too. In a
    heading, whose text is also a bookmark's and the running head's, each
    word is wrapped in an unbreakable span instead, so that no joiner enters
    them; but not in a link, where the renderer would give every span an
    annotation of its own, which PDF/UA forbids. (Spans everywhere did the
    same, but the renderer then styles, lays out and draws every word as a box
    of its own: a Korean edition took 0.97 s to render instead of 0.56 s.)
    """
    head, body_start, body = html.partition("<body")
    if not body_start:
        return html
    pieces = []
    previous = ""  # the text just before, across inline tags only
    in_heading = in_link = False
    for match in _TAG_OR_TEXT.finditer(body):
        tag, text = match.groups()
        if tag is not None:
            pieces.append(tag)
            in_link = _LINK_START.match(tag) is not None or (
                in_link and not _LINK_END.match(tag))
            if not _INLINE_TAG.match(tag):
                previous = ""
                in_heading = _HEADING_START.match(tag) is not None or (
                    in_heading and not _HEADING_END.match(tag))
            continue
        joined = _HANGUL_WORD.sub(_unbreakable if in_heading and not in_link else _joined, text)
        if (previous and text and not previous[-1].isspace() and not text[0].isspace()
                and (_HANGUL_CHAR.match(previous[-1]) or _HANGUL_CHAR.match(text[0]))):
            joined = WORD_JOINER + joined
        pieces.append(joined)
        previous = text
    return head + body_start + "".join(pieces)


def _unbreakable(word: re.Match[str]) -> str:
    if len(word.group(0)) > LONGEST_UNBROKEN_WORD:
        return word.group(0)
    return f'<span class="kw">{word.group(0)}</span>'


def _joined(word: re.Match[str]) -> str:
    if len(word.group(0)) > LONGEST_UNBROKEN_WORD:
        return word.group(0)
    return WORD_JOINER.join(word.group(0))
