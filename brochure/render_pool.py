"""Rendering, in this process or in a pool of worker processes: each edition
rendered, post-processed and preflighted; Ctrl-C stops the pool at once."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, Any

from brochure import defaults

# The stages are imported when first used: a build or check in which nothing
# changed needs none of them (see state.py).
if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


from brochure.plan import Built, Edition, Progress
from brochure.render_task import render_task


def render_all(editions: list[Edition], jobs: int | None,
                progress: Progress | None) -> list[Any]:
    """Outcomes in the order of ``editions``, whatever order they finish in."""
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    jobs = min(jobs or defaults.default_jobs(), len(editions))
    outcomes: list[Any] = [None] * len(editions)

    def done(index: int, outcome: Any) -> None:
        outcomes[index] = outcome
        if progress and not isinstance(outcome, BaseException):
            edition = editions[index]
            pdf, seconds = outcome
            finished = sum(o is not None for o in outcomes)
            progress(Built(edition.language, edition.kind, edition.output, pdf.pages,
                           len(pdf.data), seconds), finished, len(editions))

    if jobs <= 1:
        for group in _by_layout(editions).values():
            for index, outcome in zip(group, render_task([editions[i] for i in group]),
                                      strict=True):
                done(index, outcome)
        return outcomes
    # Import the renderer before forking, so every worker starts with it loaded.
    from brochure.render import render_pdf  # noqa: F401

    # One task per language: a worker then holds the fonts of the languages it
    # rendered, not of every language (a CJK font collection is ~100 MB in
    # memory). Longest first, so that no worker is left with a long task at the end.
    # With few languages, one task per edition (or per layout, its editions
    # derived from it) keeps every worker busy instead.
    groups: dict[str, list[int]] = {}
    for index, edition in enumerate(editions):
        groups.setdefault(edition.language, []).append(index)
    if len(groups) < 2 * jobs:
        groups = _by_layout(editions)
    tasks = sorted(groups.values(),
                   key=lambda group: -sum(editions[i].expected_cost for i in group))
    pool = ProcessPoolExecutor(jobs, mp_context=get_context("fork"),
                               initializer=_leave_ctrl_c_to_the_parent)
    try:
        futures = {pool.submit(_render_group, [editions[i] for i in group]): group
                   for group in tasks}
        for future in as_completed(futures):
            for index, outcome in zip(futures[future], future.result(), strict=True):
                done(index, outcome)
    except BaseException:
        # Ctrl-C or a failure: do not wait for the renders still running.
        _stop_now(pool)
        raise
    pool.shutdown()
    return outcomes


def _leave_ctrl_c_to_the_parent() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_now(pool: ProcessPoolExecutor) -> None:
    workers = list((pool._processes or {}).values())  # no public way to stop them
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.kill()
    for worker in workers:
        worker.join(timeout=1)


def _by_layout(editions: list[Edition]) -> dict[str, list[int]]:
    """Editions derived from one layout together, the others one by one."""
    groups: dict[str, list[int]] = {}
    for index, edition in enumerate(editions):
        groups.setdefault(edition.layout.key if edition.layout else str(index), []).append(index)
    return groups


def _render_group(editions: list[Edition]) -> list[Any]:
    return render_task(editions)
