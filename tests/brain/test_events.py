"""The brain's typed events: one class per kind, shared with sensors and fusion."""

from __future__ import annotations

import json

import pytest

from brain.events import INTERACTIONS, HandlingEvent, OwnerEmotion
from sensors.imu.events import HandlingEvent as SensorHandlingEvent


def test_handling_is_the_sensors_event_with_its_reading() -> None:
    assert HandlingEvent is SensorHandlingEvent and HandlingEvent in INTERACTIONS
    event = HandlingEvent(10, "dropped", intensity=0.8, duration_ms=350, tilt_deg=12.0)
    assert event.to_json() == {
        "type": "handling",
        "t_ms": 10,
        "handling": "dropped",
        "intensity": 0.8,
        "duration_ms": 350,
        "tilt_deg": 12.0,
        "source": "imu",
    }


def test_owner_emotion_by_hand_and_its_json() -> None:
    event = OwnerEmotion(5, -0.512345, 0.25, {"sad": 0.712345, "calm": 0.3}, 0.9)
    assert event.label == "sad"
    assert event.value("sad") == 0.712345 and event.value("afraid") == 0.0
    assert event.value("valence") == -0.512345
    with pytest.raises(KeyError):
        event.value("hunger")
    data = event.to_json()
    assert data["type"] == "owner_emotion" and data["label"] == "sad"
    assert data["valence"] == -0.5123 and data["emotion"] == {"sad": 0.7123, "calm": 0.3}
    assert data["contributions"] == {} and data["conflict_between"] == []
    json.dumps(data)  # JSON-ready as it is
    assert OwnerEmotion(5, 0.0, 0.0).label == "unknown"
