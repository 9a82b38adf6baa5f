"""Before anything is written: each rendered edition judged (glyphs, the
renderer's warnings, the preflight of its claims, the layout gate), checked by
veraPDF when asked, and imposed when asked. Part of the build."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brochure import defaults
from brochure.output.records import BuildRecords, files_inside
from brochure.problems import BrochureError, Location, Problem, Problems, relative_name

# The stages are imported when first used: a build or check in which nothing
# changed needs none of them (see state.py).
if TYPE_CHECKING:

    pass

from brochure.plan import BuildReport, Built, Edition
from brochure.state import InputState, problems_from


def verify_with_verapdf(rendered: list, problems: Problems) -> None:
    """veraPDF's verdict on every screen (PDF/UA-1) and archive (PDF/A-2b) edition
    just rendered, before anything is written: a failed rule is an error, as in
    'brochure inspect --as KIND'. One JVM for all of them."""
    import tempfile

    from brochure.pdf import verapdf

    with tempfile.TemporaryDirectory(prefix="brochure-verify-") as folder:
        jobs: dict[Path, tuple[str, Edition]] = {}
        for edition, pdf, *_ in rendered:
            if flavour := verapdf.FLAVOUR_FOR.get(edition.kind):
                path = Path(folder) / edition.output.name
                path.write_bytes(pdf.data)
                jobs[path] = (flavour, edition)
        verdicts = verapdf.validate_each({p: f for p, (f, _) in jobs.items()}) if jobs else {}
    for path, verdict in verdicts.items():
        edition = jobs[path][1]
        where = Location(relative_name(edition.output))
        hint = f"Run 'brochure inspect {relative_name(edition.output)} --as {edition.kind}' " \
               "on a build without --verify to see the whole report."
        for rule in verdict.failed_rules:
            problems.error(f"veraPDF: {rule}", where, hint=hint)
        if verdict.error:
            problems.error(f"veraPDF could not validate the file: {verdict.error}", where)


def impose_all(editions: list[Edition], rendered: list, problems: Problems,
                ) -> dict[Path, tuple[Path, bytes]]:
    """The printer's sheets of every stitched edition, made before anything is
    written: an edition that cannot be imposed stops the build like any error."""
    from brochure.pdf.impose import impose

    new = {edition.output: pdf.data for edition, pdf, *_ in rendered}
    sheets = {}
    for edition in editions:
        if edition.page_format == "leaflet":
            continue  # folded, not stitched
        target = edition.output.with_name(f"{edition.output.stem}_sheets.pdf")
        try:
            data = new.get(edition.output) or edition.output.read_bytes()
            sheets[edition.output] = (target, impose(data, edition.output,
                                                     edition.direction == "rtl")[0])
        except BrochureError as exc:
            problems.items.extend(exc.problems)
    return sheets


def check_output_folder(out_dir: Path, stale: list[Edition], problems: Problems) -> None:
    """Stop before rendering when the PDFs could not be written anyway."""
    from brochure.output.write import check_writable, describe_os_error

    if stale and (failure := check_writable(out_dir)) is not None:
        problems.error(describe_os_error(failure))
        problems.raise_if_errors()


def accept_rendered(edition: Edition, outcome: Any, problems: Problems):
    """The rendered PDF, its time and its number of warnings, or None with the
    edition's problems reported."""
    from brochure.render.layout import describe

    where = Location(relative_name(edition.output))
    if isinstance(outcome, Problem):  # a cluster's worker that would render it differently
        if outcome not in problems.items:  # said once, not for each of its editions
            problems.items.append(outcome)
        return None
    # The renderer is not loaded here when the workers loaded it for themselves;
    # a refusal handed back loaded it as it was unpickled.
    renderer = sys.modules.get("brochure.render.render_pdf")
    if renderer is not None and isinstance(outcome, renderer.RefusedResource):
        problems.error(f"refused to read a file: {outcome}", where,
                       hint="Use only files inside the content folder.")
        return None
    pdf, seconds = outcome
    before = len(problems.warnings)
    for message in pdf.missing_glyphs:
        problems.error(f"a character has no glyph in the fonts ({message})",
                       where, hint="Use a font that covers it, or remove it.")
    for message in pdf.warnings:
        problems.warning(f"renderer: {message}", where)
    for finding in pdf.findings:
        # The same verdict as 'brochure inspect --as KIND': its errors stop the
        # build, its warnings count in the summary.
        report = problems.error if finding.severity == "error" else problems.warning
        if finding.low_resolution:
            name = _image_file(edition.base_dir, finding.low_resolution)
            report(finding.message.replace("image ", f"{name}: image ", 1), where,
                   hint="Use a larger image (300 ppi at its printed size).")
        else:
            report(f"the {edition.kind} edition fails its check: {finding.message}", where,
                   hint=f"Run 'brochure inspect {relative_name(edition.output)} --as "
                        f"{edition.kind}' on a test build to see the whole report.")
    for finding in pdf.layout:
        message, hint = describe(finding, f"{edition.kind} edition ({edition.page_format})")
        problems.error(message, _field_location(edition, finding.field, where),
                       field=finding.field, hint=hint)
    return pdf, seconds, len(problems.warnings) - before


