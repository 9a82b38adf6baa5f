"""The three ways a brochure leaves the office, and what each needs.

- ``screen``: emailed and read on phones and by screen readers: sRGB, tagged
  PDF/UA-1, images downsampled to about 150 ppi, links, a QR code.
- ``print``: for the print shop: PDF/X-4 (or X-1a) with a CMYK output intent,
  every colour in CMYK (text in pure black), bleed and crop marks.
- ``archive``: the public record: PDF/A-2b (fonts embedded, an sRGB output
  intent, nothing outside the file needed to read it).

An edition kind is a set of renderer options plus a generated stylesheet
(palette, page bleed, colour profile); the templates do not change.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import segno

from brochure.content.model import Colour
from brochure.defaults import PRINT_VARIANT, SCREEN_PPI


@dataclass(frozen=True)
class EditionKind:
    name: str
    pdf_variant: str
    tagged: bool
    cmyk: bool
    image_dpi: int | None = None  # downsample raster images to this (screen)

    def render_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"pdf_variant": self.pdf_variant, "pdf_tags": self.tagged}
        if self.image_dpi:
            options.update(optimize_images=True, dpi=self.image_dpi, jpeg_quality=85)
        return options


SCREEN = EditionKind("screen", "pdf/ua-1", tagged=True, cmyk=False, image_dpi=SCREEN_PPI)
ARCHIVE = EditionKind("archive", "pdf/a-2b", tagged=True, cmyk=False)


def kind_named(name: str, print_variant: str = PRINT_VARIANT) -> EditionKind:
    if name == "screen":
        return SCREEN
    if name == "archive":
        return ARCHIVE
    # PDF/X files are not tagged: print shops do not need it, and X-1a is PDF 1.4.
    return EditionKind("print", print_variant, tagged=False, cmyk=True)


def palette_css(palette: dict[str, Colour], cmyk: bool) -> str:
    """The palette as CSS custom properties, in sRGB or in CMYK."""
    lines = []
    for name, colour in palette.items():
        lines.append(f"  --{name}: {css_colour(colour, cmyk)};")
    return ":root {\n" + "\n".join(lines) + "\n}\n"


def ink_colour(palette: dict[str, Colour], cmyk: bool) -> str:
    """The colour of text and QR codes: the palette's 'ink', or black."""
    return css_colour(palette["ink"], cmyk) if "ink" in palette else "#000000"


def css_colour(colour: Colour, cmyk: bool) -> str:
    if not cmyk:
        return colour.rgb
    c, m, y, k = (round(v / 100, 4) for v in colour.cmyk)
    return f"device-cmyk({c:g} {m:g} {y:g} {k:g})"


def print_css(profile: Path, bleed_mm: float) -> str:
    """Page bleed, crop marks and the CMYK profile that becomes the output intent."""
    return (
        "@color-profile device-cmyk {\n"
        f"  src: url({profile.resolve().as_uri()});\n"
        "  components: cyan, magenta, yellow, black;\n"
        "}\n" + bleed_css(bleed_mm)
    )


def bleed_css(bleed_mm: float) -> str:
    """The print geometry: the page's bleed, and the cover picture running into it."""
    return (
        # No marks: the renderer would draw them inside the bleed; post-processing
        # draws them in a slug beyond it (postprocess.finish_print).
        f"@page {{ bleed: {bleed_mm:g}mm; }}\n"
        # Full-page pictures run into the bleed, so that trimming leaves no white edge.
        f".cover-frame {{ margin: -{bleed_mm:g}mm -{bleed_mm:g}mm 0; }}\n"
    )


def derives_from_layout(kind: str, pdf_variant: str) -> bool:
    """Whether an edition is derived from its language's one layout
    (``pdf/derive.py``) rather than rendered on its own: screen, and print as
    PDF/X-4 (PDF/X-1a forbids the transparency a derived file keeps)."""
    return kind == "screen" or (kind == "print" and pdf_variant == "pdf/x-4")


# The one layout is written as a tagged PDF/UA-1 file, images at their full size:
# the screen edition keeps that, the print edition is given PDF/X-4's identity.
LAYOUT_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


def inks(palette: dict[str, Colour]) -> dict[tuple[int, int, int], tuple[float, ...]]:
    """The palette's colours: each sRGB colour and the CMYK the print edition uses for it."""
    return {tuple(int(c.rgb[i:i + 2], 16) for i in (1, 3, 5)):  # type: ignore[misc]
            tuple(round(v / 100, 4) for v in c.cmyk) for c in palette.values()}


@cache
def qr_code(url: str, colour: str, border: int = 4) -> str:
    """A vector QR code for ``url`` as a data: URI, drawn in ``colour``, with a
    quiet zone of ``border`` modules (0: the layout leaves the room, so that
    the code's edge can stand on a grid line)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, dark="#000000", light=None,
                                               border=border)
    svg = svg.replace("#000000", colour).replace("#000", colour)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
