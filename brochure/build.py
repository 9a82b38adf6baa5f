"""The pipeline: load → validate → localise → render HTML → render PDF → write.

``build`` gathers and checks everything first (every language, every file,
every glyph), renders the editions whose inputs changed, and writes only when
every edition rendered cleanly: a failed build leaves the output folder as it
was.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brochure import __version__, defaults
from brochure.output.records import BuildRecords, FileDigests, digest
from brochure.problems import Problems
from brochure.state import input_state, problems_data

# The stages are imported when first used: a build or check in which nothing
# changed needs none of them (see state.py).
if TYPE_CHECKING:
    from collections.abc import Callable

    from brochure.content.validate import Project
    from brochure.output.write import Staging
    from brochure.render.editions import EditionKind
    from brochure.render.rendered import RenderedPdf
    from brochure.translation.translations import LanguageStatus

from brochure.accept import (
    accepted,
    check_output_folder,
    impose_all,
    unchanged_build,
    up_to_date,
    verify_with_verapdf,
)
from brochure.plan import BuildReport, Built, Edition, Progress
from brochure.render_pool import Rendering


def own_format(project: Project) -> str:
    """The brochure's own page format: its PDFs are named without it."""
    return (project.edition.formats or [project.edition.page_size])[0]


def output_path(project: Project, out_dir: Path, language: str, kind: str,
                page_format: str) -> Path:
    """Where the build writes an edition (and where proof and preview find it)."""
    named = page_format if page_format != own_format(project) else None
    return Path(out_dir) / defaults.output_name(project.edition.id, language, kind, named)


def stylesheets_for(project: Project, direction: str, page_format: str,
                    delegation: bool = False) -> list[Path]:
    """Stylesheets named *rtl.css apply only to right-to-left languages, those
    named format-<format>.css (format-A5.css) only to that page format, and
    those named delegation*.css only to a delegation's own pages: the
    renderer matches every rule of a document's stylesheets to its elements."""
    own = defaults.format_stylesheet(page_format)
    return [p for p in project.stylesheets
            if (not p.name.endswith("rtl.css") or direction == "rtl")
            and (not p.name.startswith(defaults.FORMAT_STYLESHEET_PREFIX) or p.name == own)
            and (not p.name.startswith(defaults.DELEGATION_STYLESHEET_PREFIX) or delegation)]


def prepare(folder: Path, languages: list[str] | None, out_dir: Path, strict: bool,
            problems: Problems, kinds: list[str] | None = None,
            final: bool = False, formats: list[str] | None = None,
            digests: FileDigests | None = None,
            ready: Callable[[list[Edition]], None] | None = None,
            project: Project | None = None) -> list[Edition]:
    """Everything up to the HTML of every edition; raises with every problem found.

    A language with missing or out-of-date translations is built as a draft,
    marked on every page; a ``final`` build refuses it instead. ``digests``
    knows the digests of files hashed before. ``ready`` is given each
    language's editions as soon as they are made and found without error
    (the languages whose script costs most first), so that they can render
    while the next language is prepared. ``project``: the brochure as
    ``load_project`` loaded it already, for ``languages``.
    """
    from brochure.content.localise import localise
    from brochure.content.validate import load_project
    from brochure.render.editions import kind_named
    from brochure.render.fonts import check_edition_fonts
    from brochure.render.glyphs import check_glyphs
    from brochure.translation.checks import check_translations
    from brochure.translation.translations import project_status

    project = project or load_project(folder, languages, problems)
    check_edition_fonts(project.edition, project.edition_source, problems)
    problems.raise_if_errors()
    kinds = kinds or list(project.edition.editions)
    formats = formats or list(project.edition.formats) or [own_format(project)]
    _check_print_profile(project, kinds, problems)
    _check_leaflet(project, formats, problems)
    shared_inputs = brochure_inputs(project, digests)
    statuses = project_status(project, problems)
    editions: list[Edition] = []
    for language in sorted(project.languages, key=lambda code: _cost_rank(project, code)):
        found = Problems()
        typography = project.typography[language]
        context = localise(project, language, found)
        if language in statuses:
            _report_stale(project, statuses[language], found)
            check_translations(project, statuses[language], found)
        context["draft"] = len(found.warnings)
        if final and found.warnings:
            found = _refused_as_draft(found)
        language_editions = []
        for page_format in formats:
            made = []
            for kind_name in kinds:
                kind = kind_named(kind_name, project.edition.print.variant)
                edition = make_edition(project, language, kind, page_format, context, out_dir,
                                   shared_inputs, found)
                if edition is not None:
                    edition.warnings = len(found.warnings)
                    made.append(edition)
            _derive_from_one_layout(project, made, context, shared_inputs)
            language_editions.extend(made)
        if language_editions:
            sources = [project.texts[language], project.texts[project.edition.master],
                       project.edition_source]
            check_glyphs(language_editions[-1].html, typography, sources, found)
        if ready is not None and not found.errors and not problems.errors:
            ready(language_editions)
        editions.extend(language_editions)
        problems.extend(found)
    problems.raise_if_errors(strict)
    order = {code: index for index, code in enumerate(project.languages)}
    return sorted(editions, key=lambda edition: order[edition.language])  # the brochure's order


