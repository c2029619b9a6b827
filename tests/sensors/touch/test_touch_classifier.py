import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sensors.touch.classifier import TouchClassifier
from sensors.touch.events import GESTURES, TouchEvent, TouchGesture, TouchOnset, TouchPadFault
from sensors.touch.layout import DEFAULT_LAYOUT
from sensors.touch.sensor_model import PadSensorModel
from sensors.touch.synthetic import HandStyle, Stroke, generate_trace
from sensors.touch.trace import Trace

QUIET = (0,) * 14
CLEAN = PadSensorModel(noise_counts=2.0, drift_counts=5.0, gain_spread=0.1, seed=1)


def run(trace: Trace) -> list[TouchEvent]:
    classifier = TouchClassifier(trace.header.layout)
    events: list[TouchEvent] = []
    for frame in trace.frames:
        events += classifier.feed(frame.t_ms, frame.values)
    events += classifier.finish(trace.frames[-1].t_ms + 200)
    return events


def finished(events: list[TouchEvent]) -> list[TouchGesture]:
    return [e for e in events if isinstance(e, TouchGesture) and not e.ongoing]


def frame(**pads: int) -> tuple[int, ...]:
    values = [0] * 14
    for name, value in pads.items():
        values[DEFAULT_LAYOUT.by_name(name).index] = value
    return tuple(values)


def test_onset_comes_on_the_first_frame_over_threshold_once_per_zone() -> None:
    c = TouchClassifier(DEFAULT_LAYOUT)
    for t in range(0, 200, 10):
        assert c.feed(t, QUIET) == []
    assert c.feed(200, frame(back_3=40)) == []  # below threshold
    events = c.feed(210, frame(back_3=90))
    assert events == [TouchOnset(210, "back_middle", 7, 90)]
    # Another pad of the same zone: no second onset; a new zone: its own onset.
    events = c.feed(220, frame(back_3=200, back_4=150, back_5=120))
    assert [(e.zone, e.pad) for e in events if isinstance(e, TouchOnset)] == [("back_rear", 9)]


@pytest.mark.parametrize("gesture", GESTURES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_gesture_is_recognised_under_clean_conditions(gesture: str, seed: int) -> None:
    trace = generate_trace(gesture, seed=seed, sensor=CLEAN)
    found = finished(run(trace))
    assert found, "no gesture found"
    assert {g.gesture for g in found} == {gesture}
    label = trace.header.meta["label"]
    for g in found:
        assert 0.0 < g.intensity <= 1.0 and g.duration_ms > 0 and g.zones
        if "direction" in label:
            assert g.direction == label["direction"]
            assert g.speed_mm_per_s > 0 and g.length_mm > 50


@pytest.mark.parametrize("gesture", GESTURES)
def test_every_gesture_is_reported_within_150_ms_of_its_end(gesture: str) -> None:
    trace = generate_trace(gesture, seed=11, sensor=CLEAN)
    classifier = TouchClassifier(DEFAULT_LAYOUT)
    last_contact = 0
    for f in trace.frames:
        events = classifier.feed(f.t_ms, f.values)
        if max(f.values) >= 60:
            last_contact = f.t_ms
        for e in events:
            if isinstance(e, TouchGesture) and not e.ongoing:
                assert e.t_ms - (e.start_ms + e.duration_ms) <= 150
    assert last_contact > 0


def test_a_long_stroke_is_reported_while_it_happens() -> None:
    stroke = Stroke(DEFAULT_LAYOUT, 500, 100, 400, speed_mm_per_s=150, pressure=0.8, ramp_ms=30)
    classifier = TouchClassifier(DEFAULT_LAYOUT)
    live = []
    for t in range(0, stroke.end_ms + 300, 10):
        values = tuple(round(v * 420) for v in stroke(t))
        live += [(t, e) for e in classifier.feed(t, values) if isinstance(e, TouchGesture)]
    ongoing = [(t, e) for t, e in live if e.ongoing]
    assert ongoing and ongoing[0][0] < stroke.end_ms - 500
    assert ongoing[0][1].direction == "with_fur"
    assert [e.gesture for _, e in live if not e.ongoing] == ["stroke"]


def test_strokes_against_the_fur_read_so() -> None:
    for seed in range(6):
        trace = generate_trace("stroke", seed=seed, sensor=CLEAN)
        found = finished(run(trace))
        assert [g.direction for g in found] == [trace.header.meta["label"]["direction"]]


def test_faster_strokes_read_faster() -> None:
    slow = finished(run(generate_trace("stroke", seed=4, sensor=CLEAN, style=HandStyle(speed=0.6))))
    fast = finished(run(generate_trace("stroke", seed=4, sensor=CLEAN, style=HandStyle(speed=1.4))))
    assert fast[0].speed_mm_per_s > 1.5 * slow[0].speed_mm_per_s


def test_noise_and_slow_drift_alone_never_make_a_gesture() -> None:
    rng = random.Random(5)
    classifier = TouchClassifier(DEFAULT_LAYOUT)
    events: list[TouchEvent] = []
    for t in range(0, 60_000, 10):
        drift = 35.0 * (0.5 + 0.5 * math.sin(2 * math.pi * t / 20_000))
        values = tuple(max(0, round(drift + rng.gauss(0, 5))) for _ in range(14))
        events += classifier.feed(t, values)
    assert [e for e in events if isinstance(e, TouchGesture)] == []


def test_a_stuck_pad_is_reported_ignored_and_recovers() -> None:
    classifier = TouchClassifier(DEFAULT_LAYOUT)
    events: list[TouchEvent] = []
    stuck = frame(head=700)
    for t in range(0, 2000, 10):
        events += classifier.feed(t, stuck)
    faults = [e for e in events if isinstance(e, TouchPadFault)]
    assert [(f.pad, f.fault) for f in faults] == [(0, "stuck")]
    assert not [e for e in events if isinstance(e, TouchOnset | TouchGesture)]
    assert classifier.faults() == {0: "stuck"}
    # A pat elsewhere is still a pat.
    trace = generate_trace("pat", seed=2, sensor=CLEAN)
    later = []
    for f in trace.frames:
        values = list(f.values)
        values[0] = 700
        later += classifier.feed(2000 + f.t_ms, tuple(values))
    assert {g.gesture for g in finished(later)} == {"pat"}
    events = classifier.feed(9000, QUIET)
    assert [(e.pad, e.fault) for e in events if isinstance(e, TouchPadFault)] == [(0, "recovered")]


def test_a_pad_that_stays_silent_under_strokes_is_reported_dead() -> None:
    classifier = TouchClassifier(DEFAULT_LAYOUT)
    dead = DEFAULT_LAYOUT.by_name("back_3").index
    events: list[TouchEvent] = []
    t0 = 0
    for k in range(4):
        stroke = Stroke(DEFAULT_LAYOUT, t0 + 200, 100, 400, speed_mm_per_s=300, pressure=0.8)
        for t in range(t0, stroke.end_ms + 300, 10):
            values = [round(v * 420) for v in stroke(t)]
            values[dead] = 0
            events += classifier.feed(t, tuple(values))
        t0 = stroke.end_ms + 300
        # Three strokes in a row pass over it in silence before it is called dead.
        assert any(isinstance(e, TouchPadFault) for e in events) == (k >= 2)
    faults = [(e.pad, e.fault) for e in events if isinstance(e, TouchPadFault)]
    assert faults == [(dead, "dead")]
    assert [g.gesture for g in finished(events)] == ["stroke"] * 4


def test_a_frame_with_the_wrong_pad_count_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="layout has 14"):
        TouchClassifier(DEFAULT_LAYOUT).feed(0, (0, 1, 2))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=-70000, max_value=70000), min_size=14, max_size=14),
        min_size=1,
        max_size=80,
    )
)
def test_any_values_never_crash_the_classifier(frames: list[list[int]]) -> None:
    classifier = TouchClassifier(DEFAULT_LAYOUT)
    for k, values in enumerate(frames):
        for event in classifier.feed(k * 10, values):
            event.to_json()
    classifier.finish(len(frames) * 10 + 200)


