"""Stage 6, post-process: the screen and print editions of a language derived
from its one layout (see docs/performance.md, "One layout per language").

The layout is the screen edition's HTML in the print geometry (the page's
bleed, the cover picture running into it), in sRGB, tagged, written once as
PDF/UA-1 with every image at its full size. Then, with pikepdf:

- screen: each page cut to its trim (the bleed lies outside the page),
  images reduced to about 150 ppi, one described annotation per link;
- print: every colour in CMYK (the palette's own inks, artwork through the
  ICC profile), images converted to CMYK as the print fetcher would, the
  output intent, PDF/X-4's identity instead of PDF/UA's, no tags; page
  boxes, crop marks and no annotations as for a rendered print edition.

What cannot be derived exactly raises ``CannotDerive``; the edition is then
rendered on its own.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import zlib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from brochure.pdf.page_walk import Found, walk_pages
from brochure.pdf.postprocess import MM, finish_links_in, finish_print_pages
from brochure.pdf.recolour import CannotDerive, Inks, recolour
from brochure.pdf.reimage import images_downsampled, images_to_cmyk
from brochure.render.colour import profile_name

__all__ = ["CannotDerive", "derive_print", "derive_screen", "document_id", "open_layout"]


def open_layout(layout: bytes) -> pikepdf.Pdf:
    """The layout, opened to derive one edition from it (each derivation
    changes it: open it once per edition)."""
    return pikepdf.open(io.BytesIO(layout))


def document_id(layout: bytes) -> uuid.UUID:
    """The print edition's XMP document id: derived from its layout, so stable."""
    return uuid.UUID(bytes=hashlib.sha256(b"print" + layout).digest()[:16], version=4)


def derive_screen(pdf: pikepdf.Pdf, bleed_mm: float, texts: Mapping[str, list[str]],
                  ppi: float) -> tuple[bytes, Found]:
    """The screen edition, from the open layout: cut to its trim, images at
    ``ppi``; the file saved (``pdf`` stays open, as saved), and its fonts and
    images as its pages' one walk found them (for its preflight)."""
    if "/StructTreeRoot" not in pdf.Root:
        raise CannotDerive("the layout is not tagged")
    for page in pdf.pages:
        trim = _trim(page, bleed_mm)
        page.obj.MediaBox = trim
        page.obj.TrimBox = Array(list(trim))
        page.obj.BleedBox = Array(list(trim))
    walked = walk_pages(pdf, fonts_only=True)
    images_downsampled(pdf, ppi, walked.largest_placements())
    return finish_links_in(pdf, texts), walked


def derive_print(pdf: pikepdf.Pdf, document: uuid.UUID, bleed_mm: float, inks: Inks,
                 profile: Path, originals: Mapping[str, bytes],
                 folds: list[list[float]] | None = None) -> bytes:
    """The print edition (PDF/X-4), from the open layout: in the profile's
    CMYK, with fold marks where ``folds`` says; the file saved (``pdf`` stays
    open, as saved)."""
    icc = pikepdf.Stream(pdf, _compressed_profile(profile))
    icc.Filter, icc.N = Name.FlateDecode, 4
    recolour(pdf, inks, profile, pdf.make_indirect(Array([Name.ICCBased, icc])))
    images_to_cmyk(pdf, originals, profile)
    _untag(pdf)
    name = String(profile_name(profile))
    pdf.Root.OutputIntents = Array([Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFX, OutputConditionIdentifier=name,
        Info=name, DestOutputProfile=icc)])
    pdf.Root.Metadata.write(_pdf_x4_metadata(pdf.Root.Metadata.read_bytes(), document))
    if "/Info" not in pdf.trailer:
        pdf.trailer.Info = pdf.make_indirect(Dictionary())
    pdf.trailer.Info.Trapped = Name("/False")
    return finish_print_pages(pdf, bleed_mm, version="1.6", folds=folds)


def _compressed_profile(profile: Path) -> bytes:
    stat = profile.stat()
    return _compressed(profile, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)  # the same profile for every language (7 ms to compress)
def _compressed(profile: Path, size: int, modified: int) -> bytes:
    return zlib.compress(profile.read_bytes(), 6)


def _trim(page: pikepdf.Page, bleed_mm: float) -> Array:
    """The trim: the MediaBox (the trim and its bleed) less the bleed; the
    renderer's own TrimBox is misplaced on a reduced page."""
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    bleed = bleed_mm * MM
    return Array([round(v, 4) for v in (x0 + bleed, y0 + bleed, x1 - bleed, y1 - bleed)])


def _untag(pdf: pikepdf.Pdf) -> None:
    """Print shops do not read the structure; the links it refers to are dropped."""
    for key in ("/StructTreeRoot", "/MarkInfo"):
        if key in pdf.Root:
            del pdf.Root[key]
    for page in pdf.pages:
        for key in ("/StructParents", "/Tabs"):
            if key in page.obj:
                del page.obj[key]


_UA_PART = re.compile(rb'<rdf:Description rdf:about="" pdfuaid:part="1"\s*/>')
_DATE = re.compile(rb"<xmp:(?:ModifyDate|CreateDate)>([^<]+)</xmp:")
_X4 = (
    '<rdf:Description rdf:about="" xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/" '
    'xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" '
    'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">'
    "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>"
    "<pdfx:GTS_PDFXVersion>PDF/X-4</pdfx:GTS_PDFXVersion>"
    "<pdfx:GTS_PDFXConformance>PDF/X-4</pdfx:GTS_PDFXConformance>"
    "<pdf:Trapped>False</pdf:Trapped><xmp:MetadataDate>{date}</xmp:MetadataDate>"
    "<xmpMM:DocumentID>xmp.did:{id}</xmpMM:DocumentID>"
    "<xmpMM:RenditionClass>proof:pdf</xmpMM:RenditionClass>"
    "<xmpMM:VersionID>1</xmpMM:VersionID></rdf:Description>")


def _pdf_x4_metadata(xmp: bytes, document_id: uuid.UUID) -> bytes:
    """The layout's XMP packet with PDF/X-4's identity instead of PDF/UA-1's,
    as the renderer writes it for PDF/X-4 (its date: the document's own)."""
    dates = _DATE.findall(xmp)
    if not _UA_PART.search(xmp) or not dates:
        raise CannotDerive("the layout's metadata is not the renderer's PDF/UA-1 packet")
    block = _X4.format(date=dates[-1].decode(), id=document_id).encode()
    xmp = _UA_PART.sub(lambda _: block, xmp, count=1)
    return xmp.replace(b' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"', b"")
