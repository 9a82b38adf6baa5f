"""The glyph clusters of a line of text WeasyPrint has just drawn, read from
Pango's glyph strings, for the ActualText spans (``actual_text``; render_pdf,
the only module that imports this one, finds the line). Depends on the Pango
structures WeasyPrint 70 declares to cffi (``weasyprint.text.ffi``).
"""

from __future__ import annotations

from weasyprint.text.ffi import ffi, pango

_EMPTY, _UNKNOWN = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG  # 0x0FFFFFFF, 1 << 28

# Where cffi puts a glyph's id and offsets in Pango's PangoGlyphInfo array, in
# 32-bit words: read from one copy of the array, not glyph by glyph.
_INFO_WORDS = ffi.sizeof("PangoGlyphInfo") // 4
_GLYPH_WORD = ffi.offsetof("PangoGlyphInfo", "glyph") // 4
_X_OFFSET_WORD = (ffi.offsetof("PangoGlyphInfo", "geometry")
                  + ffi.offsetof("PangoGlyphGeometry", "x_offset")) // 4
_Y_OFFSET_WORD = (ffi.offsetof("PangoGlyphInfo", "geometry")
                  + ffi.offsetof("PangoGlyphGeometry", "y_offset")) // 4


def drawn_clusters(stream, line, text: str) -> list[tuple]:
    """The glyph clusters of a Pango line, in drawing order, with the text each
    stands for and the text the PDF font's ToUnicode map gives for it: the
    fields of an ``actual_text.Cluster`` (glyphs, digits, text, reads_as, run,
    rtl, moved): the caller makes Clusters only of a line with something to mark."""
    utf8 = text.encode()
    found = []
    run, number = line.runs[0], 0
    while run != ffi.NULL:
        item, run = run.data, run.next
        font, _ = stream.add_font(item.item.analysis.font)  # the font just used
        rtl = bool(item.item.analysis.level % 2)
        digits = 2 if font.bitmap else 4
        glyphs = item.glyphs
        count = glyphs.num_glyphs
        if not count:
            number += 1
            continue
        starts = ffi.unpack(glyphs.log_clusters, count)
        infos = memoryview(ffi.buffer(glyphs.glyphs, count * _INFO_WORDS * 4))
        words = infos.cast("i")  # gint32 offsets; the glyph ids are guint32
        drawn = infos.cast("I")[_GLYPH_WORD::_INFO_WORDS].tolist()
        x_offsets = words[_X_OFFSET_WORD::_INFO_WORDS].tolist()
        y_offsets = words[_Y_OFFSET_WORD::_INFO_WORDS].tolist()
        bounds = sorted(set(starts)) + [item.item.length]
        following = dict(zip(bounds, bounds[1:], strict=False))  # bounds[bounds.index(s) + 1]
        offset, to_unicode = item.item.offset, font.to_unicode
        i = 0
        while i < count:
            first = starts[i]
            j = i + 1
            while j < count and starts[j] == first:
                j += 1
            # moved: a glyph drawn back over the glyph before (a mark placed on
            # its base), or off the baseline; letter spacing moves glyphs forward only.
            if j == i + 1 and drawn[i] < _EMPTY:  # one glyph, neither empty nor unknown
                ids: tuple[int, ...] = (drawn[i],)
                reads_as = [to_unicode.get(drawn[i], "")]
                moved = x_offsets[i] < 0 or y_offsets[i] != 0
            else:
                ids = tuple(g for g in (_glyph_id(font, glyph) for glyph in drawn[i:j])
                            if g is not None)
                reads_as = [to_unicode.get(g, "") for g in (ids[::-1] if rtl else ids)]
                moved = any(x < 0 for x in x_offsets[i:j]) or any(y_offsets[i:j])
            text_of = utf8[offset + first:offset + following[first]].decode()
            found.append((ids, digits, text_of, reads_as, number, rtl, moved))
            i = j
        number += 1
    return found


def _glyph_id(font, glyph: int) -> int | None:
    """The glyph id written into the PDF for a Pango glyph; None if none is."""
    if glyph == _EMPTY:
        return None
    if glyph & _UNKNOWN:  # drawn as .notdef under a spare id
        return font.missing.get(glyph - _UNKNOWN)
    return glyph
