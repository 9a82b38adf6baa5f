"""The local workers: the first loads the renderer, the others are forked
from it and start with it loaded; a task's failure or a worker's end reaches
the build as an exception, not a hang."""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import wait
from concurrent.futures.process import BrokenProcessPool

import pytest

from brochure.forked_workers import ForkedWorkers
from brochure.render_pool import _LocalPool


def _who_and_what_it_holds() -> tuple[int, int, int]:
    from brochure import render_task

    time.sleep(0.5)  # long enough for the other worker to take the other task
    return os.getpid(), os.getppid(), id(render_task._renderer)


def test_the_other_workers_are_forked_from_the_first_with_the_renderer_it_loaded():
    pool = _LocalPool(2)
    try:
        futures = [pool.pool.submit(_who_and_what_it_holds) for _ in range(2)]
        (first, first_parent, renderer), (second, second_parent, same_renderer) = sorted(
            future.result(timeout=300) for future in futures)
    finally:
        pool.close()
    assert first != second
    assert os.getpid() in (first_parent, second_parent)  # one is this process's child...
    assert {first, second} & {first_parent, second_parent}  # ...the other that one's
    assert renderer == same_renderer != id(None)  # the very object, loaded once
    assert multiprocessing.active_children() == []


def _nothing() -> None:
    pass


def _fails() -> None:
    raise ValueError("this task fails")


def _ends_the_worker() -> None:
    os._exit(1)


def test_a_task_that_raises_raises_where_its_outcome_is_awaited():
    workers = ForkedWorkers(2, _nothing)
    try:
        with pytest.raises(ValueError, match="this task fails"):
            workers.submit(_fails).result(timeout=60)
        assert workers.submit(int, "7").result(timeout=60) == 7  # the worker goes on
    finally:
        workers.close()


def _cannot_be_sent():
    return lambda: None


def test_an_outcome_that_cannot_be_sent_back_is_an_error_not_a_lost_worker():
    workers = ForkedWorkers(1, _nothing)
    try:
        with pytest.raises(RuntimeError, match="PicklingError|pickle"):
            workers.submit(_cannot_be_sent).result(timeout=60)
        assert workers.submit(int, "7").result(timeout=60) == 7
    finally:
        workers.close()


def test_a_worker_that_ends_abruptly_breaks_its_task_and_the_waiting_ones():
    workers = ForkedWorkers(1, _nothing)
    try:
        ended = workers.submit(_ends_the_worker)
        after = workers.submit(int, "7")
        wait([ended, after], timeout=60)
        for future in (ended, after):
            assert isinstance(future.exception(), BrokenProcessPool)
    finally:
        workers.close()
    assert multiprocessing.active_children() == []
