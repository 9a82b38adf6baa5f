"""The ``brochure`` command: options and messages only; the work is in ``build``."""

from __future__ import annotations

import atexit
import gc
import os
import sys
from pathlib import Path
from typing import Any

import click

from brochure import __version__, defaults
from brochure.cli.options import (
    CONTENT_ARG,
    EDITION_OPTION,
    FORMAT_OPTION,
    JOBS_OPTION,
    LANG_OPTION,
    SCHEDULER_OPTION,
    STRICT_OPTION,
    fail,
    out_option,
    progress_bar,
    show_warnings,
    size_text,
    table,
)
from brochure.cli.translation import export, import_command, status
from brochure.problems import BrochureError

# What a failed command says it did, after its problems: only commands that
# write can say that nothing was written.
_OUTCOME = {"check": "Not ready to build", "inspect": "Not checked",
            "preview": "The preview did not start", "status": "Nothing was written"}


class _Commands(click.Group):
    """Every command ends in one plain line, never a traceback: an error of the
    operating system (permissions, a full disk, a missing folder) names the path
    and what to do; Ctrl-C says that no file was left half-written."""

    def invoke(self, ctx: click.Context) -> object:
        from brochure.output.write import describe_os_error

        try:
            return super().invoke(ctx)
        except BrochureError as exc:
            fail(exc, _OUTCOME.get(ctx.invoked_subcommand or "", "Nothing was written"))
        except OSError as exc:
            click.echo(f"Error: {describe_os_error(exc)}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Stopped (Ctrl-C); no file was left half-written.", err=True)
            sys.stdout.flush()
            sys.stderr.flush()
            # Not sys.exit: the interpreter's exit would wait for the worker pool's
            # threads, which a stopped pool may leave waiting. Every file is already
            # complete or removed (write.write_atomically), so nothing is lost.
            os._exit(130)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="brochure")
def main() -> None:
    """Turn YAML content into print-ready, multilingual PDF brochures.

    \b
    Example:
      brochure build                   # the sample, every language, into output/
      brochure build content/gwangju --lang ko --lang en
      brochure check content/gwangju
    """


@main.command()
@CONTENT_ARG
@LANG_OPTION
@out_option("Folder to write the PDFs to.")
@STRICT_OPTION
@JOBS_OPTION
@click.option("--force", is_flag=True, help="Rebuild every edition, even those up to date.")
@EDITION_OPTION
@FORMAT_OPTION
@click.option("--final", is_flag=True,
              help="Refuse to build a language with missing or out-of-date translations "
                   "(otherwise it is built marked DRAFT).")
@click.option("--watch", is_flag=True,
              help="Keep running: rebuild what changed every time a file is saved (Ctrl-C stops).")
@click.option("--verify", is_flag=True,
              help="Also check every screen and archive edition with veraPDF (PDF/UA-1, "
                   "PDF/A-2b) before writing it, as 'inspect --as' does: slower.")
@click.option("--impose", type=click.Choice(["saddle-stitch"]), default=None,
              help="Also write each PDF's printer's sheets (two pages per sheet, "
                   "booklet order) as <name>_sheets.pdf.")
@SCHEDULER_OPTION
def build(content_dir: Path, languages: tuple[str, ...], out_dir: Path, strict: bool,
          jobs: int | None, force: bool, kinds: tuple[str, ...], formats: tuple[str, ...],
          final: bool, watch: bool, verify: bool, impose: str | None,
          scheduler: str | None) -> None:
    """Build one PDF per language from CONTENT_DIR (default: content/gwangju).

    Editions whose content, templates, styles and fonts have not changed since
    the last build are reported as up to date and not rebuilt.

    \b
    Example:
      brochure build content/gwangju --lang ko --edition print --out output/
    """
    from brochure.build import build as run_build

    # Every option counts the same way for one build and for --watch.
    options: dict[str, Any] = {
        "strict": strict, "jobs": jobs, "force": force, "kinds": list(kinds) or None,
        "impose": impose, "final": final, "formats": list(formats) or None,
        "verify": verify, "scheduler": scheduler}
    if watch:
        _watch(content_dir, list(languages) or None, out_dir, options)
        return
    with progress_bar() as progress:
        report = run_build(content_dir, list(languages) or None, out_dir,
                           progress=progress, **options)
    show_warnings(report.problems)
    rows = [(str(b.path), b.kind, b.language, str(b.pages), size_text(b.size),
             "up to date" if b.up_to_date else f"{b.seconds:.1f} s", str(b.warnings),
             "DRAFT" if b.draft else "") for b in report.built]
    table(("file", "edition", "language", "pages", "size", "time", "warnings", "mark"), rows)
    drafts = sorted({b.language for b in report.built if b.draft})
    if drafts:
        click.echo(f"Marked DRAFT on every page: {', '.join(drafts)} (texts missing, copied "
                   "or out of date: see 'brochure status'). 'build --final' refuses them.")
    for built in report.built:
        if built.sheets:
            click.echo(f"printer's sheets: {built.sheets}")


