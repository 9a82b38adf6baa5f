"""Work the renderer would repeat for every document, done once per process.

Patches of WeasyPrint 70, each applied only while render_pdf renders and
restored after (render_pdf is the only module that imports this one). Each
depends on WeasyPrint's internals: check them on a WeasyPrint upgrade.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import pyphen
from weasyprint import svg as weasyprint_svg
from weasyprint.pdf import fonts as weasyprint_pdf_fonts

from brochure import defaults
from brochure.output.write import write_atomically

# An SVG path drawn once per process: WeasyPrint's ``svg.path.path`` parses a
# ``<path d="…">`` again every time it draws it (with regexes, and
# ``svg.utils.size`` on every number), in every document, though a brochure
# draws the same illustrations in every language. What it does depends only on
# the ``d`` string when that holds plain numbers and path letters: a number
# with a unit or a percentage would depend on the font size or the picture's
# size, and such a path is not remembered. It appends path operators
# (m, l, c, h) to the stream, which draw nothing yet, and the vertices that
# markers are placed on to ``node.vertices``; a hit appends the same ones.
# If it fails part way (``PointError``), nothing is remembered.

_PLAIN_PATH = re.compile(r"[0-9eE.+\-\s,achlmqstvzACHLMQSTVZ]*")
_MOST_PATHS = 4096  # distinct paths remembered, to bound the memory a process keeps
_paths: dict[str, tuple[list, list]] = {}


@contextmanager
def svg_paths_remembered() -> Iterator[None]:
    original = weasyprint_svg.TAGS["path"]

    def path(svg, node, font_size):
        d = node.get("d", "")
        known = _paths.get(d)
        if known is not None:
            operators, vertices = known
            svg.stream.stream.extend(operators)
            node.vertices.extend(vertices)
            return
        operators, first_vertex = svg.stream.stream, len(node.vertices)
        first = len(operators)
        original(svg, node, font_size)
        if len(_paths) < _MOST_PATHS and _PLAIN_PATH.fullmatch(d):
            _paths[d] = (operators[first:], list(islice(node.vertices, first_vertex, None)))

    weasyprint_svg.TAGS["path"] = path  # draw_node looks the tag's function up here
    try:
        yield
    finally:
        weasyprint_svg.TAGS["path"] = original


# Hyphenation patterns read once per machine: WeasyPrint keeps a language's
# pyphen dictionary for the process (``pyphen.hdcache``, filled by
# ``pyphen.Pyphen``), but every build starts new worker processes, and parsing
# a dictionary file takes 15-500 ms (German the longest). The parsed patterns
# (``pyphen.HyphDict``) are kept in the user's cache folder, keyed by the
# dictionary file's path, size and modification time and pyphen's and
# Python's versions, and put into pyphen's cache before pyphen looks there.
# A cache file that cannot be read, or a cache folder that cannot be written,
# leaves pyphen to parse the file as before. The cache is the user's own
# folder, as trusted as their other files: it is read with pickle.


@contextmanager
def hyphenation_patterns_kept() -> Iterator[None]:
    original = pyphen.Pyphen.__init__

    def __init__(self, filename=None, lang=None, left=2, right=2, cache=True):
        # As pyphen 0.18 finds the dictionary file.
        path = Path(filename) if filename else pyphen.LANGUAGES.get(
            pyphen.language_fallback(lang or "") or "")
        if cache and path is not None and path not in pyphen.hdcache:
            patterns = _kept_patterns(path)
            if patterns is not None:
                pyphen.hdcache[path] = patterns
        original(self, filename, lang, left, right, cache)

    pyphen.Pyphen.__init__ = __init__
    try:
        yield
    finally:
        pyphen.Pyphen.__init__ = original


def _kept_patterns(path: Path) -> pyphen.HyphDict | None:
    """The parsed dictionary at ``path``, from the cache folder or parsed and
    kept there; None if the file cannot be looked at (pyphen will say why)."""
    try:
        stat = os.stat(path)
    except (OSError, TypeError):
        return None
    key = (f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{pyphen.__version__}"
           f"|{sys.version_info[:2]}")
    kept = defaults.cache_dir() / f"hyph-{hashlib.sha1(key.encode()).hexdigest()}.pickle"
    try:
        patterns = pickle.loads(kept.read_bytes())
        if isinstance(patterns, pyphen.HyphDict):
            return patterns
    except Exception:  # missing, truncated, written by another pyphen: parsed anew
        pass
    patterns = pyphen.HyphDict(path)  # before any word fills its cache of positions
    with contextlib.suppress(OSError):  # a read-only home, a full disk: not kept
        write_atomically(kept, pickle.dumps(patterns, protocol=pickle.HIGHEST_PROTOCOL))
    return patterns


# Font subsets without parsing a C declaration for each: WeasyPrint's
# ``pdf.fonts.Font._harfbuzz_subset`` makes its glyph id arrays with
# ``ffi.new(f"hb_codepoint_t[{len(values)}]", values)``, and cffi parses each
# declaration of a new size with pycparser (about 2 ms, several times per font
# and document; cffi keeps the types of the sizes it has seen). An array
# declared without a size takes its size from the values: the same array.


class _ArraysSizedByValues:
    def __init__(self, ffi):
        self._ffi = ffi

    def __getattr__(self, name: str):
        return getattr(self._ffi, name)

    def new(self, cdecl, init=None):
        if isinstance(cdecl, str) and init is not None:
            sized = _SIZED_ARRAY.fullmatch(cdecl)
            if sized and int(sized[2]) == len(init):
                cdecl = f"{sized[1]}[]"
        return self._ffi.new(cdecl, init)


_SIZED_ARRAY = re.compile(r"(\w+)\[(\d+)\]")


@contextmanager
def font_arrays_sized_by_values() -> Iterator[None]:
    original = weasyprint_pdf_fonts.ffi
    weasyprint_pdf_fonts.ffi = _ArraysSizedByValues(original)
    try:
        yield
    finally:
        weasyprint_pdf_fonts.ffi = original
