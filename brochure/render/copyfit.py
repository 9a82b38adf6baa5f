"""Copy-fit: how each theme's text page is set, chosen from the text's length
before anything is rendered, so that the page is full without running over.

The same text is twice as long in Russian as in Chinese. A theme's text page
holds its body and its key figures; two plans and a few type sizes let it fill
the page in every language:

- *beside*: the key figures in a column of their own beside the body (a long
  body fills the page by itself);
- *below*: the key figures under the body, in its column (a short body and
  its figures fill the page together).

The body's size and leading come in steps (``STEPS``). For every plan and
step the page's height is estimated from the text: line count per paragraph
from its width in ens (a Han or Hangul character is two, an Arabic letter
three quarters, a Cyrillic one a little more than one), times the line's
height. The plan and step chosen fill the page nearest to ``TARGET`` without
passing ``MOST``; the layout gate still refuses a page that runs over.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MM_PER_PT = 25.4 / 72
# The type area's height by page size: the page minus the margins of
# styles/brochure.css (@page: 24 mm top, 22 mm bottom), and of
# styles/format-A5.css for A5 (122.5 × 179 mm).
TYPE_AREA_MM = {"A4": 251.0, "A5": 179.0, "letter": 233.0}
# A5's type area is A4's reduced by this much in both directions; its text is
# estimated on A4's geometry at its size divided by it. Its own steps start at
# 9 pt, the smallest body read at arm's length (format-A5.css).
A5_SCALE = 179.0 / 251.0
A5_STEPS = ((9.0, 1.5), (9.25, 1.52), (9.5, 1.55), (9.75, 1.6), (10.0, 1.65))
A5_WIDE_STEPS = ((10.25, 1.8), (10.5, 1.85))
BODY_MEASURE_MM = 110.0     # the body's column (the fact box's column beside it)
EN = 0.5                    # an en, in ems: the unit text widths are counted in
PARAGRAPH_SPACE = 0.7       # em, after a paragraph (p in brochure.css)
ITEM_SPACE = 0.3            # em, after a list item
ITEM_INDENT = 1.2           # em
LIST_WASTE = 1.12
TARGET = 0.88               # of the type area's height
MOST = 0.94                 # leaves room for an estimate a line or two short
FACTS_GAP_MM = 6.0          # between the body and the figures under it

# (size in pt, leading): from a dense page to an open one; never below 11.5 pt
# (body text read at arm's length) nor above 13.5 pt (beyond, fuller copy looks
# like a children's book). Arabic is one step larger: Naskh is small on its body.
STEPS = ((11.5, 1.55), (12.0, 1.6), (12.5, 1.65), (13.0, 1.75), (13.5, 1.85))
# Han, kana and Hangul say in half the characters what Latin letters say, and
# a character is read as a whole sign: their text may be set two steps
# more openly (up to 14.5 pt, with the loose leading CJK books use).
WIDE_STEPS = ((14.0, 1.95), (14.5, 2.0))
LARGER_LANGUAGES = {"ar": 1.5, "fa": 1.5}  # pt added at every step

# The key figures under the body (.below .facts in brochure.css), in mm.
FACTS_FRAME_MM = 5 + 2 + 3.2 + 3     # padding, heading and its margin
FACT_VALUE_PT, FACT_LABEL_PT = 19.0, 10.5
FACT_SPACE_MM = 8.0                  # padding and margin between figures
FACTS_INNER_MM = BODY_MEASURE_MM - 10


@dataclass(frozen=True)
class Fit:
    plan: str          # "beside" or "below"
    size: float        # body size, pt
    leading: float     # body line height, as a factor of the size
    fill: float        # the estimated share of the type area's height

    @property
    def style(self) -> str:
        return f"font-size: {self.size:g}pt; line-height: {self.leading:g}"


def type_area_height(page_size: str) -> float:
    """The type area's height in mm (the openers are as high)."""
    return TYPE_AREA_MM.get(page_size, TYPE_AREA_MM["A4"])


def spread_fit(section: dict[str, Any], page_size: str = "A4", language: str = "") -> Fit:
    """The plan and body type of a theme's text page."""
    small = page_size == "A5"
    scale = A5_SCALE if small else 1.0
    page = type_area_height("A4" if small else page_size)
    paragraphs = _paragraphs(str(section.get("body", "")))
    facts = section.get("facts") or []
    # Naskh is set larger; a text in the language's file still in Latin
    # letters (not translated yet) is not.
    naskh = _mostly_arabic(str(section.get("body", "")))
    larger = LARGER_LANGUAGES.get(language.split("-")[0], 0.0) * scale * naskh
    candidates = []
    wide = _mostly_wide(str(section.get("body", "")))
    steps, wide_steps = (A5_STEPS, A5_WIDE_STEPS) if small else (STEPS, WIDE_STEPS)
    for size, leading in steps + (wide_steps if wide else ()):
        body = body_height(paragraphs, (size + larger) / scale, leading)
        below = body + (FACTS_GAP_MM + facts_height(facts) if facts else 0)
        candidates.append(Fit("beside", size + larger, leading, body / page))
        if facts:
            candidates.append(Fit("below", size + larger, leading, below / page))
    # A5's estimate is less sure (its figures and margins are not A4's
    # reduced exactly): it aims lower.
    most, target = (MOST - 0.1, TARGET - 0.1) if small else (MOST, TARGET)
    fitting = [c for c in candidates if c.fill <= most] or [min(candidates, key=lambda c: c.fill)]
    return min(fitting, key=lambda c: (abs(c.fill - target), c.size))


