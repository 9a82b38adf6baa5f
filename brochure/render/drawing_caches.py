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
