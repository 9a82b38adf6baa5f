"""Stage 6, post-process: make a rendered PDF meet its edition's claims.

The renderer leaves three things a print shop would reject in a PDF/X file:
crop marks drawn in DeviceRGB, a random document id in the XMP metadata
(so two builds differ), and page boxes that are wrong for a bleed over
10 pt or a reduced page.
``finish_print`` mends them with pikepdf (qpdf).
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid

import pikepdf

MM = 72 / 25.4
_RGB_OPERATORS = {"rg": "k", "RG": "K"}


def finish_print(data: bytes, bleed_mm: float) -> bytes:
    """The print PDF with CMYK-only content, full BleedBoxes and a stable document id."""
    data = _stable_document_id(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        seen: set[tuple[int, int]] = set()
        for page in pdf.pages:
            page.contents_coalesce()
            _rgb_to_cmyk(page.obj.Contents, page.obj.get("/Resources"), seen)
            _set_boxes(page, bleed_mm)
        # The renderer's file identifier hashes the random id: let qpdf derive
        # both halves from the content instead.
        if "/ID" in pdf.trailer:
            del pdf.trailer.ID
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()


def _rgb_to_cmyk(stream: pikepdf.Stream, resources: pikepdf.Dictionary | None,
                 seen: set[tuple[int, int]]) -> None:
    """Rewrite DeviceRGB colour operators as DeviceCMYK ones, in a content stream
    and the forms it draws.

    Only what the renderer draws itself is in RGB here (crop marks: black);
    content colours are already CMYK through the palette.
    """
    instructions = pikepdf.parse_content_stream(stream)
    if any(str(operator) in _RGB_OPERATORS for _, operator in instructions):
        rewritten = []
        for operands, operator in instructions:
            if str(operator) in _RGB_OPERATORS:
                operands = _rgb_to_cmyk_values(*(float(v) for v in operands))
                operator = pikepdf.Operator(_RGB_OPERATORS[str(operator)])
            rewritten.append(pikepdf.ContentStreamInstruction(operands, operator))
        stream.write(pikepdf.unparse_content_stream(rewritten))
    for xobject in (resources.get("/XObject", {}) if resources else {}).values():
        if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            _rgb_to_cmyk(xobject, xobject.get("/Resources"), seen)


def _rgb_to_cmyk_values(r: float, g: float, b: float) -> list[float]:
    """Neutral greys become black ink only; other colours a simple separation.

    The renderer only uses RGB for its own marks, which are black.
    """
    k = 1 - max(r, g, b)
    if k >= 1:
        return [0.0, 0.0, 0.0, 1.0]
    return [round((1 - r - k) / (1 - k), 4), round((1 - g - k) / (1 - k), 4),
            round((1 - b - k) / (1 - k), 4), round(k, 4)]


def _set_boxes(page: pikepdf.Page, bleed_mm: float) -> None:
    """TrimBox and BleedBox from the MediaBox, which is the trim plus the bleed.

    The renderer caps the BleedBox at 10 pt beyond the trim and misplaces the
    TrimBox of a reduced (zoomed) page; the MediaBox is always right.
    """
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    bleed = bleed_mm * MM
    page.obj.TrimBox = pikepdf.Array([round(v, 4) for v in
                                      (x0 + bleed, y0 + bleed, x1 - bleed, y1 - bleed)])
    page.obj.BleedBox = pikepdf.Array([round(v, 4) for v in (x0, y0, x1, y1)])


def _stable_document_id(data: bytes) -> bytes:
    """Replace the random xmpMM:DocumentID with one derived from the content.

    The renderer writes the XMP metadata of PDF/X-4 uncompressed, so the id
    is replaced in place, by a string of the same length.
    """
    pattern = re.compile(rb"xmp\.did:[0-9a-f-]{36}")
    # The file identifier is a hash that includes the random id: leave it out too.
    content = re.sub(rb"/ID\s*\[[^\]]*\]", b"", pattern.sub(b"", data))
    digest = hashlib.sha256(content).digest()
    stable = f"xmp.did:{uuid.UUID(bytes=digest[:16], version=4)}".encode()
    return pattern.sub(stable, data)
