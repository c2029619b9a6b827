"""``petbrain sim --skin grid`` in a real browser: press the drawn mat, see its heat map.

Playwright drives Debian's Chromium (as ``test_dashboard_browser.py``). The
pointer goes through the browser's hand, ``sim.hands.grid_hand``, the virtual
mat the firmware scans, TOUCH_GRID chunks over the pty and the brain's
reassembly; the page's canvas has one pixel per taxel, so it is read back.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from brain.body.joints import GRID_BACK_ROBOT
from sensors.touch.grid_frames import GridFrame
from sim.dashboard.live import LiveSim
from sim.runner import SimSession
from sim.scenario import Scenario

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
PAPER = [251, 247, 241]  # the heat map's colour of 0 (grids.js HEAT_STOPS)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (bash dev.sh setup installs it)"
)


@pytest.fixture(scope="module")
def live() -> Iterator[LiveSim]:
    sim = LiveSim(Scenario(name="grid page test", duration_ms=1000), robot=GRID_BACK_ROBOT, port=0)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def page(live: LiveSim) -> Iterator[tuple[Any, list[str]]]:
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(live.url)
            page.wait_for_selector("#torque.on", timeout=15_000)
            yield page, errors
        finally:
            browser.close()


def _pixel(page: Any, col: int, row: int) -> list[int]:
    rgb: list[int] = page.evaluate(
        """([col, row]) => Array.from(document.getElementById('grid-0')
            .getContext('2d').getImageData(col, row, 1, 1).data.slice(0, 3))""",
        [col, row],
    )
    return rgb


def _paper(rgb: list[int]) -> bool:
    """The colour of nothing pressed, give or take the mat's own noise (a few counts)."""
    return all(abs(a - b) <= 10 for a, b in zip(rgb, PAPER, strict=True))


def _clock_s(page: Any) -> float:
    return float(page.locator("#clock").text_content().split("=")[1].split()[0])


def test_pressing_the_drawn_mat_shows_on_its_heat_map(page: tuple[Any, list[str]]) -> None:
    page, errors = page
    assert page.locator("#skin-panel").is_visible()
    assert "back_middle, 19 x 27" in page.locator("#skin-panel").text_content()
    canvas = page.locator("#grid-0")
    assert (canvas.get_attribute("width"), canvas.get_attribute("height")) == ("27", "19")
    box = page.locator("#mat-0").bounding_box()
    assert box is not None
    # Press and hold at the mat's middle: 275 mm along the spine, column (275 - 145) / 10 = 13.
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    try:
        page.wait_for_selector("#grid-0[data-state='pressed']", timeout=15_000)
        page.wait_for_function(
            "Number(document.getElementById('grid-0').dataset.peak) > 100", timeout=15_000
        )
        middle = _pixel(page, 13, 9)
        assert middle != PAPER and middle[0] > middle[2] + 60  # warm: pressed
        assert _paper(_pixel(page, 0, 9)) and _paper(_pixel(page, 26, 9))  # the ends: not
        assert "frame" in page.locator("#grid-note-0").text_content()
    finally:
        page.mouse.up()
    page.wait_for_selector("#grid-0[data-state='idle']", timeout=15_000)
    assert _paper(_pixel(page, 13, 9))
    assert errors == []


def test_a_malformed_frame_is_said_and_the_page_goes_on(
    live: LiveSim, page: tuple[Any, list[str]]
) -> None:
    page, errors = page
    page.wait_for_function("document.getElementById('grid-0').dataset.state !== 'waiting'")
    # A document whose cells do not fill its shape (as a broken or foreign server might send).
    shown = page.evaluate(
        """() => {
            window.petGrids.apply([
                {index: 0, frame: 99999, t_ms: 1, rows: 19, cols: 27, cells: 'AAAA'},
                {index: 0, frame: 99998, t_ms: 2, rows: -1, cols: 'x', cells: null},
                null, 'nonsense', {index: 7, frame: 1}
            ]);
            return [document.getElementById('grid-0').dataset.state,
                    document.getElementById('grid-note-0').textContent];
        }"""
    )
    assert shown[0] == "bad" and shown[1].startswith("bad frame: -1 x x cells"), shown
    # The next document's good frame is drawn again.
    page.wait_for_function("document.getElementById('grid-0').dataset.state !== 'bad'")
    # A frame of the wrong shape in the brain: the server says so instead of encoding it.
    # Put there on the simulator's own thread after each tick for a second of its clock, so
    # that a document is built from it before the mat's next real frame takes its place.
    bad = GridFrame(0, live.session.now_ms, 65000, np.zeros((27, 19), np.uint16))
    until_ms = live.session.now_ms + 1000

    def inject(session: SimSession, _events: object) -> None:
        if session.now_ms < until_ms:
            session.brain.grid_touch.latest[0] = bad

    live.session.on_tick.append(inject)
    page.wait_for_function(
        "document.getElementById('grid-0').dataset.state === 'bad' && document.getElementById("
        "'grid-note-0').textContent.includes(\"not the grid's 19 x 27\")",
        timeout=10_000,
    )
    # The rest of the page goes on, and once the mat's own frames come again they are drawn.
    before = _clock_s(page)
    page.wait_for_function(
        f"parseFloat(document.getElementById('clock').textContent.slice(4)) > {before + 1.5}",
        timeout=10_000,
    )
    page.wait_for_function(
        "document.getElementById('grid-0').dataset.state === 'idle' && "
        "document.getElementById('grid-note-0').textContent.startsWith('frame ')",
        timeout=10_000,
    )
    assert errors == []
