"""Per-script typography: which fonts a language is set in, and how it breaks lines.

A language finds its script through CLDR's likely subtags (ru → Cyrl, ko → Kore),
so a new language in an already known script needs no entry here. A script
not in ``SCRIPT_FONTS`` gets its fonts from the edition file (``fonts:``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from babel import Locale, UnknownLocaleError
from babel.core import get_global


@dataclass(frozen=True)
class FontStack:
    """Font families, first choice first; the last resort is the Latin stack."""

    body: tuple[str, ...]
    heading: tuple[str, ...]


LATIN = FontStack(body=("Noto Serif",), heading=("Noto Sans",))

# Han characters must be given their regional face by name: with a bare `lang`
# the system falls back to the Japanese one (see WEASYPRINT-NOTES).
SCRIPT_FONTS: dict[str, FontStack] = {
    "Latn": LATIN,
    "Cyrl": LATIN,
    "Grek": LATIN,
    "Kore": FontStack(("Noto Serif CJK KR",), ("Noto Sans CJK KR",)),
    "Jpan": FontStack(("Noto Serif CJK JP",), ("Noto Sans CJK JP",)),
    "Hans": FontStack(("Noto Serif CJK SC",), ("Noto Sans CJK SC",)),
    "Hant": FontStack(("Noto Serif CJK TC",), ("Noto Sans CJK TC",)),
    "Arab": FontStack(("Noto Naskh Arabic",), ("Noto Sans Arabic",)),
    "Hebr": FontStack(("Noto Serif Hebrew",), ("Noto Sans Hebrew",)),
    "Thai": FontStack(("Noto Serif Thai",), ("Noto Sans Thai",)),
    "Deva": FontStack(("Noto Serif Devanagari",), ("Noto Sans Devanagari",)),
}

# The digits of CLDR numbering systems that are not Latin (from CLDR's
# numberingSystems.xml): Babel formats with Latin digits only, so localise
# maps them. Each entry: the code point of zero, and the CSS counter style
# that counts pages the same way.
NATIVE_DIGITS: dict[str, tuple[int, str]] = {
    "arab": (0x0660, "arabic-indic"),
    "arabext": (0x06F0, "persian"),
    "beng": (0x09E6, "bengali"),
    "deva": (0x0966, "devanagari"),
    "thai": (0x0E50, "thai"),
}

# Quotation marks: (start, end, alternate start, alternate end), from CLDR's
# <delimiters> (common/main/<language>.xml; Babel does not carry them). A
# language not listed here is quoted the English way.
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("“", "”", "‘", "’"),
    "ko": ("“", "”", "‘", "’"),
    "ja": ("「", "」", "『", "』"),
    "zh": ("“", "”", "‘", "’"),
    "zh-Hant": ("「", "」", "『", "』"),
    "vi": ("“", "”", "‘", "’"),
    "th": ("“", "”", "‘", "’"),
    "id": ("“", "”", "‘", "’"),
    "ru": ("«", "»", "„", "“"),
    "uk": ("«", "»", "„", "“"),
    "es": ("«", "»", "“", "”"),
    "fr": ("«\u202f", "\u202f»", "“", "”"),   # French sets a thin space inside
    "de": ("„", "“", "‚", "‘"),
    "ar": ("”", "“", "’", "‘"),
    "fa": ("«", "»", "”", "“"),
    "he": ("”", "”", "’", "’"),
    "hi": ("“", "”", "‘", "’"),
}
APOSTROPHE = "’"
_OPENS_AFTER = " \t\n([{«“‘„‚—–-/"      # a quote mark after these opens a quotation
_QUOTE = re.compile(r"[\"']")
# A number and what it counts stay on one line: a space after a digit in a
# formatted figure ('411.6 billion', '4.37 km²', '25 мая 2011 г.') becomes a
# no-break space.
_NUMBER_SPACE = re.compile(r"(?<=\d) (?=\S)")


def keep_numbers_with_units(value: str) -> str:
    """A formatted figure whose numbers cannot be parted from their words."""
    return _NUMBER_SPACE.sub("\u00a0", value)


# Scripts whose words must not be broken between syllables: the renderer
# ignores `word-break: keep-all`, so render_html keeps these words whole.
KEEP_WORDS_WHOLE = {"Kore"}


@dataclass(frozen=True)
class Typography:
    """How one language is typeset."""

    language: str          # BCP 47, as written in the edition: "zh-Hans"
    locale: Locale         # CLDR locale used for numbers and dates
    script: str            # ISO 15924: "Kore"
    fonts: FontStack
    keep_words_whole: bool
    written: Locale        # the language's own CLDR locale: how it is written

    @cached_property
    def direction(self) -> str:
        """"ltr" or "rtl", as CLDR writes the language. Read when first asked
        for: CLDR's data for a locale takes about 7 ms to load, which a
        build then needs anyway to localise that language, and which
        would otherwise hold back the first language's rendering by the
        other languages' loads."""
        return "rtl" if self.written.character_order == "right-to-left" else "ltr"

    @property
    def numbering_system(self) -> str:
        return self.locale.default_numbering_system

    @property
    def page_counter_style(self) -> str:
        """The CSS counter style for page numbers in this locale's digits."""
        return NATIVE_DIGITS.get(self.numbering_system, (0, "decimal"))[1]

    def digits(self, text: str) -> str:
        """``text`` with Latin digits written in the locale's own digits."""
        zero = NATIVE_DIGITS.get(self.numbering_system, (0, ""))[0]
        if not zero:
            return text
        return text.translate({ord("0") + i: chr(zero + i) for i in range(10)})

    @property
    def quotes(self) -> tuple[str, str, str, str]:
        """The language's quotation marks (CLDR), most specific entry first."""
        locale = self.locale
        for key in (self.language, f"{locale.language}-{locale.script}" if locale.script
                    else "", locale.language):
            if key in QUOTES:
                return QUOTES[key]
        return QUOTES["en"]

    def smarten(self, text: str) -> str:
        """Straight quotes and apostrophes as the language prints them: "…" as
        its quotation marks, '…' as its alternate ones, an apostrophe (city's,
        citizens', l'UNESCO) as ’."""
        if "'" not in text and '"' not in text:
            return text
        start, end, alt_start, alt_end = self.quotes
        out: list[str] = []
        open_double = open_single = False
        last = 0
        for match in _QUOTE.finditer(text):
            out.append(text[last:match.start()])
            last = match.end()
            before = text[match.start() - 1] if match.start() else " "
            after = text[match.end()] if match.end() < len(text) else " "
            opens = before in _OPENS_AFTER
            if match.group() == '"':
                out.append(start if opens and not open_double else end)
                open_double = opens and not open_double
            elif before.isalnum() and after.isalnum():
                out.append(APOSTROPHE)                    # city's, l'UNESCO
            elif opens and not after.isspace():
                out.append(alt_start)
                open_single = True
            elif open_single:
                out.append(alt_end)
                open_single = False
            else:
                out.append(APOSTROPHE)                    # citizens', '90s
        out.append(text[last:])
        return "".join(out)

    def font_families(self, role: str) -> list[str]:
        """The families text in ``role`` is set in: the script's, then the Latin ones."""
        families = list(getattr(self.fonts, role))
        return families + [f for f in getattr(LATIN, role) if f not in families]

    def all_font_families(self) -> list[str]:
        return list(dict.fromkeys(self.font_families("body") + self.font_families("heading")))

    def css_font_list(self, role: str) -> str:
        """A CSS font-family value, ending with a generic family."""
        generic = "serif" if role == "body" else "sans-serif"
        return ", ".join(f'"{family}"' for family in self.font_families(role)) + f", {generic}"


