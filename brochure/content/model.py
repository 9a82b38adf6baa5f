"""The content model: what an edition, its facts and its texts must contain.

Checked with pydantic; ``validate`` turns its findings into located problems.
Every model forbids unknown fields so that a misspelt name is caught.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from brochure.content.typography import FontStack
from brochure.defaults import (
    BLEED_MM,
    DEFAULT_EDITIONS,
    PRINT_VARIANT,
    EditionKindName,
    PageFormat,
    PageSize,
    PrintVariant,
)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]

DEFAULT_TEMPLATE = "brochure.html"

# Text fields that may hold Markdown; every other text is shown as typed.
MARKDOWN_FIELDS = frozenset({"body", "text"})

# {fact-id} in a text quotes a fact, formatted for the reader.
PLACEHOLDER = re.compile(r"\{([a-z0-9][a-z0-9-]*)\}")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- edition.yaml -----------------------------------------------------------

class SectionPlan(Model):
    id: Id
    image: str | None = None
    facts: list[Id] = Field(default_factory=list)


class Metadata(Model):
    author: str
    phone: str | None = None
    email: str | None = None
    website: str | None = None




class Colour(Model):
    """A brand colour: its screen value and its print value."""

    rgb: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
    cmyk: Annotated[list[Annotated[float, Field(ge=0, le=100)]],
                    Field(min_length=4, max_length=4)]


class PrintSettings(Model):
    variant: PrintVariant = PRINT_VARIANT
    bleed_mm: Annotated[float, Field(ge=0, le=10)] = BLEED_MM
    profile: str | None = None   # the print shop's .icc file in the brochure folder



def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


# One family or a list, first choice first: "Noto Sans Bengali".
Families = Annotated[list[Annotated[str, StringConstraints(min_length=1)]],
                     BeforeValidator(_as_list), Field(min_length=1)]


class Fonts(Model):
    """The fonts of a script (or of one language), set in the edition file."""

    body: Families
    heading: Families | None = None   # default: the body's

    def stack(self) -> FontStack:
        return FontStack(tuple(self.body), tuple(self.heading or self.body))


class LeafletPlan(Model):
    """The tri-fold leaflet: a short selection of the brochure."""

    # Three inside; a fourth goes on the back panel, above the contact.
    sections: list[Id] = Field(min_length=1, max_length=4)
    template: str = "leaflet.html"


class Edition(Model):
    id: Id
    master: str
    languages: list[str] = Field(min_length=1)
    locales: dict[str, str] = Field(default_factory=dict)
    template: str = DEFAULT_TEMPLATE
    page_size: PageSize = "A4"
    formats: list[PageFormat] = Field(default_factory=list)  # default: [page_size]
    leaflet: LeafletPlan | None = None
    stylesheets: list[str] = Field(default_factory=list)
    published: dt.date | None = None
    metadata: Metadata
    cover_image: str | None = None
    logo: str | None = None    # the organisation's emblem (SVG or PNG), on the cover
    sections: list[SectionPlan] = Field(min_length=1)
    highlights: list[Id] = Field(default_factory=list)
    editions: list[EditionKindName] = Field(default_factory=lambda: list(DEFAULT_EDITIONS),
                                        min_length=1)
    print: PrintSettings = Field(default_factory=PrintSettings)
    palette: dict[str, Colour] = Field(default_factory=dict)
    # Fonts by ISO 15924 script code (Beng) or by language (hi), over the
    # built-in table of typography.SCRIPT_FONTS.
    fonts: dict[str, Fonts] = Field(default_factory=dict)

    def font_stacks(self) -> dict[str, FontStack]:
        return {key: fonts.stack() for key, fonts in self.fonts.items()}


# --- facts.yaml -------------------------------------------------------------

def is_cldr_unit(unit: str) -> bool:
    """A unit the formatter can write in every language (CLDR's names)."""
    from babel.units import UnknownUnitError, get_unit_name

    try:
        get_unit_name(unit, locale="en")
    except (UnknownUnitError, ValueError):
        return False
    return True


FACT_KINDS = ("date", "month", "year", "number", "amount", "percent")

# A quantity as a reader sees it: a finite number of at most 15 digits (the
# digits a float keeps exactly; CLDR's number formats give up on much larger).
Quantity = Annotated[float, Field(allow_inf_nan=False, gt=-1e15, lt=1e15)]


class Fact(Model):
    date: dt.date | None = None
    month: Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] | None = None
    year: int | None = None
    number: Quantity | None = None
    unit: str | None = None
    amount: Quantity | None = None
    percent: Quantity | None = None  # a share: 0.42 is printed as 42 %
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None

    @model_validator(mode="after")
    def one_kind(self) -> Fact:
        given = [kind for kind in FACT_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of date, month, year, number, amount or percent"
                + (f" (found {', '.join(given)})" if given else ""))
        if self.unit is not None and self.number is None:
            raise ValueError("'unit' goes with 'number' only")
        if self.unit is not None and not is_cldr_unit(self.unit):
            raise ValueError(f"'{self.unit}' is not a unit CLDR knows: use a name such as "
                             "area-square-kilometer, length-kilometer or mass-tonne")
        if (self.amount is None) != (self.currency is None):
            raise ValueError("an 'amount' needs a 'currency' (e.g. KRW), and only an amount")
        return self

    @property
    def kind(self) -> str:
        return next(kind for kind in FACT_KINDS if getattr(self, kind) is not None)


# --- text/<language>.yaml ---------------------------------------------------

class Labels(Model):
    """The small words of the layout; each one left out is taken from the
    package's words for the language (content/labels.yaml), else the master's."""

    contents: str | None = None
    key_figures: str | None = None
    highlights: str | None = None
    contact: str | None = None
    page: str | None = None
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None


class Intro(Model):
    title: str
    text: str


class SectionText(Model):
    title: str
    lead: str | None = None
    body: str
    image_alt: str | None = None      # required when the section has an image
    # The leaflet's text for the theme; without it, the leaflet prints the
    # body's first paragraphs, as many as its panel holds.
    summary: str | None = None


class Back(Model):
    title: str | None = None          # default: labels.contact
    organisation: str | None = None   # default: metadata.author
    department: str | None = None
    address: str | None = None        # the postal address, as lines
    text: str | None = None
    website_label: str | None = None  # default: labels.website


# Only the title and each section's title and body are required: whatever else
# is left out, the design does without (docs/content.md).
class Text(Model):
    title: str
    subtitle: str | None = None
    cover_note: str | None = None
    cover_image_alt: str | None = None   # required when there is a cover image
    labels: Labels = Field(default_factory=Labels)
    intro: Intro | None = None
    sections: dict[Id, SectionText]
    facts: dict[Id, str] = Field(default_factory=dict)
    back: Back = Field(default_factory=Back)
