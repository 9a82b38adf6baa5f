"""The layout gate: after layout, find what does not fit, as plain findings.

The renderer hands over its laid-out pages (WeasyPrint's page boxes); this
module reads their geometry without importing WeasyPrint. The templates say
what the design expects:

- ``data-page="cover"`` marks a designed page (``data-pages="2"`` for a
  spread); ``data-panel="front"`` marks a leaflet panel. Each must stay on its
  pages: one that reaches further has spilled.
- ``data-field="sections.economy.title"`` marks the element holding a text
  field; ``data-max-lines="3"`` limits how many lines it may take.

Text (not pictures: cover art runs into the bleed on purpose) must stay inside
the content box of every block around it, and so inside its column and page.
Geometry is in CSS pixels; findings are in millimetres at the printed size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

MM_PER_PX = 25.4 / 96
TOLERANCE_MM = 0.5  # less is rounding, kerning or a glyph's side bearing


@dataclass(frozen=True)
class Finding:
    """One thing that does not fit. ``kind`` is ``outside`` (text past the
    edge of its column or page), ``spill`` (a designed page or panel runs onto
    a page of its own), ``lines`` (a field takes more lines than the design
    allows) or ``pages`` (the document has another page count than designed)."""

    kind: str
    page: int                   # 1-based; for "pages", the page count
    field: str | None = None    # the text field, as in the YAML (title, sections.x.body)
    unit: str | None = None     # the designed page or panel (cover, front, democracy)
    mm: float = 0.0             # outside: how far the text sticks out
    side: str = ""              # outside: left, right, top or bottom
    excerpt: str = ""           # outside: the longest word that sticks out
    count: int = 0              # lines: lines taken; pages: pages made
    limit: int = 0              # lines: lines allowed; spill and pages: pages designed
    characters: int = 0         # lines: the field's length
    fields: tuple[str, ...] = ()  # spill: the fields on the extra page
    longest: str | None = None  # spill: the longest text of the page or panel


@dataclass
class _Tally:
    """What the walk over every page saw."""

    findings: list[Finding] = field(default_factory=list)
    unit_pages: dict[tuple[str, ...], set[int]] = field(default_factory=lambda: defaultdict(set))
    unit_sizes: dict[str, int] = field(default_factory=dict)   # data-page → its page count
    page_fields: dict[tuple[int, tuple[str, ...]], list[str]] = field(
        default_factory=lambda: defaultdict(list))
    unit_text: dict[tuple[str, ...], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter))  # characters per field
    lines: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    limits: dict[str, tuple[int, int]] = field(default_factory=dict)  # lines, characters


def check_layout(page_boxes: Iterable[Any], scale: float = 1.0) -> list[Finding]:
    """Every finding in a laid-out document; ``scale`` is the zoom the PDF is
    written at, so that millimetres are printed ones."""
    tally = _Tally()
    pages = list(page_boxes)
    for number, page in enumerate(pages, start=1):
        bounds = _content_box(page)
        for child in page.children:
            _walk(child, number, bounds, None, (), tally)
    return [*_outside(tally.findings, scale), *_spills(tally), *_too_many_lines(tally),
            *_page_count(tally, len(pages))]


def panel_edges(page_boxes: Iterable[Any]) -> list[list[float]]:
    """Where a folded sheet folds: on each page, the distances (mm, from the
    page's left edge) at which one ``data-panel`` ends and the next begins."""
    edges = []
    for page in page_boxes:
        lefts = sorted(box.border_box_x() for box in _outer_panels(page))
        edges.append([round(x * MM_PER_PX, 2) for x in lefts[1:]])
    return edges


def _outer_panels(box: Any) -> Iterator[Any]:
    element = getattr(box, "element", None)
    if element is not None and element.get("data-panel") and \
            "TextBox" not in _kinds(type(box)):  # type: ignore[arg-type]
        yield box
        return
    for child in box.all_children() if hasattr(box, "all_children") else ():
        yield from _outer_panels(child)


def _walk(box: Any, page: int, bounds: tuple[float, float, float, float],
          field_id: str | None, units: tuple[str, ...], tally: _Tally) -> None:
    kinds = _kinds(type(box))  # type: ignore[arg-type]  # mypy: a class is Hashable
    if "MarginBox" in kinds or _set_aside(box):
        return  # running heads and page numbers; list bullets; the draft mark
    element = box.element
    if element is not None and "LineBox" not in kinds and "TextBox" not in kinds:
        field_id, units = _marks(element, page, field_id, units, tally)
    if "TextBox" in kinds:
        _check_text(box, page, bounds, field_id, units, tally)
        return
    if "LineBox" in kinds:
        _check_line(box, page, bounds, field_id, units, tally)
    elif kinds & {"BlockContainerBox", "FlexContainerBox"}:
        bounds = _intersect(bounds, _content_box(box), vertically=_fixed_height(box))
    for child in box.all_children():
        _walk(child, page, bounds, field_id, units, tally)


def _marks(element: Any, page: int, field_id: str | None, units: tuple[str, ...],
           tally: _Tally) -> tuple[str | None, tuple[str, ...]]:
    """The field and designed units an element opens, recorded for the page."""
    unit = element.get("data-page") or element.get("data-panel")
    if unit:
        units = (*units, unit)
        tally.unit_pages[units].add(page)
        if element.get("data-page"):
            tally.unit_sizes[unit] = int(element.get("data-pages") or 1)
    marked = element.get("data-field")
    if marked:
        field_id = marked
        if element.get("data-max-lines"):
            text = "".join(element.itertext()).strip()
            tally.limits[marked] = (int(element.get("data-max-lines")), len(text))
    return field_id, units


def _check_text(box: Any, page: int, bounds: tuple[float, float, float, float],
                field_id: str | None, units: tuple[str, ...], tally: _Tally) -> None:
    if not box.text.strip():
        return
    tally.page_fields[page, units].append(field_id or "")
    if field_id:
        for depth in range(1, len(units) + 1):
            tally.unit_text[units[:depth]][field_id] += len(box.text)
    left, right = box.position_x, box.position_x + box.width
    for side, past in (("left", bounds[0] - left), ("right", right - bounds[2])):
        if past * MM_PER_PX > TOLERANCE_MM:
            tally.findings.append(Finding("outside", page, field_id, _last(units), past,
                                          side, _longest_word(box.text)))


def _check_line(box: Any, page: int, bounds: tuple[float, float, float, float],
                field_id: str | None, units: tuple[str, ...], tally: _Tally) -> None:
    """Vertically a line is judged by its line box: a glyph may rise above
    the line height (Thai marks do), a line may not."""
    if field_id in tally.limits:
        tally.lines[field_id].append(page)
    top, bottom = box.position_y, box.position_y + box.height
    for side, past in (("top", bounds[1] - top), ("bottom", bottom - bounds[3])):
        if past * MM_PER_PX > TOLERANCE_MM:
            tally.findings.append(Finding("outside", page, field_id, _last(units), past,
                                          side, _longest_word(_line_text(box))))


def _outside(found: list[Finding], scale: float) -> Iterator[Finding]:
    """One finding per page, field and side: the one that sticks out furthest."""
    worst: dict[tuple, Finding] = {}
    for finding in found:
        key = (finding.page, finding.field, finding.side)
        if key not in worst or finding.mm > worst[key].mm:
            worst[key] = finding
    for finding in worst.values():
        yield Finding(**{**finding.__dict__, "mm": round(finding.mm * MM_PER_PX * scale, 1)})


def _spills(tally: _Tally) -> Iterator[Finding]:
    """A designed page or panel found on more pages than it has. A panel that
    spills is named, not also the side of the leaflet it is on."""
    named: set[tuple[tuple[str, ...], int]] = set()
    for units in sorted(tally.unit_pages, key=len, reverse=True):
        allowed = tally.unit_sizes.get(units[-1], 1)
        for page in sorted(tally.unit_pages[units])[allowed:]:
            if (units, page) in named:
                continue
            named.update((units[:depth], page) for depth in range(1, len(units) + 1))
            fields = [f for key, found in tally.page_fields.items()
                      if key[0] == page and key[1][:len(units)] == units for f in found if f]
            text = tally.unit_text[units]
            longest = max(text, key=text.__getitem__, default=None)
            yield Finding("spill", page, longest, units[-1], limit=allowed,
                          fields=tuple(dict.fromkeys(fields)), longest=longest)


def _too_many_lines(tally: _Tally) -> Iterator[Finding]:
    for field_id, pages in tally.lines.items():
        limit, characters = tally.limits[field_id]
        if len(pages) > limit:
            yield Finding("lines", pages[0], field_id, count=len(pages), limit=limit,
                          characters=characters)


def _page_count(tally: _Tally, pages: int) -> Iterator[Finding]:
    """Reported only when no spill explains it."""
    designed = sum(tally.unit_sizes.values())
    spilled = any(f.kind == "spill" for f in _spills(tally))
    if designed and pages != designed and not spilled:
        yield Finding("pages", pages, count=pages, limit=designed)


# --- reading boxes ----------------------------------------------------------------


@cache
def _kinds(box_type: type) -> frozenset[str]:
    """WeasyPrint's box classes by name (its own and inherited): this module
    reads boxes without importing the renderer."""
    return frozenset(cls.__name__ for cls in box_type.__mro__)


def _set_aside(box: Any) -> bool:
    """Boxes placed outside the flow on purpose: list bullets hang outside
    their column, and the draft mark is positioned across the page."""
    return bool(getattr(box, "is_outside_marker", False)) or \
        box.style["position"] in ("absolute", "fixed")


def _content_box(box: Any) -> tuple[float, float, float, float]:
    left, top = box.content_box_x(), box.content_box_y()
    return left, top, left + box.width, top + box.height


def _fixed_height(box: Any) -> bool:
    """Only a box of a set height bounds its text from below: a box of automatic
    height grows with its text, and a float beside a short text may hang below
    it (a fact box next to two paragraphs), inside the page."""
    return box.style["height"] != "auto"


def _intersect(a: tuple[float, ...], b: tuple[float, ...],
               vertically: bool = True) -> tuple[float, float, float, float]:
    if not vertically:
        return max(a[0], b[0]), a[1], min(a[2], b[2]), a[3]
    return max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])


