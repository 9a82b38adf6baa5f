"""Rendering, in this process or in a pool of worker processes: each edition
rendered, post-processed and preflighted; Ctrl-C stops the pool at once."""

from __future__ import annotations

import signal
import time
from typing import TYPE_CHECKING, Any

from brochure import defaults

# The stages are imported when first used: a build or check in which nothing
# changed needs none of them (see state.py).
if TYPE_CHECKING:
    from collections.abc import Callable
    from concurrent.futures import Future, ProcessPoolExecutor


from brochure.plan import Built, Edition, Progress

_renderer = None


def _render_one(edition: Edition):
    """Render in the current process with its one Renderer (fonts, parsed CSS)."""
    global _renderer
    from brochure.render.render_pdf import RefusedResource, Renderer

    if _renderer is None:
        _renderer = Renderer()
    started = time.perf_counter()
    try:
        pdf = _renderer.render(edition.html, edition.base_dir, edition.stylesheets,
                               edition.roots, edition.options, edition.cmyk_profile)
    except RefusedResource as exc:
        return exc
    if edition.joined:
        from brochure.pdf.join import pad_pages

        # Front matter fills whole sheets of a stitched booklet.
        pdf.data, pdf.pages = pad_pages(pdf.data, defaults.BOOKLET_PAGES)
    if edition.kind == "print":
        from brochure.pdf.postprocess import finish_print

        pdf.data = finish_print(pdf.data, edition.bleed_mm, pdf.folds)
    elif edition.options.get("pdf_tags"):
        from brochure.pdf.postprocess import finish_links
        from brochure.render.render_html import link_texts

        pdf.data = finish_links(pdf.data, link_texts(edition.html),
                                archive=edition.kind == "archive")
    if edition.joined:
        from brochure.pdf.join import Part, join

        pdf.data, pdf.pages = join([Part(pdf.data, numbering="r"), *edition.joined])
    pdf.findings = _preflight(edition, pdf.data)
    return pdf, time.perf_counter() - started


def _preflight(edition: Edition, data: bytes) -> list:
    """What a print shop or an accessibility checker would find wrong with the
    edition, judged against what its kind claims."""
    from brochure.pdf.inspect import inspect_pdf
    from brochure.pdf.preflight import NEEDS, check_claims

    return check_claims(inspect_pdf(edition.output, data, NEEDS[edition.kind]), edition.kind,
                        **edition.claim_settings)


def render_all(editions: list[Edition], jobs: int | None,
                progress: Progress | None, scheduler: str | None = None) -> list[Any]:
    """Outcomes in the order of ``editions``, whatever order they finish in:
    in this process, in a pool of local workers, or on the Dask cluster whose
    scheduler is at ``scheduler`` (render_cluster.py)."""
    outcomes: list[Any] = [None] * len(editions)

    def done(index: int, outcome: Any) -> None:
        outcomes[index] = outcome
        if progress and isinstance(outcome, tuple):
            edition = editions[index]
            pdf, seconds = outcome
            finished = sum(o is not None for o in outcomes)
            progress(Built(edition.language, edition.kind, edition.output, pdf.pages,
                           len(pdf.data), seconds), finished, len(editions))

    if not editions:
        return outcomes
    if scheduler is not None:
        from brochure.render_cluster import Cluster

        _run_tasks(Cluster(scheduler), editions, done)
        return outcomes
    jobs = min(jobs or defaults.default_jobs(), len(editions))
    if jobs <= 1:
        for index, edition in enumerate(editions):
            done(index, _render_one(edition))
        return outcomes
    _run_tasks(_LocalPool(jobs), editions, done)
    return outcomes


def _run_tasks(workers: Any, editions: list[Edition],
               done: Callable[[int, Any], None]) -> None:
    """Every edition rendered by ``workers`` (the local pool or a cluster),
    longest tasks first; Ctrl-C or a failure stops them without waiting."""
    from concurrent.futures import as_completed

    try:
        futures = {workers.submit([editions[i] for i in group]): group
                   for group in _tasks(editions, workers.slots)}
        for future in as_completed(futures):
            group = futures[future]
            outcomes = workers.result(future, [editions[i] for i in group])
            for index, outcome in zip(group, outcomes, strict=True):
                done(index, outcome)
    except BaseException:
        workers.close(now=True)
        raise
    workers.close()


def _tasks(editions: list[Edition], slots: int) -> list[list[int]]:
    """One task per language: a worker then holds the fonts of the languages it
    rendered, not of every language (a CJK font collection is ~100 MB in
    memory). Longest first, so that no worker is left with a long task at the
    end. With few languages, one task per edition keeps every worker busy instead."""
    groups: dict[str, list[int]] = {}
    for index, edition in enumerate(editions):
        groups.setdefault(edition.language, []).append(index)
    if len(groups) < 2 * slots:
        groups = {str(index): [index] for index in range(len(editions))}
    return sorted(groups.values(),
                  key=lambda group: -sum(editions[i].expected_cost for i in group))


class _LocalPool:
    """Forked worker processes that start with the renderer loaded and leave
    Ctrl-C to the parent."""

    def __init__(self, jobs: int):
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        # Import the renderer before forking, so every worker starts with it loaded.
        from brochure.render import render_pdf  # noqa: F401

        self.slots = jobs
        self.pool = ProcessPoolExecutor(jobs, mp_context=get_context("fork"),
                                        initializer=_leave_ctrl_c_to_the_parent)

    def submit(self, editions: list[Edition]) -> Future:
        return self.pool.submit(render_group, editions)

    def result(self, future: Future, editions: list[Edition]) -> list[Any]:
        return future.result()

    def close(self, now: bool = False) -> None:
        if now:
            _stop_now(self.pool)
        else:
            self.pool.shutdown()


def _leave_ctrl_c_to_the_parent() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_now(pool: ProcessPoolExecutor) -> None:
    workers = list((pool._processes or {}).values())  # no public way to stop them
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.kill()
    for worker in workers:
        worker.join(timeout=1)


def render_group(editions: list[Edition]) -> list[Any]:
    return [_render_one(edition) for edition in editions]
