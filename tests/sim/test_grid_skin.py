"""A taxel grid end to end: a hand on the virtual mat, the firmware's own row and multiplexer
drivers and scanner, TOUCH_GRID chunks over the pty, reassembly, the skin classifier with the
shipped model, and the selector's decisions (tests/sensors/touch/test_grid_frames.py has the
reassembly's edge cases)."""

from __future__ import annotations

import importlib.util
import platform

import pytest

from brain.body.joints import BACK_GRID, GRID_BACK_ROBOT
from sensors.touch.grid_hands import GridStroke, combine_grid
from sim.runner import SimSession
from sim.scenario import Scenario

# As in test_mp_body.py: the Unix port wheel exists for x86_64 only.
NO_UNIX_PORT = (
    platform.machine() != "x86_64" and importlib.util.find_spec("micropython_unix") is None
)

STROKE_MS = 500


def test_scenario_touches_on_the_back_grid_reach_the_selector_beside_the_pads() -> None:
    # The scenario says what a hand does and where; on a body whose back is a mat, touches
    # on the back press the mat (a palm from behind the neck to the tail at 300 mm/s,
    # then back, then arms round it) and a pat on the head lands on the head pad.
    scenario = Scenario.model_validate(
        {
            "name": "grid",
            "duration_ms": 8500,
            "seed": 3,
            "events": [
                {"at_ms": STROKE_MS, "touch": {"gesture": "stroke", "zone": "back"}},
                {
                    "at_ms": 2500,
                    "touch": {"gesture": "stroke", "zone": "back", "direction": "against_fur"},
                },
                {"at_ms": 4500, "touch": {"gesture": "pat", "zone": "head"}},
                {"at_ms": 5500, "touch": {"gesture": "hug", "zone": "back"}},
            ],
        }
    )
    session = SimSession(scenario, robot=GRID_BACK_ROBOT)
    report = session.run()
    events = [e.to_json() for e in report.events]
    touches = [e for e in events if e["kind"] == "touch"]
    gestures = [e for e in touches if e["type"] == "gesture"]
    assert [(g["gesture"], g["zones"][0], g["direction"]) for g in gestures] == [
        ("stroke", "back_middle", "with_fur"),
        ("stroke", "back_middle", "against_fur"),
        ("pat", "head", None),
        ("hug", "back_middle", None),
    ]
    onsets = [e for e in touches if e["type"] == "onset" and e["zone"] == "back_middle"]
    # The onset comes from the first grid frame the hand is on: one frame period at most
    # (100 ms at 10 Hz) plus the frame's scan and its chunks (50 ms of simulated time).
    assert STROKE_MS <= onsets[0]["t_ms"] <= STROKE_MS + 150
    triggers = [(e["behaviour"], e["trigger"]) for e in events if e["kind"] == "decision"]
    assert triggers[0] == ("notice_touch", "touch_onset zone=back")
    assert ("purr_when_stroked", "touch gesture=stroke zone=back direction=with_fur") in triggers
    assert (
        "dislike_against_fur",
        "touch gesture=stroke zone=back direction=against_fur",
    ) in triggers
    assert ("hug_melt", "touch gesture=hug") in triggers
    stats = session.brain.grid_touch.stats.as_json()
    assert report.link["touch_grid"] == stats  # the report (and `sim` summary) carry them
    assert stats["frames"] >= 80 and stats["chunks"] == 2 * stats["frames"]
    assert all(stats[kind] == 0 for kind in ("unknown_grid", "wrong_shape", "incomplete"))


def test_the_hands_a_test_gives_press_the_grid_beside_the_scenarios() -> None:
    # A hand given to the session (the way a tool or the dashboard adds one) on the same mat.
    stroke = GridStroke(BACK_GRID, STROKE_MS, 160.0, 400.0, 300.0, 0.85, 60.0)
    session = SimSession(
        Scenario(name="grid-hand", duration_ms=2500, seed=4),
        robot=GRID_BACK_ROBOT,
        grid_pressure=[combine_grid(BACK_GRID, [stroke])],
    )
    report = session.run()
    gestures = [e.data for e in report.events if e.kind == "touch" and e.data["type"] == "gesture"]
    assert [(g["gesture"], g["direction"]) for g in gestures] == [("stroke", "with_fur")]


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


def test_the_dashboard_pointer_dragged_along_the_mat_reads_as_a_stroke() -> None:
    # The sim dashboard's relaxed palm (pressure 0.55, as the page sends for a mouse), dragged
    # head to tail at 200 mm/s: the mat must feel a stroke, as under a real hand.
    from brain.dashboard.document import DRAWING_X_OFFSET, ZONE_Y
    from sim.hands import BrowserHand, HandSample, grid_hand

    hand = BrowserHand(GRID_BACK_ROBOT.layout, delay_ms=0)
    hand(0)
    y = ZONE_Y[BACK_GRID.zone]
    from_mm, to_mm = 160.0, 400.0
    steps = int(abs(to_mm - from_mm) / 200.0 * 1000.0 / 20.0)
    drag = [
        HandSample(
            float(STROKE_MS + 20 * i),
            DRAWING_X_OFFSET + from_mm + (to_mm - from_mm) * i / steps,
            y,
            0.55,
        )
        for i in range(steps + 1)
    ]
    end = drag[-1]
    hand.feed([*drag, HandSample(end.t_ms + 20.0, end.x, y, 0.0)])
    session = SimSession(
        Scenario(name="pointer-stroke", duration_ms=3000, seed=4),
        robot=GRID_BACK_ROBOT,
        grid_pressure=[grid_hand(hand, BACK_GRID)],
    )
    report = session.run()
    gestures = [e.data for e in report.events if e.kind == "touch" and e.data["type"] == "gesture"]
    assert [(g["gesture"], g["direction"]) for g in gestures] == [("stroke", "with_fur")]
