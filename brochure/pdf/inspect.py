"""Preflight a finished PDF the way a print shop or an accessibility checker would.

``inspect_pdf`` reads a PDF (any PDF, not only ours) into a ``PdfReport``:
page boxes, the variant it claims (PDF/A, PDF/X, PDF/UA) and its output
intents, the colour spaces that text, drawings and images really paint with,
each image's effective resolution at its placed size, fonts, tagging and
metadata (``pdf_report``). ``report_text.format_report`` writes it as plain
text; ``preflight.check_claims`` judges it against a use ("screen", "print",
"archive").

Colours, images and fonts are found by following the content streams
themselves (through Form XObjects and tiling patterns), not by listing
resources: a page's resource dictionary may name colour spaces and fonts that
nothing paints with (``page_walk``).

A build checks every edition it makes, against its kind's claims only: it
asks for the ``parts`` of the report those claims read (``preflight.NEEDS``).
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterator
from pathlib import Path
from xml.etree import ElementTree

import pikepdf

from brochure.pdf.page_walk import Found, walk_pages
from brochure.pdf.pdf_report import (
    MM_PER_POINT,
    NOT_READ,
    PARTS,
    Accessibility,
    Box,
    Metadata,
    OutputIntent,
    PageBoxes,
    PdfReport,
    UnreadablePdf,
    Variant,
)
from brochure.problems import Location, relative_name

# --- Reading ------------------------------------------------------------------


def inspect_pdf(path: Path | str, data: bytes | None = None,
                parts: Collection[str] = PARTS) -> PdfReport:
    """Read the PDF at ``path`` (or, when given, its bytes ``data``, not yet written);
    raise ``UnreadablePdf`` when it cannot be read.

    Only the ``parts`` asked for are read (see ``PARTS``); the others are left
    empty. "colours" are colours and images; "fonts" alone follows the content
    streams only as far as fonts need. A report of some parts is for
    ``preflight.check_claims``, not for ``format_report``.
    """
    path = Path(path)
    where = Location(relative_name(path))
    if data is None and not path.is_file():
        raise UnreadablePdf("no such file" if not path.exists() else "not a file", where)
    try:
        pdf = pikepdf.open(io.BytesIO(data) if data is not None else path)
    except pikepdf.PasswordError as exc:
        raise UnreadablePdf("the PDF is encrypted; cannot read it without its password",
                            where) from exc
    except pikepdf.PdfError as exc:
        raise UnreadablePdf("not a PDF file, or a damaged one", where) from exc
    with pdf:
        return _report(pdf, path, len(data) if data is not None else path.stat().st_size,
                       frozenset(parts))


def report_of(pdf: pikepdf.Pdf, path: Path, size: int,
              parts: Collection[str] = PARTS, walked: Found | None = None) -> PdfReport:
    """``inspect_pdf`` of a PDF already open (and just saved, ``size`` bytes):
    read once, not parsed again. ``walked``: what its pages paint with, found
    already (``page_walk.walk_pages``) by a walk that covers ``parts``."""
    return _report(pdf, path, size, frozenset(parts), walked)


def _report(pdf: pikepdf.Pdf, path: Path, size: int, parts: frozenset[str],
            walked: Found | None = None) -> PdfReport:
    if walked is not None:
        found = walked
    elif "colours" in parts or "fonts" in parts:
        found = walk_pages(pdf, fonts_only="colours" not in parts)
    else:
        found = Found()
    xmp, damaged = _read_xmp(pdf) if parts & {"variant", "metadata"} else ({}, None)
    colours = "colours" in parts
    return PdfReport(
        path=path, file_size=size, page_count=len(pdf.pages),
        boxes=_page_boxes(pdf) if "boxes" in parts else (),
        variant=_variant(pdf, xmp, damaged) if "variant" in parts else Variant(),
        output_intents=tuple(_output_intents(pdf)) if "intents" in parts else (),
        colours=found.colour_uses() if colours else (),
        images=found.image_infos() if colours else (),
        fonts=found.font_infos() if "fonts" in parts else (),
        accessibility=_accessibility(pdf) if "accessibility" in parts else NOT_READ,
        metadata=_metadata(pdf, xmp) if "metadata" in parts else Metadata(None, None, None,
                                                                          0, ()),
        transparency="transparency" in parts and _uses_transparency(pdf))


def _uses_transparency(pdf: pikepdf.Pdf) -> bool:
    """Whether any graphics state, on a page or in what it draws, makes
    something see-through (constant alpha below 1, or a soft mask)."""
    seen: set[tuple[int, int]] = set()

    def see_through(resources: pikepdf.Object | None) -> bool:
        if not isinstance(resources, pikepdf.Dictionary):
            return False
        for state in (resources.get("/ExtGState") or {}).values():
            if any(float(state.get(key, 1)) < 1 for key in ("/CA", "/ca")):
                return True
            if state.get("/SMask", pikepdf.Name.None_) != pikepdf.Name.None_:
                return True
        for category in ("/XObject", "/Pattern"):
            for child in (resources.get(category) or {}).values():
                if child.is_indirect and child.objgen in seen:
                    continue
                if child.is_indirect:
                    seen.add(child.objgen)
                if isinstance(child, pikepdf.Stream) and (
                        "/SMask" in child or see_through(child.get("/Resources"))):
                    return True
        return False

    return any(see_through(page.obj.get("/Resources")) for page in pdf.pages)


def _mm_box(array: pikepdf.Object) -> Box:
    x0, y0, x1, y1 = (float(v) * MM_PER_POINT for v in array)
    return Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _page_boxes(pdf: pikepdf.Pdf) -> tuple[PageBoxes, ...]:
    """Pages grouped by identical boxes (to 0.1 mm), in order of first page."""
    groups: dict[tuple, list[int]] = {}
    boxes: dict[tuple, tuple[Box, Box | None, Box | None]] = {}
    for number, page in enumerate(pdf.pages, start=1):
        media = _mm_box(page.mediabox)
        trim, bleed = (_mm_box(page.obj[key]) if key in page.obj else None
                       for key in ("/TrimBox", "/BleedBox"))
        key = tuple(None if b is None else tuple(round(v, 1) for v in (b.x0, b.y0, b.x1, b.y1))
                    for b in (media, trim, bleed))
        groups.setdefault(key, []).append(number)
        boxes.setdefault(key, (media, trim, bleed))
    return tuple(PageBoxes(tuple(pages), *boxes[key]) for key, pages in groups.items())


XMP_PDFA = "{http://www.aiim.org/pdfa/ns/id/}"
XMP_PDFUA = "{http://www.aiim.org/pdfua/ns/id/}"
XMP_PDFX = ("{http://www.npes.org/pdfx/ns/id/}", "{http://ns.adobe.com/pdfx/1.3/}")


def _xmp(pdf: pikepdf.Pdf) -> dict[str, str]:
    """The XMP metadata as {'{namespace}name': text}; empty when absent.
    Raises ``DamagedXmp`` when the packet is there but cannot be read."""
    if "/Metadata" not in pdf.Root:
        return {}
    try:
        # pikepdf quietly recovers what it can of a broken packet: check it first.
        ElementTree.fromstring(pdf.Root.Metadata.read_bytes())
        meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        return {key: str(meta[key]) for key in meta}
    except Exception as exc:  # the XML parser's and pikepdf's errors alike
        raise DamagedXmp(str(exc) or type(exc).__name__) from exc


class DamagedXmp(Exception):
    """The file's XMP metadata packet is there but not readable XML."""


