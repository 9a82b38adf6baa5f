"""Personalised editions: the brochure for each visiting delegation, as a batch.

For every delegation file and each of its languages, the delegation's own
pages (``templates/delegation.html``) are rendered as a document of their
own, in the brochure's head, and joined with the brochure's pages, which are
rendered once for every delegation of a language, edition kind and format
(``parts.py``, ``pdf/join.py``). The delegation's pages are front matter
(i, ii, iii …), the brochure keeps the numbers printed on it (1, 2, 3 …), and
the PDF's page labels say so. The editions go through ``build``'s editions,
renderer pool, checks (layout gate, glyphs, preflight of the joined file
against each kind's claims) and build records, so an unchanged delegation is
not rendered again. As in ``build``: everything is checked and rendered before
anything is written, and a problem anywhere writes nothing.

Written: ``OUT/delegations/<id>/`` with the PDFs and ``manifest.json``, and
``OUT/delegations/<id>.zip`` holding the same, ready to attach to an e-mail;
the brochure's pages in ``OUT/.delegation-parts/``.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from brochure import defaults
from brochure.accept import accept_rendered, check_output_folder, compare_page_counts, up_to_date
from brochure.build import brochure_inputs, make_edition
from brochure.content.delegations import DELEGATIONS_DIR, Delegation, PageWords, load_delegations
from brochure.content.localise import localise
from brochure.content.validate import Project, load_project
from brochure.delegations.bilingual import bilingual_edition, language_code
from brochure.delegations.parts import (
    Joined,
    attach,
    delegation_edition,
    parts_folder,
    rendered_parts,
    share_layouts,
    write_parts,
)
from brochure.delegations.personalise import delegation_context, render_pages, text_in
from brochure.output.records import BuildRecords
from brochure.plan import Built, Edition, Progress
from brochure.problems import Problems
from brochure.render.editions import inks, kind_named
from brochure.render.glyphs import check_glyphs
from brochure.render_pool import render_all

TEMPLATE = "delegation.html"
MANIFEST = "manifest.json"
# Zip entries carry a date; a fixed one keeps the archive byte-identical
# from build to build, like the PDFs.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


DelegationProgress = Callable[[str, int, int], None]  # a delegation done, how many, of how many


@dataclass
class Plan:
    """One delegation's editions, ready to render."""

    delegation: Delegation
    name: str            # as printed in its first language
    editions: list[Edition]
    parts: dict[Path, list[Joined]] = field(default_factory=dict)  # each edition's brochure

    @property
    def folder(self) -> Path:
        return self.editions[0].output.parent

    @property
    def archive(self) -> Path:
        return self.folder.with_suffix(".zip")


@dataclass
class DelegationBuilt:
    delegation: str
    name: str
    folder: Path
    archive: Path
    files: list[Built]

    @property
    def up_to_date(self) -> bool:
        return all(f.up_to_date for f in self.files)


@dataclass
class DelegationReport:
    delegations: list[DelegationBuilt] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)


