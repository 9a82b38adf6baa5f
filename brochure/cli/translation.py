"""The translation commands: status, export and import."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from brochure import defaults
from brochure.cli.options import CONTENT_ARG, show_warnings, table
from brochure.problems import Problems


@click.command()
@CONTENT_ARG
@click.option("--strict", is_flag=True,
              help="Exit with status 1 when a language has missing or stale texts.")
@click.option("--accept", "accepted", multiple=True, metavar="CODE",
              help="First record that this language's translated texts match the "
                   "current master text (after checking them; repeat for several).")
def status(content_dir: Path, strict: bool, accepted: tuple[str, ...]) -> None:
    """Show how complete and current each translation in CONTENT_DIR is.

    A text is missing when the language has none (the master's is printed), and
    stale when the master text changed after it was translated. Copied: the
    master's text left as it is (accept it with --accept when that is right, as
    for a name). Unchecked: no record of the master text it was made from (no
    lock file yet). Unknown: in the translation but not in the master text.

    \b
    Example:
      brochure status content/gwangju
      brochure status --strict                # exit 1 if anything is missing or stale
      brochure status --accept ko             # ko has been checked: nothing is stale
    """
    from brochure.translation.translations import accept
    from brochure.translation.translations import status as translation_status

    problems = Problems()
    for language, path, count in accept(content_dir, list(accepted)):
        click.echo(f"{language}: recorded {_texts(count)} as translated from the "
                   f"current master text ({path})")
    languages = translation_status(content_dir, problems)
    show_warnings(problems)
    table(("language", "translated", "missing", "copied", "stale", "unchecked", "unknown"),
           [(s.language, f"{len(s.translated)}/{s.total}", str(len(s.missing)),
             str(len(s.copied)), str(len(s.stale)), str(len(s.unchecked)),
             str(len(s.unknown))) for s in languages])
    for s in languages:
        for label, ids in (("missing", s.missing), ("copied", s.copied), ("stale", s.stale),
                           ("unknown", s.unknown)):
            if ids:
                click.echo(f"{s.language} {label}: {_short_list(ids)}")
    unlocked = [s.language for s in languages if not s.has_lock and s.translated]
    if unlocked:
        click.echo(f"No lock file, so nothing is known to be stale: {', '.join(unlocked)}. "
                   f"Once their texts are checked, run: brochure status --accept CODE")
    unfinished = [s.language for s in languages if not s.current]
    if strict and unfinished:
        click.echo(f"Not ready: {', '.join(unfinished)} (missing, copied or stale texts).",
                   err=True)
        sys.exit(1)


def _texts(count: int) -> str:
    return f"{count} text" + ("" if count == 1 else "s")


def _short_list(ids: tuple[str, ...], shown: int = 6) -> str:
    more = f" … and {len(ids) - shown} more" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


@click.command()
@click.argument("language", metavar="LANG")
@CONTENT_ARG
@click.option("--format", "fmt", type=click.Choice(["xliff", "po"]), default="xliff",
              show_default=True, help="XLIFF 1.2 for translation tools, or gettext PO.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write. Default: <edition-id>_<LANG>.xlf (or .po) here.")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
def export(language: str, content_dir: Path, fmt: str, out_file: Path | None,
           force: bool) -> None:
    """Write the texts of language LANG to a file for a translator.

    Each text has the master text as source, the current translation as target,
    and a state: translated, needs-translation (missing) or
    needs-review-translation (stale).

    \b
    Example:
      brochure export ja                      # writes gwangju-city_ja.xlf
      brochure export ko content/gwangju --format po --out ko-for-review.po
    """
    from brochure.translation.exchange import export as run_export
    from brochure.translation.exchange_formats import NEEDS_REVIEW, NEEDS_TRANSLATION

    report = run_export(content_dir, language, fmt, out_file, force)
    click.echo(f"{report.path}: {_texts(len(report.units))} in {language}, "
               f"{report.count(NEEDS_TRANSLATION)} to translate, "
               f"{report.count(NEEDS_REVIEW)} to review.")
    # The command as it can be typed: the folder is named unless it is the default.
    folder = "" if Path(content_dir) == defaults.CONTENT_DIR \
        else f" {shlex.quote(str(content_dir))}"
    click.echo(f"When it comes back: brochure import {shlex.quote(str(report.path))}{folder}")


@click.command("import")
@click.argument("exchange_file", metavar="FILE",
                type=click.Path(dir_okay=False, path_type=Path))
@CONTENT_ARG
def import_command(exchange_file: Path, content_dir: Path) -> None:
    """Put the translations of FILE (XLIFF or PO, from `brochure export`) into
    the language's text file.

    Every text is checked first: known ids, {placeholders} and Markdown as in
    the source. If one is wrong, nothing is written. Only changed texts are
    rewritten; comments and layout of the text file stay as they were.

    \b
    Example:
      brochure import gwangju-city_ja.xlf
      brochure import ko-for-review.po content/gwangju
    """
    from brochure.translation.exchange import import_file

    report = import_file(exchange_file, content_dir)
    changed = len(report.changed)
    click.echo(f"{report.text_path}: " + (f"{_texts(changed)} changed" if changed
                                         else "no text changed"))
    if report.confirmed:
        click.echo(f"Marked done without change: {_texts(len(report.confirmed))}.")
    if report.outdated:
        click.echo(f"Still stale, translated from an older master text: "
                   f"{_short_list(tuple(report.outdated))}")
    if report.untranslated:
        click.echo(f"Still untranslated: {_short_list(tuple(report.untranslated))}")
