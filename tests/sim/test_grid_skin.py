"""A taxel grid end to end: a hand on the virtual mat, the firmware's own row and multiplexer
drivers and scanner, TOUCH_GRID chunks over the pty, reassembly, the skin classifier with the
shipped model, and the selector's decisions (tests/sensors/touch/test_grid_frames.py has the
reassembly's edge cases)."""

from __future__ import annotations

import importlib.util
import platform

import pytest

from brain.body.joints import BACK_GRID, GRID_BACK_ROBOT
from sensors.touch.grid_hands import GridPress, GridStroke, combine_grid
from sim.runner import SimSession
from sim.scenario import Scenario

# As in test_mp_body.py: the Unix port wheel exists for x86_64 only.
NO_UNIX_PORT = (
    platform.machine() != "x86_64" and importlib.util.find_spec("micropython_unix") is None
)

STROKE_MS = 500
HUG_MS = 2800


def test_a_stroke_and_a_hug_on_the_back_grid_reach_the_selector() -> None:
    # A firm palm from behind the neck to the tail at 300 mm/s, then arms round the back.
    stroke = GridStroke(
        BACK_GRID, STROKE_MS, 160.0, 400.0, speed_mm_per_s=300.0, radius_mm=60.0, pressure=0.85
    )
    hug = GridPress(BACK_GRID, HUG_MS, 2500, pressure=0.9, radius_mm=120.0)
    session = SimSession(
        Scenario(name="grid", duration_ms=6000, seed=3),
        robot=GRID_BACK_ROBOT,
        grid_pressure=[combine_grid(BACK_GRID, [stroke, hug])],
    )
    report = session.run()
    events = [e.to_json() for e in report.events]
    touches = [e for e in events if e["kind"] == "touch"]
    gestures = [e for e in touches if e["type"] == "gesture"]
    assert [(g["gesture"], g["zones"], g["direction"]) for g in gestures] == [
        ("stroke", ["back_middle"], "with_fur"),
        ("hug", ["back_middle"], None),
    ]
    onsets = [e for e in touches if e["type"] == "onset"]
    assert [o["zone"] for o in onsets] == ["back_middle", "back_middle"]
    # The onset comes from the first grid frame the hand is on: one frame period at most
    # (100 ms at 10 Hz) plus the frame's scan and its chunks (50 ms of simulated time).
    assert STROKE_MS <= onsets[0]["t_ms"] <= STROKE_MS + 150
    decisions = {e["behaviour"]: e for e in events if e["kind"] == "decision"}
    assert decisions["notice_touch"]["trigger"] == "touch_onset zone=back"
    purr = decisions["purr_when_stroked"]
    assert purr["trigger"] == "touch gesture=stroke zone=back direction=with_fur"
    assert decisions["hug_melt"]["trigger"] == "touch gesture=hug"
    stats = session.brain.grid_touch.stats.as_json()
    assert stats["frames"] >= 55 and stats["chunks"] == 2 * stats["frames"]
    assert all(stats[kind] == 0 for kind in ("unknown_grid", "wrong_shape", "incomplete"))


@pytest.mark.slow
@pytest.mark.skipif(NO_UNIX_PORT, reason="no MicroPython Unix port wheel here")
def test_the_micropython_body_scans_the_grid_with_main_py_and_the_brain_names_a_stroke() -> None:
    # firmware/main.py under MicroPython, board pico_grid: the mat's pins and ADC reads go
    # through the remote machine to the same virtual mat; the session runs in real time.
    stroke = GridStroke(BACK_GRID, 1500, 160.0, 400.0, 300.0, 0.85, 60.0)
    session = SimSession(
        Scenario(name="grid-upy", duration_ms=4000, seed=3),
        robot=GRID_BACK_ROBOT,
        grid_pressure=[stroke],
        body="micropython",
    )
    report = session.run()
    gestures = [
        e.to_json() for e in report.events if e.kind == "touch" and e.data["type"] == "gesture"
    ]
    assert [(g["gesture"], g["zones"], g["direction"]) for g in gestures] == [
        ("stroke", ["back_middle"], "with_fur")
    ]
    assert "purr_when_stroked" in [name for _, name in report.decisions()]