def _field_location(edition: Edition, field_id: str | None, fallback: Location) -> Location:
    """Where a text field is written: its line in the language's text file."""
    if edition.text is None:
        return fallback
    if field_id is None:
        return Location(edition.text.name)
    return edition.text.where(tuple(field_id.split(".")))


def compare_page_counts(editions: list[Edition], pages: dict[Path, int],
                         problems: Problems) -> None:
    """The editions of one language and format must have the same pages, so
    that the contents page and every page reference agree between them."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for edition in editions:
        count = pages.get(edition.output)
        if count:
            counts.setdefault((edition.language, edition.page_format), {})[edition.kind] = count
    for (language, page_format), by_kind in counts.items():
        if len(set(by_kind.values())) > 1:
            text = next(e.text for e in editions if e.language == language)
            listed = ", ".join(f"{kind} {count}" for kind, count in by_kind.items())
            problems.error(
                f"the editions in {page_format} have different page counts ({listed})",
                Location(text.name) if text else None,
                hint="The layout gate's other messages for this language say what does not "
                     "fit; fix them and the editions agree again.")


def _image_file(folder: Path, size: tuple[int, int]) -> str:
    """The brochure's raster image of that size in pixels, as the user names it."""
    from PIL import Image, UnidentifiedImageError

    for path in files_inside(folder):
        if path.suffix.lower() in defaults.IMAGE_SUFFIXES - {".svg"}:
            try:
                with Image.open(path) as image:
                    if image.size == size:
                        return path.relative_to(folder).as_posix()
            except (OSError, UnidentifiedImageError):
                continue  # a file the content does not use: checked images are fine
    return "an image"


def up_to_date(edition: Edition, records: BuildRecords) -> Built:
    entry = records.entry(edition.output)
    return Built(edition.language, edition.kind, edition.output, int(entry.get("pages", 0)),
                 edition.output.stat().st_size, 0.0, edition.warnings, up_to_date=True,
                 draft=edition.warnings > 0)


def unchanged_build(records: BuildRecords, state: InputState, out_dir: Path,
                     report: BuildReport) -> bool:
    """The outcome of the last build into ``out_dir``, if none of its inputs and
    none of its PDFs changed since: every edition up to date, the same problems."""
    last = records.last
    if last.get("key") != state.key:
        return False
    built = []
    try:
        for name, warnings, print_ in last["editions"]:
            output = out_dir / name
            entry = records.entry(output)
            if entry.get("fingerprint") != print_ or not records.is_unchanged(output):
                return False
            built.append(Built(entry["language"], entry["kind"], output,
                               int(entry.get("pages", 0)), output.stat().st_size, 0.0,
                               warnings, up_to_date=True, draft=warnings > 0))
        problems = problems_from(last["problems"])
    except (KeyError, TypeError, ValueError, OSError):  # a record edited by hand: build
        return False
    report.problems.extend(problems)
    report.built = built
    with contextlib.suppress(OSError):  # an output was copied: its new stat is kept
        records.save()
    return True


def accepted(editions: list[Edition], stale: list[Edition], outcomes: list[Any],
             records: BuildRecords, problems: Problems) -> list[tuple]:
    """(edition, pdf, seconds, warnings) of each stale edition rendered without
    error; what is wrong in the outcomes and in the page counts (all
    ``editions``) reported."""
    rendered = []
    for edition, outcome in zip(stale, outcomes, strict=True):
        pdf = accept_rendered(edition, outcome, problems)
        if pdf is not None:
            rendered.append((edition, *pdf))
    pages = {e.output: int(records.entry(e.output).get("pages", 0))
             for e in editions if e not in stale}
    pages.update({e.output: pdf.pages for e, pdf, *_ in rendered})
    compare_page_counts(editions, pages, problems)
    return rendered

