"""The dashboard's web server: stdlib ``http.server``, Server-Sent Events, no external assets.

It binds to the loopback interface unless told otherwise. The page is plain
HTML, CSS and JavaScript shipped in ``static/``; state goes to the browser as
an event stream, the mouse comes back as batches of pointer samples.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from behaviors.library import DEFAULT_SOUNDS_DIR
from brain.dashboard import STATIC_DIR
from brain.dashboard.document import pad_points
from brain.dashboard.event_stream import stream_documents
from brain.dashboard.grids import grids_config
from brain.dashboard.hosts import host_allowed
from brain.errors import UserError
from sim.dashboard.inputs import DashboardInputs
from sim.dashboard.state import StatePublisher, handling_state, owner_state, seen_state
from sim.hands import BrowserHand, HandSample
from sim.runner import SimSession

STATIC_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/cat.js": ("cat.js", "text/javascript; charset=utf-8"),
    "/static/panels.js": ("panels.js", "text/javascript; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
    "/static/timeline.js": ("timeline.js", "text/javascript; charset=utf-8"),
    "/static/grids.js": ("grids.js", "text/javascript; charset=utf-8"),
    "/static/favicon.svg": ("favicon.svg", "image/svg+xml"),
    "/favicon.ico": ("favicon.svg", "image/svg+xml"),
}
MAX_JSON_BYTES = 256 * 1024
MAX_UPLOAD_BYTES = 32 * 1024 * 1024
DEFAULT_PORT = 8765
# Open event streams at once (each holds a thread); more get 503.
MAX_STREAMS = 8


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class _Server6(_Server):
    address_family = socket.AF_INET6


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Dashboard:
    """Serves one session's dashboard; ``start`` runs the server on a daemon thread."""

    def __init__(
        self,
        session: SimSession,
        hand: BrowserHand,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
    ) -> None:
        self.session = session
        self.hand = hand
        self.publisher = StatePublisher(grids=session.robot.grids)
        self.inputs = DashboardInputs(session)
        self.publisher.panels["inputs"] = lambda _session: self.inputs.status()
        self.publisher.panels["owner"] = owner_state
        self.publisher.panels["seen"] = seen_state
        self.publisher.panels["handling"] = handling_state
        session.on_tick.append(self.publisher)
        session.tap.listeners.append(self.publisher.on_body_message)
        if session.audio is not None:
            session.audio.listeners.append(self.publisher.on_audio)
        session.on_tick.append(self.inputs.drain)
        self.stopping = threading.Event()
        self.streams = threading.BoundedSemaphore(MAX_STREAMS)
        self.page_connected = threading.Event()  # set when a page first opens the event stream
        self.sound_names = {p.stem for p in DEFAULT_SOUNDS_DIR.glob("*.wav")}
        self.config = self._config()
        server_class = _Server6 if ":" in host else _Server
        try:
            self.server: ThreadingHTTPServer = server_class((host, port), _handler_class(self))
        except OSError as error:
            hint = ""
            if error.errno == errno.EADDRINUSE:
                hint = " (another program uses that port: pick another with --port N, or --port 0)"
            raise UserError(
                f"cannot serve the dashboard on {host}:{port}: {error.strerror or error}{hint}"
            ) from error
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Where to point a browser."""
        host, port = self.server.server_address[:2]
        shown = host if isinstance(host, str) else host.decode()
        if ":" in shown:
            shown = f"[{shown}]"
        return f"http://{shown}:{port}/"

    def _config(self) -> dict[str, Any]:
        robot = self.session.robot
        points = pad_points(robot.layout)
        return {
            "scenario": self.session.scenario.name,
            "joints": [
                {"name": j.name, "min": j.min_deg, "max": j.max_deg, "rest": j.rest_deg}
                for j in robot.joints
            ],
            "pads": [
                {"index": p.index, "name": p.name, "zone": p.zone, "x": x, "y": y}
                for p, (x, y) in zip(robot.layout.pads, points, strict=True)
            ],
            "grids": grids_config(robot.grids),
            "hand_radius": self.hand.radius,
        }

    def start(self) -> None:
        """Serve on a background thread."""
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="dashboard", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and end open event streams."""
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


def _handler_class(dashboard: Dashboard) -> type[BaseHTTPRequestHandler]:
    class Handler(_DashboardHandler):
        app = dashboard

    return Handler


