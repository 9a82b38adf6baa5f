"""The report of a PDF as a print shop or an accessibility checker reads it:
page boxes, claimed variant, output intents, colours, images, fonts, tagging
and metadata (made by ``inspect.inspect_pdf``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from brochure.problems import SingleProblem

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


NOT_READ = Accessibility(False, False, 0, 0, 0, None, False)  # a part not asked for


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
