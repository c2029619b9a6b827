import pytest

from sensors.touch.events import GESTURES
from sensors.touch.layout import DEFAULT_LAYOUT
from sensors.touch.sensor_model import PadSensorModel
from sensors.touch.synthetic import (
    HandStyle,
    Press,
    Stroke,
    combine,
    generate_trace,
    gesture_names,
    realistic_set,
)


def test_the_generator_covers_every_gesture() -> None:
    assert set(gesture_names()) == set(GESTURES)


@pytest.mark.parametrize("gesture", GESTURES)
def test_each_gesture_trace_is_labelled_deterministic_and_in_range(gesture: str) -> None:
    a = generate_trace(gesture, seed=3)
    b = generate_trace(gesture, seed=3)
    c = generate_trace(gesture, seed=4)
    assert a == b
    assert a.samples != c.samples
    assert a.header.meta["label"]["gesture"] == gesture
    values = [v for f in a.frames for v in f.values]
    assert min(values) >= 0 and max(values) <= 65535
    assert max(values) > 60  # somebody touched something
    # Quiet lead-in: the hand arrives after 800 ms.
    assert all(max(f.values) < 60 for f in a.frames if f.t_ms < 700)


def test_style_parameters_change_the_hand() -> None:
    slow = generate_trace("stroke", seed=1, style=HandStyle(speed=0.5))
    fast = generate_trace("stroke", seed=1, style=HandStyle(speed=1.5))
    assert len(slow.frames) > len(fast.frames)
    soft = generate_trace("hold", seed=1, style=HandStyle(pressure=0.6))
    firm = generate_trace("hold", seed=1, style=HandStyle(pressure=1.3))
    assert max(max(f.values) for f in firm.frames) > max(max(f.values) for f in soft.frames)


def test_sensor_model_faults_read_flat_or_dead() -> None:
    sensor = PadSensorModel(stuck_pads=1, dead_pads=1, seed=9, noise_counts=4.0)
    trace = generate_trace("stroke", seed=2, sensor=sensor)
    columns = list(zip(*(f.values for f in trace.frames), strict=True))
    dead = [i for i, col in enumerate(columns) if max(col) == 0]
    stuck = [i for i, col in enumerate(columns) if min(col) > 100 and max(col) - min(col) < 15]
    assert len(dead) == 1 and len(stuck) == 1


def test_humidity_adds_noise() -> None:
    dry = generate_trace(
        "poke", seed=5, sensor=PadSensorModel(humidity=0.0, seed=1, drift_counts=0)
    )
    wet = generate_trace(
        "poke", seed=5, sensor=PadSensorModel(humidity=1.0, seed=1, drift_counts=0)
    )

    def quiet_spread(trace) -> float:  # type: ignore[no-untyped-def]
        return sum(sum(f.values) for f in trace.frames if f.t_ms < 700)

    assert quiet_spread(wet) > quiet_spread(dry)


def test_realistic_set_yields_every_gesture_count_times() -> None:
    traces = list(realistic_set(seed=1, count=2))
    assert len(traces) == 2 * len(GESTURES)
    assert sorted(t.header.meta["label"]["gesture"] for t in traces) == sorted(GESTURES * 2)


def test_stroke_press_and_combine_keep_their_simulator_api() -> None:
    stroke = Stroke(DEFAULT_LAYOUT, 0, 100, 380)
    press = Press(DEFAULT_LAYOUT, 0, 100, (0,), pressure=0.9)
    both = combine(DEFAULT_LAYOUT, [stroke, press])
    now = both(10)
    assert len(now) == DEFAULT_LAYOUT.pad_count
    assert now[0] == 0.9 and now[4] > 0.3
    assert stroke(stroke.end_ms + 1) == [0.0] * 14
