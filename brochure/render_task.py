"""One task of the worker pool: editions rendered, post-processed and
preflighted in the current process, with its one Renderer (fonts, parsed CSS).

A language's screen and print editions in one format are laid out and
written once, as their one layout (``plan.Layout``), and derived from it
(``pdf/derive.py``); an edition that cannot be derived exactly is rendered
on its own, as are archive editions and PDF/X-1a print editions.
"""

from __future__ import annotations

import time
from typing import Any

from brochure.defaults import SCREEN_PPI
from brochure.plan import Edition

_renderer = None


def render_task(editions: list[Edition]) -> list[Any]:
    """Each edition's outcome, in order: (RenderedPdf, seconds) or the
    RefusedResource that stopped it. Editions that share a layout share its render."""
    outcomes: dict[int, Any] = {}
    shared: dict[str, list[int]] = {}
    for index, edition in enumerate(editions):
        if edition.layout is None:
            outcomes[index] = render_alone(edition)
        else:
            shared.setdefault(edition.layout.key, []).append(index)
    for indices in shared.values():
        derived = render_from_layout([editions[i] for i in indices])
        outcomes.update(zip(indices, derived, strict=True))
    return [outcomes[index] for index in range(len(editions))]


def _the_renderer():
    global _renderer
    from brochure.render.render_pdf import Renderer

    if _renderer is None:
        _renderer = Renderer()
    return _renderer


def render_alone(edition: Edition):
    """The edition rendered on its own, post-processed and preflighted."""
    from brochure.render.render_pdf import RefusedResource

    started = time.perf_counter()
    try:
        pdf = _the_renderer().render(edition.html, edition.base_dir, edition.stylesheets,
                                     edition.roots, edition.options, edition.cmyk_profile)
    except RefusedResource as exc:
        return exc
    if edition.kind == "print":
        from brochure.pdf.postprocess import finish_print

        pdf.data = finish_print(pdf.data, edition.bleed_mm)
    elif edition.options.get("pdf_tags"):
        from brochure.pdf.postprocess import finish_links
        from brochure.render.render_html import link_texts

        pdf.data = finish_links(pdf.data, link_texts(edition.html),
                                archive=edition.kind == "archive")
    pdf.originals = {}
    pdf.findings = preflight(edition, pdf.data)
    return pdf, time.perf_counter() - started


def render_from_layout(editions: list[Edition]) -> list[Any]:
    """Editions derived from their one layout, laid out and written once."""
    from dataclasses import replace

    from brochure.pdf.derive import CannotDerive
    from brochure.render.render_pdf import RefusedResource

    layout = editions[0].layout
    assert layout is not None
    started = time.perf_counter()
    try:
        made = _the_renderer().render(layout.html, layout.base_dir, layout.stylesheets,
                                      layout.roots, layout.options)
    except RefusedResource as exc:
        return [exc for _ in editions]
    share = (time.perf_counter() - started) / len(editions)  # the layout's time, shared
    outcomes = []
    for edition in editions:
        started = time.perf_counter()
        try:
            data = _derive(edition, made)
        except CannotDerive:
            outcomes.append(render_alone(edition))
            continue
        pdf = replace(made, data=data, originals={}, warnings=list(made.warnings))
        pdf.findings = preflight(edition, data)
        outcomes.append((pdf, share + time.perf_counter() - started))
    return outcomes


def _derive(edition: Edition, made) -> bytes:
    from brochure.pdf.derive import derive_print, derive_screen
    from brochure.render.render_html import link_texts

    layout = edition.layout
    assert layout is not None
    if edition.kind == "screen":
        return derive_screen(made.data, layout.bleed_mm, link_texts(layout.html), SCREEN_PPI)
    assert edition.cmyk_profile is not None
    return derive_print(made.data, layout.bleed_mm, layout.inks, edition.cmyk_profile,
                        made.originals)


def preflight(edition: Edition, data: bytes) -> list:
    """What a print shop or an accessibility checker would find wrong with the
    edition, judged against what its kind claims."""
    from brochure.pdf.inspect import inspect_pdf
    from brochure.pdf.preflight import NEEDS, check_claims

    return check_claims(inspect_pdf(edition.output, data, NEEDS[edition.kind]), edition.kind,
                        **edition.claim_settings)
