"""Rebuild a brochure every time one of its files is saved.

Used by ``brochure preview`` and ``brochure build --watch``. The content
folder, the project's templates/ and its styles/ are watched; a batch of saved
changes triggers one build of only the languages it can affect.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import watchfiles

from brochure import defaults
from brochure.build import BuildReport, build
from brochure.content.sources import load_yaml
from brochure.problems import BrochureError, Problems

# Quiet time after the last file event before building: an editor's save (write
# to a temporary file, rename, touch) becomes one build, not three.
SETTLE_MS = 100
# How often the watch loop wakes when nothing changes (so that it can notice the
# first moment it is listening, and a stop request).
IDLE_MS = 250

Result = BuildReport | BrochureError
Changes = set[tuple[watchfiles.Change, str]]


def watch_and_build(folder: Path, languages: list[str] | None, out_dir: Path,
                    on_result: Callable[[Result], None],
                    options: Mapping[str, Any] | None = None, *,
                    stop_event: threading.Event | None = None,
                    on_start: Callable[[list[str] | None], None] | None = None) -> None:
    """Build once, then again after every saved change, until ``stop_event`` is set.

    ``on_result`` receives the ``BuildReport`` or the ``BrochureError`` of each
    build; ``on_start`` (optional) the languages about to be built (None: every
    language of the edition, when the edition cannot be read). ``options`` are
    ``build``'s (strict, jobs, kinds, formats, final, impose, force): ``force``
    counts for the first build only, later ones rebuild what changed. Ctrl-C
    raises KeyboardInterrupt as usual, during a build or between builds.
    """
    folder = Path(folder)
    options = dict(options or {})
    failed: set[str] = set()
    everything_failed = False
    for changes in _batches(folder, Path(out_dir), stop_event):
        targets = languages_to_build(folder, languages, changes,
                                     None if everything_failed else failed)
        if targets == []:
            continue
        if on_start:
            on_start(targets)
        try:
            result: Result = build(folder, targets, out_dir, **options)
        except BrochureError as exc:
            result = exc
        options["force"] = False
        everything_failed = targets is None and isinstance(result, BrochureError)
        if isinstance(result, BrochureError):
            failed.update(targets or ())
        else:
            failed.difference_update(targets or ())
        on_result(result)


def languages_to_build(folder: Path, languages: list[str] | None, changes: Changes | None,
                       failed: set[str] | None) -> list[str] | None:
    """The languages a batch of changes can affect, in the edition's order.

    ``changes`` None means the first build; ``failed`` None means the last build
    failed as a whole. A translation's text file affects that language alone;
    any other file (the edition, facts, the master text, an image, a template,
    a style) affects all. Languages whose last build failed are built again too.
    Returns None for "every language of the edition" when the edition cannot be
    read: the build will then say what is wrong with it.
    """
    edition = _read_edition(folder)
    everything = list(languages) if languages else edition.get("languages")
    if not isinstance(everything, list) or not all(isinstance(c, str) for c in everything):
        return None
    if changes is None or failed is None:
        return everything
    touched = _translations_touched(folder, changes, edition.get("master"))
    if touched is None:
        return everything
    return [code for code in everything if code in touched or code in failed]


def watched_folders(folder: Path) -> list[Path]:
    """The content folder and the project's templates and styles that exist."""
    folders = [folder, defaults.project_templates(), defaults.project_styles()]
    return [path.resolve() for path in folders if path.is_dir()]


def _batches(folder: Path, out_dir: Path,
             stop_event: threading.Event | None) -> Iterator[Changes | None]:
    """None as soon as the watcher listens (build everything: a file saved during
    that first build is not missed), then every batch of saved changes."""
    batches = watchfiles.watch(*watched_folders(folder), watch_filter=_source_filter(out_dir),
                               step=SETTLE_MS, rust_timeout=IDLE_MS, yield_on_timeout=True,
                               stop_event=stop_event)
    first = True
    for changes in batches:
        if first:
            first = False
            yield None
        elif changes:
            yield changes


def _source_filter(out_dir: Path) -> Callable[[watchfiles.Change, str], bool]:
    """Editor back-ups and swap files are not sources; neither is the output
    folder, should it lie inside the content folder (writing a PDF must not
    start another build)."""
    usual = watchfiles.DefaultFilter()
    output = out_dir.resolve()

    def is_source(change: watchfiles.Change, path: str) -> bool:
        where = Path(path)
        return usual(change, path) and where != output and output not in where.parents

    return is_source


def _translations_touched(folder: Path, changes: Changes,
                          master: object) -> set[str] | None:
    """The language codes of the changed text/<code>.yaml files, or None when
    any change is to something else (or to the master text)."""
    text_dir = (folder / defaults.TEXT_DIR).resolve()
    codes = set()
    for _change, path in changes:
        where = Path(path)
        if where.parent != text_dir or where.suffix != ".yaml" or where.stem == master:
            return None
        codes.add(where.stem)
    return codes


def _read_edition(folder: Path) -> dict:
    """The edition's data, or {} when it cannot be read (the build says why)."""
    try:
        source = load_yaml(folder / defaults.EDITION_FILE, Problems())
    except OSError:
        return {}
    data = source.data if source is not None else None
    return data if isinstance(data, dict) else {}
