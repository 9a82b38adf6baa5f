"""Preflight: judge a PDF's report against the use it claims to be made for.

A screen edition must be tagged (PDF/UA) with a language, a title and alt
text; a print edition must be PDF/X with a CMYK output intent, CMYK only,
bleed on every side and sharp images; an archive edition must be PDF/A with
an output intent. Every use needs its fonts embedded. The build runs these
checks on every edition it writes; ``brochure inspect --as KIND`` shows them,
with ``validator_findings``: veraPDF's verdict (PDF/UA-1 for screen, PDF/A-2b
for archive) where veraPDF is installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from brochure.defaults import BLEED_MM, EDITION_KINDS, GOOD_PPI, MIN_PPI
from brochure.pdf.pdf_report import Box, ImageInfo, PdfReport
from brochure.pdf.report_text import beyond, pages_text

# The parts of the report (``pdf_report.PARTS``) each kind's checks read; a build
# reads only those of the edition it checks. Every kind reads the fonts and the
# variant (where a damaged XMP packet is reported).
NEEDS = {"screen": frozenset({"accessibility", "metadata", "fonts", "variant"}),
         "print": frozenset({"variant", "transparency", "intents", "colours", "boxes",
                             "fonts"}),
         "archive": frozenset({"variant", "intents", "fonts"})}

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One thing that stands between the file and the use it is checked for."""

    severity: Severity
    message: str
    # For an image whose resolution is too low: its size in pixels, so that a
    # build can name the file it came from. Such an error is a warning in a
    # build that is not strict (the print shop can still print it, softly).
    low_resolution: tuple[int, int] | None = None

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"

def check_claims(report: PdfReport, kind: str, *, bleed_mm: float = BLEED_MM,
                 variant: str | None = None, good_ppi: float = GOOD_PPI,
                 min_ppi: float = MIN_PPI) -> list[Finding]:
    """What stands between the file and ``kind`` of use ('screen', 'print', 'archive').

    ``bleed_mm`` and ``variant`` ('pdf/x-1a', …) are the edition's own settings
    when the build checks what it made; the defaults are what print shops ask for.
    """
    if kind not in EDITION_KINDS:
        raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(EDITION_KINDS)}")
    checks = {"screen": _screen_findings,
              "print": lambda r: _print_findings(r, bleed_mm, variant, good_ppi, min_ppi),
              "archive": _archive_findings}
    findings = [*checks[kind](report), *_font_findings(report), *_xmp_findings(report)]
    return sorted(findings, key=lambda f: f.severity != "error")  # errors first


def validator_findings(path: Path, kind: str) -> tuple[str, list[Finding]]:
    """What an independent validator says about the file for ``kind`` of use,
    and which validator that was: every failed rule is an error."""
    from brochure.pdf import verapdf

    flavour = verapdf.FLAVOUR_FOR.get(kind)
    if flavour is None:
        return (f"no independent validator for {kind} (veraPDF has no PDF/X profile): "
                "brochure's own checks only"), []
    if not verapdf.available():
        return "veraPDF not installed: brochure's own checks only", []
    verdict = verapdf.validate([path], flavour)[Path(path)]
    findings = [_error(f"veraPDF: {rule}") for rule in verdict.failed_rules]
    if verdict.error:
        findings.append(_error(f"veraPDF could not validate the file: {verdict.error}"))
    return verdict.summary, findings


def _error(message: str) -> Finding:
    return Finding("error", message)


def _screen_findings(report: PdfReport) -> Iterator[Finding]:
    a = report.accessibility
    if not a.tagged:
        yield _error("not tagged: screen readers get no headings, reading order or "
                     "figure descriptions (render with tags, e.g. PDF/UA)")
    if not a.language:
        yield _error("no document language (/Lang): screen readers cannot pick a voice")
    if not (report.metadata.info_title or report.metadata.xmp_title):
        yield _error("no title: viewers and screen readers show the file name instead")
    if a.figures_without_alt:
        yield _error(f"{a.figures_without_alt} of {a.figures} figures have no alternative "
                     "text (/Alt): give every image an alt text")


