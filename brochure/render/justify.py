"""Inter-character justification for Chinese and Japanese (JLREQ 3.8, CLREQ).

WeasyPrint 70 justifies a line by widening its spaces only, and ignores
``text-justify``: a Chinese or Japanese paragraph has no spaces, so it stays
ragged. ``render_pdf`` widens such lines between characters instead: a
justified text box in these languages counts one expansion opportunity
between every two characters (as well as its spaces), and is drawn with that
share of the line's free room as letter spacing. Pango puts letter spacing
between the characters of a box and not at its ends, so a box of n
characters grows by exactly n - 1 shares and its last character ends on the
line's edge. This module holds the rules; ``render_pdf`` applies them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Han, kana, CJK punctuation and full-width forms.
CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK_CHARACTER = re.compile(f"[{CJK}]")

# Languages set solid and justified between characters. Korean is not: it
# breaks at spaces and is justified, if at all, at spaces.
INTER_CHARACTER = ("ja", "zh")


def inter_character(style: Any) -> bool:
    """Whether text in this computed style is justified between characters."""
    language = (style["lang"] or "").split("-")[0].lower()
    return language in INTER_CHARACTER and style["text_align_all"] == "justify"


def gaps(text: str) -> int:
    """The places between the characters of ``text`` where room may be added:
    one fewer than its characters, marks that combine with the one before
    not counted; none in a text without CJK characters (a Latin word or a
    number inside Chinese or Japanese text, which the pipeline puts in a box
    of its own, is not spaced out)."""
    if not CJK_CHARACTER.search(text):
        return 0
    count = sum(1 for character in text if not unicodedata.combining(character))
    return max(count - 1, 0)


def spaced(style: Any, spacing: float) -> dict:
    """A copy of a computed style with ``spacing`` more letter spacing."""
    copy = style.copy()
    letter = style["letter_spacing"]
    copy["letter_spacing"] = (0 if letter == "normal" else letter) + spacing
    return copy