def plan_delegations(folder: Path, only: list[str] | None, kinds: list[str] | None,
                     out_dir: Path, strict: bool, problems: Problems,
                     project: Project | None = None) -> list[Plan]:
    """Everything up to the HTML of every delegation's editions and of the
    brochure parts they join; raises with every problem found (in the
    brochure, the delegation files, the glyphs). ``project``: the brochure,
    every language of it, as ``load_project`` loaded it already."""
    project = project or load_project(folder, None, problems)
    delegations, words = load_delegations(folder, project.languages, problems, only)
    problems.raise_if_errors(strict)
    kinds = kinds or list(project.edition.editions)
    page_format = (project.edition.formats or [project.edition.page_size])[0]
    shared_inputs = brochure_inputs(project)
    parts: dict[tuple[str, str], Joined | None] = {}  # the brochure's pages in each kind
    ink_of = inks(project.palette)
    bleed_mm = project.edition.print.bleed_mm

    def part(language: str, kind_name: str, found: Problems) -> Joined | None:
        if (language, kind_name) not in parts:  # every kind of a language at once
            context = localise(project, language, found)
            context["draft"] = len(found.warnings)
            made = {}
            for name in kinds:
                kind = kind_named(name, project.edition.print.variant)
                made[name] = make_edition(project, language, kind, page_format, context,
                                          parts_folder(out_dir), shared_inputs, found)
            share_layouts([e for e in made.values() if e is not None], bleed_mm, ink_of)
            checked = next((e for e in made.values() if e is not None), None)
            if checked is not None:
                check_glyphs(checked.html, project.typography[language],
                             [project.texts[language], project.edition_source], found)
            parts.update({(language, name): None if e is None else Joined(
                e, project.typography[language], context) for name, e in made.items()})
        return parts[(language, kind_name)]

    plans = []
    for delegation in delegations:
        found = Problems()
        plan = Plan(delegation, text_in(delegation.model.name, delegation.languages[0]), [])
        for kind_name in kinds:
            own = [part(language, kind_name, found) for language in delegation.languages]
            if None in own:
                continue
            for joined in (j for j in own if j is not None):
                _add(plan, _personal_edition(project, delegation, words[joined.part.language],
                                             joined, out_dir, found), [joined])
            if len(own) == 2 and not found.errors:
                first, second = (j for j in own if j is not None)
                both = [first, replace(second, prefix=f"{second.part.language}-")]
                _add(plan, bilingual_edition(project, delegation, words, both, out_dir,
                                             found), both)
        problems.extend(found)
        share_layouts(plan.editions, bleed_mm, ink_of)
        if plan.editions:
            order = [*delegation.languages, language_code(delegation.languages)]
            plan.editions.sort(key=lambda e: (order.index(e.language), kinds.index(e.kind)))
            plans.append(plan)
    problems.raise_if_errors(strict)
    return plans


def _add(plan: Plan, edition: Edition | None, parts: list[Joined]) -> None:
    if edition is not None:
        plan.editions.append(edition)
        plan.parts[edition.output] = parts


def _personal_edition(project: Project, delegation: Delegation, words: PageWords,
                      joined: Joined, out_dir: Path, problems: Problems) -> Edition | None:
    """The delegation's pages in one language, to go before the brochure's
    edition in that language; None when a template fails."""
    part = joined.part
    typography = project.typography[part.language]
    kind = kind_named(part.kind, project.edition.print.variant)
    personal = delegation_context(delegation, words, typography)
    pages = render_pages(project, TEMPLATE, {**joined.context, "delegation": personal},
                         personal["link"], kind, part.page_format, typography.keep_words_whole,
                         problems)
    if pages is None:
        return None
    check_glyphs(pages, typography, [delegation.source], problems)
    folder = out_dir / DELEGATIONS_DIR / delegation.id
    edition = delegation_edition(
        project, [joined], pages, f"{words.visit}: {personal['name']}",
        folder / f"{delegation.id}_{part.kind}_{part.language}.pdf")
    edition.text = delegation.source  # what does not fit is most likely its text
    return edition


def build_delegations(folder: Path = defaults.CONTENT_DIR, only: list[str] | None = None,
                      kinds: list[str] | None = None, out_dir: Path = defaults.OUTPUT_DIR,
                      jobs: int | None = None, force: bool = False, strict: bool = False,
                      progress: DelegationProgress | None = None,
                      scheduler: str | None = None) -> DelegationReport:
    """Every delegation's personalised editions; raise ``BrochureError`` if
    anything is wrong, before anything is written. ``progress`` is told each
    delegation whose editions are all rendered, and how many of how many.
    ``scheduler``: render on that Dask cluster instead of this machine."""
    report = DelegationReport()
    out_dir = Path(out_dir)
    plans = plan_delegations(Path(folder), only, kinds, out_dir, strict, report.problems)
    records = BuildRecords(out_dir / DELEGATIONS_DIR)
    editions = [e for plan in plans for e in plan.editions]
    stale = [e for e in editions
             if force or not records.is_up_to_date(e.output, e.fingerprint)]
    check_output_folder(out_dir, stale, report.problems)
    joins = {e.output: joined for plan in plans for e in plan.editions
             for joined in [plan.parts[e.output]] if e in stale}
    needed = {j.part.output: j.part for parts in joins.values() for j in parts}
    brochure, new_parts = rendered_parts(list(needed.values()), out_dir, jobs, force,
                                         report.problems, scheduler)
    report.problems.raise_if_errors(strict)
    for edition in stale:
        attach(edition, joins[edition.output], brochure)
    rendered: dict[Path, tuple[Edition, Any, float, int]] = {}
    counted = _counting_delegations(plans, stale, progress) if progress else None
    for edition, outcome in zip(stale, render_all(stale, jobs, counted, scheduler), strict=True):
        accepted = accept_rendered(edition, outcome, report.problems)
        if accepted is not None:
            rendered[edition.output] = (edition, *accepted)
    for plan in plans:  # the pages laid out: a print edition's blank pages left aside
        pages = {e.output: int(records.entry(e.output).get("pages", 0))
                 - int(records.entry(e.output).get("blank_pages", 0)) for e in plan.editions}
        pages.update({path: r[1].pages - r[1].blank_pages for path, r in rendered.items()
                      if path in pages})
        compare_page_counts(plan.editions, pages, report.problems)
    report.problems.raise_if_errors(strict)
    write_parts(new_parts, out_dir)
    report.delegations = [_write(plan, rendered, records) for plan in plans]
    if rendered:
        records.save()
    return report