class _DashboardHandler(BaseHTTPRequestHandler):
    app: Dashboard
    protocol_version = "HTTP/1.1"
    server_version = "petbrain-dashboard"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal belongs to the simulator's timeline."""

    # -- helpers ------------------------------------------------------------

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: HTTPStatus, data: Any) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _body(self, limit: int) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > limit:
            raise UserError(f"request body of {length} bytes is over the {limit} byte limit")
        return self.rfile.read(length)

    def _object(self) -> dict[str, Any]:
        """The request's JSON body, which must be an object."""
        try:
            payload = json.loads(self._body(MAX_JSON_BYTES) or b"{}")
        except RecursionError as error:
            raise UserError("JSON nested too deeply") from error
        if not isinstance(payload, dict):
            raise UserError("the request body must be a JSON object")
        return payload

    def _host_ok(self) -> bool:
        if host_allowed(self.headers.get("Host")):
            return True
        self._json(
            HTTPStatus.FORBIDDEN,
            {"error": "unknown Host: open the dashboard by address (127.0.0.1) or localhost"},
        )
        return False

    # -- routes -------------------------------------------------------------

    def do_GET(self) -> None:
        """Static files, configuration, state and the event stream."""
        if not self._host_ok():
            return
        path = self.path.split("?", 1)[0]
        if path in STATIC_FILES:
            name, content_type = STATIC_FILES[path]
            self._send(HTTPStatus.OK, (STATIC_DIR / name).read_bytes(), content_type)
        elif path == "/config":
            self._json(HTTPStatus.OK, self.app.config)
        elif path == "/state":
            _, document = self.app.publisher.latest()
            self._send(HTTPStatus.OK, document.encode(), "application/json")
        elif path == "/events":
            self._stream()
        elif path == "/timeline":
            self._json(HTTPStatus.OK, self.app.publisher.history.to_json())
        elif path.startswith("/sounds/") and path.endswith(".wav"):
            self._sound(path[len("/sounds/") : -len(".wav")])
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no such page: {path}"})

    def _sound(self, name: str) -> None:
        # Only the library's own sounds, by name: never a path from the request.
        if name not in self.app.sound_names:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no such sound: {name}"})
            return
        data = (DEFAULT_SOUNDS_DIR / f"{name}.wav").read_bytes()
        self._send(HTTPStatus.OK, data, "audio/wav")

    def _stream(self) -> None:
        if not self.app.streams.acquire(blocking=False):
            self._json(
                HTTPStatus.SERVICE_UNAVAILABLE,
                {"error": f"too many open event streams (at most {MAX_STREAMS})"},
            )
            return
        self.app.page_connected.set()
        try:
            stream_documents(self, self.app.publisher.wait, self.app.stopping)
        finally:
            self.app.streams.release()

    def _same_origin(self) -> bool:
        # A page from elsewhere must not be able to poke the pet through the browser.
        origin = self.headers.get("Origin")
        if origin is None:
            return True
        return origin.split("://", 1)[-1] == self.headers.get("Host", "")

    def do_POST(self) -> None:
        """The hand, handling, faces and voices."""
        path = self.path.split("?", 1)[0]
        if not self._host_ok():
            return
        if not self._same_origin():
            self._json(HTTPStatus.FORBIDDEN, {"error": "requests from another origin are refused"})
            return
        try:
            if path == "/hand":
                payload = self._object()
                samples = [
                    HandSample(
                        float(s["t"]),
                        float(s["x"]),
                        float(s["y"]),
                        float(s["p"]),
                        bool(s.get("fingers", False)),
                    )
                    for s in payload.get("samples", [])
                ]
                self.app.hand.feed(samples)
                self._json(HTTPStatus.OK, {"ok": True, "samples": len(samples)})
            elif path == "/handling":
                payload = self._object()
                self._json(HTTPStatus.OK, self.app.inputs.handle(str(payload.get("action"))))
            elif path == "/cable":
                payload = self._object()
                plugged = payload.get("plugged")
                if not isinstance(plugged, bool):
                    raise UserError('cable needs {"plugged": true|false}')
                self._json(HTTPStatus.OK, self.app.inputs.cable(plugged))
            elif path in ("/face", "/voice"):
                data = self._body(MAX_UPLOAD_BYTES)
                kind = self.headers.get("Content-Type", "")
                inputs = self.app.inputs
                result = (
                    inputs.show_face(data, kind)
                    if path == "/face"
                    else inputs.play_voice(data, kind)
                )
                self._json(HTTPStatus.OK, result)
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": f"no such action: {path}"})
        except UserError as error:
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(error)})
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
            self._json(HTTPStatus.BAD_REQUEST, {"error": f"bad request: {error}"})
