"""The print edition's colours, from a layout drawn in sRGB: every colour the
renderer set with ``rg``/``RG`` becomes ``k``/``K``; transparency groups blend
in the output profile's CMYK; axial and radial shadings are given CMYK stops.

A palette colour becomes the CMYK the palette gives for it (the same ink as a
page rendered in CMYK); any other colour (artwork) goes through the ICC
profile, as the renderer's fetcher converts SVG drawings for print. What
cannot be mapped exactly raises ``CannotDerive``: the edition is then
rendered on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pikepdf

from brochure.render.colour import to_cmyk

Rgb = tuple[int, int, int]
Inks = Mapping[Rgb, tuple[float, ...]]


class CannotDerive(Exception):
    """The layout holds something a derived edition cannot reproduce exactly."""


# The renderer writes one operator per line and text as hex strings only.
_RGB_LINE = re.compile(rb"^(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (rg|RG)$", re.MULTILINE)
# Any other colour operator, but for a tiling pattern chosen as the fill
# (``/Pattern cs /p0 scn``: its own content is recoloured).
_LEFT_OVER = re.compile(rb"^(?!/Pattern (?:cs|CS)$)(?!/[^\s/]+ (?:scn|SCN)$)"
                        rb"(?:.*\s)?(?:rg|RG|sc|scn|SC|SCN|cs|CS|g|G)$", re.MULTILINE)


def cmyk_for(inks: Inks, profile: Path) -> Callable[[Rgb], tuple[float, ...]]:
    """The CMYK of an sRGB colour: the palette's own, or through the profile."""
    def convert(rgb: Rgb) -> tuple[float, ...]:
        return inks.get(rgb) or to_cmyk(rgb, profile)
    return convert


def recolour(pdf: pikepdf.Pdf, inks: Inks, profile: Path,
             cmyk_space: pikepdf.Object) -> None:
    """Every page, form, pattern and soft mask of ``pdf`` in CMYK;
    ``cmyk_space`` is the output profile's colour space (for blending)."""
    convert = cmyk_for(inks, profile)
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        page.contents_coalesce()
        _recolour_stream(page.obj.Contents, convert)
        _recolour_resources(page.obj.get("/Resources"), convert, cmyk_space, seen)


def _recolour_stream(stream: pikepdf.Object, convert: Callable) -> None:
    data = stream.read_bytes()
    if b"(" in data:  # a literal string could hold anything: not the renderer's usual stream
        raise CannotDerive("a content stream holds a literal string")

    def to_ink(match: re.Match[bytes]) -> bytes:
        rgb = tuple(round(float(v) * 255) for v in match.groups()[:3])
        inks = " ".join(f"{v:g}" for v in convert(rgb))
        return f"{inks} {'k' if match.group(4) == b'rg' else 'K'}".encode()

    recoloured = _RGB_LINE.sub(to_ink, data)
    if _LEFT_OVER.search(recoloured):
        raise CannotDerive("a colour is set in another way than the renderer's sRGB")
    if recoloured != data:
        stream.write(recoloured)


def _recolour_resources(resources: pikepdf.Object | None, convert: Callable,
                        cmyk_space: pikepdf.Object, seen: set[tuple[int, int]]) -> None:
    if resources is None:
        return
    if resources.is_indirect:
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    for font in resources.get("/Font", {}).values():
        if font.get("/Subtype") == "/Type3":
            raise CannotDerive("a Type 3 font draws its own colours")
    streams = [x for x in resources.get("/XObject", {}).values() if x.get("/Subtype") == "/Form"]
    patterns = list(resources.get("/Pattern", {}).values())
    if any(p.get("/PatternType") != 1 for p in patterns):
        raise CannotDerive("a shading pattern: the renderer draws shadings with 'sh'")
    streams += patterns
    for state in resources.get("/ExtGState", {}).values():
        mask = state.get("/SMask")
        if isinstance(mask, pikepdf.Dictionary) and "/G" in mask:
            streams.append(mask.G)
    for shading in resources.get("/Shading", {}).values():
        _recolour_shading(shading, convert, seen)
    for stream in streams:
        if stream.objgen in seen:
            continue
        seen.add(stream.objgen)
        _recolour_stream(stream, convert)
        group = stream.get("/Group")
        if group is not None and group.get("/CS") == pikepdf.Name.DeviceRGB:
            group.CS = cmyk_space
        _recolour_resources(stream.get("/Resources"), convert, cmyk_space, seen)


def _recolour_shading(shading: pikepdf.Object, convert: Callable,
                      seen: set[tuple[int, int]]) -> None:
    if shading.is_indirect and shading.objgen in seen:
        return
    if shading.is_indirect:
        seen.add(shading.objgen)
    if shading.get("/ColorSpace") != pikepdf.Name.DeviceRGB:
        raise CannotDerive("a shading is not in sRGB")
    shading.Function = _cmyk_function(shading.Function, convert)
    shading.ColorSpace = pikepdf.Name.DeviceCMYK


def _cmyk_function(function: pikepdf.Object, convert: Callable) -> pikepdf.Object:
    """An exponential function between two colours, or a stitching of them, in CMYK."""
    kind = int(function.get("/FunctionType", -1))
    if kind == 2:
        # Without C0 and C1 the function runs from black to white.
        function.C0 = _cmyk_array(function.get("/C0") or pikepdf.Array([0, 0, 0]), convert)
        function.C1 = _cmyk_array(function.get("/C1") or pikepdf.Array([1, 1, 1]), convert)
        return function
    if kind == 3:
        function.Functions = pikepdf.Array([_cmyk_function(f, convert)
                                            for f in function.Functions])
        return function
    raise CannotDerive("a shading's colours are given by a sampled or computed function")


def _cmyk_array(values: pikepdf.Object, convert: Callable) -> pikepdf.Array:
    rgb = tuple(round(float(v) * 255) for v in values)
    if len(rgb) != 3:
        raise CannotDerive("a shading's colour has not three components")
    return pikepdf.Array([float(v) for v in convert(rgb)])
