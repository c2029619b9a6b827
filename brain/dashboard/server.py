"""The dashboard on the real robot: read-only, loopback by default, behind a token on a LAN.

It serves the simulator dashboard's page (``brain/dashboard/static``) with the
robot's state in the same document shape: joints as commanded, vibration,
pads as the body last reported them, the running behaviour, mood, events,
link statistics, and a ``devices`` panel with each device's health. The
simulator's inputs (mouse hand, uploads of faces and voices) are refused:
on the robot only the real world touches the pet.

With a ``token`` every request must carry it, as ``Authorization: Bearer
TOKEN`` or once as ``?token=TOKEN`` (which sets a cookie for the page's own
requests). Tokens are compared in constant time.

Every request must also name the robot in its ``Host`` header (an address,
``localhost``, the robot's host name or ``NAME.local``): a web page of some
other domain cannot rebind its name to the robot and read what the pet has
learned about its owner (see ``brain/dashboard/hosts.py``).
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from brain.dashboard.event_stream import StateBoard, stream_documents
from brain.dashboard.hosts import host_allowed, own_names

log = logging.getLogger("petbrain")

COOKIE = "petbrain_token"
STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
FALLBACK_PAGE = """<!doctype html><meta charset="utf-8"><title>petbrain</title>
<h1>petbrain</h1><pre id="state">connecting...</pre>
<script>
const source = new EventSource("/events");
source.onmessage = (e) => {
  document.getElementById("state").textContent = JSON.stringify(JSON.parse(e.data), null, 2);
};
</script>
"""


class RobotDashboard:
    """An HTTP server on a daemon thread; ``board`` is fed by the main loop."""

    def __init__(
        self,
        config: dict[str, Any],
        host: str = "127.0.0.1",
        port: int = 8765,
        token: str | None = None,
        static_dir: Path | None = None,
    ) -> None:
        self.config = config
        self.token = token
        self.static_dir = static_dir
        self.host_names = own_names()
        self.board = StateBoard()
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer((host, port), _handler_class(self))
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Where to point a browser (with the token when there is one)."""
        host, port = self.server.server_address[:2]
        shown = host if isinstance(host, str) else host.decode()
        return f"http://{shown}:{port}/" + ("?token=..." if self.token else "")

    def start(self) -> None:
        """Serve on a background thread."""
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="petbrain-dashboard", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and end open event streams."""
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def allowed(self, headers: Any, query: dict[str, list[str]]) -> tuple[bool, bool]:
        """(request may proceed, set the cookie) for a request's headers and query."""
        if self.token is None:
            return True, False
        offered = []
        auth = str(headers.get("Authorization") or "")
        if auth.startswith("Bearer "):
            offered.append(auth[len("Bearer ") :])
        cookie = SimpleCookie(str(headers.get("Cookie") or ""))
        if COOKIE in cookie:
            offered.append(cookie[COOKIE].value)
        from_query = query.get("token", [])
        offered.extend(from_query)
        for value in offered:
            if hmac.compare_digest(value.encode(), self.token.encode()):
                return True, bool(from_query)
        return False, False


def _handler_class(dashboard: RobotDashboard) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        app = dashboard

    return Handler


class _Handler(BaseHTTPRequestHandler):
    app: RobotDashboard
    protocol_version = "HTTP/1.1"
    server_version = "petbrain-robot-dashboard"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the journal is for the pet."""

    def _send(
        self, status: HTTPStatus, body: bytes, content_type: str, cookie: bool = False
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if cookie and self.app.token:
            self.send_header(
                "Set-Cookie", f"{COOKIE}={self.app.token}; HttpOnly; SameSite=Strict; Path=/"
            )
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: HTTPStatus, data: Any) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def do_GET(self) -> None:
        """The page, its files, the configuration, the state and the event stream."""
        if not self._host_ok():
            return
        parts = urlsplit(self.path)
        ok, set_cookie = self.app.allowed(self.headers, parse_qs(parts.query))
        if not ok:
            self._json(HTTPStatus.UNAUTHORIZED, {"error": "this dashboard needs its token"})
            return
        path = parts.path
        if path == "/":
            self._send(HTTPStatus.OK, self._page(), STATIC_TYPES[".html"], set_cookie)
        elif path.startswith("/static/"):
            self._static(path[len("/static/") :])
        elif path == "/config":
            self._json(HTTPStatus.OK, self.app.config)
        elif path == "/state":
            _, document = self.app.board.latest()
            self._send(HTTPStatus.OK, document.encode(), "application/json")
        elif path == "/events":
            self._stream()
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no such page: {path}"})

    def do_POST(self) -> None:
        """The simulator's inputs do not exist on the robot."""
        if not self._host_ok():
            return
        ok, _ = self.app.allowed(self.headers, parse_qs(urlsplit(self.path).query))
        if not ok:
            self._json(HTTPStatus.UNAUTHORIZED, {"error": "this dashboard needs its token"})
            return
        self._json(
            HTTPStatus.FORBIDDEN, {"error": "read-only on the robot: touch the real pet instead"}
        )

    def _host_ok(self) -> bool:
        if host_allowed(self.headers.get("Host"), self.app.host_names):
            return True
        self._json(
            HTTPStatus.FORBIDDEN,
            {"error": "unknown Host: open the dashboard by the robot's address or name"},
        )
        return False

    def _page(self) -> bytes:
        static = self.app.static_dir
        if static is not None and (static / "index.html").is_file():
            return (static / "index.html").read_bytes()
        return FALLBACK_PAGE.encode()

    def _static(self, name: str) -> None:
        static = self.app.static_dir
        suffix = Path(name).suffix
        if static is None or "/" in name or name.startswith(".") or suffix not in STATIC_TYPES:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no such file: {name}"})
            return
        path = static / name
        if not path.is_file():
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no such file: {name}"})
            return
        self._send(HTTPStatus.OK, path.read_bytes(), STATIC_TYPES[suffix])

    def _stream(self) -> None:
        stream_documents(self, self.app.board.wait, self.app.stopping)
