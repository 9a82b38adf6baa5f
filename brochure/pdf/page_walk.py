"""Following a page's content streams (through Form XObjects and tiling
patterns) to find what really paints: colour spaces, images at their placed
size, fonts. Only the operators that matter are parsed (``WALKED``)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import pikepdf

from brochure.pdf.pdf_report import (
    FONT_FILES,
    IDENTITY,
    MAX_NESTING,
    SUBSET_PREFIX,
    ColourSpace,
    ColourUse,
    FontInfo,
    ImageInfo,
    Matrix,
)

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
# Enough to find every font (where it is set, and the forms and patterns that
# may set more; a pattern chosen to paint with is followed as if it painted)
# and the size each image is placed at, which the screen edition reduces
# its images by: one walk for both (pdf/derive.derive_screen).
FONTS_WALKED = "q Q cm Tf Do scn SCN"


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
    largest: tuple[float, float] = (0.0, 0.0)  # its largest sides where placed, in points


@dataclass
class Found:
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

    def largest_placements(self) -> dict[tuple[int, int], tuple[float, float]]:
        """Each image XObject's largest sides on the pages, in points, by its object."""
        return {key: image.largest for key, image in self.images.items()
                if isinstance(key, tuple) and key[0] != "inline"}


def walk_pages(pdf: pikepdf.Pdf, fonts_only: bool = False) -> Found:
    """What every page of ``pdf`` paints with; with ``fonts_only``, only its
    fonts and where its images are placed."""
    found = Found()
    for number, page in enumerate(pdf.pages, start=1):
        PageWalker(number, found, fonts_only=fonts_only).walk_page(page)
    return found


class PageWalker:
    """Follows one page's content, and the forms and patterns it draws, operator by operator."""

    def __init__(self, page: int, found: Found, fonts_only: bool = False):
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
        image.largest = (max(image.largest[0], across), max(image.largest[1], down))
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