@main.command()
@CONTENT_ARG
@LANG_OPTION
@STRICT_OPTION
@click.option("--final", is_flag=True,
              help="Also fail on missing or out-of-date translations, as a final build would.")
def check(content_dir: Path, languages: tuple[str, ...], strict: bool, final: bool) -> None:
    """Check CONTENT_DIR for every problem a build would meet, without making PDFs.

    \b
    Example:
      brochure check content/gwangju
    """
    from brochure.check import check as run_check

    problems = run_check(content_dir, list(languages) or None, strict, final=final)
    show_warnings(problems)
    click.echo(f"{content_dir}: ready to build ({len(problems.warnings)} warnings)")


@main.command()
@CONTENT_ARG
@click.option("--only", multiple=True, metavar="ID",
              help="Only this delegation (its file's name; repeat for several). Default: all.")
@EDITION_OPTION
@out_option("Folder to write OUT/delegations/<id>/ and <id>.zip into.")
@JOBS_OPTION
@click.option("--force", is_flag=True, help="Rebuild every edition, even those up to date.")
@STRICT_OPTION
@SCHEDULER_OPTION
def delegations(content_dir: Path, only: tuple[str, ...], kinds: tuple[str, ...],
                out_dir: Path, jobs: int | None, force: bool, strict: bool,
                scheduler: str | None) -> None:
    """Make the personalised brochure of every delegation in CONTENT_DIR/delegations/.

    Each delegation gets OUT/delegations/<id>/ with its PDFs and manifest.json,
    and OUT/delegations/<id>.zip with the same. Delegations whose files and
    brochure have not changed are not rebuilt. See docs/delegations.md.

    \b
    Example:
      brochure delegations content/gwangju --only leipzig --edition screen
    """
    from brochure.delegations.batch import build_delegations

    with progress_bar() as progress:
        report = build_delegations(content_dir, list(only) or None, list(kinds) or None,
                                   out_dir, jobs, force=force, strict=strict,
                                   progress=progress, scheduler=scheduler)
    show_warnings(report.problems)
    rows = [(str(b.path), d.delegation, b.kind, b.language, str(b.pages), size_text(b.size),
             "up to date" if b.up_to_date else f"{b.seconds:.1f} s")
            for d in report.delegations for b in d.files]
    table(("file", "delegation", "edition", "language", "pages", "size", "time"), rows)
    for built in report.delegations:
        click.echo(f"to send: {built.archive}")


def _watch(content_dir: Path, languages: list[str] | None, out_dir: Path,
           options: dict[str, Any]) -> None:
    """Rebuild on every save until Ctrl-C; a content error is shown and waited out."""
    from brochure.tools.watch import watch_and_build

    def show(result) -> None:
        if isinstance(result, BrochureError):
            for problem in result.problems:
                click.echo(str(problem), err=True)
            click.echo("Not built; fix the problem and save again.", err=True)
            return
        show_warnings(result.problems)
        for built in result.built:
            if not built.up_to_date:
                click.echo(f"built {built.path} ({built.pages} pages, {built.seconds:.1f} s)")

    click.echo(f"Watching {content_dir}, the templates and the styles; Ctrl-C stops.")
    try:
        watch_and_build(content_dir, languages, out_dir, show, options)
    except KeyboardInterrupt:
        click.echo("Stopped.")



