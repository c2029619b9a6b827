"""The robot's dashboard in a real browser: the simulator's page, fed by the running pet.

Playwright drives Debian's Chromium (no browser is ever downloaded). The page
is opened once with ``?token=``; its own requests then carry the cookie.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from robot_run_helpers import robot_yaml

from brain.app.pet import PetApp
from brain.setup.config import load_robot_file
from sensors.touch.layout import DEFAULT_LAYOUT
from sensors.touch.synthetic import Stroke
from sim.live_body import LiveBody

CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "a-long-enough-dashboard-token"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (bash dev.sh setup installs it)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def pet(tmp_path: Path) -> Iterator[tuple[PetApp, LiveBody, int]]:
    port = _free_port()
    with LiveBody(tmp_path / "petbody") as body:
        path = tmp_path / "robot.yaml"
        dashboard = f"dashboard:\n  port: {port}\n  token: {TOKEN}\n"
        path.write_text(
            robot_yaml(body.link_path).replace("dashboard:\n  enabled: false\n", dashboard)
        )
        app = PetApp(load_robot_file(path))
        thread = threading.Thread(target=app.run, daemon=True)
        thread.start()
        try:
            yield app, body, port
        finally:
            app.request_stop()
            thread.join(10)


def test_the_page_shows_the_robot_and_its_purr(pet: tuple[PetApp, LiveBody, int]) -> None:
    from playwright.sync_api import sync_playwright

    app, body, port = pet
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            denied = page.goto(f"http://127.0.0.1:{port}/")
            assert denied is not None and denied.status == 401
            page.goto(f"http://127.0.0.1:{port}/?token={TOKEN}")
            page.wait_for_selector("#torque.on", timeout=15_000)
            back = [DEFAULT_LAYOUT.pads[i].position_mm for i in DEFAULT_LAYOUT.indices(["back"])]
            body.set_contact(
                Stroke(
                    DEFAULT_LAYOUT,
                    body.now_ms + 50,
                    min(back) - 30,
                    max(back) + 30,
                    zones=("back",),
                )
            )
            page.wait_for_function(
                "document.getElementById('behaviour-name').textContent === 'purr_when_stroked'",
                timeout=15_000,
            )
            assert "link up" in page.inner_text("#link-state")
        finally:
            browser.close()
    assert errors == []
    assert app.health.state("dashboard").ok is True