def _cost_rank(project: Project, language: str) -> int:
    """Han and Hangul text costs about twice as much to lay out (plan.Edition.expected_cost)."""
    return 0 if project.typography[language].script in ("Kore", "Jpan", "Hans", "Hant") else 1


def make_edition(project: Project, language: str, kind: EditionKind, page_format: str,
             context: dict[str, Any], out_dir: Path,
             shared_inputs: dict[str, Any], problems: Problems) -> Edition | None:
    """One language in one edition kind and page format, or None when its
    template fails."""
    from brochure.content.localise import leaflet_sections
    from brochure.output.records import stat_digests
    from brochure.render import fonts
    from brochure.render.editions import ink_colour, palette_css, print_css, qr_code
    from brochure.render.render_html import render_html

    typography = project.typography[language]
    settings = project.edition.print
    website = project.edition.metadata.website
    ink = ink_colour(project.palette, kind.cmyk)
    kind_context = {**context, "edition_kind": kind.name, "page_format": page_format,
                    "page_size": page_format,
                    "qr_code": qr_code(website, ink, border=0) if website else None}
    template = project.edition.template
    if page_format == "leaflet" and project.edition.leaflet:
        template = project.edition.leaflet.template
        kind_context["sections"] = leaflet_sections(
            context["sections"], project.edition.leaflet.sections, typography.digits)
    html = render_html(template, project.template_dirs, kind_context,
                       typography.keep_words_whole, problems,
                       script=typography.script, direction=typography.direction)
    if html is None:
        return None
    generated = [palette_css(project.palette, kind.cmyk)]
    profile = project.print_profile if kind.cmyk else None
    if profile is not None:
        generated.append(print_css(profile, settings.bleed_mm))
    roots = [project.folder, *project.template_dirs, defaults.project_styles(),
             *(p.parent for p in project.stylesheets), *([profile] if profile else [])]
    families = typography.all_font_families()
    options = kind.render_options()
    return Edition(
        language=language, kind=kind.name, page_format=page_format, html=html,
        output=output_path(project, out_dir, language, kind.name, page_format),
        base_dir=project.folder,
        stylesheets=[*generated, *stylesheets_for(project, typography.direction, page_format)],
        roots=roots, options=options,
        inputs={**shared_inputs, "html": digest(html.encode()), "css": generated,
                "options": options, "fonts": stat_digests(fonts.font_files(families)),
                "profile": digest(profile.read_bytes()) if profile else None},
        cmyk_profile=profile, bleed_mm=settings.bleed_mm if profile else 0.0,
        direction=typography.direction, script=typography.script,
        text=project.texts[language])


