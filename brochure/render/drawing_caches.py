"""Work the renderer would repeat for every document, done once per process,
and work it would do in vain, left out.

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
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import pydyf
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


# Font subsets made in one pass where one is enough: WeasyPrint's
# ``pdf.fonts.Font._harfbuzz_subset`` runs hb-subset twice, first keeping the
# used glyphs at their ids, then keeping every glyph up to the last used one,
# which drops the hinting and any glyph the first pass added after the last
# used one. Most often the first pass ends at the last used glyph: then that
# pass with the hinting dropped too makes the same font, byte for byte, in a
# third of the time (a CJK face: about 30 ms against 10 ms; four faces per
# CJK language). Otherwise the second pass follows, as in WeasyPrint.
# Its arrays are declared without a size, which cffi takes from the values
# (with a size, cffi parses each new declaration with pycparser, about 2 ms).


def _subset_in_one_pass(self, to_unicode, hinting):
    ffi, harfbuzz = weasyprint_pdf_fonts.ffi, weasyprint_pdf_fonts.harfbuzz
    hb = weasyprint_pdf_fonts.harfbuzz_subset
    subset = ffi.gc(hb.hb_subset_input_create_or_fail(), hb.hb_subset_input_destroy)
    glyphs = sorted(to_unicode)
    _add(hb.hb_subset_input_glyph_set(subset), glyphs)
    _add(hb.hb_subset_input_set(subset, hb.HB_SUBSET_SETS_DROP_TABLE_TAG),
         sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROPPED_TABLES))
    flags = hb.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED | hb.HB_SUBSET_FLAGS_DESUBROUTINIZE
    if not hinting:
        flags |= hb.HB_SUBSET_FLAGS_NO_HINTING
    if self.missing:
        flags |= hb.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    hb.hb_subset_input_set_flags(subset, flags | hb.HB_SUBSET_FLAGS_RETAIN_GIDS)
    face = ffi.gc(hb.hb_subset_or_fail(self.hb_face, subset), harfbuzz.hb_face_destroy)
    if face and harfbuzz.hb_face_get_glyph_count(face) > glyphs[-1] + 1:
        _add(hb.hb_subset_input_glyph_set(subset), range(glyphs[-1] + 1))
        hb.hb_subset_input_set_flags(subset, flags)
        face = ffi.gc(hb.hb_subset_or_fail(face, subset), harfbuzz.hb_face_destroy)
    content = weasyprint_pdf_fonts.get_hb_object_data(face) if face else None
    if content:
        self.file_content = content
    else:
        weasyprint_pdf_fonts.LOGGER.warning('Unable to subset "%s" with HarfBuzz', self.family)


def _add(hb_set, values) -> None:
    values = list(values)
    weasyprint_pdf_fonts.harfbuzz.hb_set_add_sorted_array(
        hb_set, weasyprint_pdf_fonts.ffi.new("hb_codepoint_t[]", values), len(values))


# As WeasyPrint 70 drops them.
_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
                   b"LTSH", b"PCLT", b"SVG ")


@contextmanager
def fonts_subset_in_one_pass() -> Iterator[None]:
    original = weasyprint_pdf_fonts.Font._harfbuzz_subset
    weasyprint_pdf_fonts.Font._harfbuzz_subset = _subset_in_one_pass
    try:
        yield
    finally:
        weasyprint_pdf_fonts.Font._harfbuzz_subset = original


# Streams compressed at zlib's default level: pydyf 0.11 compresses every
# stream at level 9, which for a layout's pages and font subsets takes twice
# the time of the default level 6 (0.36 s against 0.19 s for the sample's 13
# layouts) and saves 0.5 % of their size. The streams pydyf writes are the
# same ones, compressed less hard; qpdf keeps them as they are in every
# edition derived from the layout.


class _ZlibAtDefaultLevel:
    def __getattr__(self, name: str):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args, **kwargs):
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs)


@contextmanager
def streams_compressed_at_default_level() -> Iterator[None]:
    original = pydyf.zlib
    pydyf.zlib = _ZlibAtDefaultLevel()
    try:
        yield
    finally:
        pydyf.zlib = original
