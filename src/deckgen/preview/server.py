"""The preview's web server: the standard library's ThreadingHTTPServer, on loopback only.

- Bound to 127.0.0.1 and nothing else; a request naming another host (``Host:``) is refused,
  so a web page elsewhere cannot reach it through a name that resolves here (DNS rebinding).
- The page and its script and style are package data served from here, under a strict
  Content-Security-Policy: nothing is loaded from anywhere else, nothing inline runs.
- ``/events`` is a server-sent event stream: the whole state (:mod:`.state`) after each change;
  ``/events?width=N`` also says how many pixels wide the page shows a page (they are drawn so).
- ``/image/KEY.png``: a page or slide, by the hash of its pixels (immutable, cached); a page
  still being encoded is waited for.
- ``POST /open``: open the source of a page, slide or error in the editor; ``POST /select``:
  show another brief, edition or row; each must carry the session's token (in the page) and
  come from the page's own origin.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

from ..errors import UsageProblem
from .images import WAIT, ImageStore
from .state import State

HOST = "127.0.0.1"
KEEPALIVE = 15.0   # seconds between comments on an idle event stream
MAX_BODY = 4096
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
STATIC = {"/preview.js": ("preview.js", "text/javascript; charset=utf-8"),
          "/preview.css": ("preview.css", "text/css; charset=utf-8")}
IMAGE = re.compile(r"^/image/([0-9a-f]{24})\.png$")
WIDTH = re.compile(r"(?:^|&)width=([0-9]{1,5})(?:&|$)")

Opener = Callable[[dict], dict]  # the JSON of a click, to what was opened


def _asset(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


class PreviewServer(ThreadingHTTPServer):
    """Serves one project's preview; :meth:`start` runs it on a thread, :meth:`stop` ends it."""

    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, state: State, images: ImageStore, opener: Opener, title: str, port: int = 0,
                 viewed: Callable[[int], None] | None = None, select: Opener | None = None):
        self.state, self.images, self.opener = state, images, opener
        self.select = select or (lambda wanted: {"message": "nothing else to show"})
        self.viewed = viewed or (lambda width: None)  # told the width a page shows pages at
        self.token = secrets.token_urlsafe(24)
        self.title = title
        try:
            super().__init__((HOST, port), _Handler)
        except OSError as exc:
            raise UsageProblem(f"cannot serve the preview on {HOST}:{port}: {exc.strerror or exc}") from exc
        self.port = self.server_address[1]
        self.hosts = {f"{HOST}:{self.port}", f"localhost:{self.port}"}
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="deckgen-preview-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.state.close()  # the event streams end
        if self._thread is not None:
            self.shutdown()
            self._thread.join(5)
        self.server_close()

    def page(self) -> bytes:
        from html import escape

        text = _asset("index.html").decode("utf-8")
        return (text.replace("{{title}}", escape(self.title))
                    .replace("{{token}}", escape(self.token))).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:  # the terminal shows the watch's reports only
        pass

    def do_GET(self) -> None:
        if not self._host_ok():
            return
        path, _, query = self.path.partition("?")
        if path == "/":
            self._send(self.server.page(), "text/html; charset=utf-8")
        elif path in STATIC:
            name, media_type = STATIC[path]
            self._send(_asset(name), media_type)
        elif path == "/favicon.ico":
            self._send(b"", "image/x-icon", HTTPStatus.NO_CONTENT)
        elif path == "/events":
            if (width := WIDTH.search(query)) is not None:
                self.server.viewed(int(width[1]))
            self._events()
        elif (match := IMAGE.match(path)) and (data := self.server.images.get(match[1], WAIT)) is not None:
            self._send(data, "image/png", cache="public, max-age=31536000, immutable")
        else:
            self._send(b"not found\n", "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND)

    def do_POST(self) -> None:
        if not self._host_ok():
            return
        origin = self.headers.get("Origin")
        length = int(self.headers.get("Content-Length") or 0)
        if self.path not in ("/open", "/select") or length > MAX_BODY or origin not in {f"http://{h}" for h in self.server.hosts}:
            self._send(b"forbidden\n", "text/plain; charset=utf-8", HTTPStatus.FORBIDDEN)
            return
        try:
            click = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            click = None
        if not isinstance(click, dict) or not secrets.compare_digest(str(click.get("token", "")),
                                                                      self.server.token):
            self._send(b"forbidden\n", "text/plain; charset=utf-8", HTTPStatus.FORBIDDEN)
            return
        answer = (self.server.opener if self.path == "/open" else self.server.select)(click)
        self._send(json.dumps(answer).encode("utf-8"), "application/json")

    def _host_ok(self) -> bool:
        if self.headers.get("Host") in self.server.hosts:
            return True
        self._send(b"unknown host\n", "text/plain; charset=utf-8", HTTPStatus.MISDIRECTED_REQUEST)
        return False

    def _send(self, body: bytes, media_type: str, status: HTTPStatus = HTTPStatus.OK,
              cache: str = "no-store") -> None:
        self.send_response(status)
        self._common_headers(media_type, cache)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _common_headers(self, media_type: str, cache: str) -> None:
        self.send_header("Content-Type", media_type)
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")

    def _events(self) -> None:
        """The state now, then after every change, until the page goes or the server stops."""
        self.send_response(HTTPStatus.OK)
        self._common_headers("text/event-stream; charset=utf-8", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        state = self.server.state
        snapshot = state.snapshot()
        try:
            while snapshot is not None or not state.closed:
                if snapshot is None:
                    self.wfile.write(b": idle\n\n")
                else:
                    self.wfile.write(b"data: " + json.dumps(snapshot).encode("utf-8") + b"\n\n")
                    version = snapshot["version"]
                self.wfile.flush()
                snapshot = state.wait(version, KEEPALIVE)
        except (BrokenPipeError, ConnectionResetError):
            pass
