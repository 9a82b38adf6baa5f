"""The missing-glyph gate: every character a page will print must have a glyph
in the fonts of its language, checked before rendering.

The renderer would draw a box for such a character and only log it; here it
is an error that names the language, the file, line and field where the
character was typed, the character and its code point, and the fonts tried.
"""

from __future__ import annotations

import html as html_module
import re
import unicodedata

from brochure.content.sources import Source, field_name, text_fields
from brochure.content.typography import Typography
from brochure.problems import Location, Problems
from brochure.render import fonts

_BODY_TEXT = re.compile(r">([^<]+)<")


def printed_characters(html: str) -> set[str]:
    """The characters of the page body's text (not tags, not attribute values)."""
    body = html.partition("<body")[2]
    text = "".join(html_module.unescape(t) for t in _BODY_TEXT.findall(body))
    return {c for c in text if not _needs_no_glyph(c)}


def _needs_no_glyph(character: str) -> bool:
    # Spaces, line breaks and invisible format characters (word joiner, marks
    # of direction) are laid out, not drawn.
    return character.isspace() or unicodedata.category(character) in ("Cc", "Cf")


def check_glyphs(html: str, typography: Typography, sources: list[Source],
                 problems: Problems) -> None:
    """Report each printed character that none of the language's fonts covers.

    ``sources`` are the files the text came from, searched in order to say
    where a character was typed (the language's own file first).
    """
    families = typography.all_font_families()
    covered = fonts.coverage(families)
    for character in sorted(c for c in printed_characters(html) if ord(c) not in covered):
        where, field = _find(character, sources)
        name = f"U+{ord(character):04X} {unicodedata.name(character, '')}".strip()
        problems.error(
            f"'{character}' ({name}) has no glyph in the fonts "
            f"for {typography.language} ({', '.join(families)})",
            where, field=field,
            hint="Remove or replace the character, or add a font that has it "
                 "(see docs/languages.md).")


def _find(character: str, sources: list[Source]) -> tuple[Location | None, str | None]:
    """Where ``character`` was first typed, searching the files in order."""
    for source in sources:
        for path, text in text_fields(source.data):
            if character in text:
                return source.where(path), field_name(path) or None
    return None, None
