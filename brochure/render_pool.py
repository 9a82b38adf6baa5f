"""Rendering, in this process or in a pool of worker processes: each edition
rendered, post-processed and preflighted; Ctrl-C stops the pool at once."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, Any

from brochure import defaults
from brochure.plan import Built, Edition, Progress
from brochure.render_task import LaidOut, derive_task, fewer_collections, render_task

# The stages are imported when first used: a build or check in which nothing
# changed needs none of them (see state.py).
if TYPE_CHECKING:
    from collections.abc import Callable
    from concurrent.futures import Future

    from brochure.render.rendered import RenderedPdf

    Arrived = Callable[[Edition, RenderedPdf], None]


def render_all(editions: list[Edition], jobs: int | None,
                progress: Progress | None, scheduler: str | None = None,
                arrived: Arrived | None = None) -> list[Any]:
    """Outcomes in the order of ``editions``, whatever order they finish in:
    in this process, in a pool of local workers, or on the Dask cluster whose
    scheduler is at ``scheduler`` (render_cluster.py). ``arrived`` is given
    each edition's rendered PDF as soon as it is back."""
    outcomes: list[Any] = [None] * len(editions)
    done = _collector(editions, outcomes, progress, arrived)
    if not editions:
        return outcomes
    if scheduler is not None:
        from brochure.render_cluster import Cluster

        _run_tasks(Cluster(scheduler), editions, done)
        return outcomes
    jobs = min(jobs or defaults.default_jobs(), len(editions))
    if jobs <= 1:
        with fewer_collections():
            for group in _by_layout(editions).values():
                for index, outcome in zip(group, render_task([editions[i] for i in group]),
                                          strict=True):
                    done(index, outcome)
        return outcomes
    _run_tasks(_LocalPool(jobs), editions, done)
    return outcomes


def _collector(editions: list[Edition], outcomes: list[Any], progress: Progress | None,
               arrived: Arrived | None = None) -> Callable[[int, Any], None]:
    """Keeps each outcome in its place and tells ``arrived`` and ``progress``."""

    def done(index: int, outcome: Any) -> None:
        outcomes[index] = outcome
        if arrived and isinstance(outcome, tuple):
            arrived(editions[index], outcome[0])
        if progress and isinstance(outcome, tuple):
            edition = editions[index]
            pdf, seconds = outcome
            finished = sum(o is not None for o in outcomes)
            progress(Built(edition.language, edition.kind, edition.output, pdf.pages,
                           len(pdf.data), seconds), finished, len(editions))

    return done


def _run_tasks(workers: Any, editions: list[Edition],
               done: Callable[[int, Any], None]) -> None:
    """Every edition rendered by ``workers`` (the local pool or a cluster),
    longest tasks first; Ctrl-C or a failure stops them without waiting."""
    try:
        futures = {workers.submit([editions[i] for i in group]): group
                   for group in _tasks(editions, workers.slots)}
    except BaseException:
        workers.close(now=True)
        raise
    _collect(workers, futures, editions, done)


def _collect(workers: Any, futures: dict[Future, list[int]], editions: list[Edition],
             done: Callable[[int, Any], None]) -> None:
    """Every outcome, as it arrives; a layout handed back (render_task.LaidOut)
    is handed out again, one task per edition derived from it."""
    from concurrent.futures import FIRST_COMPLETED, wait

    waiting = dict(futures)
    try:
        while waiting:
            finished, _ = wait(waiting, return_when=FIRST_COMPLETED)
            for future in finished:
                group = waiting.pop(future)
                outcomes = workers.result(future, [editions[i] for i in group])
                for index, outcome in zip(group, outcomes, strict=True):
                    if isinstance(outcome, LaidOut):
                        waiting[workers.derive(editions[index], outcome)] = [index]
                    else:
                        done(index, outcome)
    except BaseException:
        workers.close(now=True)
        raise
    workers.close()


def _tasks(editions: list[Edition], slots: int) -> list[list[int]]:
    """One task per language: a worker then holds the fonts of the languages it
    rendered, not of every language (a CJK font collection is ~100 MB in
    memory). Longest first, so that no worker is left with a long task at the
    end. With few languages, one task per edition (or per layout, its editions
    derived from it) keeps every worker busy instead."""
    groups: dict[str, list[int]] = {}
    for index, edition in enumerate(editions):
        groups.setdefault(edition.language, []).append(index)
    if len(groups) < 2 * slots:
        groups = _by_layout(editions)
    return sorted(groups.values(),
                  key=lambda group: -sum(editions[i].expected_cost for i in group))


