"""What a build makes: an edition to render (its HTML, options and output),
what came of it, and the report of the whole build."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brochure.output.records import digest, fingerprint
from brochure.problems import Problems

# The stages are imported when first used: a build or check in which nothing
# changed needs none of them (see state.py).
if TYPE_CHECKING:

    from brochure.content.sources import Source



@dataclass
class Layout:
    """The one layout a language's screen and print editions in one format are
    derived from (``pdf/derive.py``): the screen edition's HTML and sRGB palette
    in the print geometry, written once as tagged PDF/UA-1."""

    html: str
    base_dir: Path
    stylesheets: list[Path | str]
    roots: list[Path]
    options: dict[str, Any]
    bleed_mm: float                 # at the printed size
    inks: dict[tuple[int, int, int], tuple[float, ...]]  # the palette: sRGB → CMYK

    @cached_property
    def key(self) -> str:
        """The same for every edition derived from this layout."""
        return digest(repr((self.html, self.stylesheets, self.options,
                            sorted(self.inks.items()))).encode())


@dataclass
class Edition:
    """One PDF to make: a language of a brochure in one edition kind (screen,
    print, archive), as HTML ready to render."""

    language: str
    kind: str
    page_format: str
    html: str
    output: Path
    base_dir: Path
    stylesheets: list[Path | str]   # files, and generated CSS text (palette, bleed)
    roots: list[Path]
    options: dict[str, Any]         # the renderer's options for this kind
    inputs: dict[str, Any]
    cmyk_profile: Path | None = None
    bleed_mm: float = 0.0
    direction: str = "ltr"
    script: str = "Latn"
    warnings: int = 0
    text: Source | None = None      # the language's text file, to locate layout problems
    # Rendered parts joined after this edition's own pages (pdf/join.Part): a
    # delegation's edition is its own pages, then the brochure's, rendered once.
    joined: list[Any] = field(default_factory=list)
    layout: Layout | None = None    # derived from it (screen, print), or rendered on its own

    def derive_from(self, layout: Layout) -> None:
        self.layout = layout
        self.inputs = {**self.inputs, "layout": layout.key}

    @property
    def expected_cost(self) -> float:
        """A guess at the rendering time, to start the longest editions first:
        Han and Hangul text costs about twice as much to lay out and subset."""
        return len(self.html) * (2.0 if self.script in ("Kore", "Jpan", "Hans", "Hant")
                                 else 1.0) * (1.3 if self.kind == "print" else 1.0) \
            * (0.6 if self.layout else 1.0)

    @property
    def claim_settings(self) -> dict[str, Any]:
        """The edition's own settings its preflight checks against (not the defaults)."""
        if self.kind != "print":
            return {}
        return {"bleed_mm": self.bleed_mm, "variant": self.options["pdf_variant"]}

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.inputs)


@dataclass
class Built:
    language: str
    kind: str
    path: Path
    pages: int
    size: int
    seconds: float
    warnings: int = 0
    up_to_date: bool = False
    sheets: Path | None = None  # the imposed printer's sheets, when asked for
    draft: bool = False  # stamped DRAFT on every page: texts are missing or out of date


@dataclass
class BuildReport:
    built: list[Built] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)


Progress = Callable[[Built, int, int], None]  # an edition done, how many done, of how many


def share_layout(screen: Edition, editions: list[Edition], bleed_mm: float,
                 inks: dict[tuple[int, int, int], tuple[float, ...]]) -> None:
    """Derive ``editions`` (a language's screen and PDF/X-4 print editions in
    one format) from one layout made of ``screen`` (that language's screen
    edition, built or not) in the print geometry."""
    from brochure.render.editions import LAYOUT_OPTIONS, bleed_css

    zoom = screen.options.get("zoom", 1.0)
    palette, *files = screen.stylesheets
    layout = Layout(
        screen.html, screen.base_dir, [palette, bleed_css(bleed_mm / zoom), *files],
        screen.roots, {**LAYOUT_OPTIONS, **({"zoom": zoom} if zoom != 1.0 else {})},
        bleed_mm, inks)
    for edition in editions:
        edition.derive_from(layout)
