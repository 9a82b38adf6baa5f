"""A ``PdfReport`` written as plain text, for ``brochure inspect``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from brochure.pdf.pdf_report import Box, PdfReport

# --- Writing the report --------------------------------------------------------


def page_ranges(pages: Iterable[int]) -> str:
    """1, 2, 3, 5 → '1–3, 5'."""
    numbers = sorted(set(pages))
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def pages_text(pages: Iterable[int]) -> str:
    pages = list(pages)
    return ("page " if len(pages) == 1 else "pages ") + page_ranges(pages)


def box_size(box: Box) -> str:
    return f"{box.width:.1f} × {box.height:.1f} mm"


def beyond(outer: Box, inner: Box) -> str:
    margins = outer.margins_to(inner)
    if len({round(v, 1) for v in margins.values()}) == 1:
        return f"{margins['left']:.1f} mm each side"
    return ", ".join(f"{side} {value:.1f}" for side, value in margins.items()) + " mm"


def _file_size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1048576:.1f} MB"


def format_report(report: PdfReport) -> str:
    """The report as plain text, one section per concern."""
    sections = [
        f"{report.path}: {report.page_count} page{'s' if report.page_count != 1 else ''}, "
        f"{_file_size(report.file_size)}",
        _section("Pages and boxes", _boxes_lines(report)),
        _section("Variant and output intent", _variant_lines(report)),
        _section("Colour", _colour_lines(report)),
        _section("Images", _image_lines(report)),
        _section("Fonts", _font_lines(report)),
        _section("Accessibility", _accessibility_lines(report)),
        _section("Metadata", _metadata_lines(report)),
    ]
    return "\n\n".join(sections)


def _section(title: str, lines: Iterable[str]) -> str:
    return "\n".join([title, *(f"  {line}" for line in lines)])


def _boxes_lines(report: PdfReport) -> Iterator[str]:
    for group in report.boxes:
        parts = [f"MediaBox {box_size(group.media)}"]
        if group.trim is None:
            parts.append("no TrimBox")
        else:
            parts.append(f"TrimBox {box_size(group.trim)}")
        if group.bleed is None:
            parts.append("no BleedBox")
        elif group.trim is not None:
            parts.append(f"BleedBox {beyond(group.bleed, group.trim)} beyond the trim")
        else:
            parts.append(f"BleedBox {box_size(group.bleed)}")
        yield f"{pages_text(group.pages)}: " + "; ".join(parts)


def _variant_lines(report: PdfReport) -> Iterator[str]:
    variant = report.variant
    claims = [c for c in (variant.pdfx, variant.pdfa, variant.pdfua) if c]
    yield "claims: " + (", ".join(claims) if claims else "no PDF/A, PDF/X or PDF/UA (a plain PDF)")
    if not report.output_intents:
        yield "output intent: none"
    for intent in report.output_intents:
        profile = intent.profile or "unnamed profile"
        space = intent.colour_space or "unknown colour space"
        condition = f", condition '{intent.condition}'" if intent.condition else ""
        yield (f"output intent {intent.subtype}: {profile} ({space}, "
               f"{intent.components or '?'} components){condition}")


def _colour_lines(report: PdfReport) -> Iterator[str]:
    if not report.colours and not report.images:
        yield "nothing painted"
    for used_for in ("text", "vector", "blending"):
        uses = [u for u in report.colours if u.used_for == used_for]
        if uses:
            label = {"blending": "transparency blending"}.get(used_for, used_for)
            yield f"{label}: " + "; ".join(
                f"{u.space.name} ({u.space.family}) on {pages_text(u.pages)}" for u in uses)
    spaces = sorted({i.colour_space.name for i in report.images if i.colour_space})
    if spaces:
        yield "images: " + ", ".join(spaces)


def _image_lines(report: PdfReport) -> Iterator[str]:
    if not report.images:
        yield "none (no raster images: drawings, if any, are vector)"
    for image in report.images:
        space = image.colour_space.name if image.colour_space else "stencil mask"
        details = [f"{image.width} × {image.height} px", space]
        if image.bits:
            details.append(f"{image.bits}-bit")
        details.append(", ".join(image.filters) or "uncompressed")
        if image.has_soft_mask:
            details.append("with transparency")
        where = pages_text(image.pages)
        if image.ppi is not None:
            details.append(f"{image.ppi:.0f} ppi at its smallest (page {image.page})")
        yield f"{image.name} on {where}: " + ", ".join(details)


def _font_lines(report: PdfReport) -> Iterator[str]:
    if not report.fonts:
        yield "none (no text)"
    for font in sorted(report.fonts, key=lambda f: f.name):
        state = "embedded" if font.embedded else "NOT embedded"
        if font.subset:
            state += ", subset"
        yield f"{font.name} ({font.kind}): {state}, {pages_text(font.pages)}"


def _accessibility_lines(report: PdfReport) -> Iterator[str]:
    a = report.accessibility
    if a.tagged:
        yield f"tagged: yes, {a.elements} structure elements"
    else:
        missing = [what for what, has in (("no /MarkInfo /Marked true", a.marked),
                                          ("no structure tree", a.has_structure)) if not has]
        yield "tagged: no (" + ", ".join(missing) + ")"
    if a.figures:
        yield f"figures: {a.figures}, {a.figures_without_alt} without alternative text"
    yield f"language: {a.language or 'none'}"
    yield f"viewers show the title, not the file name: {'yes' if a.display_title else 'no'}"


def _metadata_lines(report: PdfReport) -> Iterator[str]:
    m = report.metadata
    yield f"title: {m.info_title or 'none'}"
    if m.xmp_title != m.info_title:
        yield f"title in XMP: {m.xmp_title or 'none'}"
    if m.producer:
        yield f"producer: {m.producer}"
    yield f"links: {m.links}" + (", to these addresses:" if m.uris else "")
    yield from (f"  {uri}" for uri in m.uris)
    yield f"file size: {_file_size(report.file_size)}"
