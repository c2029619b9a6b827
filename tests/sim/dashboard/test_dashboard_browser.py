"""The dashboard in a real browser: stroke the drawn cat's back with the mouse, see it purr.

Playwright drives Debian's Chromium (``dev.sh`` installs it; no browser is
ever downloaded). The mouse goes through the browser's hand, the virtual
pads, the firmware, the pty and the brain's classifier, like a real touch.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim.dashboard.live import LiveSim
from sim.scenario import Scenario, bundled_face

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (bash dev.sh setup installs it)"
)


@pytest.fixture(scope="module")
def live() -> Iterator[LiveSim]:
    sim = LiveSim(Scenario(name="browser test", duration_ms=1000), port=0)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright must not look for (or fetch) a browser of its own.
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(live: LiveSim, browser: Any) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live.url)
    page.wait_for_selector("#torque.on", timeout=10_000)
    yield page
    page.close()


def _wait_behaviour(page: Any, name: str, timeout_ms: int = 15_000) -> None:
    page.wait_for_function(
        f"document.getElementById('behaviour-name').textContent === '{name}'", timeout=timeout_ms
    )


def _centre(page: Any, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_a_click_on_the_head_is_a_pat_and_the_cat_looks_round(page: Any) -> None:
    _wait_behaviour(page, "idle", timeout_ms=20_000)
    page.mouse.click(*_centre(page, "#pad-head"))
    _wait_behaviour(page, "look_at_pat")
    assert "pat on head" in page.locator("#log").text_content()


def test_stroking_the_back_with_the_mouse_makes_the_drawn_cat_purr(page: Any) -> None:
    assert page.locator("#purr-indicator").get_attribute("data-on") == "false"
    before = page.locator("#torso").get_attribute("d")
    start = _centre(page, "#pad-back_1")
    end = _centre(page, "#pad-back_6")
    page.mouse.move(start[0] - 20, start[1])
    page.mouse.down()
    steps = 25  # about 300 mm in 0.75 s: an unhurried stroke head to tail
    for i in range(1, steps + 1):
        f = i / steps
        page.mouse.move(start[0] - 20 + (end[0] + 20 - start[0] + 20) * f, start[1])
        page.wait_for_timeout(30)
    page.mouse.up()
    _wait_behaviour(page, "purr_when_stroked")
    page.wait_for_selector("#purr-indicator[data-on='true']", timeout=15_000)
    assert page.locator("#purr-waves").get_attribute("class") == "on"
    assert "with_fur" in page.locator("#behaviour-why").text_content()
    # The body leans in: the back's outline rises with the spine servo, far beyond
    # idle breathing (about 2 units either way).
    page.wait_for_function(
        """(before) => {
            const d = document.getElementById('torso').getAttribute('d');
            const top = parseFloat(d.match(/C195,([-0-9.]+)/)[1]);
            return d !== before && top < 122;
        }""",
        arg=before,
        timeout=15_000,
    )
    assert "stroke on back" in page.locator("#log").text_content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-purring.png"))


def test_a_hard_click_is_a_hit_and_the_cat_flinches(page: Any) -> None:
    x, y = _centre(page, "#pad-back_3")
    page.keyboard.down("Shift")
    page.mouse.click(x, y)
    page.keyboard.up("Shift")
    _wait_behaviour(page, "startle_when_hit")
    # Ears flat: the near ear's drawing turns back by tens of degrees.
    page.wait_for_function(
        """() => {
            const t = document.getElementById('ear-left').getAttribute('transform');
            return parseFloat(t.match(/rotate\\(([-0-9.]+)/)[1]) > 30;
        }""",
        timeout=15_000,
    )


def test_scribbling_is_a_tickle(page: Any) -> None:
    x, y = _centre(page, "#pad-back_3")
    page.mouse.move(x - 25, y)
    page.mouse.down()
    for i in range(16):
        page.mouse.move(x + 25 if i % 2 == 0 else x - 25, y)
        page.wait_for_timeout(50)
    page.mouse.up()
    page.wait_for_function(
        "document.getElementById('log').textContent.includes('tickle on')", timeout=15_000
    )


def test_the_pick_up_button_lifts_the_body_and_its_imu_reports_it(page: Any) -> None:
    page.wait_for_function(
        "parseFloat(document.getElementById('clock').textContent.slice(4)) > 2", timeout=15_000
    )
    page.locator("[data-handling='pick_up']").click()
    page.wait_for_function(
        "document.getElementById('log').textContent.includes('body IMU: picked up')",
        timeout=15_000,
    )
    # The brain's handling detector reads it too, and the pet answers with a sound.
    page.wait_for_function(
        "document.getElementById('log').textContent.includes('handling')", timeout=15_000
    )
    page.wait_for_function(
        "document.getElementById('sound').textContent.startsWith('sound ')"
        " && document.getElementById('sound').textContent !== 'sound '",
        timeout=15_000,
    )


def test_a_wav_played_from_the_page_is_heard_by_the_audio_pipeline(
    page: Any, tmp_path: Path
) -> None:
    import shutil
    import subprocess

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is absent (bash dev.sh setup installs it)")
    wav = tmp_path / "hello.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), "Hello kitty cat"], check=True, timeout=30)
    page.set_input_files("#voice-file", str(wav))
    page.wait_for_function(
        "document.getElementById('heard').textContent.startsWith('voice at')", timeout=15_000
    )
    assert "heard a voice" in page.locator("#log").text_content()


def test_a_photo_shown_from_the_page_is_seen_by_the_vision_pipeline(page: Any) -> None:

    photo = bundled_face("happy")
    assert photo is not None
    page.set_input_files("#face-file", str(photo))
    page.wait_for_function(
        "document.getElementById('seen').textContent.startsWith('a face')", timeout=15_000
    )


def test_each_input_is_offered_exactly_when_the_brain_can_take_it(page: Any, live: LiveSim) -> None:
    page.wait_for_selector("#torque.on", timeout=10_000)
    status = live.dashboard.inputs.status()
    button = page.locator("[data-handling='pick_up']")
    assert button.is_disabled() == (not status["handling"]["available"])
    for kind in ("handling", "face", "voice"):
        note = page.locator(f"#{kind}-note").text_content()
        if status[kind]["available"]:
            assert note == ""
        else:
            assert note == f"not available: {status[kind]['reason']}"
