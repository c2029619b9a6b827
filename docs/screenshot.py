"""Take the README's dashboard screenshot: ``python docs/screenshot.py docs/dashboard.png``.

Runs the demo scenario with its dashboard, opens it in Debian's headless
Chromium through Playwright (never a downloaded browser) at 1280x900, shows
the bundled happy face to the camera, and captures the page 4.5 s into the
scenario (a stroke purred at, then the face greeted).

``python docs/screenshot.py docs/dashboard-grid.png --skin grid`` takes the
touch skin's picture instead: the body with a pressure mat on its back
(``petbrain sim --skin grid``), the pointer stroking the drawn mat from
head to tail, captured mid-stroke (the cat and its touch skin panel only).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from brain.body.joints import GRID_BACK_ROBOT
from sim.console import library_or_error
from sim.dashboard.live import LiveSim
from sim.scenario import DEMO_SCENARIO, Scenario, bundled_face, load_scenario

CHROMIUM = "/usr/bin/chromium"
SHOT_AT_MS = 4500  # into the demo: after the first stroke, the face seen and greeted


@contextmanager
def _dashboard(live: LiveSim) -> Iterator[Page]:
    """The live simulator's dashboard in headless Chromium at 1280x900, torque on."""
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    live.start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(live.url)
            page.wait_for_selector("#torque.on", timeout=20_000)
            yield page
            browser.close()
    finally:
        live.stop()


def main(out: Path) -> None:
    """Write the screenshot to ``out``."""
    live = LiveSim(load_scenario(DEMO_SCENARIO), library_or_error(), port=0, wait_for_page=True)
    with _dashboard(live) as page:
        face = bundled_face("happy")
        assert face is not None
        page.set_input_files("#face-file", str(face))
        page.wait_for_function(
            f"parseFloat(document.getElementById('clock').textContent.slice(4)) > "
            f"{SHOT_AT_MS / 1000}",
            timeout=30_000,
        )
        page.screenshot(path=str(out))
    print(f"wrote {out}")


def main_grid(out: Path) -> None:
    """Write the touch skin's screenshot to ``out``: a stroke on the drawn mat, mid-way."""
    scenario = Scenario(name="a stroke on the back mat", duration_ms=1000)
    live = LiveSim(scenario, library_or_error(), robot=GRID_BACK_ROBOT, port=0)
    with _dashboard(live) as page:
        box = page.locator("#mat-0").bounding_box()
        assert box is not None
        y = box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + 20, y)
        page.mouse.down()
        for i in range(14):  # about 200 mm/s, head to tail
            page.mouse.move(box["x"] + 20 + (box["width"] - 40) * i / 19, y)
            page.wait_for_timeout(60)
        page.wait_for_selector("#grid-0[data-state='pressed']", timeout=10_000)
        page.locator("#pet").screenshot(path=str(out))
        page.mouse.up()
    print(f"wrote {out}")


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/dashboard.png")
    if sys.argv[2:] == ["--skin", "grid"]:
        main_grid(target)
    else:
        main(target)