@main.command()
@CONTENT_ARG
@LANG_OPTION
@out_option("Folder the PDFs were built into; the proofs are written there too.")
@EDITION_OPTION
@FORMAT_OPTION
def proof(content_dir: Path, languages: tuple[str, ...], out_dir: Path,
          kinds: tuple[str, ...], formats: tuple[str, ...]) -> None:
    """Make a proof sheet of each built PDF of CONTENT_DIR: every page, small, on
    one PNG (<name>_proof.png next to the PDF). Run 'brochure build' first.

    \b
    Example:
      brochure build content/gwangju --lang ko --edition screen
      brochure proof content/gwangju --lang ko --edition screen
      # writes output/gwangju-city_screen_ko_proof.png
      brochure proof --format A5 --lang en   # the A5 editions
    """
    from brochure.tools.proof import proof_built

    written = proof_built(content_dir, list(languages) or None, out_dir,
                          list(kinds) or None, list(formats) or None)
    for path in written:
        click.echo(str(path))


@main.command("inspect")
@click.argument("pdf_file", type=click.Path(path_type=Path))
@click.option("--as", "use", type=click.Choice(defaults.EDITION_KINDS),
              help="Also check the PDF for this use; exit 1 if anything is an error.")
@click.option("--bleed", "bleed_mm", type=click.FloatRange(0, 20), default=None,
              metavar="MM", help="The bleed the print shop asks for (default: 3 mm).")
def inspect_command(pdf_file: Path, use: str | None, bleed_mm: float | None) -> None:
    """Preflight PDF_FILE as a print shop or an accessibility checker would: page
    boxes, claimed variant and output intent, colours, images and their resolution,
    fonts, tagging and metadata.

    \b
    Example:
      brochure inspect output/gwangju-city_screen_en.pdf
      brochure inspect output/gwangju-city_screen_en.pdf --as screen
      brochure inspect output/gwangju-city_print_en.pdf --as print --bleed 5
    """
    from brochure.pdf.inspect import inspect_pdf
    from brochure.pdf.preflight import check_claims, validator_findings
    from brochure.pdf.report_text import format_report

    report = inspect_pdf(pdf_file)
    click.echo(format_report(report))
    if use is None:
        return
    validator, more = validator_findings(pdf_file, use)
    claims = (check_claims(report, use) if bleed_mm is None
              else check_claims(report, use, bleed_mm=bleed_mm))
    findings = sorted([*claims, *more], key=lambda f: f.severity != "error")
    errors = sum(1 for finding in findings if finding.severity == "error")
    click.echo(f"\nChecked by: brochure's own preflight; {validator}")
    click.echo(f"Ready for {use}: " + ("yes" if not findings else
               f"{'no' if errors else 'yes, with warnings'} "
               f"({errors} error(s), {len(findings) - errors} warning(s))"))
    for finding in findings:
        click.echo(f"  {finding}")
    if errors:
        sys.exit(1)


@main.command()
@CONTENT_ARG
@LANG_OPTION
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port on this computer to show the preview at. Default: 8765; "
                   "0 picks any free port.")
@click.option("--open", "open_browser", is_flag=True,
              help="Open the preview in your web browser.")
def preview(content_dir: Path, languages: tuple[str, ...], port: int | None,
            open_browser: bool) -> None:
    """Show CONTENT_DIR in your web browser, rebuilt each time you save a file.

    The pages appear as pictures, one under the other; a mistake in the content
    is shown at the top, above the last pages that built. Only this computer
    can see the preview (it listens on 127.0.0.1). Press Ctrl-C to stop.

    \b
    Example:
      brochure preview content/gwangju --lang ko --open
      brochure preview --port 0        # any free port; the address is printed
    """
    from brochure.tools.preview import DEFAULT_PORT, serve

    serve(content_dir, list(languages) or None,
          DEFAULT_PORT if port is None else port, open_browser, echo=click.echo)


for command in (status, export, import_command):
    main.add_command(command)


def run() -> None:
    """The ``brochure`` program (``python -m brochure`` too): ``main``, and an
    exit without the interpreter's last garbage collection over every object
    the command made (about 0.1 s after a build of the whole sample). Those
    objects are freed as the process ends anyway; the command has written and
    closed its files by then. Not in ``main``, which tests call in their own
    process."""
    atexit.register(gc.freeze)  # registered first, so it runs last
    main(prog_name="brochure")
