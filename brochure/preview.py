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

import errno
import html
import io
import json
import os
import re
import signal
import tempfile
import threading
import time
import traceback
import urllib.parse
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pypdfium2

from . import defaults
from .build import BuildReport, Built
from .problems import BrochureError, Problem, SingleProblem
from .watch import watch_and_build

HOST = "127.0.0.1"
DEFAULT_PORT = defaults.PREVIEW_PORT
PAGE_SCALE = 1.5  # 108 dpi: sharp on an ordinary screen, about 100 KB per page
POLL_MS = 500
TERMINAL_PROBLEMS = 10  # the browser shows them all
PREVIEW_KIND = "screen"  # the edition made for screens: the one authors look at

Echo = Callable[[str], None]


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
        self._server: _Server | None = None
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
        self._server = _listen(self.port, self.state)
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


# --- the HTTP server ---------------------------------------------------------------

class _Server(ThreadingHTTPServer):
    state: PreviewState


def _listen(port: int, state: PreviewState) -> _Server:
    try:
        server = _Server((HOST, port), _Handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PreviewError(
                f"port {port} is already in use (is another preview running?). Choose "
                "another with --port, or --port 0 for any free port.") from None
        raise PreviewError(f"cannot listen on {HOST}:{port}: {exc.strerror}. Choose "
                           "another port with --port.") from None
    server.state = state
    return server


@dataclass(frozen=True)
class Response:
    status: HTTPStatus
    content_type: str = "text/plain; charset=utf-8"
    body: bytes = b""
    location: str | None = None


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        if self.headers.get("Host") not in self._own_hosts():
            # Only pages of this preview may read it: a web site whose name was
            # pointed at 127.0.0.1 sends its own name here.
            return self._send(Response(HTTPStatus.FORBIDDEN, body=b"Forbidden"))
        self._send(respond(self.server.state, self.path))

    def _own_hosts(self) -> set[str]:
        port = self.server.server_address[1]
        return {f"{HOST}:{port}", f"localhost:{port}"}

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if response.location:
            self.send_header("Location", response.location)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the pages ask for the version twice a second."""


_LANGUAGE_PATH = re.compile(r"/(?P<language>[^/]+)(?P<rest>/.*)?")
_PAGE_IMAGE = re.compile(r"/page-(?P<number>[1-9][0-9]*)\.png")


def respond(state: PreviewState, target: str) -> Response:
    """The answer to a GET of ``target``. Everything served comes from the
    preview's state in memory; no path is ever looked up on disk."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(target).path)
    if path == "/":
        return _html(index_page(state))
    if path == "/version":
        return _json({"version": state.version, "building": state.building()})
    match = _LANGUAGE_PATH.fullmatch(path)
    view = state.view(match["language"]) if match else None
    if match is None or view is None:
        return _not_found()
    language, rest = match["language"], match["rest"]
    if rest is None:
        return Response(HTTPStatus.MOVED_PERMANENTLY, location=_href(language))
    if rest == "/":
        return _html(language_page(language, view))
    if rest == "/version":
        return _json({"version": view.version, "building": view.building})
    return _file(view.pages, rest)


def _file(pages: Pages | None, rest: str) -> Response:
    """A page image or the PDF of the last good build."""
    if pages is None:
        return _not_found()
    if rest == f"/{pages.pdf_name}":
        return Response(HTTPStatus.OK, "application/pdf", pages.pdf)
    image = _PAGE_IMAGE.fullmatch(rest)
    if image and int(image["number"]) <= len(pages.images):
        return Response(HTTPStatus.OK, "image/png", pages.images[int(image["number"]) - 1])
    return _not_found()


def _html(text: str) -> Response:
    return Response(HTTPStatus.OK, "text/html; charset=utf-8", text.encode())


def _json(data: dict) -> Response:
    return Response(HTTPStatus.OK, "application/json", json.dumps(data).encode())


def _not_found() -> Response:
    return Response(HTTPStatus.NOT_FOUND, body=b"Not found")


def _href(language: str, name: str = "") -> str:
    return f"/{urllib.parse.quote(language)}/{urllib.parse.quote(name)}"


# --- the HTML pages (every value put in them is escaped) ---------------------------

_STYLE = """
body { margin: 0; background: #e4e4e4; color: #222; font: 15px/1.45 system-ui, sans-serif; }
header { position: sticky; top: 0; z-index: 1; background: #fff; border-bottom: 1px solid #bbb; }
.bar { display: flex; flex-wrap: wrap; gap: .4em 1.2em; align-items: baseline; padding: .6em 1em; }
h1 { font-size: 1.1em; margin: 0; }
#status { color: #555; font-style: italic; }
.problems { max-width: 60em; margin: 0 auto .8em; padding: .6em 1.2em; border: 3px solid #b00020;
  background: #fdecee; max-height: 40vh; overflow: auto; }
.warnings { max-width: 60em; margin: 1em auto; padding: .4em 1.2em; border: 1px solid #b07800;
  background: #fff7e0; }
.problems h2 { font-size: 1em; margin: 0 0 .4em; }
.problems li, .warnings li { font-family: ui-monospace, monospace; white-space: pre-wrap; }
main { display: flex; flex-direction: column; align-items: center; gap: 16px; padding: 16px; }
main img { max-width: 100%; height: auto; background: #fff; box-shadow: 0 1px 5px #0005; }
main p, .languages { max-width: 60em; margin: 1em auto; }
"""


def index_page(state: PreviewState) -> str:
    version = state.version  # before reading the views: a newer build then reloads the page
    rows = []
    for code in state.languages():
        view = state.view(code) or View()
        rows.append(f'<li><a href="{_e(_href(code))}">{_e(code)}</a>: {_e(_summary(view))}</li>')
    building = state.building()
    if rows:
        listing = f'<ul class="languages">{"".join(rows)}</ul>'
    else:
        listing = "<main><p>Building the first preview…</p></main>" if building else ""
    errors = _error_box(state.general.errors, "The brochure could not be built.")
    return _document("Brochure preview", "<h1>Brochure preview</h1>", errors, listing,
                     "/version", version, building)


def language_page(language: str, view: View) -> str:
    pages = view.pages
    title = f"{pages.title} ({language})" if pages else language
    heading = (f'<h1><span lang="{_e(language)}" dir="auto">{_e(pages.title)}</span> '
               f"({_e(language)})</h1>" if pages else f"<h1>{_e(language)}</h1>")
    heading += f' <a href="/">All languages</a>{_pdf_link(language, pages)}'
    stop = ("The brochure could not be built. The pages below are the last version that "
            "built; they update when the problems are fixed and saved." if pages else
            "The brochure could not be built. Fix these problems and save the file.")
    body = _warnings(view.warnings) + f"<main>{_images(language, view)}</main>"
    return _document(title, heading, _error_box(view.errors, stop), body,
                     _href(language, "version"), view.version, view.building)


def _summary(view: View) -> str:
    if view.errors:
        return f"{len(view.errors)} problem(s)"
    if view.pages:
        return f"{len(view.pages.images)} pages, {view.pages.title}"
    return "building…"


def _pdf_link(language: str, pages: Pages | None) -> str:
    if pages is None:
        return ""
    size = f"{len(pages.pdf) / 1024:.0f} KB"
    return (f' <a href="{_e(_href(language, pages.pdf_name))}">{_e(pages.pdf_name)}</a> '
            f"({len(pages.images)} pages, {size})")


def _images(language: str, view: View) -> str:
    if view.pages is None:
        return "" if view.errors else "<p>Building the first preview…</p>"
    count = len(view.pages.images)
    tags = []
    for number, (width, height) in enumerate(view.pages.sizes, start=1):
        # Shown at the page's real size: PDF points are 4/3 CSS pixels.
        css_width, css_height = (round(v / PAGE_SCALE * 4 / 3) for v in (width, height))
        source = f"{_href(language, f'page-{number}.png')}?v={view.version}"
        tags.append(f'<img src="{_e(source)}" width="{css_width}" height="{css_height}" '
                    f'alt="Page {number} of {count}" title="Page {number} of {count}">')
    return "\n".join(tags)


def _error_box(lines: tuple[str, ...], heading: str) -> str:
    """In the header, which stays at the top of the window: the browser keeps the
    reader's place in the pages across reloads, so a box above them could be out
    of sight."""
    if not lines:
        return ""
    return (f'<section class="problems" role="alert"><h2>{_e(heading)}</h2>'
            f"{_list(lines)}</section>")


def _warnings(lines: tuple[str, ...]) -> str:
    if not lines:
        return ""
    return (f'<details class="warnings"><summary>{len(lines)} warning(s)</summary>'
            f"{_list(lines)}</details>")


def _list(lines: tuple[str, ...]) -> str:
    return "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>"


def _document(title: str, heading: str, errors: str, body: str, version_url: str,
              version: int, building: bool) -> str:
    status = "Building…" if building else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)} – brochure preview</title><style>{_STYLE}</style></head>
<body><header><div class="bar">{heading} <span id="status">{status}</span></div>{errors}</header>
{body}
{_reloader(version_url, version)}
</body></html>
"""


def _reloader(version_url: str, version: int) -> str:
    """Ask for the version every POLL_MS; reload when a build has finished."""
    return f"""<script>
(function () {{
  const status = document.getElementById("status");
  async function poll() {{
    try {{
      const response = await fetch({_js(version_url)}, {{cache: "no-store"}});
      const now = await response.json();
      if (now.version !== {version}) {{ location.reload(); return; }}
      status.textContent = now.building ? "Building…" : "";
    }} catch (error) {{
      status.textContent = "The preview has stopped: start it again to see changes.";
    }}
    setTimeout(poll, {POLL_MS});
  }}
  setTimeout(poll, {POLL_MS});
}})();
</script>"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _js(value: str) -> str:
    """A string literal that cannot end the <script> element it is in."""
    return json.dumps(value).replace("<", "\\u003c")
