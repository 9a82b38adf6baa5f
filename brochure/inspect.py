"""Preflight a finished PDF the way a print shop or an accessibility checker would.

``inspect_pdf`` reads a PDF (any PDF, not only ours) into a ``PdfReport``:
page boxes, the variant it claims (PDF/A, PDF/X, PDF/UA) and its output
intents, the colour spaces that text, drawings and images really paint with,
each image's effective resolution at its placed size, fonts, tagging and
metadata. ``format_report`` writes it as plain text; ``preflight.check_claims``
judges it against a use ("screen", "print", "archive").

Colours, images and fonts are found by following the content streams
themselves (through Form XObjects and tiling patterns), not by listing
resources: a page's resource dictionary may name colour spaces and fonts that
nothing paints with. Only the operators that matter are parsed (``WALKED``).

A build checks every edition it makes, against its kind's claims only: it
asks for the ``parts`` of the report those claims read (``preflight.NEEDS``).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.etree import ElementTree

import pikepdf

from .problems import Location, SingleProblem, relative_name

MM_PER_POINT = 25.4 / 72
SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
MAX_NESTING = 16  # Form XObjects inside Form XObjects; deeper is a broken file

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


# The parts of a report, each read only when asked for.
PARTS = frozenset({"boxes", "variant", "intents", "transparency", "colours", "fonts",
                   "accessibility", "metadata"})


class UnreadablePdf(SingleProblem):
    """The file is missing, is not a PDF, or cannot be opened (e.g. encrypted)."""


# --- The report ---------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A page box in millimetres, corners ordered (x0 < x1, y0 < y1)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def margins_to(self, inner: Box) -> dict[str, float]:
        """How far this box reaches beyond ``inner`` on each side, in mm."""
        return {"left": inner.x0 - self.x0, "right": self.x1 - inner.x1,
                "top": self.y1 - inner.y1, "bottom": inner.y0 - self.y0}


@dataclass(frozen=True)
class PageBoxes:
    """The boxes shared by a group of pages. Trim and bleed are None when absent."""

    pages: tuple[int, ...]
    media: Box
    trim: Box | None
    bleed: Box | None


@dataclass(frozen=True)
class Variant:
    """The standards the file claims to meet, from its XMP metadata."""

    pdfa: str | None = None  # "PDF/A-2b"
    pdfx: str | None = None  # "PDF/X-4"
    pdfua: str | None = None  # "PDF/UA-1"
    damaged_xmp: str | None = None  # why the XMP packet could not be read, if it could not


@dataclass(frozen=True)
class OutputIntent:
    """The printing condition (or, for PDF/A, the viewing condition) the file was made for."""

    subtype: str  # "GTS_PDFX" or "GTS_PDFA1"
    condition: str | None  # OutputConditionIdentifier
    profile: str | None  # the ICC profile's description
    colour_space: str | None  # from the profile's header: "CMYK", "RGB", "GRAY"
    components: int | None  # the profile stream's /N


@dataclass(frozen=True)
class ColourSpace:
    name: str  # "DeviceRGB", "ICCBased RGB", "Separation PANTONE 185 C", "Lab"
    family: str  # "RGB", "CMYK", "Gray", "Lab", "Spot", "Pattern" or "Other"


@dataclass(frozen=True)
class ColourUse:
    """A colour space painted with, by text, vector drawing or transparency blending."""

    space: ColourSpace
    used_for: str  # "text", "vector" or "blending"
    pages: tuple[int, ...]


@dataclass(frozen=True)
class ImageInfo:
    name: str
    width: int
    height: int
    colour_space: ColourSpace | None  # None for a stencil mask
    bits: int | None
    filters: tuple[str, ...]
    has_soft_mask: bool
    ppi: float | None  # the lowest effective resolution where it is placed
    page: int  # the page where that lowest resolution is
    pages: tuple[int, ...]


@dataclass(frozen=True)
class FontInfo:
    name: str
    kind: str  # "TrueType", "Type0/CIDFontType2", …
    embedded: bool
    subset: bool
    pages: tuple[int, ...]


@dataclass(frozen=True)
class Accessibility:
    marked: bool  # /MarkInfo /Marked true
    has_structure: bool  # a /StructTreeRoot
    elements: int
    figures: int
    figures_without_alt: int
    language: str | None
    display_title: bool  # /ViewerPreferences /DisplayDocTitle true

    @property
    def tagged(self) -> bool:
        return self.marked and self.has_structure


_NOT_READ = Accessibility(False, False, 0, 0, 0, None, False)  # a part not asked for


@dataclass(frozen=True)
class Metadata:
    info_title: str | None
    xmp_title: str | None
    producer: str | None
    links: int  # link annotations, internal or not
    uris: tuple[str, ...]  # the web, mail and phone addresses linked to


@dataclass(frozen=True)
class PdfReport:
    path: Path
    file_size: int
    page_count: int
    boxes: tuple[PageBoxes, ...]
    variant: Variant
    output_intents: tuple[OutputIntent, ...]
    colours: tuple[ColourUse, ...]
    images: tuple[ImageInfo, ...]
    fonts: tuple[FontInfo, ...]
    accessibility: Accessibility
    metadata: Metadata
    transparency: bool = False  # any constant alpha below 1 or soft mask (PDF/X-1a forbids)


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


def _report(pdf: pikepdf.Pdf, path: Path, size: int, parts: frozenset[str]) -> PdfReport:
    found = _Found()
    walked = "colours" in parts or "fonts" in parts
    for number, page in enumerate(pdf.pages if walked else (), start=1):
        _PageWalker(number, found, fonts_only="colours" not in parts).walk_page(page)
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
        accessibility=_accessibility(pdf) if "accessibility" in parts else _NOT_READ,
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


# --- Following the content streams -------------------------------------------


def _concat(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` applied first, then ``outer`` (PDF's row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer  # noqa: N806 (the standard's names)
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _matrix(values: Iterable) -> Matrix:
    numbers = tuple(float(v) for v in values)
    return numbers if len(numbers) == 6 else IDENTITY


DEVICE_SPACES = {"/DeviceRGB": "RGB", "/DeviceCMYK": "CMYK", "/DeviceGray": "Gray",
                 "/RGB": "RGB", "/CMYK": "CMYK", "/G": "Gray"}  # the last three: inline images
ICC_FAMILIES = {1: "Gray", 3: "RGB", 4: "CMYK"}


def _colour_space(space: pikepdf.Object, resources: pikepdf.Object, depth: int = 0) -> ColourSpace:
    """Name a colour space and its family, resolving names through ``resources``."""
    if isinstance(space, pikepdf.Name):
        name = str(space)
        if name in DEVICE_SPACES:
            return ColourSpace("Device" + DEVICE_SPACES[name], DEVICE_SPACES[name])
        if name == "/Pattern":
            return ColourSpace("Pattern", "Pattern")
        named = _resource(resources, "/ColorSpace", name)
        if named is not None and depth < 4:
            return _colour_space(named, resources, depth + 1)
        return ColourSpace(name[1:], "Other")
    if not isinstance(space, pikepdf.Array) or len(space) == 0:
        return ColourSpace("unknown", "Other")
    kind = str(space[0])
    if kind == "/ICCBased":
        family = ICC_FAMILIES.get(int(space[1].get("/N", 0)), "Other")
        return ColourSpace(f"ICCBased {family}", family)
    if kind in ("/CalRGB", "/CalGray", "/Lab"):
        return ColourSpace(kind[1:], {"/CalRGB": "RGB", "/CalGray": "Gray"}.get(kind, "Lab"))
    if kind == "/Separation":
        return ColourSpace(f"Separation {str(space[1])[1:]}", "Spot")
    if kind == "/DeviceN":
        return ColourSpace(f"DeviceN {', '.join(str(n)[1:] for n in space[1])}", "Spot")
    if kind in ("/Indexed", "/I") and depth < 4:
        base = _colour_space(space[1], resources, depth + 1)
        return ColourSpace(f"Indexed {base.name}", base.family)
    if kind == "/Pattern" and len(space) > 1 and depth < 4:
        # An uncoloured pattern paints in the underlying colour space.
        base = _colour_space(space[1], resources, depth + 1)
        return ColourSpace(f"Pattern in {base.name}", base.family)
    return ColourSpace(kind[1:], "Other")


def _resource(resources: pikepdf.Object, category: str, name: str) -> pikepdf.Object | None:
    if not isinstance(resources, pikepdf.Dictionary):
        return None
    group = resources.get(category)
    return group.get(name) if isinstance(group, pikepdf.Dictionary) else None


GRAY = ColourSpace("DeviceGray", "Gray")
PATTERN = ColourSpace("Pattern", "Pattern")
FILL_OPERATORS = {"f", "F", "f*"}
STROKE_OPERATORS = {"S", "s"}
FILL_AND_STROKE_OPERATORS = {"B", "B*", "b", "b*"}
TEXT_SHOW_OPERATORS = {"Tj", "TJ", "'", '"'}
SET_DEVICE_COLOUR = {"rg": ("fill", "RGB"), "RG": ("stroke", "RGB"), "k": ("fill", "CMYK"),
                     "K": ("stroke", "CMYK"), "g": ("fill", "Gray"), "G": ("stroke", "Gray")}
# The operators the walker acts on: the others (text positioning, paths, marked
# content, …) are not even parsed, about four in five of a page's operators.
WALKED = " ".join(sorted({"q", "Q", "cm", "cs", "CS", "scn", "SCN", "Tr", "Tf", "sh", "Do",
                          "BI", "ID", "EI", *SET_DEVICE_COLOUR, *FILL_OPERATORS,
                          *STROKE_OPERATORS, *FILL_AND_STROKE_OPERATORS,
                          *TEXT_SHOW_OPERATORS}))
# Enough to find every font: where it is set, and the forms and patterns that
# may set more. A pattern chosen to paint with is followed as if it painted.
FONTS_WALKED = "Tf Do scn SCN"


@dataclass
class _State:
    """The part of the graphics state that matters here; q saves it, Q restores it."""

    ctm: Matrix = IDENTITY
    fill: ColourSpace = GRAY
    stroke: ColourSpace = GRAY
    fill_pattern: str | None = None
    stroke_pattern: str | None = None
    text_mode: int = 0  # Tr: 0 fill, 1 stroke, 2 both, 3 invisible, +4 adds clipping


@dataclass
class _ImagePlacement:
    name: str
    width: int
    height: int
    colour_space: ColourSpace | None
    bits: int | None
    filters: tuple[str, ...]
    has_soft_mask: bool
    ppi: float | None = None
    page: int = 0
    pages: set[int] = field(default_factory=set)


@dataclass
class _Found:
    """What the content streams of every page paint with, gathered across the document."""

    colours: dict[tuple[ColourSpace, str], set[int]] = field(default_factory=dict)
    images: dict[object, _ImagePlacement] = field(default_factory=dict)
    fonts: dict[object, tuple[FontInfo, set[int]]] = field(default_factory=dict)
    parsed: dict[tuple[int, int], list] = field(default_factory=dict)

    def colour(self, space: ColourSpace, used_for: str, page: int) -> None:
        self.colours.setdefault((space, used_for), set()).add(page)

    def colour_uses(self) -> tuple[ColourUse, ...]:
        uses = [ColourUse(space, used_for, tuple(sorted(pages)))
                for (space, used_for), pages in self.colours.items()]
        return tuple(sorted(uses, key=lambda u: (u.used_for, u.space.name)))

    def image_infos(self) -> tuple[ImageInfo, ...]:
        return tuple(ImageInfo(i.name, i.width, i.height, i.colour_space, i.bits, i.filters,
                               i.has_soft_mask, i.ppi, i.page, tuple(sorted(i.pages)))
                     for i in self.images.values())

    def font_infos(self) -> tuple[FontInfo, ...]:
        return tuple(replace(info, pages=tuple(sorted(pages)))
                     for info, pages in self.fonts.values())


class _PageWalker:
    """Follows one page's content, and the forms and patterns it draws, operator by operator."""

    def __init__(self, page: int, found: _Found, fonts_only: bool = False):
        self.page = page
        self.found = found
        self.fonts_only = fonts_only
        self.operators = FONTS_WALKED if fonts_only else WALKED
        self.open: set[tuple[int, int]] = set()  # forms and patterns being drawn: no cycles

    def walk_page(self, page: pikepdf.Page) -> None:
        group = page.obj.get("/Group")
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        self._blending(group, resources)
        try:
            instructions = pikepdf.parse_content_stream(page, self.operators)
        except pikepdf.PdfError:
            return  # an unreadable page stream paints nothing we can report
        self._walk(instructions, resources, _State())

    def _instructions(self, stream: pikepdf.Stream) -> list:
        key = stream.objgen
        if key not in self.found.parsed:
            try:
                self.found.parsed[key] = list(pikepdf.parse_content_stream(stream,
                                                                           self.operators))
            except pikepdf.PdfError:
                self.found.parsed[key] = []
        return self.found.parsed[key]

    def _walk(self, instructions: Iterable, resources: pikepdf.Object, state: _State) -> None:
        saved: list[_State] = []
        for operands, operator in instructions:
            op = str(operator)
            if op == "q":
                saved.append(replace(state))
            elif op == "Q":
                state = saved.pop() if saved else state
            elif op == "cm":
                state.ctm = _concat(_matrix(operands), state.ctm)
            elif op in SET_DEVICE_COLOUR:
                which, family = SET_DEVICE_COLOUR[op]
                setattr(state, which, ColourSpace("Device" + family, family))
            elif op in ("cs", "CS"):
                space = _colour_space(operands[0], resources)
                setattr(state, "fill" if op == "cs" else "stroke", space)
            elif op in ("scn", "SCN") and operands and isinstance(operands[-1], pikepdf.Name):
                setattr(state, "fill_pattern" if op == "scn" else "stroke_pattern",
                        str(operands[-1]))
                if self.fonts_only:
                    self._painted(PATTERN, str(operands[-1]), "vector", resources, state)
            elif op == "Tr" and operands:
                state.text_mode = int(operands[0])
            elif op == "Tf" and operands:
                self._font(operands[0], resources)
            else:
                self._paint(op, operands, resources, state)

    def _paint(self, op: str, operands: list, resources: pikepdf.Object, state: _State) -> None:
        text = op in TEXT_SHOW_OPERATORS
        fills = op in FILL_OPERATORS | FILL_AND_STROKE_OPERATORS or (
            text and state.text_mode % 4 in (0, 2))
        strokes = op in STROKE_OPERATORS | FILL_AND_STROKE_OPERATORS or (
            text and state.text_mode % 4 in (1, 2))
        used_for = "text" if text else "vector"
        if fills:
            self._painted(state.fill, state.fill_pattern, used_for, resources, state)
        if strokes:
            self._painted(state.stroke, state.stroke_pattern, used_for, resources, state)
        if op == "sh" and operands:
            shading = _resource(resources, "/Shading", str(operands[0]))
            if isinstance(shading, pikepdf.Dictionary | pikepdf.Stream):
                self._shading(shading, "vector", resources)
        elif op == "Do" and operands:
            self._draw(str(operands[0]), resources, state)
        elif op == "INLINE IMAGE" and operands:
            self._inline_image(operands[0], resources, state)

    def _painted(self, space: ColourSpace, pattern_name: str | None, used_for: str,
                 resources: pikepdf.Object, state: _State) -> None:
        if space.family != "Pattern":
            self.found.colour(space, used_for, self.page)
            return
        pattern = _resource(resources, "/Pattern", pattern_name or "")
        if not isinstance(pattern, pikepdf.Dictionary | pikepdf.Stream):
            return
        if int(pattern.get("/PatternType", 0)) == 2:
            self._shading(pattern.get("/Shading"), used_for, resources)
        elif isinstance(pattern, pikepdf.Stream) and self._enter(pattern):
            # A tiling pattern's space is the page's default space, not the current CTM.
            inner = pattern.get("/Resources", resources)
            self._walk(self._instructions(pattern), inner,
                       _State(ctm=_matrix(pattern.get("/Matrix", IDENTITY))))
            self.open.discard(pattern.objgen)

    def _shading(self, shading: pikepdf.Object | None, used_for: str,
                 resources: pikepdf.Object) -> None:
        if isinstance(shading, pikepdf.Dictionary | pikepdf.Stream) and "/ColorSpace" in shading:
            self.found.colour(_colour_space(shading.ColorSpace, resources), used_for, self.page)

    def _blending(self, group: pikepdf.Object | None, resources: pikepdf.Object) -> None:
        """A transparency group's /CS: the colour space transparent areas are mixed in."""
        if isinstance(group, pikepdf.Dictionary) and "/CS" in group:
            self.found.colour(_colour_space(group.CS, resources), "blending", self.page)

    def _enter(self, stream: pikepdf.Stream) -> bool:
        if stream.objgen in self.open or len(self.open) >= MAX_NESTING:
            return False
        self.open.add(stream.objgen)
        return True

    def _draw(self, name: str, resources: pikepdf.Object, state: _State) -> None:
        xobject = _resource(resources, "/XObject", name)
        if not isinstance(xobject, pikepdf.Stream):
            return
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            self._image(xobject, name, resources, state)
        elif subtype == "/Form" and self._enter(xobject):
            inner = xobject.get("/Resources", resources)
            self._blending(xobject.get("/Group"), inner)
            ctm = _concat(_matrix(xobject.get("/Matrix", IDENTITY)), state.ctm)
            self._walk(self._instructions(xobject), inner, replace(state, ctm=ctm))
            self.open.discard(xobject.objgen)

    def _image(self, image: pikepdf.Stream, name: str, resources: pikepdf.Object,
               state: _State) -> None:
        key = image.objgen
        if key not in self.found.images:
            mask = bool(image.get("/ImageMask", False))
            space = None if mask or "/ColorSpace" not in image else _colour_space(
                image.ColorSpace, resources)
            filters: Iterable[pikepdf.Object] = image.get("/Filter", [])
            filters = [filters] if isinstance(filters, pikepdf.Name) else filters
            bits = image.get("/BitsPerComponent")
            self.found.images[key] = _ImagePlacement(
                name[1:], int(image.get("/Width", 0)), int(image.get("/Height", 0)), space,
                1 if mask else int(bits) if bits is not None else None,
                tuple(str(f)[1:] for f in filters), "/SMask" in image)
        self._placed(self.found.images[key], state)
        if bool(image.get("/ImageMask", False)):  # a stencil paints with the fill colour
            self._painted(state.fill, state.fill_pattern, "vector", resources, state)

    def _inline_image(self, image: pikepdf.PdfInlineImage, resources: pikepdf.Object,
                      state: _State) -> None:
        space = None if image.image_mask else _colour_space(
            pikepdf.Name(image.colorspace) if image.colorspace else pikepdf.Name("/DeviceGray"),
            resources)
        placement = _ImagePlacement(
            f"inline-{len(self.found.images) + 1}", image.width, image.height, space,
            image.bits_per_component, tuple(str(f).lstrip("/") for f in image.filters), False)
        self.found.images[("inline", len(self.found.images))] = placement
        self._placed(placement, state)

    def _placed(self, image: _ImagePlacement, state: _State) -> None:
        """An image fills the unit square of the CTM: its sides are the CTM's axes."""
        a, b, c, d, _, _ = state.ctm
        across, down = math.hypot(a, b), math.hypot(c, d)  # in points
        image.pages.add(self.page)
        if across <= 0 or down <= 0 or not image.width or not image.height:
            return
        ppi = min(image.width * 72 / across, image.height * 72 / down)
        if image.ppi is None or ppi < image.ppi:
            image.ppi, image.page = ppi, self.page

    def _font(self, name: pikepdf.Object, resources: pikepdf.Object) -> None:
        font = _resource(resources, "/Font", str(name))
        if not isinstance(font, pikepdf.Dictionary):
            return
        key = font.objgen if font.is_indirect else ("direct", str(font.get("/BaseFont", name)))
        if key not in self.found.fonts:
            self.found.fonts[key] = (_font_info(font, str(name)), set())
        self.found.fonts[key][1].add(self.page)