def _derive_from_one_layout(project: Project, made: list[Edition], context: dict[str, Any],
                            shared_inputs: dict[str, Any]) -> None:
    """A language's screen and print editions in one format, derived from one
    layout (made of its screen edition, built or not)."""
    from brochure.plan import share_layout
    from brochure.render.editions import SCREEN, derives_from_layout, inks

    derived = [e for e in made if derives_from_layout(e.kind, e.options["pdf_variant"])]
    if not derived:
        return
    first = derived[0]
    screen = next((e for e in derived if e.kind == "screen"), None) or make_edition(
        project, first.language, SCREEN, first.page_format, context, first.output.parent,
        shared_inputs, Problems())
    if screen is not None:
        share_layout(screen, derived, project.edition.print.bleed_mm, inks(project.palette))


def _report_stale(project: Project, status: LanguageStatus, found: Problems) -> None:
    source = project.texts[status.language]
    for field_id in status.copied:
        found.warning(
            f"the same as the {project.edition.master} text: not translated yet",
            source.where(tuple(field_id.split("."))), field=field_id,
            hint="Translate it; if it is right as it is (a name), run 'brochure status "
                 f"--accept {status.language}' after checking the whole language.")
    for field_id in status.stale:
        path = tuple(field_id.split("."))
        found.warning(
            f"translated from an older {project.edition.master} text, which has changed since",
            source.where(path), field=field_id,
            hint="Update the translation, then run 'brochure status --accept "
                 f"{status.language}' (or import it from the translator's file).")


def _refused_as_draft(found: Problems) -> Problems:
    """A final build: missing and out-of-date translations are errors."""
    final = Problems()
    for problem in found:
        if problem.severity == "warning":
            final.error(problem.message, problem.location, field=problem.field,
                        hint="A final build needs every text translated and up to date.")
        else:
            final.items.append(problem)
    return final


def _check_leaflet(project: Project, formats: list[str], problems: Problems) -> None:
    if "leaflet" in formats and project.edition.leaflet is None:
        problems.error(
            "a leaflet needs to know which sections it shows",
            project.edition_source.where(("formats",)),
            hint="Add 'leaflet: {sections: [id, id, id]}' to the edition file.")


def _check_print_profile(project: Project, kinds: list[str], problems: Problems) -> None:
    if "print" in kinds and not project.print_profile.is_file():
        problems.error(
            f"the print profile {project.print_profile} is not installed",
            project.edition_source.where(("print",)),
            hint="Install Debian's libgs-common package (scripts/setup.sh does), or set "
                 "print.profile to your print shop's .icc file.")


def brochure_inputs(project: Project, digests: FileDigests | None = None) -> dict[str, Any]:
    """What every edition of a brochure depends on, besides its own HTML;
    ``digests`` knows the digests of files hashed before."""
    from importlib.metadata import version

    from brochure.output.records import file_digests

    return {
        "brochure": __version__,
        "weasyprint": version("weasyprint"),
        # Text files reach an edition through its HTML; everything else counts.
        # Delegation files reach only their own editions, through their HTML.
        "content": file_digests(project.folder, (f"{defaults.TEXT_DIR}/",
                                                 f"{defaults.DELEGATIONS_DIR}/"), digests),
        "templates": file_digests(defaults.project_templates(), (), digests),
        "styles": file_digests(defaults.project_styles(), (), digests),
    }


