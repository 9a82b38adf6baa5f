"""What the preview shows: the pages of each language's last good build, and
the problems of the last build, as the server reads them."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2

from brochure import defaults
from brochure.problems import Problem, SingleProblem

HOST = "127.0.0.1"
PAGE_SCALE = 1.5  # 108 dpi: sharp on an ordinary screen, about 100 KB per page
POLL_MS = 500
TERMINAL_PROBLEMS = 10  # the browser shows them all
PREVIEW_KIND = "screen"  # the edition made for screens: the one authors look at


class PreviewError(SingleProblem):
    """The preview cannot start (a busy port, a missing folder); the message says what to do."""


@dataclass(frozen=True)
class Pages:
    """A finished PDF of one language, with its pages as PNG images."""

    title: str
    pdf_name: str
    pdf: bytes
    images: tuple[bytes, ...]
    sizes: tuple[tuple[int, int], ...]  # of each image, in pixels


@dataclass(frozen=True)
class View:
    """What a language's page shows. Replaced whole, never changed in place, so
    the server threads always read a consistent one."""

    version: int = 0
    building: bool = True
    pages: Pages | None = None  # the last good build
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def render_pages(pdf_path: Path, scale: float = PAGE_SCALE) -> Pages:
    """Read a built PDF and draw each of its pages as a PNG image."""
    data = pdf_path.read_bytes()
    document = pypdfium2.PdfDocument(data)
    try:
        title = document.get_metadata_dict().get("Title", "")
        images, sizes = [], []
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=scale).to_pil()
            page.close()
            buffer = io.BytesIO()
            image.save(buffer, "PNG", compress_level=1)  # served locally: speed over size
            images.append(buffer.getvalue())
            sizes.append(image.size)
    finally:
        document.close()
    return Pages(title, pdf_path.name, data, tuple(images), tuple(sizes))


class PreviewState:
    """The view of every language, written by the watcher thread and read by
    the server threads."""

    def __init__(self, languages: list[str] | None):
        self._lock = threading.Lock()
        self._views: dict[str, View] = {code: View() for code in languages or ()}
        self._round: list[str] | None = None
        self.version = 0  # changes with any language; the list of languages polls it
        self.general = View(building=True)  # problems that belong to no known language

    def languages(self) -> list[str]:
        with self._lock:
            return list(self._views)

    def view(self, language: str) -> View | None:
        with self._lock:
            return self._views.get(language)

    def building(self) -> bool:
        with self._lock:
            views = list(self._views.values())
            return any(v.building for v in views) or (not views and self.general.building)

    def starting(self, languages: list[str] | None) -> None:
        with self._lock:
            self._round = languages
            for code in languages or list(self._views):
                self._views[code] = replace(self._views.get(code, View()), building=True)
            self.general = replace(self.general, building=True)

    def succeeded(self, language: str, pages: Pages, warnings: list[str]) -> None:
        with self._lock:
            old = self._views.get(language, View())
            self._views[language] = View(old.version + 1, False, pages, (), tuple(warnings))
            self.general = View(building=False)
            self.version += 1

    def failed(self, errors: list[str], warnings: dict[str, list[str]]) -> None:
        """The last build stopped: every language it was building shows why."""
        with self._lock:
            codes = self._round if self._round is not None else list(self._views)
            for code in codes:
                old = self._views.get(code, View())
                self._views[code] = replace(old, version=old.version + 1, building=False,
                                            errors=tuple(errors),
                                            warnings=tuple(warnings.get(code, ())))
            general_errors = tuple(errors) if self._round is None else ()
            self.general = View(building=False, errors=general_errors)
            self.version += 1

    def crashed(self, message: str) -> None:
        with self._lock:
            for code, old in self._views.items():
                self._views[code] = replace(old, version=old.version + 1, building=False,
                                            errors=(message,))
            self.general = View(building=False, errors=(message,))
            self.version += 1


def concerns(problem: Problem, language: str) -> bool:
    """Whether a problem belongs on a language's page: not one in another
    language's text file or PDF."""
    if problem.location is None:
        return True
    path = Path(problem.location.file)
    if path.parent.name == defaults.TEXT_DIR and path.suffix == ".yaml":
        return path.stem == language
    if path.suffix == ".pdf":
        return path.stem.endswith(f"_{language}")
    return True
