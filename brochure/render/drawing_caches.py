"""Work the renderer would repeat for every document, done once per process.

Patches of WeasyPrint 70, each applied only while render_pdf renders and
restored after (render_pdf is the only module that imports this one). Each
depends on WeasyPrint's internals: check them on a WeasyPrint upgrade.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice

from weasyprint import svg as weasyprint_svg

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
