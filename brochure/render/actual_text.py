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
word that holds a misread cluster, or a glyph moved off its pen position, are
split out of their ``TJ`` array and wrapped in a span. A ``TJ`` array split in
two draws exactly what it drew before, and marked content draws nothing: the
page looks the same.
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
    moved: bool = False      # a glyph is drawn back from its pen position or off
                             # the baseline (a mark placed above or below its base)

    @property
    def misread(self) -> bool:
        """The font's map reads these glyphs wrong, or as nothing (then PDFium
        reads the glyph id as a character, and poppler a gap as a space)."""
        return misreads(self.glyphs, self.text, self.reads_as)

    @property
    def marks_its_word(self) -> bool:
        return marks_its_word(self.glyphs, self.text, self.reads_as, self.rtl, self.moved)


def misreads(glyphs: tuple[int, ...], text: str, reads_as: list[str]) -> bool:
    return bool(glyphs) and ("".join(reads_as) != text or "" in reads_as)


def marks_its_word(glyphs: tuple[int, ...], text: str, reads_as: list[str], rtl: bool,
                   moved: bool) -> bool:
    """Whether the cluster these make has its word marked (see ``_marked``):
    misread, or with a glyph moved. A line without such a cluster is left as
    it is by ``mark``, and its clusters need not be made (render_pdf)."""
    # Right-to-left text is left as it is: both pdftotext and PDFium reverse
    # the ActualText of a right-to-left run, as if it were in drawing order
    # (pdftotext all of it, PDFium each run of letters between marks and
    # spaces; measured on the Arabic sample).
    return not rtl and (moved or misreads(glyphs, text, reads_as))


@dataclass
class _Span:
    start: int  # index of the first glyph in the line's drawing order
    end: int    # index after the last glyph
    text: str
    run: int


def _words(clusters: list[Cluster]) -> list[list[int]]:
    """The indices of each word's clusters: clusters of one run between spaces."""
    words: list[list[int]] = []
    for i, cluster in enumerate(clusters):
        if cluster.text.isspace():
            continue
        if words and words[-1][-1] == i - 1 and clusters[i - 1].run == cluster.run:
            words[-1].append(i)
        else:
            words.append([i])
    return words


def _marked(clusters: list[Cluster]) -> list[bool]:
    """Which clusters to mark: every cluster of a word that the font's map
    misreads or that has a glyph moved off its pen position, and the spaces
    beside such a word.

    A whole word, not the clusters alone, because of how the extractors place
    text. A moved glyph (a vowel sign under its consonant, as in कृ; a tone mark
    above) starts before the end of the glyph it is drawn over: poppler takes
    it for the start of a new line, and PDFium orders it by where it starts.
    Marked, the glyphs are read as one piece of text, placed where the span's
    glyphs begin (poppler) or at the span's first TJ (PDFium, which puts a
    space after it when more TJs follow, as a raised glyph needs a TJ of its
    own): a span that ends at the end of a word has a space after it anyway.
    """
    marked = [False] * len(clusters)
    for word in _words(clusters):
        if any(clusters[i].marks_its_word for i in word):
            for i in word:
                marked[i] = True
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
