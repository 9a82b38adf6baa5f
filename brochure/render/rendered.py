"""What the renderer hands back for one document. Apart from render_pdf, so
that the process that receives it from a worker need not load the renderer."""

from __future__ import annotations

from dataclasses import dataclass, field

from brochure.render.layout import Finding


@dataclass
class RenderedPdf:
    data: bytes
    pages: int
    warnings: list[str]
    missing_glyphs: list[str]
    findings: list = field(default_factory=list)  # preflight findings (build.py)
    layout: list[Finding] = field(default_factory=list)  # what does not fit (layout.py)
    folds: list[list[float]] = field(default_factory=list)  # per page, mm from the left
    originals: dict[str, bytes] = field(default_factory=dict)  # ConfinedFetcher.originals
    blank_pages: int = 0  # empty pages added to fill whole sheets (render_task._on_sheets)
