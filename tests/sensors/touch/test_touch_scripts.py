"""Typical hands for simulator scenarios read as the gesture they script."""

import pytest

from sensors.touch.evaluate import finished_gestures
from sensors.touch.events import GESTURES
from sensors.touch.layout import DEFAULT_LAYOUT
from sensors.touch.sensor_model import PadSensorModel
from sensors.touch.synthetic import scripted_gesture
from sensors.touch.trace import Trace, TraceHeader

ZONES = ("head", "cheeks", "chin", "neck", "back", "back_rear", "belly", "tail_base")


def read(gesture: str, zone: str, direction: str = "with_fur") -> list[tuple[str, str | None]]:
    hand = scripted_gesture(DEFAULT_LAYOUT, gesture, zone, 500, direction=direction)
    frames = PadSensorModel(seed=4).sample(hand.script, 14, 0, hand.end_ms + 400)
    trace = Trace(TraceHeader(DEFAULT_LAYOUT), tuple(frames))
    return [(g.gesture, g.direction) for g in finished_gestures(trace)]


@pytest.mark.parametrize("gesture", [g for g in GESTURES if g != "stroke"])
@pytest.mark.parametrize("zone", ZONES)
def test_a_scripted_gesture_reads_as_itself_on_every_zone(gesture: str, zone: str) -> None:
    assert read(gesture, zone) == [(gesture, None)]


@pytest.mark.parametrize("zone", ["head", "neck", "back", "back_rear", "belly", "tail_base"])
@pytest.mark.parametrize("direction", ["with_fur", "against_fur"])
def test_scripted_strokes_read_with_their_direction(zone: str, direction: str) -> None:
    assert read("stroke", zone, direction) == [("stroke", direction)]


def test_strokes_need_room_and_gestures_need_pads() -> None:
    with pytest.raises(ValueError, match="too short"):
        scripted_gesture(DEFAULT_LAYOUT, "stroke", "chin", 0)
    with pytest.raises(ValueError, match="no pads"):
        scripted_gesture(DEFAULT_LAYOUT, "pat", "paw", 0)
    with pytest.raises(ValueError, match="unknown gesture"):
        scripted_gesture(DEFAULT_LAYOUT, "wave", "head", 0)