def _font_info(font: pikepdf.Dictionary, resource_name: str) -> FontInfo:
    kind = str(font.get("/Subtype", "/unknown"))[1:]
    name = str(font.get("/BaseFont", font.get("/Name", resource_name)))[1:]
    described: pikepdf.Object = font
    if kind == "Type0" and font.get("/DescendantFonts"):
        described = font.DescendantFonts[0]
        kind = f"Type0/{str(described.get('/Subtype', '/unknown'))[1:]}"
    descriptor = described.get("/FontDescriptor")
    # A Type 3 font's glyphs are drawings inside the PDF itself: always embedded.
    embedded = kind == "Type3" or (isinstance(descriptor, pikepdf.Dictionary)
                                   and any(key in descriptor for key in FONT_FILES))
    return FontInfo(name, kind, embedded, bool(SUBSET_PREFIX.match(name)), ())


# --- Writing the report --------------------------------------------------------


def page_ranges(pages: Iterable[int]) -> str:
    """1, 2, 3, 5 → '1–3, 5'."""
    numbers = sorted(set(pages))
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def pages_text(pages: Iterable[int]) -> str:
    pages = list(pages)
    return ("page " if len(pages) == 1 else "pages ") + page_ranges(pages)


def box_size(box: Box) -> str:
    return f"{box.width:.1f} × {box.height:.1f} mm"


