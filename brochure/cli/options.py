"""What every command shares: its options, and how it prints (tables, problems,
the progress bar)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from brochure import defaults
from brochure.problems import BrochureError, Problems, SingleProblem

CONTENT_ARG = click.argument(
    "content_dir", required=False, default=str(defaults.CONTENT_DIR),
    type=click.Path(file_okay=False, path_type=Path))
LANG_OPTION = click.option(
    "--lang", "languages", multiple=True, metavar="CODE",
    help="Only this language (repeat for several). Default: all of the edition's.")
EDITION_OPTION = click.option(
    "--edition", "kinds", multiple=True, type=click.Choice(defaults.EDITION_KINDS),
    help="Only this edition (repeat for several). Default: those the edition file lists.")
FORMAT_OPTION = click.option(
    "--format", "formats", multiple=True, type=click.Choice(defaults.PAGE_FORMATS),
    help="Page format (repeat for several): A4, A5, letter, or the tri-fold leaflet. "
         "Default: the edition file's.")
JOBS_OPTION = click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=None,
    help="Editions rendered at once. Default: one per processor core.")


def out_option(help: str):
    """The output folder, the same for every command that writes PDFs; only
    what it is for is said differently."""
    return click.option("--out", "out_dir", default=str(defaults.OUTPUT_DIR),
                        show_default=True, type=click.Path(file_okay=False, path_type=Path),
                        help=help)


STRICT_OPTION = click.option(
    "--strict", is_flag=True, help="Treat warnings (such as a missing translation) as errors.")
SCHEDULER_OPTION = click.option(
    "--scheduler", metavar="tcp://HOST:PORT", default=None,
    help="Render on this Dask cluster's workers instead of this machine (needs "
         "'pip install brochure[cluster]'; see docs/delegations.md).")


class progress_bar:
    """A progress bar on the terminal while editions render, counting editions
    (build) or delegations (delegations); nothing when piped."""

    def __enter__(self):
        self._task = None
        self._bar = None
        if not sys.stderr.isatty():
            return self
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._bar = Progress(TextColumn("rendering"), BarColumn(), MofNCompleteColumn(),
                             TextColumn("{task.description}"), transient=True,
                             console=stderr_console())
        self._bar.start()
        return self

    def __call__(self, built, done: int, total: int) -> None:
        if self._bar is None:
            return
        if self._task is None:
            self._task = self._bar.add_task("", total=total)
        # An edition (build), or the name of a delegation (delegations).
        name = built if isinstance(built, str) else built.language
        self._bar.update(self._task, completed=done, description=f"{name} done")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __exit__(self, *exc_info) -> None:
        self.close()


def stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def show_warnings(problems: Problems) -> None:
    for problem in problems.warnings:
        click.echo(str(problem), err=True)


def fail(exc: BrochureError, outcome: str = "Nothing was written") -> NoReturn:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    if isinstance(exc, SingleProblem):
        sys.exit(1)  # its one line says it all
    errors = sum(1 for p in exc.problems if p.severity == "error")
    warnings = len(exc.problems) - errors
    summary = f"{errors} error(s)" + (f", {warnings} warning(s)" if warnings else "")
    if exc.strict and warnings:
        summary += " (--strict counts warnings as errors)"
    click.echo(f"{outcome}: {summary}.", err=True)
    sys.exit(1)


def size_text(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1048576:.1f} MB"


def table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                      strict=True)).rstrip())
