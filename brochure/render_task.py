"""One task of the worker pool: editions rendered, post-processed and
preflighted in the current process, with its one Renderer (fonts, parsed CSS).

A language's screen and print editions in one format are laid out and
written once, as their one layout (``plan.Layout``), and derived from it
(``pdf/derive.py``); an edition that cannot be derived exactly is rendered
on its own, as are archive editions and PDF/X-1a print editions. Near the
end of a build, a layout is handed back (``LaidOut``) and each of its
editions derived as a task of its own (``derive_task``). A
delegation's own pages (``edition.joined``) are laid out once too, padded to
whole sheets, and each edition derived from them is joined with its parts.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from brochure.defaults import BOOKLET_PAGES, SCREEN_PPI
from brochure.plan import Edition

if TYPE_CHECKING:
    from brochure.render.rendered import RenderedPdf

_renderer = None


@dataclass
class LaidOut:
    """A layout handed back to the parent before its editions are derived, so
    that each edition can be derived by whichever worker is free first. At the
    end of a build these small tasks (0.04–0.13 s) fill the time one worker
    would otherwise wait for the other's last layout (0.4–0.8 s)."""
    made: RenderedPdf
    seconds: float  # the layout's time, shared by its editions


def render_task(editions: list[Edition],
                hand_back: Callable[[], bool] | None = None) -> list[Any]:
    """Each edition's outcome, in order: (RenderedPdf, seconds) or the
    RefusedResource that stopped it. Editions that share a layout share its
    render; when ``hand_back`` says so after the layout, their outcome is the
    ``LaidOut`` layout, to be derived by ``derive_task``."""
    outcomes: dict[int, Any] = {}
    shared: dict[str, list[int]] = {}
    for index, edition in enumerate(editions):
        if edition.layout is None:
            outcomes[index] = render_alone(edition)
        else:
            shared.setdefault(edition.layout.key, []).append(index)
    for indices in shared.values():
        group = [editions[i] for i in indices]
        laid = lay_out(group)
        if isinstance(laid, LaidOut) and hand_back is not None and hand_back():
            derived: list[Any] = [laid] * len(group)
        else:
            derived = [derive_task(edition, laid) for edition in group]
        outcomes.update(zip(indices, derived, strict=True))
    return [outcomes[index] for index in range(len(editions))]


# The renderer makes and drops millions of small objects per layout, and the
# interpreter's cycle collector, at its default thresholds (700, 10, 10), ran
# about 1,160 collections over the sample's 13 layouts: 0.85 s of their 9 s of
# CPU. Collecting every 10,000 allocations instead takes 0.3 s (one process
# rendering all 13 peaked 44 MB higher; a worker of a build, sharing them with
# another, at the same 376 MB).
COLLECTION_THRESHOLDS = (10_000, 10, 10)


def settle_worker() -> None:
    """A worker process, its stages loaded, set for its life: what it holds now
    (the renderer, its fonts and stylesheets) is kept out of every later
    collection (``gc.freeze``), and collections are rarer."""
    load_stages()
    gc.freeze()
    gc.set_threshold(*COLLECTION_THRESHOLDS)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Rarer collections while rendering in this process (one worker)."""
    before = gc.get_threshold()
    gc.set_threshold(*COLLECTION_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def load_stages() -> None:
    """The renderer and the stages after it, loaded: in a worker before its
    first task (pikepdf, Pillow's colour management and the PDF checks take
    about a tenth of a second to import)."""
    from brochure.pdf import derive, join, postprocess, preflight  # noqa: F401
    from brochure.render import links  # noqa: F401

    _the_renderer()


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
    if _on_sheets(edition):
        pdf = _on_whole_sheets(pdf)
    pdf.data, pdf.pages, pdf.findings = _finished(edition, pdf)
    pdf.originals = {}
    return pdf, time.perf_counter() - started


def _finished(edition: Edition, pdf) -> tuple[bytes, int, list]:
    """The edition's post-processed file, its pages, and its preflight's
    findings, read from the finished file while it is open (not parsed
    again); a delegation's pages joined with its parts first."""
    finishing = _finishing(edition, pdf)
    data = pdf.data
    if finishing is not None:
        with finishing as (data, finished):
            if not edition.joined:
                return data, pdf.pages, _claims(edition, _report_of(edition, finished, len(data)))
    if not edition.joined:
        return data, pdf.pages, preflight(edition, data)
    return _joined(edition, data)