def _read_xmp(pdf: pikepdf.Pdf) -> tuple[dict[str, str], str | None]:
    """The XMP metadata, and why it could not be read (then as if absent)."""
    try:
        return _xmp(pdf), None
    except DamagedXmp as exc:
        return {}, str(exc)


def _variant(pdf: pikepdf.Pdf, xmp: dict[str, str], damaged: str | None) -> Variant:
    pdfa = pdfx = pdfua = None
    if part := xmp.get(XMP_PDFA + "part"):
        pdfa = f"PDF/A-{part}{xmp.get(XMP_PDFA + 'conformance', '').lower()}"
    # PDF/X-1a and X-3 put their version in the document information dictionary.
    info_version = pdf.docinfo.get("/GTS_PDFXVersion") if pdf.trailer.get("/Info") else None
    versions = [xmp.get(ns + "GTS_PDFXVersion") for ns in XMP_PDFX] + [info_version]
    if version := next((str(v) for v in versions if v), None):
        pdfx = version
    if part := xmp.get(XMP_PDFUA + "part"):
        pdfua = f"PDF/UA-{part}"
    return Variant(pdfa, pdfx, pdfua, damaged)


def _output_intents(pdf: pikepdf.Pdf) -> Iterator[OutputIntent]:
    for intent in pdf.Root.get("/OutputIntents", []):
        profile = intent.get("/DestOutputProfile")
        description = colour_space = components = None
        if isinstance(profile, pikepdf.Stream):
            components = int(profile.get("/N", 0)) or None
            description, colour_space = _icc_profile(profile.read_bytes())
        condition = intent.get("/OutputConditionIdentifier")
        yield OutputIntent(str(intent.get("/S", "/?"))[1:],
                           str(condition) if condition is not None else None,
                           description, colour_space, components)