def _counting_delegations(plans: list[Plan], stale: list[Edition],
                          progress: DelegationProgress) -> Progress:
    """The renderer counts editions; a batch is counted in delegations: one is
    done when the last of its editions to render is."""
    rendered = {e.output for e in stale}
    waiting = {plan.delegation.id: {e.output for e in plan.editions} & rendered
               for plan in plans}
    waiting = {name: outputs for name, outputs in waiting.items() if outputs}
    total, finished = len(waiting), 0

    def edition_done(built: Built, done: int, of: int) -> None:
        nonlocal finished
        for name, outputs in waiting.items():
            if built.path in outputs:
                outputs.discard(built.path)
                if not outputs:
                    finished += 1
                    progress(name, finished, total)

    return edition_done


def _write(plan: Plan, rendered: dict[Path, tuple[Edition, Any, float, int]],
           records: BuildRecords) -> DelegationBuilt:
    """A delegation's new PDFs, then its manifest and zip when anything changed."""
    from brochure.output.write import write_atomically

    files = []
    for edition in plan.editions:
        if edition.output not in rendered:
            files.append(up_to_date(edition, records))
            continue
        _, pdf, seconds, warnings = rendered[edition.output]
        write_atomically(edition.output, pdf.data)
        records.record(edition.output, edition.fingerprint, pdf.data,
                       {"language": edition.language, "kind": edition.kind,
                        "pages": pdf.pages, "blank_pages": pdf.blank_pages}, edition.inputs)
        files.append(Built(edition.language, edition.kind, edition.output, pdf.pages,
                           len(pdf.data), seconds, edition.warnings + warnings))
    manifest = json.dumps(manifest_of(plan, records), indent=2, ensure_ascii=False) + "\n"
    manifest_path = plan.folder / MANIFEST
    changed = not manifest_path.is_file() or manifest_path.read_text("utf-8") != manifest
    if changed or not plan.archive.is_file():
        write_atomically(manifest_path, manifest.encode())
        written = {path: r[1].data for path, r in rendered.items()}
        write_atomically(plan.archive, _zipped(plan, manifest.encode(), written))
    return DelegationBuilt(plan.delegation.id, plan.name, plan.folder, plan.archive, files)


def manifest_of(plan: Plan, records: BuildRecords) -> dict[str, Any]:
    """What the folder holds: the delegation, its name, and each PDF with its
    language, edition, pages and SHA-256 (as recorded when it was written)."""
    return {
        "delegation": plan.delegation.id,
        "name": plan.name,
        "files": [{"path": e.output.name, "language": e.language, "edition": e.kind,
                   "pages": records.entry(e.output)["pages"],
                   "sha256": records.entry(e.output)["sha256"]} for e in plan.editions],
    }


def _zipped(plan: Plan, manifest: bytes, written: dict[Path, bytes]) -> bytes:
    """The folder as a zip, entries under the delegation's id, byte-identical
    for the same files. The PDFs are stored as they are (their streams are
    compressed already: deflating them again took seconds to save 7 %), the
    manifest deflated; ``written``: the PDFs just written, not read back."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entries = [(e.output.name, written.get(e.output) or e.output.read_bytes(),
                    zipfile.ZIP_STORED) for e in plan.editions]
        for name, data, method in [*entries, (MANIFEST, manifest, zipfile.ZIP_DEFLATED)]:
            info = zipfile.ZipInfo(f"{plan.delegation.id}/{name}", date_time=_ZIP_DATE)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
