"""The missing-glyph gate: every character a page will print must have a glyph
in the fonts of its language, checked before rendering.

The renderer would draw a box for such a character and only log it; here it
is an error that names the language, the file, line and field where the
characters were typed (one error for a field), each character and its code
point, and the fonts tried.
"""

from __future__ import annotations

import html as html_module
import re
import unicodedata

from babel import localedata

from brochure.content.sources import Source, field_name, text_fields
from brochure.content.typography import Typography
from brochure.problems import Location, Problems
from brochure.render import fonts

_BODY_TEXT = re.compile(r">([^<]+)<")


def printed_characters(html: str) -> set[str]:
    """The characters of the page body's text (not tags, not attribute values);
    ``html`` may also be a fragment of a body (a delegation's own pages)."""
    body = html.partition("<body")[2] if "<body" in html else html
    text = "".join(html_module.unescape(t) for t in _BODY_TEXT.findall(body))
    return {c for c in text if not _needs_no_glyph(c)}


def _needs_no_glyph(character: str) -> bool:
    # Spaces, line breaks and invisible format characters (word joiner, marks
    # of direction) are laid out, not drawn.
    return character.isspace() or unicodedata.category(character) in ("Cc", "Cf")


def check_glyphs(html: str, typography: Typography, sources: list[Source],
                 problems: Problems) -> None:
    """Report the printed characters that none of the language's fonts covers:
    one problem for each place they were typed (a name in another script is
    one problem, not one per letter).

    ``sources`` are the files the text came from, searched in order to say
    where a character was typed (the language's own file first).
    """
    families = typography.all_font_families()
    covered = fonts.coverage(families)
    missing = {c for c in printed_characters(html) if ord(c) not in covered}
    for where, field, characters in _where_typed(missing, sources, typography.language):
        named = ", ".join(f"'{c}' ({_code_point(c)})" for c in characters)
        verb = "has no glyph" if len(characters) == 1 else "have no glyphs"
        problems.error(
            f"{named} {verb} in the fonts for {typography.language} ({', '.join(families)})",
            where, field=field,
            hint="Remove or replace the character, or add a font that has it "
                 "(see docs/languages.md). A text written once for every language "
                 "(a name as it is written) is printed in each: where a reader's fonts "
                 "lack its script, give it per language instead.")


def _where_typed(missing: set[str], sources: list[Source], language: str,
                 ) -> list[tuple[Location | None, str | None, list[str]]]:
    """Each field, in the files' order, that holds a missing character not yet
    placed, with all the missing characters it holds. A text given for another
    language (``name.ar`` in a Korean edition) is not printed here, and so
    is never where a character was typed."""
    placed: set[str] = set()
    found: list[tuple[Location | None, str | None, list[str]]] = []
    for source in sources:
        for path, text in text_fields(source.data):
            held = sorted(missing & set(text))
            if held and not placed.issuperset(held) and not _of_another_language(path,
                                                                                language):
                placed.update(held)
                found.append((source.where(path), field_name(path) or None, held))
    if unplaced := sorted(missing - placed):
        found.append((None, None, unplaced))
    return found


def _of_another_language(path: tuple, language: str) -> bool:
    """A per-language text (``{de: …, ko: …}``) is keyed by language codes."""
    key = path[-1] if path else None
    return (isinstance(key, str) and key != language and len(key) <= 7
            and localedata.exists(key.replace("-", "_")))


def _code_point(character: str) -> str:
    return f"U+{ord(character):04X} {unicodedata.name(character, '')}".strip()