def test_a_resting_hand_is_reported_while_it_rests() -> None:
    trace = generate_trace("hold", seed=8, sensor=CLEAN)
    classifier = TouchClassifier(DEFAULT_LAYOUT)
    gestures = []
    for f in trace.frames:
        gestures += [
            (f.t_ms, e) for e in classifier.feed(f.t_ms, f.values) if isinstance(e, TouchGesture)
        ]
    live = [(t, g) for t, g in gestures if g.ongoing]
    done = [g for _, g in gestures if not g.ongoing]
    assert [g.gesture for _, g in live] == ["hold"]
    assert live[0][0] < done[0].start_ms + done[0].duration_ms
    assert [g.gesture for g in done] == ["hold"]


def test_a_pad_stuck_at_an_offset_still_feels_a_hand_on_top() -> None:
    classifier = TouchClassifier(DEFAULT_LAYOUT)
    events: list[TouchEvent] = []
    for t in range(0, 1500, 10):
        events += classifier.feed(t, frame(neck=300))
    assert [(e.pad, e.fault) for e in events if isinstance(e, TouchPadFault)] == [(4, "stuck")]
    events = []
    for t in range(1500, 1700, 10):
        events += classifier.feed(t, frame(neck=300 + min(250, (t - 1500) * 10)))
    assert [e.zone for e in events if isinstance(e, TouchOnset)] == ["neck"]
    for t in range(1700, 2000, 10):
        events += classifier.feed(t, frame(neck=300))
    assert [g.gesture for g in finished(events)] == ["poke"]  # one pad felt it


def test_a_pad_pinned_at_the_top_is_ignored() -> None:
    classifier = TouchClassifier(DEFAULT_LAYOUT)
    events: list[TouchEvent] = []
    for t in range(0, 3000, 10):
        events += classifier.feed(t, frame(chin=65535))
    assert [(e.pad, e.fault) for e in events if isinstance(e, TouchPadFault)] == [(3, "stuck")]
    assert not [e for e in events if isinstance(e, TouchGesture | TouchOnset)]


def test_a_hand_resting_for_half_a_minute_is_one_hold() -> None:
    from sensors.touch.hands import Touch

    hand = Touch(DEFAULT_LAYOUT, 500, 30_000, 240.0, 0.0, 55.0, 0.6, 60, 60, tremor=0.06, seed=3)
    rng = random.Random(1)
    classifier = TouchClassifier(DEFAULT_LAYOUT)
    events: list[TouchEvent] = []
    for t in range(0, 31_000, 10):
        values = tuple(max(0, round(v * 420 + rng.gauss(0, 3))) for v in hand(t))
        events += classifier.feed(t, values)
    gestures = [e for e in events if isinstance(e, TouchGesture)]
    assert [(g.gesture, g.ongoing) for g in gestures] == [("hold", True), ("hold", False)]
    assert gestures[-1].duration_ms > 29_000
    assert not [e for e in events if isinstance(e, TouchPadFault)]