def _last(units: tuple[str, ...]) -> str | None:
    return units[-1] if units else None


def _line_text(box: Any) -> str:
    return "".join(getattr(b, "text", "") for b in box.descendants())


def _longest_word(text: str) -> str:
    word = max(text.split() or [""], key=len)
    return word if len(word) <= 30 else word[:29] + "…"


# --- in words -----------------------------------------------------------------------


def describe(finding: Finding, edition: str) -> tuple[str, str]:
    """A finding as a message and a hint; ``edition`` names the PDF
    ("screen edition (A4)"). The caller places it at the field's line."""
    where = f"on page {finding.page} of the {edition}"
    if finding.kind == "outside" and finding.side in ("left", "right"):
        return (f"{where}, '{finding.excerpt}' runs {finding.mm} mm past the "
                f"{finding.side} edge of its column",
                "A word this long cannot be broken: shorten it, or give it a place to "
                "break (a space, a hyphen, or a soft hyphen U+00AD).")
    if finding.kind == "outside":
        box = f"its panel '{finding.unit}'" if finding.unit else "its box"
        return (f"{where}, the text runs {finding.mm} mm past the {finding.side} of {box}",
                "Shorten this text until it fits.")
    if finding.kind == "spill":
        pages = "1 page" if finding.limit == 1 else f"{finding.limit} pages"
        pushed = f", pushing {', '.join(finding.fields)} there" if finding.fields else ""
        return (f"'{finding.unit}' ({pages} in the design) runs onto page {finding.page} "
                f"of the {edition}{pushed}",
                f"Shorten this text, the longest of '{finding.unit}', or the others "
                f"there until they fit on {pages}.")
    if finding.kind == "lines":
        about = max(1, finding.characters * finding.limit // finding.count)
        return (f"takes {finding.count} lines on page {finding.page} of the {edition}; "
                f"the design gives it {finding.limit}",
                f"Shorten it to about {about} characters.")
    return (f"the {edition} has {finding.count} pages; its design has {finding.limit}",
            "A page of the template breaks where the design does not expect it.")
