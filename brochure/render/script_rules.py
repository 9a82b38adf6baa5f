"""Line-breaking and spacing rules of each script, applied to the page's HTML.

The renderer supports neither ``text-spacing``, ``line-break`` nor
``text-wrap: pretty``, so what the W3C requirements ask is done here, on the
text of the HTML body (never on tags, attributes or links' insides):

- Chinese and Japanese (JLREQ, CLREQ): a date or a number with its counter
  (``5月18日``, ``2045年``, ``411.6億``) is kept on one line; a paragraph's
  last line never holds one character alone; a colon after CJK text is the
  full-width ``：``; a line break of the source beside a CJK character is
  dropped, not printed as a space; of two punctuation marks in a row, the one whose blank
  half meets the other is set half-width (the font's ``halt`` feature,
  ``.sq`` in styles/cjk.css): ``》。`` takes one and a half ems, not two.
- Right to left (Arabic, Persian, Hebrew): a run of left-to-right text inside
  a sentence (a phone number, an address, a Latin name) is isolated in a
  ``<span dir="ltr">``, so that its separators do not reorder it: measured,
  ``+82 62-613-2321`` otherwise prints as ``2321-613-62 82+``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape

from brochure.render.justify import CJK, CJK_CHARACTER

# A number with its counter (2045年, 40周年, 411.6億, 5·18), and a month with
# its day (5月18日), stay on one line; a year may end a line before its month.
_COUNTER = "年月日時分秒億万萬亿兆千百個个件名人号號回倍歳岁位%％"
_NUMBER_WITH_COUNTER = re.compile(
    rf"\d+月\d+日|\d[\d.,]*(?:周年|週年|[{_COUNTER}])|\d+[·・]\d+")
# Latin words and numbers inside CJK text: set as they are, never spaced out
# between their letters when a line is justified.
_LATIN_WORD = r"[A-Za-z0-9](?:[A-Za-z0-9.,%'’/&-]*[A-Za-z0-9%])?"
_LATIN = re.compile(rf"{_LATIN_WORD}(?: {_LATIN_WORD})*")
# Marks that end a line well and may not start one; a paragraph's last
# "character" is the last one that is none of these.
_CLOSING = "、。，．,.！？!?」』）)》〉】〕”’：；:;…ー"
_OPENING = "「『（(《〈【〔“‘"
_LAST_TWO = re.compile(rf"[{CJK}][{_CLOSING}]*[{CJK}][{_CLOSING}]*$")
# A colon after CJK text: full width, without the space that followed it.
_COLON = re.compile(f"(?<=[{CJK}]):\\s*")
# A line break in the source beside a CJK character prints nothing (CSS Text's
# segment break rule, which the renderer does not apply): it would print as
# a space, and a line could break there.
_SEGMENT_BREAK = re.compile(f"(?<=[{CJK}])[ \\t]*\\n\\s*|[ \\t]*\\n\\s*(?=[{CJK}])")
# Two marks in a row whose blank halves meet: the first, if it closes (its
# blank half is after it), else the second, if it opens.
_SQUEEZE_FIRST = re.compile(f"[{_CLOSING}](?=[{_CLOSING}{_OPENING}])")
_SQUEEZE_SECOND = re.compile(f"(?<=[{_OPENING}])[{_OPENING}]")

# The HTML walked as tags and text, and where links start and end (also
# used by render_html).
TAG_OR_TEXT = re.compile(r"(<[^>]*>)|([^<]+)")
LINK_START = re.compile(r"<a\b", re.IGNORECASE)
LINK_END = re.compile(r"</a\s*>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(p|li|dd|dt|h[1-6]|figcaption|td|th)\s*>", re.IGNORECASE)


def each_text(html: str, change: Callable[[str, str, str], str]) -> str:
    """``html`` with ``change(text, tag_before, tag_after)`` applied to every
    text of the body outside links: ``change`` gets the text unescaped, with
    the tags either side of it, and returns HTML."""
    head, body_start, body = html.partition("<body")
    if not body_start:
        return html
    parts = TAG_OR_TEXT.findall(body)
    pieces: list[str] = []
    in_link = False
    for index, (tag, text) in enumerate(parts):
        if tag:
            pieces.append(tag)
            in_link = LINK_START.match(tag) is not None or (
                in_link and not LINK_END.match(tag))
            continue
        before = parts[index - 1][0] if index else ""
        after = parts[index + 1][0] if index + 1 < len(parts) else ""
        pieces.append(text if in_link or not index else change(unescape(text), before, after))
    return head + body_start + "".join(pieces)


# --- Every script: no lone last word in a lead or a caption -----------------------

# Leads, fact labels and captions: short texts set large or narrow, where a
# last line of one word shows most.
_CAPTION_START = re.compile(
    r"<(dd|figcaption)\b|<p\b[^>]*\bclass=\"[^\"]*\b(lead|tile-label)\b", re.IGNORECASE)
# Two words longer than this together may still part: bound, they could not
# fit the narrowest column (a fact label) and would run out of it.
LONGEST_BOUND_PAIR = 20


def keep_last_words_together(html: str) -> str:
    """The last two words of every lead and caption joined by a no-break space."""
    return each_text(html, _last_words_bound)


def _last_words_bound(text: str, before: str, after: str) -> str:
    body = text.rstrip()
    head, space, last = body.rpartition(" ")
    pair = head.rsplit(None, 1)[-1] + space + last if head else ""
    if (space and _CAPTION_START.match(before) and _BLOCK_END.match(after)
            and len(pair) <= LONGEST_BOUND_PAIR):
        text = head + "\u00a0" + last + text[len(body):]
    return escape(text, quote=False)


# --- Chinese and Japanese ---------------------------------------------------------

def set_cjk(html: str) -> str:
    """The CJK rules above, on every text of the body."""
    return each_text(html, _cjk_text)


def _cjk_text(text: str, before: str, after: str) -> str:
    if not CJK_CHARACTER.search(text):
        return escape(text, quote=False)
    text = _COLON.sub("：", _SEGMENT_BREAK.sub("", text))
    kept = [m.span() for m in _NUMBER_WITH_COUNTER.finditer(text)]
    if _BLOCK_END.match(after) and (last := _LAST_TWO.search(text.rstrip())):
        kept.append(last.span())
    latin = [m.span() for m in _LATIN.finditer(text) if m.end() - m.start() > 1]
    kept = _merged(kept, latin)
    squeeze = {m.start() for m in _SQUEEZE_FIRST.finditer(text)}
    squeeze |= {m.start() for m in _SQUEEZE_SECOND.finditer(text)}
    return _marked(text, [(span, "kt") for span in kept] + [(span, "ln") for span in latin],
                   squeeze)


def _merged(kept: list[tuple[int, int]], latin: list[tuple[int, int]],
            ) -> list[tuple[int, int]]:
    """The spans to keep on one line, overlapping ones joined, and each grown
    to hold whole any Latin run it cuts into (so that the spans nest)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(kept):
        for run_start, run_end in latin:
            if run_start < end and start < run_end:
                start, end = min(start, run_start), max(end, run_end)
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: list[tuple[tuple[int, int], str]], squeeze: set[int]) -> str:
    """The text as HTML: each span in a ``<span class>`` (outer ones listed
    first), each mark at a position in ``squeeze`` in a ``.sq`` span."""
    opens: dict[int, list[str]] = {}
    closes: dict[int, int] = {}
    for (start, end), name in spans:
        opens.setdefault(start, []).append(f'<span class="{name}">')
        closes[end] = closes.get(end, 0) + 1
    out: list[str] = []
    for index, character in enumerate(text):
        out.append("</span>" * closes.get(index, 0) + "".join(opens.get(index, [])))
        character = escape(character, quote=False)
        out.append(f'<span class="sq">{character}</span>' if index in squeeze else character)
    out.append("</span>" * closes.get(len(text), 0))
    return "".join(out)


# --- Right to left ----------------------------------------------------------------

# A run of left-to-right text: Latin letters and digits with what joins them
# in numbers, addresses and names (+82 62-613-2321, info@gwangju.go.kr).
_LTR_WORD = r"[+(]?[A-Za-z0-9][A-Za-z0-9@._:/%+()#&'’-]*"
_LTR_RUN = re.compile(rf"{_LTR_WORD}(?:[ \u00a0]{_LTR_WORD})*")
_TRAILING = ".,:;'’"


def isolate_left_to_right(html: str) -> str:
    """Every run of left-to-right text in the body in a ``<span dir="ltr">``."""
    return each_text(html, _isolated)


def _isolated(text: str, before: str, after: str) -> str:
    out: list[str] = []
    last = 0
    for match in _LTR_RUN.finditer(text):
        run = match.group(0).rstrip(_TRAILING)
        if run.endswith(")") and run.count("(") < run.count(")"):
            run = run[:-1]
        if run.isdigit():
            continue  # a plain number reads the same in either direction
        out.append(escape(text[last:match.start()], quote=False))
        out.append(f'<span dir="ltr">{escape(run, quote=False)}</span>')
        last = match.start() + len(run)
    out.append(escape(text[last:], quote=False))
    return "".join(out)