def beyond(outer: Box, inner: Box) -> str:
    margins = outer.margins_to(inner)
    if len({round(v, 1) for v in margins.values()}) == 1:
        return f"{margins['left']:.1f} mm each side"
    return ", ".join(f"{side} {value:.1f}" for side, value in margins.items()) + " mm"


def _file_size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1048576:.1f} MB"


def format_report(report: PdfReport) -> str:
    """The report as plain text, one section per concern."""
    sections = [
        f"{report.path}: {report.page_count} page{'s' if report.page_count != 1 else ''}, "
        f"{_file_size(report.file_size)}",
        _section("Pages and boxes", _boxes_lines(report)),
        _section("Variant and output intent", _variant_lines(report)),
        _section("Colour", _colour_lines(report)),
        _section("Images", _image_lines(report)),
        _section("Fonts", _font_lines(report)),
        _section("Accessibility", _accessibility_lines(report)),
        _section("Metadata", _metadata_lines(report)),
    ]
    return "\n\n".join(sections)


def _section(title: str, lines: Iterable[str]) -> str:
    return "\n".join([title, *(f"  {line}" for line in lines)])


def _boxes_lines(report: PdfReport) -> Iterator[str]:
    for group in report.boxes:
        parts = [f"MediaBox {box_size(group.media)}"]
        if group.trim is None:
            parts.append("no TrimBox")
        else:
            parts.append(f"TrimBox {box_size(group.trim)}")
        if group.bleed is None:
            parts.append("no BleedBox")
        elif group.trim is not None:
            parts.append(f"BleedBox {beyond(group.bleed, group.trim)} beyond the trim")
        else:
            parts.append(f"BleedBox {box_size(group.bleed)}")
        yield f"{pages_text(group.pages)}: " + "; ".join(parts)


