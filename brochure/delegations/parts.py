"""The brochure's pages in a delegation edition: rendered once per language,
edition kind and page format, for every delegation, and joined after each
delegation's own pages (docs/delegations.md, "How it is made").

A brochure part is the brochure's edition exactly as ``build`` makes it. It
is kept in ``OUT/.delegation-parts/`` with its build record, so that a
delegation added later renders only its own pages. Like every output, a part
is written only when the whole batch rendered cleanly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brochure import defaults
from brochure.accept import accept_rendered
from brochure.content.typography import Typography
from brochure.delegations.personalise import own_document, page_numbers_css
from brochure.output.records import BuildRecords, digest
from brochure.pdf.join import Part, destinations
from brochure.plan import Edition
from brochure.problems import Problems
from brochure.render_pool import render_all

if TYPE_CHECKING:
    from brochure.content.validate import Project


@dataclass(frozen=True)
class Joined:
    """A brochure part as a delegation edition joins it: its edition, its
    typography (the digits of its page numbers), its language's context, and
    the prefix of its anchors (the second language of a bilingual edition:
    ``ko-``)."""

    part: Edition
    typography: Typography
    context: dict[str, Any]   # the brochure's, localised: the delegation pages use it too
    prefix: str = ""


def parts_folder(out_dir: Path) -> Path:
    return Path(out_dir) / defaults.DELEGATION_PARTS_DIR


def delegation_edition(project: Project, parts: list[Joined], pages: str, title: str,
                       output: Path, head: str = "") -> Edition:
    """A delegation's own pages as an edition of the first part's language, kind
    and format (its head, styles and the delegation's, options), to be joined
    with ``parts``: its fingerprint holds theirs."""
    from brochure.build import stylesheets_for

    first = parts[0].part
    html = own_document(first.html, pages, title, head)
    inputs = {key: value for key, value in first.inputs.items() if key != "layout"}
    generated = [s for s in first.stylesheets if isinstance(s, str)]  # palette, print
    stylesheets: list[Path | str] = [*generated, *stylesheets_for(
        project, first.direction, first.page_format, delegation=True)]
    return replace(first, html=html, output=output, layout=None, stylesheets=stylesheets,
                   inputs={
        **inputs, "html": digest(html.encode()),
        "parts": [(joined.part.fingerprint, joined.prefix) for joined in parts]})


def share_layouts(editions: list[Edition], bleed_mm: float,
                  inks: dict[tuple[int, int, int], tuple[float, ...]]) -> None:
    """The screen and PDF/X-4 print editions of one language and format (a
    delegation's own pages, or the brochure's parts) derived from one layout,
    made of the screen edition, as ``build`` does for the brochure
    (``plan.share_layout``). Without a screen edition, each is rendered alone."""
    from brochure.plan import share_layout
    from brochure.render.editions import derives_from_layout

    groups: dict[tuple[str, str], list[Edition]] = {}
    for edition in editions:
        if derives_from_layout(edition.kind, edition.options["pdf_variant"]):
            groups.setdefault((edition.language, edition.page_format), []).append(edition)
    for group in groups.values():
        screen = next((e for e in group if e.kind == "screen"), None)
        if screen is not None:
            share_layout(screen, group, bleed_mm, inks)


def rendered_parts(needed: list[Edition], out_dir: Path, jobs: int | None, force: bool,
                   problems: Problems, scheduler: str | None = None,
                   ) -> tuple[dict[Path, bytes], list[tuple[Edition, Any]]]:
    """Every part ``needed``: read when its file is up to date, otherwise
    rendered (and judged like any edition). Returns the PDF of each, and the
    newly rendered ones to write with ``write_parts``."""
    records = BuildRecords(parts_folder(out_dir))
    found: dict[Path, bytes] = {}
    stale = []
    for part in needed:
        if not force and records.is_up_to_date(part.output, part.fingerprint):
            found[part.output] = part.output.read_bytes()
        else:
            stale.append(part)
    new = []
    for part, outcome in zip(stale, render_all(stale, jobs, None, scheduler), strict=True):
        accepted = accept_rendered(part, outcome, problems)
        if accepted is not None:
            found[part.output] = accepted[0].data
            new.append((part, accepted[0]))
    return found, new


def attach(edition: Edition, parts: list[Joined], rendered: dict[Path, bytes]) -> None:
    """Give a delegation edition its rendered parts, and its contents the page
    number printed on each brochure page it lists."""
    numbers: dict[str, str] = {}
    joined = []
    for number, item in enumerate(parts):
        data = rendered[item.part.output]
        numbers.update({item.prefix + name: item.typography.digits(str(page + 1))
                        for name, page in destinations(data).items()})
        later = number > 0 and item.prefix
        joined.append(Part(data, label_prefix=item.prefix if later else "",
                           anchor_prefix=item.prefix,
                           language=item.part.language if later else None))
    edition.joined = joined
    numbers_css = page_numbers_css(numbers)
    edition.stylesheets = [*edition.stylesheets, numbers_css]
    if edition.layout is not None:  # the same numbers in the layout it is derived from
        edition.layout = replace(edition.layout,
                                 stylesheets=[*edition.layout.stylesheets, numbers_css])


def write_parts(new: list[tuple[Edition, Any]], out_dir: Path) -> None:
    """The parts rendered by this batch, with their build records."""
    from brochure.output.write import write_atomically

    if not new:
        return
    records = BuildRecords(parts_folder(out_dir))
    for part, pdf in new:
        write_atomically(part.output, pdf.data)
        records.record(part.output, part.fingerprint, pdf.data,
                       {"language": part.language, "kind": part.kind, "pages": pdf.pages},
                       part.inputs)
    records.save()