def build(folder: Path = defaults.CONTENT_DIR, languages: list[str] | None = None,
          out_dir: Path = defaults.OUTPUT_DIR, strict: bool = False,
          jobs: int | None = None, force: bool = False,
          progress: Progress | None = None, kinds: list[str] | None = None,
          impose: str | None = None, final: bool = False,
          formats: list[str] | None = None, verify: bool = False,
          scheduler: str | None = None) -> BuildReport:
    """Build the PDF of every language; raise ``BrochureError`` if anything is wrong.

    An edition whose inputs have not changed since it was written is not
    rendered again (unless ``force``); when no input of the whole build has
    changed since the last one into ``out_dir``, with the same options, nothing
    is loaded either (see state.py). With ``impose="saddle-stitch"``, each PDF
    also gets its printer's sheets, ``<name>_sheets.pdf``, beside it. With
    ``verify``, veraPDF judges every screen and archive edition it renders.
    With ``scheduler``, the editions render on that Dask cluster.
    """
    report = BuildReport()
    out_dir = Path(out_dir)
    records = BuildRecords(out_dir)
    state = None
    if not force and impose is None:  # the printer's sheets are made anew each time
        state = input_state(Path(folder), {
            "command": "build", "languages": languages, "kinds": kinds, "final": final,
            "formats": formats, "out": str(out_dir)})
        if unchanged_build(records, state, out_dir, report):
            report.problems.raise_if_errors(strict)
            return report
    from brochure.output.write import Staging

    with Staging() as staging:  # nothing is put in place unless the whole build is accepted
        with Rendering(jobs, scheduler) as rendering:
            if not records.entries:  # nothing built here yet: every edition will render
                rendering.start()

            def render_if_stale(made: list[Edition]) -> None:
                rendering.add([e for e in made
                               if force or not records.is_up_to_date(e.output, e.fingerprint)])

            editions = prepare(Path(folder), languages, out_dir, strict, report.problems, kinds,
                               final, formats, records.digests, ready=render_if_stale)
            prepared = Problems(list(report.problems))
            stale = rendering.editions
            check_output_folder(out_dir, stale, report.problems)

            digests: dict[Path, str] = {}

            def stage(edition: Edition, pdf: RenderedPdf) -> None:
                if not report.problems.errors:  # the disk works while the workers render
                    staging.stage(edition.output, pdf.data)
                    digests[edition.output] = digest(pdf.data)  # for the records, now

            outcomes = rendering.finish(progress, arrived=stage)
        rendered = accepted(editions, stale, outcomes, records, report.problems)
        report.problems.raise_if_errors(strict)
        if verify:
            verify_with_verapdf(rendered, report.problems)
        sheets = impose_all(editions, rendered, report.problems) \
            if impose == "saddle-stitch" else {}
        report.problems.raise_if_errors(strict)
        written = _put_in_place(rendered, records, staging, digests)
        for edition in editions:
            built = written.get(edition.output) or up_to_date(edition, records)
            if edition.output in sheets:
                built.sheets, data = sheets[edition.output]
                staging.place(built.sheets, data)
            report.built.append(built)
    if state is not None and state.settled:
        records.remember_last({
            "key": state.key, "problems": problems_data(prepared),
            "editions": [[e.output.name, e.warnings, records.entry(e.output).get("fingerprint")]
                         for e in editions]})
    if rendered:
        records.save()
    else:
        with contextlib.suppress(OSError):  # a no-op also works in a folder it cannot write
            records.save()
    return report


def _put_in_place(rendered: list[tuple], records: BuildRecords, staging: Staging,
                  digests: dict[Path, str]) -> dict[Path, Built]:
    """Each accepted PDF at its place, and in the records (with its digest,
    when it was taken as the PDF arrived)."""
    written = {}
    for edition, pdf, seconds, warnings in rendered:
        staging.place(edition.output, pdf.data)
        summary = {"language": edition.language, "kind": edition.kind, "pages": pdf.pages}
        records.record(edition.output, edition.fingerprint, pdf.data, summary, edition.inputs,
                       digests.get(edition.output))
        written[edition.output] = Built(
            edition.language, edition.kind, edition.output, pdf.pages, len(pdf.data),
            seconds, edition.warnings + warnings, draft=edition.warnings > 0)
    return written