def _finishing(edition: Edition, pdf):
    """The post-processing the edition's kind asks for (postprocess.py), as a
    context giving the finished file and the PDF it was saved from; None
    when there is none."""
    if edition.kind == "print":
        from brochure.pdf.postprocess import finished_print

        return finished_print(pdf.data, edition.bleed_mm, pdf.folds)
    if edition.options.get("pdf_tags"):
        from brochure.pdf.postprocess import finished_links
        from brochure.render.links import link_texts

        return finished_links(pdf.data, link_texts(edition.html),
                              archive=edition.kind == "archive")
    return None


def lay_out(editions: list[Edition]) -> Any:
    """The editions' one layout (LaidOut), or the RefusedResource that stopped it."""
    from brochure.render.render_pdf import RefusedResource

    layout = editions[0].layout
    assert layout is not None
    started = time.perf_counter()
    try:
        made = _the_renderer().render(layout.html, layout.base_dir, layout.stylesheets,
                                      layout.roots, layout.options)
    except RefusedResource as exc:
        return exc
    return LaidOut(made, (time.perf_counter() - started) / len(editions))


def derive_task(edition: Edition, laid: Any) -> Any:
    """The edition derived from its layout (LaidOut), post-processed and
    preflighted, or rendered on its own when it cannot be derived exactly:
    (RenderedPdf, seconds). A refused layout is the edition's outcome too."""
    from dataclasses import replace

    from brochure.pdf.derive import CannotDerive

    if not isinstance(laid, LaidOut):
        return laid  # what stopped the layout stops the edition
    started = time.perf_counter()
    made = laid.made
    source = _on_whole_sheets(made) if _on_sheets(edition) else made
    try:
        data, pages, findings = _derived(edition, source)
    except CannotDerive:
        return render_alone(edition)
    pdf = replace(source, data=data, pages=pages, originals={},
                  warnings=list(made.warnings), findings=findings)
    return pdf, laid.seconds + time.perf_counter() - started


def _on_sheets(edition: Edition) -> bool:
    """A delegation's own pages in a print edition are padded with empty pages
    to whole sheets of a stitched booklet (the brochure then starts on a sheet
    of its own); on screen, empty pages would only be scrolled past."""
    return bool(edition.joined) and edition.kind == "print"


def _on_whole_sheets(pdf):
    """The rendered pages padded with empty pages to whole sheets of four."""
    from dataclasses import replace

    from brochure.pdf.join import pad_pages

    data, pages = pad_pages(pdf.data, BOOKLET_PAGES)
    return replace(pdf, data=data, pages=pages, blank_pages=pages - pdf.pages)


def _derived(edition: Edition, made) -> tuple[bytes, int, list]:
    """The edition derived from the layout just rendered, its pages, and its
    preflight's findings, read from the derived file while it is open (not
    parsed again); a delegation's pages joined with its parts first."""
    from brochure.pdf.derive import derive_print, derive_screen, document_id, open_layout
    from brochure.render.links import link_texts

    layout = edition.layout
    assert layout is not None
    with open_layout(made.data) as pdf:
        walked = None  # the screen's fonts, found while its images were reduced
        if edition.kind == "screen":
            data, walked = derive_screen(pdf, layout.bleed_mm, link_texts(layout.html),
                                         SCREEN_PPI)
        else:
            assert edition.cmyk_profile is not None
            data = derive_print(pdf, document_id(made.data), layout.bleed_mm, layout.inks,
                                edition.cmyk_profile, made.originals, made.folds)
        if not edition.joined:
            report = _report_of(edition, pdf, len(data), walked)
            return data, made.pages, _claims(edition, report)
    return _joined(edition, data)


def _joined(edition: Edition, data: bytes) -> tuple[bytes, int, list]:
    """A delegation's own pages joined with its parts, the pages of the whole,
    and its preflight's findings (the joined file is a new one: read once)."""
    from brochure.pdf.join import Part, join

    data, pages = join([Part(data, numbering="r"), *edition.joined])
    return data, pages, preflight(edition, data)


def _report_of(edition: Edition, pdf, size: int, walked=None):
    from brochure.pdf.inspect import report_of
    from brochure.pdf.preflight import NEEDS

    return report_of(pdf, edition.output, size, NEEDS[edition.kind], walked)


def preflight(edition: Edition, data: bytes) -> list:
    """What a print shop or an accessibility checker would find wrong with the
    edition, judged against what its kind claims."""
    from brochure.pdf.inspect import inspect_pdf
    from brochure.pdf.preflight import NEEDS

    return _claims(edition, inspect_pdf(edition.output, data, NEEDS[edition.kind]))


def _claims(edition: Edition, report) -> list:
    from brochure.pdf.preflight import check_claims

    return check_claims(report, edition.kind, **edition.claim_settings)
