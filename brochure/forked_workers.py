"""Worker processes that all start with what the first one loaded.

The first worker is forked from this process and runs ``start`` (it loads the
renderer); the others are forked from it once it has, so that each starts
with the renderer in memory instead of loading it again (0.33 s of CPU per
worker). The standard library's pools fork every worker from the process
that made the pool. Tasks go to the first free worker, in the order they
were submitted; each task's outcome is a ``concurrent.futures.Future``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from typing import Any


class ForkedWorkers:
    """``count`` worker processes; ``start(*start_args)`` runs in the first
    before the others are forked from it."""

    def __init__(self, count: int, start: Callable[..., None], *start_args: Any):
        context = get_context("fork")
        pipes = [context.Pipe() for _ in range(count)]
        self._connections: list[Connection] = [ours for ours, _ in pipes]
        self._first = context.Process(
            target=_first_worker, args=([theirs for _, theirs in pipes], start, start_args),
            name="brochure-worker", daemon=True)
        self._first.start()  # before this process starts a thread: fork copies only the caller
        for _, theirs in pipes:
            theirs.close()
        self._lock = threading.Lock()
        self._waiting: deque[tuple[Future, Callable[..., Any], tuple]] = deque()
        self._running: dict[int, Future] = {}  # a worker's index: its task
        self._free: list[int] = []  # workers that have started and wait for a task
        self._pids: list[int] = [self._first.pid or 0]
        self._closing = False
        self._broken: BrokenProcessPool | None = None
        self._receiver = threading.Thread(target=self._receive, name="brochure-workers",
                                          daemon=True)
        self._receiver.start()

    def submit(self, function: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        with self._lock:
            if self._broken is not None:
                future.set_exception(self._broken)
                return future
            self._waiting.append((future, function, args))
            self._hand_out()
        return future

    def close(self, now: bool = False) -> None:
        """Let the workers end (``now``: kill them) and wait until they have."""
        with self._lock:
            self._closing = True
            waiting = [future for future, _, _ in self._waiting]
            self._waiting.clear()
        for future in waiting:
            future.cancel()
        if now:
            for pid in self._pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        else:
            for connection in self._connections:
                with contextlib.suppress(OSError):  # a worker already gone
                    connection.send(None)
        self._first.join(timeout=2 if now else None)
        self._receiver.join(timeout=2)
        for connection in self._connections:
            connection.close()

    def _hand_out(self) -> None:
        """Waiting tasks to free workers (with the lock held)."""
        while self._free and self._waiting:
            future, function, args = self._waiting.popleft()
            if not future.set_running_or_notify_cancel():
                continue
            index = self._free.pop(0)
            self._running[index] = future
            with contextlib.suppress(OSError):  # a worker gone: _receive finds its end closed
                self._connections[index].send((function, args))

    def _receive(self) -> None:
        """What the workers send, until every one of them has ended."""
        listening = dict(enumerate(self._connections))
        while listening:
            ready = wait(list(listening.values()))
            for index, connection in list(listening.items()):
                if connection not in ready:
                    continue
                try:
                    kind, value = connection.recv()
                except (EOFError, OSError):
                    del listening[index]
                    self._lost(index)
                    continue
                self._arrived(index, kind, value)

    def _arrived(self, index: int, kind: str, value: Any) -> None:
        with self._lock:
            if kind == "started":
                self._pids.append(value)
                future = None
            else:
                future = self._running.pop(index)
            self._free.append(index)
            self._hand_out()
        if future is None:
            return
        if kind == "done":
            future.set_result(value)
        else:
            future.set_exception(value)

    def _lost(self, index: int) -> None:
        """A worker's end of its pipe closed: it ended, or was killed."""
        with self._lock:
            if self._closing:
                return
            self._broken = BrokenProcessPool("a worker process ended abruptly")
            failed = [self._running.pop(index)] if index in self._running else []
            failed += [future for future, _, _ in self._waiting]
            self._waiting.clear()
        for future in failed:
            if not future.done():
                future.set_exception(self._broken)


def _first_worker(connections: list[Connection], start: Callable[..., None],
                  start_args: tuple) -> None:
    start(*start_args)
    children = []
    for index in range(1, len(connections)):
        pid = os.fork()
        if pid == 0:  # a worker forked from this one, with what it loaded
            for other, connection in enumerate(connections):
                if other != index:
                    connection.close()
            _serve(connections[index])
            os._exit(0)
        children.append(pid)
    for connection in connections[1:]:
        connection.close()
    _serve(connections[0])
    for pid in children:
        os.waitpid(pid, 0)


def _serve(connection: Connection) -> None:
    """Tasks from the pipe, one at a time, until it closes or says None."""
    connection.send(("started", os.getpid()))
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        function, args = task
        try:
            message: tuple[str, Any] = ("done", function(*args))
        except BaseException as exc:  # the parent raises it where it waits
            message = ("failed", exc)
        try:
            connection.send(message)
        except (OSError, ValueError):
            return  # the pipe is closed: this process's work is over
        except Exception as exc:  # an outcome that cannot be pickled
            connection.send(("failed", RuntimeError(f"{type(exc).__name__}: {exc}")))