def _icc_profile(data: bytes) -> tuple[str | None, str | None]:
    """An ICC profile's description and colour space ('CMYK', 'RGB', 'GRAY', …)."""
    # Bytes 16–19 of the header name the data colour space, padded with spaces.
    colour_space = data[16:20].decode("ascii", "replace").strip() or None
    try:
        from PIL import ImageCms  # imported here: only output intents need it

        description = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile.profile_description
    except (OSError, ImportError, ValueError):
        description = None
    return (description.strip() or None) if description else None, colour_space


def _accessibility(pdf: pikepdf.Pdf) -> Accessibility:
    root = pdf.Root
    mark_info = root.get("/MarkInfo")
    marked = isinstance(mark_info, pikepdf.Dictionary) and bool(mark_info.get("/Marked", False))
    tree = root.get("/StructTreeRoot")
    elements, figures, without_alt = _structure(tree) if tree is not None else (0, 0, 0)
    lang = root.get("/Lang")
    preferences = root.get("/ViewerPreferences")
    display_title = isinstance(preferences, pikepdf.Dictionary) and bool(
        preferences.get("/DisplayDocTitle", False))
    return Accessibility(marked, tree is not None, elements, figures, without_alt,
                         str(lang) if lang is not None and str(lang) else None, display_title)


def _structure(tree: pikepdf.Object) -> tuple[int, int, int]:
    """Count structure elements, /Figure elements, and figures with no alternative text."""
    mapped = tree.get("/RoleMap")
    role_map = ({str(k): str(v) for k, v in mapped.items()}
                if isinstance(mapped, pikepdf.Dictionary) else {})
    elements = figures = without_alt = 0
    pending, seen = [tree.get("/K")], set()
    while pending:
        node = pending.pop()
        if isinstance(node, pikepdf.Array):
            pending.extend(node)
            continue
        # Integers are marked-content ids; /MCR and /OBJR dictionaries have no /S.
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        elements += 1
        if _standard_role(str(node.S), role_map) == "/Figure":
            figures += 1
            alt = str(node.get("/Alt", "")).strip() or str(node.get("/ActualText", "")).strip()
            without_alt += not alt
        pending.append(node.get("/K"))
    return elements, figures, without_alt


def _standard_role(role: str, role_map: dict[str, str]) -> str:
    """Follow the document's role map from a custom type to a standard one."""
    seen = set()
    while role in role_map and role not in seen:
        seen.add(role)
        role = role_map[role]
    return role


def _metadata(pdf: pikepdf.Pdf, xmp: dict[str, str]) -> Metadata:
    # a damaged packet is reported with the variant
    info: pikepdf.Object | dict[str, pikepdf.Object] = (
        pdf.docinfo if pdf.trailer.get("/Info") is not None else {})
    links, uris = 0, []
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            links += 1
            action = annotation.get("/A")
            if isinstance(action, pikepdf.Dictionary) and action.get("/S") == "/URI":
                uri = str(action.get("/URI", ""))
                if uri and uri not in uris:
                    uris.append(uri)
    info_title, producer = (str(info[k]) if k in info else None for k in ("/Title", "/Producer"))
    return Metadata(info_title or None, xmp.get("{http://purl.org/dc/elements/1.1/}title") or None,
                    producer, links, tuple(uris))
