"""The installed fonts, as the renderer will find them: fontconfig names the
files, fontTools reads their character maps.

Used to check, before rendering, that every character of a language has a
glyph in that language's fonts, and to record which font files an edition
was built with.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import subprocess
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from brochure import defaults
from brochure.output.write import write_atomically
from brochure.problems import Problems, SingleProblem

if TYPE_CHECKING:  # a build in which nothing changed reads no content (state.py)
    from brochure.content.model import Edition
    from brochure.content.sources import Source

REGULAR_WEIGHT = 80  # fontconfig's weight for Regular


@dataclass(frozen=True)
class Face:
    family: str
    file: Path
    index: int
    weight: int


@cache
def fontconfig_listing() -> str:
    """Every face fontconfig knows, one a line: family|weight|index|file. Its
    digest tells whether the installed fonts changed."""
    try:
        return subprocess.run(
            ["fc-list", "--format", "%{family}|%{weight}|%{index}|%{file}\n"],
            capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SingleProblem(
            f"fontconfig cannot list the installed fonts ({exc})",
            hint="Install fontconfig and the Noto fonts (scripts/setup.sh does).") from exc


def listed_files(listing: str) -> list[str]:
    """The font files of a ``fontconfig_listing``."""
    return sorted({line.split("|", 3)[3] for line in listing.splitlines()
                   if line.count("|") >= 3})


@cache
def installed_faces() -> dict[str, tuple[Face, ...]]:
    """Every face fontconfig knows, by lower-cased family name."""
    faces: dict[str, list[Face]] = {}
    for line in fontconfig_listing().splitlines():
        families, weight, index, file = line.split("|", 3)
        for family in families.split(","):
            face = Face(family, Path(file), int(index or 0), int(float(weight or 0)))
            faces.setdefault(family.lower(), []).append(face)
    return {name: tuple(sorted(found, key=lambda f: (abs(f.weight - REGULAR_WEIGHT), str(f.file))))
            for name, found in faces.items()}


def regular_face(family: str) -> Face | None:
    """The face the renderer uses for normal text in ``family``, if installed."""
    found = installed_faces().get(family.lower())
    return found[0] if found else None


@cache
def characters(face: Face) -> frozenset[int]:
    """The code points a face has glyphs for.

    Reading a CJK font's character map takes ~70 ms; the result is kept in the
    user's cache folder, keyed by the file's size and modification time.
    """
    stat = face.file.stat()
    key = f"{face.file}|{face.index}|{stat.st_size}|{stat.st_mtime_ns}"
    cached = defaults.cache_dir() / f"cmap-{hashlib.sha1(key.encode()).hexdigest()}.json"
    try:
        return _from_ranges(json.loads(cached.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        pass
    from fontTools.ttLib import TTFont  # only when the cache does not know the font

    font = TTFont(str(face.file), fontNumber=face.index, lazy=True)
    try:
        points = frozenset(font.getBestCmap() or {})
    finally:
        font.close()
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(cached, json.dumps(_to_ranges(points)).encode())
    return points


def _to_ranges(points: frozenset[int]) -> list[list[int]]:
    ranges: list[list[int]] = []
    for point in sorted(points):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return ranges


def _from_ranges(ranges: list[list[int]]) -> frozenset[int]:
    return frozenset(chain.from_iterable(range(first, last + 1) for first, last in ranges))


def coverage(families: list[str]) -> frozenset[int]:
    """The code points covered by any of ``families``."""
    return _coverage(tuple(families))


@cache
def _coverage(families: tuple[str, ...]) -> frozenset[int]:
    covered: set[int] = set()
    for family in families:
        face = regular_face(family)
        if face is not None:
            covered |= characters(face)
    return frozenset(covered)


def font_files(families: list[str]) -> list[Path]:
    """Every installed file of ``families`` (all weights), for build records."""
    files = {face.file for family in families
             for face in installed_faces().get(family.lower(), ())}
    return sorted(files)


def check_edition_fonts(edition: Edition, source: Source, problems: Problems) -> None:
    """Every family named under 'fonts:' in the edition file is installed:
    fontconfig would silently put another font in its place."""
    for key, chosen in edition.fonts.items():
        for role in ("body", "heading"):
            for position, family in enumerate(getattr(chosen, role) or ()):
                if regular_face(family) is None:
                    problems.error(
                        f"the font '{family}' is not installed",
                        source.where(("fonts", key, role, position)),
                        field=f"fonts.{key}.{role}",
                        hint=_install_hint(family))


def _install_hint(family: str) -> str:
    close = difflib.get_close_matches(family.lower(), list(installed_faces()), n=1)
    if close:
        return f"Did you mean '{installed_faces()[close[0]][0].family}'?"
    return ("Install it (Noto fonts: fonts-noto-core), then find its exact name with "
            "'fc-list : family'.")
