"""Defaults, defined once and shared by the API and the command line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, get_args

CONTENT_DIR = Path("content/gwangju")
OUTPUT_DIR = Path("output")
EDITION_FILE = "edition.yaml"
FACTS_FILE = "facts.yaml"
TEXT_DIR = "text"
DELEGATIONS_DIR = "delegations"   # delegations/<id>.yaml: see docs/delegations.md
# Beside the output's delegations/: the brochure's pages, rendered once for every
# delegation edition of a language, kind and format (docs/delegations.md).
DELEGATION_PARTS_DIR = ".delegation-parts"
TEMPLATES_DIR = "templates"
STYLES_DIR = "styles"
PALETTE_FILE = "palette.yaml"
# A freely redistributable CMYK profile from Debian's libgs-common package,
# used for print editions unless the brochure names its print shop's own.
DEFAULT_CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
# Limits that keep a mistaken or hostile file from stalling a build: far above
# what a brochure needs (the sample's largest text file is 16 KB, its longest
# field 1,200 characters).
MAX_YAML_BYTES = 1_000_000
MAX_FIELD_CHARACTERS = 20_000
MAX_YAML_VALUES = 100_000  # counted with repeats: YAML aliases can multiply them
# The city's time zone: a delegation's programme is written in its wall-clock
# time (a delegation file may name another with 'time_zone:').
TIME_ZONE = "Asia/Seoul"
IMAGE_SUFFIXES = frozenset({".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif"})


# --- the vocabulary: the names every command, the content format and the
# documentation share ----------------------------------------------------------

EditionKindName = Literal["screen", "print", "archive"]
EDITION_KINDS: tuple[str, ...] = get_args(EditionKindName)
DEFAULT_EDITIONS: tuple[EditionKindName, ...] = ("screen", "print")
PageSize = Literal["A4", "A5", "letter"]
PageFormat = Literal["A4", "A5", "letter", "leaflet"]
PAGE_FORMATS: tuple[str, ...] = get_args(PageFormat)
# A stylesheet named format-A5.css applies only to A5 editions (after the
# others: its rules win), for the type scale and page plan of its format.
FORMAT_STYLESHEET_PREFIX = "format-"
DELEGATION_STYLESHEET_PREFIX = "delegation"  # delegation*.css: a delegation's own pages only
PrintVariant = Literal["pdf/x-4", "pdf/x-1a"]
PRINT_VARIANT: PrintVariant = "pdf/x-4"
BOOKLET_PAGES = 4  # a saddle-stitched booklet's pages come in sheets of four
BLEED_MM = 3.0  # what print shops ask for beyond the trim, on every side
GOOD_PPI = 300  # below this, images may look soft in print (a warning)
MIN_PPI = 150  # below this, images look pixelated in print (an error)
SCREEN_PPI = 150  # screen editions downsample images to this
PREVIEW_PORT = 8765


def output_name(edition_id: str, language: str, kind: str = "screen",
                page_format: str | None = None) -> str:
    """gwangju-city_print_ko.pdf; another format than the brochure's own is named
    too: gwangju-city_leaflet_print_ko.pdf."""
    middle = f"{page_format}_" if page_format else ""
    return f"{edition_id}_{middle}{kind}_{language}.pdf"


def format_stylesheet(page_format: str) -> str:
    return f"{FORMAT_STYLESHEET_PREFIX}{page_format}.css"


def _shipped(name: str) -> Path:
    """The project's templates/ or styles/: inside the installed package, or in
    the source checkout next to it."""
    package = Path(__file__).resolve().parent
    inside = package / name
    return inside if inside.is_dir() else package.parent / name


def project_templates() -> Path:
    return _shipped(TEMPLATES_DIR)


def project_styles() -> Path:
    return _shipped(STYLES_DIR)


def cache_dir() -> Path:
    """The user's cache folder for brochure (font character maps, the last check)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "brochure"


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))
