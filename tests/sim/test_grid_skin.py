"""A taxel grid end to end: a hand on the virtual mat, the firmware's own row and multiplexer
drivers and scanner, TOUCH_GRID chunks over the pty, reassembly, the skin classifier with the
shipped model, and the selector's decisions (tests/sensors/touch/test_grid_frames.py has the
reassembly's edge cases)."""

from __future__ import annotations

from brain.body.joints import BACK_GRID, GRID_BACK_ROBOT
from sensors.touch.grid_hands import GridPress, GridStroke, combine_grid
from sim.runner import SimSession
from sim.scenario import Scenario

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
