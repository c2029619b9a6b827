"""Reaction latency measured on the body's side of the pty, in simulated time."""

from __future__ import annotations

from firmware import wire
from sim.runner import SimSession
from sim.scenario import Scenario


def test_each_touch_onset_is_timed_to_the_first_servo_frame_the_body_receives() -> None:
    scenario = Scenario.model_validate(
        {
            "name": "two pats",
            "duration_ms": 2000,
            "events": [
                {"at_ms": 400, "touch": {"gesture": "pat", "zone": "head"}},
                {"at_ms": 1400, "touch": {"gesture": "pat", "zone": "back_middle"}},
            ],
        }
    )
    session = SimSession(scenario)
    seen: list[tuple[int, str, str]] = []
    session.tap.listeners.append(lambda t, d, m: seen.append((t, d, m.NAME)))
    report = session.run()
    each = report.latencies["each"]
    assert isinstance(each, list)
    # The scripted palms land over a few tens of ms; the onset is the first touched frame.
    onsets = [r["onset_ms"] for r in each]
    assert len(onsets) == 2
    assert 400 <= onsets[0] < 450 and 1400 <= onsets[1] < 1450
    # The brain answers a touch in the same tick: the body gets the frame on its next scan.
    assert all(r["latency_ms"] == session.tick_ms for r in each)
    assert report.latencies["max_ms"] == session.tick_ms
    # Both directions were decoded with the link's own codec.
    assert ("up", wire.TouchFrame.NAME) in {(d, n) for _, d, n in seen}
    assert ("down", wire.ServoTargets.NAME) in {(d, n) for _, d, n in seen}
