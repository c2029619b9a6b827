"""The dashboard page as a newcomer meets it: start on connect, handling drawn, layout that holds.

Playwright drives Debian's Chromium (as ``test_dashboard_browser.py``). Layout
is checked with element boxes, never pixels.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from behaviors.library import DEFAULT_LIBRARY_DIR
from sim.dashboard.live import LiveSim
from sim.scenario import Scenario, bundled_face

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
PANELS = ["#behaviour-panel", "#mood-panel", "#link-panel", "#owner-panel", "#perceived-panel"]
PILLS = ["#clock", "#torque", "#battery", "#link-state", "#purr-indicator", "#sound"]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (bash dev.sh setup installs it)"
)


class Live(LiveSim):
    before_page_ms: int = -1


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("page") / "library"
    shutil.copytree(DEFAULT_LIBRARY_DIR, folder)
    return folder


@pytest.fixture(scope="module")
def live(library: Path) -> Iterator[Live]:
    sim = Live(
        Scenario(name="page test", duration_ms=1000),
        port=0,
        wait_for_page=True,
        library_paths=[library],
    )
    sim.start()
    time.sleep(0.6)  # no page yet: the scenario's clock must not have moved
    sim.before_page_ms = sim.session.now_ms
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open(browser: Any, live: LiveSim, width: int = 1280, height: int = 900) -> tuple[Any, list]:
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live.url)
    page.wait_for_selector("#torque.on", timeout=15_000)
    return page, errors


@pytest.fixture
def page(live: LiveSim, browser: Any) -> Iterator[Any]:
    page, errors = _open(browser, live)
    yield page
    page.close()
    assert errors == []


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return {k: round(v, 1) for k, v in box.items()}


def _centre(page: Any, selector: str) -> tuple[float, float]:
    box = _box(page, selector)
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _visible(page: Any, selector: str) -> str:
    return f"document.querySelector('{selector}').getAttribute('visibility') === 'visible'"


def test_the_scenario_starts_when_the_first_page_connects(live: Live, browser: Any) -> None:
    assert live.before_page_ms == 0
    page, errors = _open(browser, live)
    clock = float(page.locator("#clock").text_content().split()[2])
    assert clock < 10.0  # the page sees the scenario from (near) its beginning
    # The pet's calendar is the scenario's simulated start plus its clock, and says so.
    page.wait_for_function("document.getElementById('scenario').textContent.includes('(')")
    header = page.locator("#scenario").text_content()
    assert header.startswith("scenario: page test, Sat 2026-03-14 14:0"), header
    assert header.endswith("(simulated)")
    assert errors == []  # the favicon is found, no script fails
    with urllib.request.urlopen(live.url + "static/favicon.svg", timeout=5) as response:
        assert response.headers["Content-Type"] == "image/svg+xml"
    page.close()


def test_picking_up_lifts_the_cat_and_drop_lands_it(page: Any) -> None:
    floor = _box(page, "#legs")  # the legs move only with the whole body
    page.locator("[data-handling='pick_up']").click()
    page.wait_for_function(_visible(page, "#holding-hands"), timeout=10_000)
    page.wait_for_function(
        f"document.getElementById('legs').getBoundingClientRect().y < {floor['y'] - 40}",
        timeout=10_000,
    )
    page.locator("[data-handling='shake']").click()
    page.wait_for_function("document.getElementById('cat').dataset.handling === 'shaken'")
    xs = set()
    for _ in range(8):  # held up and shaken side to side
        xs.add(_box(page, "#legs")["x"])
        page.wait_for_timeout(37)
    assert max(xs) - min(xs) > 5
    page.locator("[data-handling='drop']").click()
    page.wait_for_function(_visible(page, "#landing"), timeout=10_000)
    page.wait_for_function(_visible(page, "#holding-hands") + " === false", timeout=10_000)
    page.wait_for_timeout(800)
    assert abs(_box(page, "#legs")["y"] - floor["y"]) < 3  # back on the floor


def test_a_hit_a_pat_and_a_tickle_each_show(page: Any) -> None:
    x, y = _centre(page, "#pad-back_3")
    page.keyboard.down("Shift")
    page.mouse.click(x, y)
    page.keyboard.up("Shift")
    page.wait_for_function(_visible(page, "#impact"), timeout=10_000)
    page.wait_for_timeout(1500)
    page.mouse.click(*_centre(page, "#pad-head"))
    # The pat presses the head down, on top of what the neck servo does: up to 10 degrees
    # (about 12 px at the skull on this page).
    page.wait_for_function(
        "document.getElementById('cat').dataset.touchEffect === 'pat'"
        " && Number(document.getElementById('cat').dataset.headDip) <= -5",
        timeout=10_000,
    )
    page.mouse.move(x - 25, y)
    page.mouse.down()
    for i in range(16):
        page.mouse.move(x + 25 if i % 2 == 0 else x - 25, y)
        page.wait_for_timeout(50)
    page.mouse.up()
    page.wait_for_function(_visible(page, "#tickle-marks"), timeout=10_000)


def test_with_the_cable_out_the_behaviour_panel_says_so(page: Any) -> None:
    page.locator("#cable-button").click()
    page.wait_for_function(
        "document.getElementById('behaviour-name').textContent === 'cable out'", timeout=10_000
    )
    assert "no commands" in page.locator("#behaviour-why").text_content()
    page.locator("#cable-button").click()
    page.wait_for_function(
        "document.getElementById('behaviour-name').textContent !== 'cable out'", timeout=10_000
    )


def test_a_touch_only_estimate_is_not_sure_and_fades(page: Any) -> None:
    start = _centre(page, "#pad-back_1")
    end = _centre(page, "#pad-back_6")
    page.mouse.move(start[0] - 20, start[1])
    page.mouse.down()
    for i in range(1, 26):
        page.mouse.move(start[0] - 20 + (end[0] - start[0] + 40) * i / 25, start[1])
        page.wait_for_timeout(30)
    page.mouse.up()
    page.wait_for_selector("#owner.not-sure", timeout=15_000)
    assert page.locator("#owner .headline").text_content().startswith("not sure (confidence")
    # Grey bars (the page redraws the panel with each state: query and read in one go).
    colours = page.evaluate(
        "[...document.querySelectorAll('#owner.not-sure .fill')]"
        ".map((e) => getComputedStyle(e).backgroundColor)"
    )
    assert colours and set(colours) == {"rgb(184, 176, 166)"}
    # Once the hand has lifted, touch's contribution fades instead of staying at 1.00.
    page.wait_for_function(
        """() => {
            const owner = document.getElementById('owner');
            const rows = [...owner.querySelectorAll('#contributions .bar')];
            const touch = rows.find((r) => r.firstChild.textContent === 'touch');
            return !touch || parseFloat(touch.lastChild.textContent) < 0.5;
        }""",
        timeout=15_000,
    )


def test_layout_holds_at_1280_by_900_as_content_grows(page: Any, live: LiveSim) -> None:
    before = {s: _box(page, s) for s in [*PANELS, "#events-panel", "header", *PILLS]}
    assert before["#events-panel"]["y"] + before["#events-panel"]["height"] <= 900
    photo = bundled_face("happy")
    assert photo is not None
    page.set_input_files("#face-file", str(photo))
    page.wait_for_function(
        "document.getElementById('seen').textContent.startsWith('a face')", timeout=15_000
    )
    thumb = page.locator("#face-thumb")
    assert thumb.is_visible() and page.eval_on_selector("#face-thumb", "e => e.naturalWidth") > 0
    page.evaluate(
        "document.getElementById('scenario').textContent = 'scenario: ' + 'x'.repeat(300)"
    )
    page.wait_for_timeout(1000)
    after = {s: _box(page, s) for s in before}
    assert after == before  # nothing moved or changed size while the text changed


def test_header_is_one_line_at_760_px(live: LiveSim, browser: Any) -> None:
    page, errors = _open(browser, live, width=760)
    middles = [_box(page, s)["y"] + _box(page, s)["height"] / 2 for s in PILLS]
    assert max(middles) - min(middles) < 1  # one line: no pill wrapped below another
    assert _box(page, "header")["height"] == 40
    width = page.evaluate("[document.querySelector('header').scrollWidth, innerWidth]")
    assert width[0] <= width[1]
    panels = [_box(page, s)["width"] for s in ["#behaviour-panel", "#owner-panel", "#events-panel"]]
    assert len(set(panels)) == 1  # one column, full width
    assert errors == []
    page.close()


def test_the_timeline_has_the_session_so_far(page: Any, live: LiveSim) -> None:
    page.wait_for_function("window.petTimeline.rows.length > 8", timeout=10_000)
    with urllib.request.urlopen(live.url + "timeline", timeout=5) as response:
        rows = json.loads(response.read())
    assert rows and {"t_ms", "mood", "owner", "behaviour"} <= set(rows[0])
    times = [r["t_ms"] for r in rows]
    assert times == sorted(times) and 250 <= times[1] - times[0] < 300  # one row per 250 ms
    box = _box(page, "#timeline")
    assert box["width"] > 300 and box["height"] == 150


def test_a_broken_library_save_shows_red_and_a_good_one_clears_it(page: Any, library: Path) -> None:
    status = "document.getElementById('library-status')"
    page.wait_for_function(f"{status}.textContent.startsWith('library: ')", timeout=10_000)
    target = library / "stroking.yaml"
    good = target.read_text()

    def save(text: str) -> None:
        target.write_text(text)
        stat = target.stat()
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000_000))

    save(good + "\n  - name: [broken\n")
    try:
        page.wait_for_function(f"{status}.classList.contains('broken')", timeout=15_000)
        assert "stroking.yaml" in page.locator("#library-status").text_content()
        assert page.evaluate(f"getComputedStyle({status}).color") == "rgb(185, 28, 28)"
    finally:
        save(good)
    page.wait_for_function(f"!{status}.classList.contains('broken')", timeout=15_000)
