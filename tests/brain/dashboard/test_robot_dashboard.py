"""The robot's dashboard: read-only, token-protected on a LAN, fed by the running app."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from robot_run_helpers import robot_yaml

from brain.app.pet import PetApp
from brain.dashboard.hosts import host_allowed, own_names
from brain.dashboard.server import RobotDashboard
from brain.setup.config import load_robot_file
from sensors.touch.layout import DEFAULT_LAYOUT
from sensors.touch.synthetic import Press
from sim.live_body import LiveBody

TOKEN = "correct-horse-battery-staple"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(
    url: str, headers: dict[str, str] | None = None, data: bytes | None = None
) -> tuple[int, Any, Any]:
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[RobotDashboard]:
    static = tmp_path / "static"
    static.mkdir()
    (static / "index.html").write_text("<title>cat</title>")
    (static / "cat.js").write_text("draw()")
    board = RobotDashboard({"joints": []}, "127.0.0.1", _free_port(), TOKEN, static)
    board.start()
    yield board
    board.stop()


def test_token_is_required_and_can_become_a_cookie(dashboard: RobotDashboard) -> None:
    base = f"http://127.0.0.1:{dashboard.server.server_address[1]}"
    status, body, _ = _get(base + "/")
    assert status == 401 and b"token" in body
    assert _get(base + "/?token=wrong")[0] == 401
    status, body, headers = _get(base + f"/?token={TOKEN}")
    assert status == 200 and body == b"<title>cat</title>"
    cookie = headers["Set-Cookie"].split(";")[0]
    assert "HttpOnly" in headers["Set-Cookie"]
    assert _get(base + "/static/cat.js", {"Cookie": cookie})[0] == 200
    assert _get(base + "/state", {"Authorization": f"Bearer {TOKEN}"})[0] == 200
    assert _get(base + "/state", {"Authorization": "Bearer nope"})[0] == 401


def test_a_rebinding_domain_is_refused_even_with_the_token(dashboard: RobotDashboard) -> None:
    # A page on evil.example resolved to the robot sends Host: evil.example; the robot's
    # own names (host name, NAME.local) and addresses are answered.
    port = dashboard.server.server_address[1]
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example"):
        status, body, _ = _get(base + "/state", {**auth, "Host": host})
        assert status == 403 and b"Host" in body, host
        assert _get(base + "/hand", {**auth, "Host": host}, data=b"{}")[0] == 403
    name = socket.gethostname().split(".")[0]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"{name}.local:{port}", name.upper()):
        assert _get(base + "/state", {**auth, "Host": host})[0] == 200, host


def test_host_names_and_addresses() -> None:
    assert host_allowed("192.168.1.20:8765") and host_allowed("[fe80::1]:8765")
    assert host_allowed("petcat.local:8765", ("petcat", "petcat.local"))
    assert host_allowed("PETCAT.LOCAL.", ("petcat.local",))
    assert not host_allowed("petcat.local.evil.example", ("petcat.local",))
    assert not host_allowed(None) and not host_allowed("") and not host_allowed("a:b:c")
    assert not host_allowed("localhost:http")


def test_own_names_add_the_mdns_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "gethostname", lambda: "PetCat.home.lan")
    assert own_names() == ("petcat.home.lan", "petcat", "petcat.local")
    monkeypatch.setattr(socket, "gethostname", lambda: "")
    assert own_names() == ()


def test_read_only_and_no_way_out_of_the_static_folder(dashboard: RobotDashboard) -> None:
    base = f"http://127.0.0.1:{dashboard.server.server_address[1]}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    status, body, _ = _get(base + "/hand", auth, data=b'{"samples": []}')
    assert status == 403 and b"read-only" in body
    assert _get(base + "/static/..%2F..%2Fetc%2Fpasswd", auth)[0] == 404
    assert _get(base + "/static/secret.txt", auth)[0] == 404
    dashboard.board.publish({"t_ms": 5, "torque": True})
    status, body, _ = _get(base + "/state", auth)
    assert json.loads(body) == {"t_ms": 5, "torque": True}


def test_the_running_pet_publishes_its_state(tmp_path: Path) -> None:
    port = _free_port()
    with LiveBody(tmp_path / "petbody") as body:
        path = tmp_path / "robot.yaml"
        text = robot_yaml(body.link_path).replace(
            "dashboard:\n  enabled: false\n", f"dashboard:\n  port: {port}\n"
        )
        path.write_text(text)
        app = PetApp(load_robot_file(path))
        thread = threading.Thread(target=app.run, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 10
            while not app.brain.torque and time.monotonic() < deadline:
                time.sleep(0.02)
            head = DEFAULT_LAYOUT.by_name("head").index
            body.set_contact(Press(DEFAULT_LAYOUT, body.now_ms, 5000, (head,), 0.8))
            state: dict[str, Any] = {}
            while time.monotonic() < deadline:
                status, raw, _ = _get(f"http://127.0.0.1:{port}/state")
                state = json.loads(raw)
                if status == 200 and state.get("pads") and state["pads"][head] > 0.3:
                    break
                time.sleep(0.05)
            config = json.loads(_get(f"http://127.0.0.1:{port}/config")[1])
        finally:
            app.request_stop()
            thread.join(10)
    assert app.stopped_cleanly  # torque released even though the web server takes a while to stop
    assert state["torque"] is True
    # Every panel the simulator's page draws is in the document.
    assert {"sounds", "owner", "heard", "seen", "inputs", "battery_mv", "mood", "link"} <= set(
        state
    )
    assert state["owner"]["available"] is False and state["owner"]["reason"]
    assert state["devices"]["body"]["ok"] is True
    assert state["devices"]["dashboard"]["ok"] is True
    assert state["pads"][head] > 0.3
    assert set(state["joints"]) == {j["name"] for j in config["joints"]}
    assert config["robot"] is True and len(config["pads"]) == 14


def test_the_view_keeps_the_latest_frame_numbers_only() -> None:
    from brain.dashboard.view import RobotView
    from sensors.camera.observations import BodyObservation, FaceObservation, VisionObservation

    view = RobotView()
    face = FaceObservation(40, True, expression={"happy": 0.81234}, looking_at_pet=True)
    view.note(VisionObservation(40, face, BodyObservation(40, False)), owner_present=True)
    assert view.seen == {
        "t_ms": 40,
        "face": True,
        "expression": {"happy": 0.812},
        "looking_at_pet": True,
        "distance_m": None,
        "body": False,
        "lean": 0.0,
        "owner_present": True,
    }
    assert view.heard is None


def test_the_robot_page_gets_each_taxel_grids_heat_map(tmp_path: Path) -> None:
    """A body with a back mat (board pico_grid): its pressure reaches /state as a heat map."""
    import base64

    import numpy as np

    from brain.body.joints import BACK_GRID, GRID_BACK_ROBOT
    from sensors.touch.grid_hands import GridPress

    port = _free_port()
    layout = GRID_BACK_ROBOT.layout
    with LiveBody(tmp_path / "petbody", layout=layout, grids=[BACK_GRID]) as body:
        pads = "\n".join(
            f"  - {{name: {p.name}, zone: {p.zone}, position_mm: {p.position_mm:g}}}"
            for p in layout.pads
        )
        text = robot_yaml(body.link_path).replace("board: pico\n", "board: pico_grid\n")
        text = text.split("pads:\n")[0] + f"pads:\n{pads}\n" + "camera:" + text.split("camera:")[1]
        grid = ", ".join(f"{k}: {v}" for k, v in BACK_GRID.to_json().items())
        text = text.replace("dashboard:\n  enabled: false\n", f"dashboard:\n  port: {port}\n")
        path = tmp_path / "robot.yaml"
        path.write_text(text + f"touch:\n  grids:\n  - {{{grid}}}\n")
        app = PetApp(load_robot_file(path))
        thread = threading.Thread(target=app.run, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 15
            while not app.brain.torque and time.monotonic() < deadline:
                time.sleep(0.02)
            # A firm hand at 250 mm along the spine, across the mat's middle.
            body.set_grid_pressure(0, GridPress(BACK_GRID, body.now_ms, 8000, 0.9, 40.0, (250, 90)))
            state: dict[str, Any] = {}
            while time.monotonic() < deadline:
                state = json.loads(_get(f"http://127.0.0.1:{port}/state")[1])
                grids = state.get("grids") or []
                if grids and grids[0]["peak"] > 150:
                    break
                time.sleep(0.05)
            config = json.loads(_get(f"http://127.0.0.1:{port}/config")[1])
        finally:
            app.request_stop()
            thread.join(10)
    (entry,) = state["grids"]
    assert (entry["name"], entry["zone"], entry["shape"]) == ("grid 0", "back_middle", [19, 27])
    assert entry["error"] is None and entry["peak"] > 150
    heat = np.frombuffer(base64.b64decode(entry["cells"]), dtype=np.uint8).reshape(19, 27)
    # Pressed where the hand is (column (250 - 145) / 10 from the head), not at the ends.
    assert heat[9, 10] > 150 and heat[:, 0].max() < 60 and heat[:, -1].max() < 60
    (drawn,) = config["grids"]
    assert drawn["drawn"] == [19, 27] and drawn["zone"] == "back_middle"
