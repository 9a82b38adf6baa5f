"""The pipeline: load → validate → localise → render HTML → render PDF → write.

``build`` gathers and checks everything first, renders every edition, and
writes only when every edition rendered cleanly: a failed build leaves the
output folder as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from . import defaults
from .localise import localise
from .problems import Location, Problems, relative_name
from .render_html import render_html
from .validate import Project, load_project


@dataclass
class Edition:
    """One PDF to make: a language of a brochure, as HTML ready to render."""

    language: str
    html: str
    output: Path
    base_dir: Path
    stylesheets: list[Path]
    roots: list[Path]


@dataclass
class Built:
    language: str
    path: Path
    pages: int
    size: int
    seconds: float


@dataclass
class BuildReport:
    built: list[Built] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)


def output_name(edition_id: str, language: str) -> str:
    return f"{edition_id}_{language}.pdf"


def stylesheets_for(project: Project, direction: str) -> list[Path]:
    """Stylesheets named *rtl.css apply only to right-to-left languages."""
    return [p for p in project.stylesheets
            if not p.name.endswith("rtl.css") or direction == "rtl"]


def prepare(folder: Path, languages: list[str] | None, out_dir: Path, strict: bool,
            problems: Problems) -> list[Edition]:
    """Everything up to the HTML of every edition; raises with every problem found."""
    project = load_project(folder, languages, problems)
    roots = [project.folder, *project.template_dirs, defaults.project_styles(),
             *(p.parent for p in project.stylesheets)]
    editions = []
    for language in project.languages:
        context = localise(project, language, problems)
        typography = project.typography[language]
        html = render_html(project.edition.template, project.template_dirs, context,
                           typography.keep_words_whole, problems)
        if html is not None:
            editions.append(Edition(
                language=language, html=html,
                output=out_dir / output_name(project.edition.id, language),
                base_dir=project.folder,
                stylesheets=stylesheets_for(project, typography.direction),
                roots=roots))
    problems.raise_if_errors(strict)
    return editions


def check(folder: Path = defaults.CONTENT_DIR, languages: list[str] | None = None,
          strict: bool = False) -> Problems:
    """Validate everything a build needs, up to the HTML; render no PDF."""
    problems = Problems()
    prepare(Path(folder), languages, Path(defaults.OUTPUT_DIR), strict, problems)
    return problems


def build(folder: Path = defaults.CONTENT_DIR, languages: list[str] | None = None,
          out_dir: Path = defaults.OUTPUT_DIR, strict: bool = False,
          jobs: int | None = None,
          on_done: Callable[[Built], None] | None = None) -> BuildReport:
    """Build the PDF of every language; raise ``BrochureError`` if anything is wrong."""
    report = BuildReport()
    editions = prepare(Path(folder), languages, Path(out_dir), strict, report.problems)
    from .render_pdf import RefusedResource  # the renderer loads only when needed

    rendered = []
    for edition, outcome in zip(editions, _render_all(editions, jobs), strict=True):
        where = Location(relative_name(edition.output))
        if isinstance(outcome, RefusedResource):
            report.problems.error(f"refused to read a file: {outcome}", where,
                                  hint="Use only files inside the content folder.")
            continue
        pdf, seconds = outcome
        for message in pdf.missing_glyphs:
            report.problems.error(f"a character has no glyph in the fonts ({message})",
                                  where, hint="Use a font that covers it, or remove it.")
        for message in pdf.warnings:
            report.problems.warning(f"renderer: {message}", where)
        rendered.append((edition, pdf, seconds))
    report.problems.raise_if_errors(strict)

    from .write import write_atomically

    for edition, pdf, seconds in rendered:
        write_atomically(edition.output, pdf.data)
        built = Built(edition.language, edition.output, pdf.pages, len(pdf.data), seconds)
        report.built.append(built)
        if on_done:
            on_done(built)
    return report


# --- rendering, in this process or in a pool of workers -------------------------

_renderer = None


def _render_one(edition: Edition):
    """Render in the current process with its one Renderer (fonts, parsed CSS)."""
    global _renderer
    from .render_pdf import RefusedResource, Renderer

    if _renderer is None:
        _renderer = Renderer()
    started = time.perf_counter()
    try:
        pdf = _renderer.render(edition.html, edition.base_dir, edition.stylesheets,
                               edition.roots)
    except RefusedResource as exc:
        return exc
    return pdf, time.perf_counter() - started


def _render_all(editions: list[Edition], jobs: int | None) -> list:
    jobs = min(jobs or defaults.default_jobs(), len(editions))
    if jobs <= 1:
        return [_render_one(edition) for edition in editions]
    # Import the renderer before forking, so every worker starts with it loaded.
    from . import render_pdf  # noqa: F401

    with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
        return list(pool.map(_render_one, editions))