def _print_findings(report: PdfReport, bleed_mm: float, variant: str | None,
                    good_ppi: float, min_ppi: float) -> Iterator[Finding]:
    if not report.variant.pdfx:
        yield _error("claims no PDF/X variant: print shops expect PDF/X (e.g. PDF/X-4)")
    elif variant and not report.variant.pdfx.upper().startswith(variant.upper()):
        yield _error(f"claims {report.variant.pdfx}, but the edition asks for "
                     f"{variant.upper()}")
    elif report.variant.pdfx.startswith("PDF/X-1") and report.transparency:
        yield _error(f"claims {report.variant.pdfx}, which forbids transparency, but the "
                     "design uses transparent shapes: build PDF/X-4 instead")
    yield from _intent_findings(report, want_cmyk=True)
    for use in report.colours:
        if use.space.family == "RGB" and use.used_for != "blending":
            yield _error(f"RGB colour ({use.space.name}) in {use.used_for} on "
                         f"{pages_text(use.pages)}: use CMYK colours")
        elif use.space.family == "RGB":
            yield Finding("warning", f"transparency is blended in RGB ({use.space.name}) on "
                          f"{pages_text(use.pages)}: transparent areas may change colour in print")
    for image in report.images:
        if image.colour_space and image.colour_space.family == "RGB":
            yield _error(f"{_image_label(image)} on {pages_text(image.pages)} is RGB "
                         f"({image.colour_space.name}): convert it to CMYK")
        yield from _resolution_findings(image, good_ppi, min_ppi)
    yield from _bleed_findings(report, bleed_mm)


def _intent_findings(report: PdfReport, want_cmyk: bool) -> Iterator[Finding]:
    if not report.output_intents:
        yield _error("no output intent: the file does not say which printing condition "
                     "(ICC profile) its colours are meant for")
    elif want_cmyk and not any(i.colour_space == "CMYK" or i.components == 4
                               for i in report.output_intents):
        spaces = ", ".join(i.colour_space or "unknown" for i in report.output_intents)
        yield _error(f"the output intent's profile is {spaces}, not CMYK")


def _resolution_findings(image: ImageInfo, good_ppi: float,
                         min_ppi: float) -> Iterator[Finding]:
    if image.ppi is None or image.ppi >= good_ppi:
        return
    where = (f"{_image_label(image)} on page {image.page} is {image.ppi:.0f} ppi "
             "at its placed size")
    size = (image.width, image.height)
    if image.ppi < min_ppi:
        yield Finding("error", f"{where}: it will print pixelated (need {good_ppi:.0f})",
                      size)
    else:
        yield Finding("warning", f"{where}: it may print soft (aim for {good_ppi:.0f})",
                      size)


def _image_label(image: ImageInfo) -> str:
    return f"image {image.name} ({image.width} × {image.height} px)"


def _bleed_findings(report: PdfReport, bleed_mm: float) -> Iterator[Finding]:
    for group in report.boxes:
        where = pages_text(group.pages)
        if group.trim is None or group.bleed is None:
            missing = " and ".join(n for n, b in (("TrimBox", group.trim),
                                                  ("BleedBox", group.bleed)) if b is None)
            yield _error(f"{where}: no {missing}: the printer cannot tell where to cut")
            continue
        # Bleed outside the MediaBox does not exist in the file.
        bleed = Box(max(group.bleed.x0, group.media.x0), max(group.bleed.y0, group.media.y0),
                    min(group.bleed.x1, group.media.x1), min(group.bleed.y1, group.media.y1))
        short = [side for side, mm in bleed.margins_to(group.trim).items()
                 if mm < bleed_mm - 0.05]
        if short:
            yield _error(f"{where}: the bleed is {beyond(bleed, group.trim)} beyond the "
                         f"trim; need {bleed_mm:g} mm on every side (short: {', '.join(short)})")


def _archive_findings(report: PdfReport) -> Iterator[Finding]:
    if not report.variant.pdfa:
        yield _error("claims no PDF/A variant: archives expect PDF/A (e.g. PDF/A-2b)")
    yield from _intent_findings(report, want_cmyk=False)


def _xmp_findings(report: PdfReport) -> Iterator[Finding]:
    if report.variant.damaged_xmp:
        yield _error(f"the XMP metadata cannot be read ({report.variant.damaged_xmp}): "
                     "what the file claims (PDF/A, PDF/X, PDF/UA, its title) is unknown "
                     "to viewers and validators")


def _font_findings(report: PdfReport) -> Iterator[Finding]:
    for font in report.fonts:
        if not font.embedded:
            yield _error(f"font {font.name} is not embedded: other computers will "
                         "substitute another font")
