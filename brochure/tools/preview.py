"""``brochure preview``: the brochure in a web browser, rebuilt on every save.

A small HTTP server on 127.0.0.1 (the standard library's) shows each
language's pages as PNG images stacked one under the other, so any browser
shows them without a PDF plug-in. A background thread
(``watch.watch_and_build``) builds into a private temporary folder, never the
user's output/, and renders the pages of each finished PDF once. The open page
asks for the build counter twice a second and reloads itself when it changes.
A mistake in the content is shown above the last good pages, one line per
problem, with its file and line.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
import traceback
import urllib.parse
import webbrowser
from collections.abc import Callable, Iterable
from pathlib import Path

from brochure import defaults
from brochure.build import BuildReport, Built
from brochure.problems import BrochureError, Problem
from brochure.tools.preview_server import Server, listen
from brochure.tools.preview_state import (
    HOST,
    PREVIEW_KIND,
    TERMINAL_PROBLEMS,
    Pages,
    PreviewError,
    PreviewState,
    concerns,
    render_pages,
)
from brochure.tools.watch import watch_and_build

DEFAULT_PORT = defaults.PREVIEW_PORT


Echo = Callable[[str], None]



# --- the preview: a watcher thread and a server thread -----------------------------

class Preview:
    """The server and the watcher of one content folder: ``start()`` then
    ``stop()``, or ``with Preview(...) as preview:``."""

    def __init__(self, folder: Path, languages: list[str] | None = None,
                 port: int = DEFAULT_PORT, *, echo: Echo | None = None):
        self.folder = Path(folder)
        self.languages = list(languages) if languages else None
        self.port = port
        self.state = PreviewState(self.languages)
        self._echo = echo or (lambda line: None)
        self._stopping = threading.Event()
        self._server: Server | None = None
        self._workdir: tempfile.TemporaryDirectory | None = None
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the preview first"
        return f"http://{HOST}:{self._server.server_address[1]}/"

    def start(self) -> Preview:
        if not self.folder.is_dir():
            raise PreviewError(f"{self.folder} is not a folder. Give the folder of a "
                               "brochure, for example content/gwangju.")
        self._server = listen(self.port, self.state)
        self._workdir = tempfile.TemporaryDirectory(prefix="brochure-preview-")
        self._threads = [
            threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                             name="brochure-preview-server", daemon=True),
            threading.Thread(target=self._watch, name="brochure-preview-watch", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def wait(self) -> None:
        """Serve until ``stop()`` is called, or until Ctrl-C (KeyboardInterrupt)."""
        self._stopping.wait()

    def stop(self) -> None:
        """Stop watching (a build under way finishes first), then close the server."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join()
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None

    def __enter__(self) -> Preview:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _watch(self) -> None:
        assert self._workdir is not None
        try:
            watch_and_build(self.folder, self.languages, Path(self._workdir.name),
                            self._finished, {"jobs": 1, "kinds": [PREVIEW_KIND]},
                            stop_event=self._stopping, on_start=self.state.starting)
        except Exception as exc:  # a bug, not the content: say so instead of going silent
            traceback.print_exc()
            self.state.crashed(f"The preview stopped because of an internal error ({exc!r}). "
                               "Restart it with 'brochure preview'.")

    def _finished(self, result: BuildReport | BrochureError) -> None:
        if self._stopping.is_set():
            return
        if isinstance(result, BrochureError):
            self._failed(result)
            return
        for built in result.built:
            pages = self._pages(built)
            warnings = self._lines(p for p in result.problems.warnings
                                   if concerns(p, built.language))
            self.state.succeeded(built.language, pages, warnings)
            self._echo(f"{_clock()} built {built.language}: {built.pages} pages "
                       f"in {built.seconds:.1f} s")

    def _failed(self, error: BrochureError) -> None:
        errors = [p for p in error.problems if p.severity == "error" or error.strict]
        warnings = [p for p in error.problems if p not in errors]
        lines = self._lines(errors)
        self.state.failed(lines, {code: self._lines(p for p in warnings if concerns(p, code))
                                  for code in self.state.languages()})
        self._echo(f"{_clock()} not built, {len(lines)} problem(s):")
        for line in lines[:TERMINAL_PROBLEMS]:
            self._echo(f"  {line}")
        if len(lines) > TERMINAL_PROBLEMS:
            self._echo(f"  … and {len(lines) - TERMINAL_PROBLEMS} more, in the browser.")

    def _lines(self, problems: Iterable[Problem]) -> list[str]:
        """One line per problem, each once: a mistake in a shared file is found
        again for every language."""
        return list(dict.fromkeys(self._said(p) for p in problems))

    def _pages(self, built: Built) -> Pages:
        """The pages of a built PDF, drawn again only when the PDF is new."""
        shown = self.state.view(built.language)
        if built.up_to_date and shown and shown.pages and shown.pages.pdf_name == built.path.name:
            return shown.pages
        return render_pages(built.path)

    def _said(self, problem: Problem) -> str:
        """A problem as one line; a PDF of the preview is named without its
        private folder."""
        text = str(problem)
        return text.replace(f"{self._workdir.name}{os.sep}", "") if self._workdir else text


def _clock() -> str:
    return time.strftime("%H:%M:%S")


def serve(folder: Path, languages: list[str] | None = None, port: int = DEFAULT_PORT,
          open_browser: bool = False, echo: Echo = print) -> None:
    """Run the preview until Ctrl-C (or a polite request to stop: SIGTERM)."""
    previous = signal.signal(signal.SIGTERM, _stop_as_ctrl_c)
    try:
        _serve(folder, languages, port, open_browser, echo)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop_as_ctrl_c(signum: int, frame: object) -> None:
    """SIGTERM (a service manager, 'kill') stops the preview as Ctrl-C does, so
    that its temporary folder is removed."""
    raise KeyboardInterrupt


def _serve(folder: Path, languages: list[str] | None, port: int, open_browser: bool,
           echo: Echo) -> None:
    with Preview(folder, languages, port, echo=echo) as preview:
        url = preview.url
        if languages and len(languages) == 1:
            url += urllib.parse.quote(languages[0]) + "/"
        echo(f"Preview of {folder} at {url}")
        echo("The pages update each time you save a file. Press Ctrl-C to stop.")
        if open_browser:
            webbrowser.open(url)
        try:
            preview.wait()
        except KeyboardInterrupt:
            echo("Stopping the preview" + (" once the build under way is done."
                                           if preview.state.building() else "."))
