"""Text that reads back as written: /ActualText spans around misread glyphs.

A PDF's text is read back (by screen readers, search, copy and paste) through
each font's ToUnicode map, which gives one text per glyph id, not per
occurrence. Wherever shaping does not map glyphs to characters one to one,
that text is wrong: Thai ำ is drawn as two glyphs, the second one the glyph of
า, so "สำคัญ" reads "สาคัญ"; a Devanagari vowel sign ि is drawn before its
consonant, so "दुनिया" reads "दु नया"; and a glyph shared by two clusters reads
as whichever of them the renderer met first. The standard's remedy (ISO 32000-1
§14.9.4, allowed by PDF/UA-1 and PDF/A-2) is a marked-content span that gives
the text of such glyphs: ``/Span <</ActualText (…)>> BDC … EMC``.

This module rewrites the content-stream operators the renderer emitted for one
line, given the clusters it drew (render_pdf finds both): the glyphs of each
misread cluster are split out of their ``TJ`` array and wrapped in a span. A
``TJ`` array split in two draws exactly what it drew before, and marked
content draws nothing: the page looks the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Cluster:
    """Glyphs the shaper drew for a run of characters that belong together."""

    glyphs: tuple[int, ...]  # glyph ids, in the order they are drawn
    digits: int              # hex digits per glyph id in a TJ string (2 in bitmap fonts)
    text: str                # the characters the glyphs stand for
    reads_as: list[str]      # what the font's ToUnicode map gives for each glyph
    run: int                 # clusters of one run share font and direction
    rtl: bool                # drawn right to left: clusters come in reverse order
    raised: bool = False     # a glyph is drawn off the baseline

    @property
    def misread(self) -> bool:
        """The font's map reads these glyphs wrong, or as nothing (then PDFium
        reads the glyph id as a character, and poppler a gap as a space)."""
        return bool(self.glyphs) and ("".join(self.reads_as) != self.text
                                      or "" in self.reads_as)

    @property
    def markable(self) -> bool:
        # Right-to-left text is left as it is: PDFium reverses the ActualText of
        # a right-to-left run a second time (measured on the Arabic sample).
        return not self.rtl


@dataclass
class _Span:
    start: int  # index of the first glyph in the line's drawing order
    end: int    # index after the last glyph
    text: str
    run: int


def _marked(clusters: list[Cluster]) -> list[bool]:
    """Which clusters to mark: the misread ones, and two kinds of neighbours
    that PDFium reads wrong once a span has split the line's TJ array."""
    marked = [cluster.misread and cluster.markable for cluster in clusters]
    for i, cluster in enumerate(clusters):
        # A raised glyph (a Thai tone mark) is drawn by a TJ of its own, which
        # PDFium orders by where its glyph starts: after the next glyph, which
        # starts at about the same place, and reads elsewhere in the line. A
        # span over the mark and the next cluster reads as one text; PDFium
        # puts it at the span's first TJ in its order (a span that also took
        # in the base before the mark would get a space after it).
        if cluster.raised and cluster.markable:
            for j in (i, i + 1):
                if 0 <= j < len(clusters) and clusters[j].run == cluster.run:
                    marked[j] = True
    for i, cluster in enumerate(clusters):
        # A space left alone in a TJ has no ink, and PDFium drops it.
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(clusters)
                      and clusters[j].run == cluster.run]
        if cluster.text.isspace() and any(marked[j] for j in neighbours):
            marked[i] = True
    return marked


def spans(clusters: list[Cluster]) -> list[_Span]:
    """The spans to mark, marked neighbours in one run joined."""
    result: list[_Span] = []
    position = 0
    for cluster, marked in zip(clusters, _marked(clusters), strict=True):
        end = position + len(cluster.glyphs)
        if marked and cluster.glyphs:
            last = result[-1] if result else None
            if last and last.end == position and last.run == cluster.run:
                last.end = end
                last.text += cluster.text
            else:
                result.append(_Span(position, end, cluster.text, cluster.run))
        position = end
    return result


def begin_span(text: str) -> bytes:
    """The operator opening a span; the text as a UTF-16BE PDF text string."""
    utf16 = text.encode("utf-16-be").hex().upper().encode()
    return b"/Span <</ActualText <FEFF" + utf16 + b">>> BDC"


# The items of a TJ array as the renderer writes them: hex glyph strings
# (<00430044>) and numbers (kerning, offsets) between them.
_TJ_ITEM = re.compile(rb"<([0-9a-fA-F]*)>|([^<>]+)")


def _is_show_text(op: object) -> bool:
    return isinstance(op, bytes) and op.startswith(b"[") and op.endswith(b"] TJ")


class _Writer:
    """Re-emits TJ arrays glyph by glyph, closing the array where a span begins
    or ends."""

    def __init__(self, spans_: list[_Span]):
        self.starts = {span.start: span.text for span in spans_}
        self.ends = {span.end for span in spans_}
        self.out: list = []
        self.items: list[bytes] = []

    def flush(self) -> None:
        if self.items:
            self.out.append(b"[" + b" ".join(self.items) + b"] TJ")
        self.items = []

    def glyph(self, index: int, hex_id: bytes) -> None:
        if index in self.starts:
            self.flush()
            self.out.append(begin_span(self.starts[index]))
        self.items.append(b"<" + hex_id + b">")
        if index + 1 in self.ends:
            self.flush()
            self.out.append(b"EMC")


def mark(ops: list, clusters: list[Cluster]) -> list:
    """``ops`` (one line's operators) with the misread clusters wrapped in
    ActualText spans. Unchanged if nothing is misread, or if the glyphs in the
    operators are not the clusters' glyphs (then marking would be a guess)."""
    spans_ = spans(clusters)
    if not spans_:
        return ops
    expected = [(glyph, c.digits) for c in clusters for glyph in c.glyphs]
    writer = _Writer(spans_)
    index = 0
    for op in ops:
        if not _is_show_text(op):
            writer.out.append(op)
            continue
        for hex_ids, number in _TJ_ITEM.findall(op[1:-4]):
            if number.strip():
                writer.items.append(number.strip())
            position = 0
            while position < len(hex_ids):
                if index >= len(expected):
                    return ops
                glyph, digits = expected[index]
                hex_id = hex_ids[position:position + digits]
                if int(hex_id, 16) != glyph:
                    return ops
                writer.glyph(index, hex_id)
                position += digits
                index += 1
        writer.flush()
    return writer.out if index == len(expected) else ops