def _variant_lines(report: PdfReport) -> Iterator[str]:
    variant = report.variant
    claims = [c for c in (variant.pdfx, variant.pdfa, variant.pdfua) if c]
    yield "claims: " + (", ".join(claims) if claims else "no PDF/A, PDF/X or PDF/UA (a plain PDF)")
    if not report.output_intents:
        yield "output intent: none"
    for intent in report.output_intents:
        profile = intent.profile or "unnamed profile"
        space = intent.colour_space or "unknown colour space"
        condition = f", condition '{intent.condition}'" if intent.condition else ""
        yield (f"output intent {intent.subtype}: {profile} ({space}, "
               f"{intent.components or '?'} components){condition}")


def _colour_lines(report: PdfReport) -> Iterator[str]:
    if not report.colours and not report.images:
        yield "nothing painted"
    for used_for in ("text", "vector", "blending"):
        uses = [u for u in report.colours if u.used_for == used_for]
        if uses:
            label = {"blending": "transparency blending"}.get(used_for, used_for)
            yield f"{label}: " + "; ".join(
                f"{u.space.name} ({u.space.family}) on {pages_text(u.pages)}" for u in uses)
    spaces = sorted({i.colour_space.name for i in report.images if i.colour_space})
    if spaces:
        yield "images: " + ", ".join(spaces)


