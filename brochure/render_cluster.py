"""Rendering on a Dask cluster (``--scheduler tcp://HOST:PORT``): the same
render tasks as the local pool, through ``distributed``'s executor.

A render task is a pure function of its edition: the HTML and the renderer's
options travel with the task, and the files it reads (the content folder, the
package's styles, the colour profile, the fonts) are read on the worker at
the same paths as here. So a worker is a machine set up with the README's
command in the same folder, with the content folder shared or copied to the
same path. Before its first render, a worker compares what it would read with
what this machine recorded (versions, digests of the content and styles, the
font files), and a difference is one located problem instead of a PDF that
differs (docs/delegations.md).
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from concurrent.futures import Executor, Future
from importlib.metadata import version
from pathlib import Path
from typing import Any

from brochure import __version__, defaults
from brochure.plan import Edition
from brochure.problems import Location, Problem, SingleProblem, relative_name

CONNECT_SECONDS = 5
ADDRESS = re.compile(r"(tcp|tls)://(\[[0-9a-fA-F:.]+\]|[\w.-]+):\d{1,5}")
INSTALL_HINT = "Install it with: pip install 'brochure[cluster]' (docs/delegations.md)."

# A worker with several threads still renders one edition at a time: the
# renderer of a process is not shared between threads.
_one_at_a_time = threading.Lock()
_checked: dict[str, Problem | None] = {}  # what a worker found, by what it was asked


class Cluster:
    """A connection to a scheduler, and its workers' executor."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise SingleProblem("--scheduler needs Dask's distributed package, which is "
                                "not installed", hint=INSTALL_HINT) from None
        self.address = address
        if not ADDRESS.fullmatch(address):
            raise SingleProblem(f"--scheduler {address}: not a Dask scheduler's address",
                                hint="Write it as tcp://HOST:PORT, as 'dask scheduler' "
                                     "prints it (tcp://192.0.2.10:8786).")
        try:
            self.client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        except Exception as exc:  # a refused, unreachable or malformed address
            raise SingleProblem(
                f"no Dask scheduler answered at {address} within {CONNECT_SECONDS} s "
                f"({type(exc).__name__})",
                hint="Check the address, and that 'dask scheduler' runs there.") from None
        try:
            self.client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except Exception:
            self.close()
            raise SingleProblem(f"the Dask scheduler at {address} has no worker",
                                hint=f"Start one with: dask worker {address} "
                                     "--nthreads 1") from None
        self.executor: Executor = self.client.get_executor(pure=False)

    @property
    def slots(self) -> int:
        """Editions rendered at once: one per worker thread."""
        return max(1, sum(self.client.nthreads().values()))

    def submit(self, editions: list[Edition]) -> Future:
        return self.executor.submit(render_checked, [_absolute(e) for e in editions],
                                    expected_versions())

    def result(self, future: Future, editions: list[Edition]) -> list[Any]:
        """The task's outcomes; a worker that died or a lost connection is one
        problem located at the first edition of the task."""
        try:
            return future.result()
        except Exception as exc:
            where = Location(relative_name(editions[0].output))
            raise SingleProblem(
                f"the Dask worker rendering this edition failed: {type(exc).__name__}: "
                f"{exc}".rstrip(": "), where,
                hint=f"Check the workers of {self.address} (their log says why), "
                     "then build again.") from None

    def close(self, now: bool = False) -> None:
        if now and hasattr(self, "executor"):
            self.executor.shutdown(wait=False)  # cancels what has not finished
        self.client.close(timeout=1 if now else CONNECT_SECONDS)


def _absolute(edition: Edition) -> Edition:
    """The edition with the files it reads named from the root: a worker's
    working folder is not this one. (The renderer makes them absolute anyway.)"""
    return dataclasses.replace(
        edition, base_dir=edition.base_dir.absolute(),
        stylesheets=[s.absolute() if isinstance(s, Path) else s for s in edition.stylesheets],
        roots=[root.absolute() for root in edition.roots],
        cmyk_profile=edition.cmyk_profile.absolute() if edition.cmyk_profile else None)


def expected_versions() -> dict[str, str]:
    return {"brochure": __version__, "WeasyPrint": version("weasyprint")}


def render_checked(editions: list[Edition], versions: dict[str, str]) -> list[Any]:
    """On a worker: each edition rendered, or the problem that would make its
    PDF differ from this machine's."""
    from brochure.render_task import render_task

    outcomes: list[Any] = []
    for edition in editions:
        problem = _worker_differs(edition, versions)
        if problem is not None:
            outcomes.append(problem)
            continue
        with _one_at_a_time:
            outcomes.extend(render_task([edition]))
    return outcomes


def _worker_differs(edition: Edition, versions: dict[str, str]) -> Problem | None:
    """The first thing this worker would read differently, once per set of inputs."""
    asked = json.dumps([versions, edition.inputs.get("content"), edition.inputs.get("styles"),
                        edition.inputs.get("fonts"), str(edition.base_dir)], sort_keys=True)
    if asked not in _checked:
        _checked[asked] = _first_difference(edition, versions)
    return _checked[asked]


def _first_difference(edition: Edition, versions: dict[str, str]) -> Problem | None:
    from brochure.output.records import file_digests

    worker = _worker_name()
    mine = expected_versions()
    for name, wanted in versions.items():
        if mine[name] != wanted:
            return Problem(f"the Dask worker {worker} has {name} {mine[name]}, this machine "
                           f"{wanted}", Location(relative_name(edition.output)),
                           hint="Install the same version on every worker (the README's "
                                "command, from the same commit).")
    for path in [edition.base_dir, *(s for s in edition.stylesheets if isinstance(s, Path)),
                 *([edition.cmyk_profile] if edition.cmyk_profile else [])]:
        if not path.exists():
            return Problem(f"the Dask worker {worker} has no {path}", Location(str(path)),
                           hint="Workers read the content folder and the package at the "
                                "same paths as this machine: share or copy them there.")
    skipped = (f"{defaults.TEXT_DIR}/", f"{defaults.DELEGATIONS_DIR}/")
    for folder, key in [(edition.base_dir, "content"), (defaults.project_styles(), "styles")]:
        theirs = edition.inputs.get(key) or {}
        if (found := _differing_file(file_digests(folder, skipped if key == "content" else ()),
                                     theirs)) is not None:
            return Problem(f"this file differs on the Dask worker {worker}",
                           Location(str(folder / found)),
                           hint="Copy the content folder to the workers again (or share it).")
    return _missing_font(edition, worker)


def _differing_file(ours: dict[str, str], theirs: dict[str, str]) -> str | None:
    return next((name for name in sorted(set(ours) | set(theirs))
                 if ours.get(name) != theirs.get(name)), None)


def _missing_font(edition: Edition, worker: str) -> Problem | None:
    """A font file of the edition missing on the worker, or of another size (a
    different version of the font: other glyphs, other metrics)."""
    for name, stat in (edition.inputs.get("fonts") or {}).items():
        path = Path(name)
        size = stat.split(":")[0]
        if not path.is_file() or str(path.stat().st_size) != size:
            state = "has no" if not path.is_file() else "has another version of the"
            return Problem(f"the Dask worker {worker} {state} font file {path.name}",
                           Location(str(path)),
                           hint="Install the same fonts on every worker (the README's "
                                "command: fonts-noto-core, fonts-noto-cjk).")
    return None


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return "(not in a worker)"
