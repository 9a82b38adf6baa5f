"""Stage 5, render PDF: lay out the HTML with WeasyPrint. The only module that
imports it.

Every file the renderer asks for goes through ``ConfinedFetcher``: only
``file:`` paths inside the allowed folders (the content folder, templates,
styles) and ``data:`` are served; web addresses and anything else are refused.
Warnings the renderer logs are caught; a missing glyph is an error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

VERSION = weasyprint.__version__


class RefusedResource(FatalURLFetchingError):
    """The document asked for a file outside the allowed folders, or the web."""


class ConfinedFetcher(URLFetcher):
    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, timeout=5)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: dict[str, str] | None = None):  # type: ignore[override]
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedResource(f"'{url}' is on the network; only local files are used")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RefusedResource(f"'{url}' is outside the brochure's folders")
        return super().fetch(path.as_uri(), headers)


@dataclass
class _LogCatcher(logging.Handler):
    records: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        logging.Handler.__init__(self, logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage())

    def __hash__(self) -> int:
        return id(self)


@dataclass
class RenderedPdf:
    data: bytes
    pages: int
    warnings: list[str]
    missing_glyphs: list[str]


class Renderer:
    """Renders documents, reusing parsed stylesheets and the font set-up.

    One per process: stylesheets are parsed once and shared by every edition
    the process renders (they must share one FontConfiguration).
    """

    def __init__(self) -> None:
        self.font_config = FontConfiguration()
        self._stylesheets: dict[tuple[Path, int, tuple[Path, ...]], weasyprint.CSS] = {}

    def _stylesheet(self, path: Path, roots: list[Path]) -> weasyprint.CSS:
        key = (path, path.stat().st_mtime_ns, tuple(roots))
        if key not in self._stylesheets:
            self._stylesheets[key] = weasyprint.CSS(
                filename=str(path), font_config=self.font_config,
                url_fetcher=ConfinedFetcher(roots))
        return self._stylesheets[key]

    def render(self, html: str, base_dir: Path, stylesheets: list[Path],
               roots: list[Path]) -> RenderedPdf:
        catcher = _LogCatcher()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(catcher)
        try:
            document = weasyprint.HTML(
                string=html, base_url=base_dir.resolve().as_uri() + "/",
                url_fetcher=ConfinedFetcher(roots),
            ).render(
                font_config=self.font_config,
                stylesheets=[self._stylesheet(p, roots) for p in stylesheets],
            )
            data = document.write_pdf(pdf_tags=False)
        finally:
            logger.removeHandler(catcher)
        missing = [m for m in catcher.records if ".notdef glyph" in m]
        others = [m for m in catcher.records if m not in missing]
        return RenderedPdf(data, len(document.pages), others, missing)