# The contents page (brochure.css: .toc-title, .toc, .intro): the welcome is
# set as large as the page allows, up to 18 pt.
WELCOME_SIZES = (13.0, 14.0, 15.0, 16.0, 17.0, 18.0)
WELCOME_LEADING = 1.55
WELCOME_MEASURE_MM = 152.0          # the box's width less its padding and rule
CONTENTS_FIXED_MM = 19 + 7 + 7 + 8 + 4 + 3   # title, gaps, the box's padding and heading
ENTRY_MM = 16 * MM_PER_PT * 1.55 + 6         # an entry of the list: its line and padding


def welcome_size(welcome: str, entries: int, page_size: str = "A4") -> float:
    """The welcome's size in pt: the largest that leaves the contents page
    within ``MOST`` of its height."""
    scale = A5_SCALE if page_size == "A5" else 1.0
    page = type_area_height("A4" if page_size == "A5" else page_size)
    room = MOST * page - CONTENTS_FIXED_MM - entries * ENTRY_MM
    paragraphs = _paragraphs(welcome)
    fitting = [size for size in WELCOME_SIZES
               if _height(paragraphs, size, WELCOME_LEADING, WELCOME_MEASURE_MM) <= room]
    size = fitting[-1] if fitting else WELCOME_SIZES[0]
    return max(9.5, round(size * scale * 4) / 4) if scale != 1.0 else size


def body_height(paragraphs: list[tuple[str, str]], size: float, leading: float) -> float:
    """The body's estimated height in mm, set at ``size`` pt in its column."""
    return _height(paragraphs, size, leading, BODY_MEASURE_MM)


def _height(paragraphs: list[tuple[str, str]], size: float, leading: float,
            column: float) -> float:
    em = size * MM_PER_PT
    height = 0.0
    for kind, text in paragraphs:
        measure = column - (ITEM_INDENT * em if kind == "li" else 0)
        # A list item's lines end earlier: they are short and break at words.
        waste = LIST_WASTE if kind == "li" else 1.0
        lines = math.ceil(text_width(text) * waste * EN * em / measure) or 1
        height += lines * em * leading + (ITEM_SPACE if kind == "li" else PARAGRAPH_SPACE) * em
    return height


def facts_height(facts: list[dict[str, Any]]) -> float:
    """The estimated height in mm of the key figures set under the body."""
    height = FACTS_FRAME_MM
    for fact in facts:
        for text, size, leading in ((fact.get("value", ""), FACT_VALUE_PT, 1.15),
                                    (fact.get("label", ""), FACT_LABEL_PT, 1.4)):
            em = size * MM_PER_PT
            lines = math.ceil(text_width(str(text)) * EN * em / FACTS_INNER_MM) or 1
            height += lines * em * leading
        height += FACT_SPACE_MM
    return height


@lru_cache(maxsize=4096)  # each paragraph is measured at every size tried, in every kind
def text_width(text: str) -> float:
    """A text's width in ens, as measured on the sample's fonts: a Han or kana
    character is two, a Hangul syllable 1.9, an Arabic letter three quarters,
    a Cyrillic letter 1.2, a Thai one 1.12; marks take no room."""
    width = 0.0
    for character in text:
        if unicodedata.combining(character) or unicodedata.category(character) == "Mn":
            continue
        code = ord(character)
        if 0xAC00 <= code <= 0xD7AF:
            width += 1.9      # a Hangul syllable is a little narrower than a Han character
        elif unicodedata.east_asian_width(character) in ("W", "F"):
            width += 2
        elif 0x0600 <= code <= 0x06FF:
            width += 0.75
        elif 0x0400 <= code <= 0x04FF:
            width += 1.2
        elif 0x0E00 <= code <= 0x0E7F:
            width += 1.12
        else:
            width += 1
    return width


def _mostly_arabic(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    arabic = sum(1 for c in letters if "\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f")
    return bool(letters) and arabic > len(letters) / 2


def _mostly_wide(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    wide = sum(1 for c in letters if unicodedata.east_asian_width(c) in ("W", "F"))
    return bool(letters) and wide > len(letters) / 2


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def _paragraphs(markdown: str) -> list[tuple[str, str]]:
    """The body's paragraphs ("p") and list items ("li") as plain text."""
    plain = _LINK.sub(r"\1", markdown).replace("*", "").replace("_", "")
    found: list[tuple[str, str]] = []
    for block in re.split(r"\n\s*\n", plain.strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        if lines and all(_ITEM.match(line) for line in lines):
            found += [("li", _ITEM.sub("", line)) for line in lines]
        elif lines:
            found.append(("p", " ".join(line.strip() for line in lines)))
    return found