class Rendering:
    """Editions handed to local workers as soon as each language is ready.

    The workers are forked when the first edition to render is added (the
    first loads the renderer, the others are forked from it:
    forked_workers.py), while this process goes on reading and checking the
    other languages; each language renders while the next is
    prepared. Nothing is written here: a problem found later stops the workers
    (``stop``, or leaving the ``with`` block by an exception). On a cluster or
    with one worker, editions are rendered when ``finish`` is called.
    """

    def __init__(self, jobs: int | None, scheduler: str | None = None):
        self.jobs = jobs or defaults.default_jobs()
        self.scheduler = scheduler
        self.editions: list[Edition] = []
        self._futures: dict[Future, list[int]] = {}
        self._pool: _LocalPool | None = None

    def __enter__(self) -> Rendering:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is not None:
            self.stop()

    @property
    def _local(self) -> bool:
        return self.scheduler is None and self.jobs > 1

    def start(self) -> None:
        """Start the workers now, before any edition is ready: when everything
        will be rendered anyway (an empty output folder), they load the
        renderer while this process reads the brochure."""
        if self._local and self._pool is None:
            self._pool = _LocalPool(self.jobs)

    def add(self, editions: list[Edition]) -> None:
        start = len(self.editions)
        self.editions.extend(editions)
        if not self._local or not editions:
            return
        self.start()
        assert self._pool is not None
        for group in _by_layout(editions).values():
            indices = [start + i for i in group]
            self._futures[self._pool.submit([self.editions[i] for i in indices])] = indices

    def finish(self, progress: Progress | None, arrived: Arrived | None = None) -> list[Any]:
        """Every edition's outcome, in the order they were added."""
        if self._pool is None:
            return render_all(self.editions, self.jobs, progress, self.scheduler, arrived)
        outcomes: list[Any] = [None] * len(self.editions)
        done = _collector(self.editions, outcomes, progress, arrived)
        _collect(self._pool, self._futures, self.editions, done)
        return outcomes

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.close(now=True)


class _LocalPool:
    """Forked worker processes that start with the renderer loaded and leave
    Ctrl-C to the parent: the first loads it, the others are forked from it
    (forked_workers.py)."""

    def __init__(self, jobs: int):
        from multiprocessing import get_context

        from brochure.forked_workers import ForkedWorkers

        self.slots = jobs
        self.waiting = get_context("fork").Value("i", 0)  # tasks submitted, not yet started
        self.pool = ForkedWorkers(jobs, _start_worker, self.waiting, jobs)

    def submit(self, editions: list[Edition]) -> Future:
        return self._counted(render_group, editions)

    def derive(self, edition: Edition, laid: LaidOut) -> Future:
        return self._counted(derive_one, edition, laid)

    def _counted(self, task: Callable[..., list[Any]], *args: Any) -> Future:
        with self.waiting.get_lock():
            self.waiting.value += 1
        return self.pool.submit(task, *args)

    def result(self, future: Future, editions: list[Edition]) -> list[Any]:
        return future.result()

    def close(self, now: bool = False) -> None:
        self.pool.close(now)


_waiting: Any = None  # in a worker: the pool's count of tasks not yet started
_workers = 1  # in a worker: how many the pool has


def _start_worker(waiting: Any = None, workers: int = 1) -> None:
    global _waiting, _workers
    _waiting, _workers = waiting, workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # While this process waits for its first task (the parent is still reading
    # the brochure), it loads what every task needs.
    from brochure.render_task import settle_worker

    settle_worker()


def _by_layout(editions: list[Edition]) -> dict[str, list[int]]:
    """Editions derived from one layout together, the others one by one."""
    groups: dict[str, list[int]] = {}
    for index, edition in enumerate(editions):
        groups.setdefault(edition.layout.key if edition.layout else str(index), []).append(index)
    return groups


def render_group(editions: list[Edition]) -> list[Any]:
    _started()
    return render_task(editions, hand_back=_near_the_end)


def derive_one(edition: Edition, laid: LaidOut) -> list[Any]:
    _started()
    return [derive_task(edition, laid)]


def _started() -> None:
    if _waiting is not None:
        with _waiting.get_lock():
            _waiting.value -= 1


def _near_the_end() -> bool:
    """Fewer tasks wait than there are workers: the build is near its end, and
    this layout's editions are better derived by whichever worker is free
    first than all by this one while another has nothing left to do."""
    return _waiting is not None and _waiting.value < _workers
