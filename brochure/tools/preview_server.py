"""The preview's HTTP server: the standard library's, on this computer only;
it answers the index, each language's page, its page images, its PDF and the
build counter the open page polls."""

from __future__ import annotations

import errno
import json
import re
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from brochure.tools.preview_html import href, index_page, language_page
from brochure.tools.preview_state import HOST, Pages, PreviewError, PreviewState

# --- the HTTP server ---------------------------------------------------------------

class Server(ThreadingHTTPServer):
    state: PreviewState


def listen(port: int, state: PreviewState) -> Server:
    try:
        server = Server((HOST, port), _Handler)
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
    server: Server

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
        return Response(HTTPStatus.MOVED_PERMANENTLY, location=href(language))
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