class UnknownLanguage(ValueError):
    """The code is not a language CLDR knows, or its script has no fonts."""

    def __init__(self, message: str, script: str | None = None):
        super().__init__(message)
        self.script = script


def parse_locale(code: str) -> Locale:
    """A CLDR locale from a BCP 47 code such as ``zh-Hans`` or ``en-GB``."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise UnknownLanguage(f"'{code}' is not a language code that CLDR knows") from exc


def script_of(locale: Locale) -> str:
    if locale.script:
        return locale.script
    likely = get_global("likely_subtags").get(locale.language, "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 2 else "Latn"


def typography_for(language: str, locale_code: str | None = None,
                   fonts: Mapping[str, FontStack] | None = None) -> Typography:
    """How ``language`` is typeset; ``fonts`` (from the edition, by language or
    by script) come before the built-in ``SCRIPT_FONTS``."""
    language_locale = parse_locale(language)
    locale = parse_locale(locale_code) if locale_code else language_locale
    script = script_of(language_locale)
    table = {**SCRIPT_FONTS, **(fonts or {})}
    stack = table.get(language) or table.get(script)
    if stack is None:
        raise UnknownLanguage(
            f"'{language}' is written in the {script} script, which has no fonts set up",
            script)
    return Typography(
        language=language,
        locale=locale,
        script=script,
        fonts=stack,
        keep_words_whole=script in KEEP_WORDS_WHOLE,
        written=language_locale,
    )