def _image_lines(report: PdfReport) -> Iterator[str]:
    if not report.images:
        yield "none (no raster images: drawings, if any, are vector)"
    for image in report.images:
        space = image.colour_space.name if image.colour_space else "stencil mask"
        details = [f"{image.width} × {image.height} px", space]
        if image.bits:
            details.append(f"{image.bits}-bit")
        details.append(", ".join(image.filters) or "uncompressed")
        if image.has_soft_mask:
            details.append("with transparency")
        where = pages_text(image.pages)
        if image.ppi is not None:
            details.append(f"{image.ppi:.0f} ppi at its smallest (page {image.page})")
        yield f"{image.name} on {where}: " + ", ".join(details)


def _font_lines(report: PdfReport) -> Iterator[str]:
    if not report.fonts:
        yield "none (no text)"
    for font in sorted(report.fonts, key=lambda f: f.name):
        state = "embedded" if font.embedded else "NOT embedded"
        if font.subset:
            state += ", subset"
        yield f"{font.name} ({font.kind}): {state}, {pages_text(font.pages)}"


def _accessibility_lines(report: PdfReport) -> Iterator[str]:
    a = report.accessibility
    if a.tagged:
        yield f"tagged: yes, {a.elements} structure elements"
    else:
        missing = [what for what, has in (("no /MarkInfo /Marked true", a.marked),
                                          ("no structure tree", a.has_structure)) if not has]
        yield "tagged: no (" + ", ".join(missing) + ")"
    if a.figures:
        yield f"figures: {a.figures}, {a.figures_without_alt} without alternative text"
    yield f"language: {a.language or 'none'}"
    yield f"viewers show the title, not the file name: {'yes' if a.display_title else 'no'}"


def _metadata_lines(report: PdfReport) -> Iterator[str]:
    m = report.metadata
    yield f"title: {m.info_title or 'none'}"
    if m.xmp_title != m.info_title:
        yield f"title in XMP: {m.xmp_title or 'none'}"
    if m.producer:
        yield f"producer: {m.producer}"
    yield f"links: {m.links}" + (", to these addresses:" if m.uris else "")
    yield from (f"  {uri}" for uri in m.uris)
    yield f"file size: {_file_size(report.file_size)}"
