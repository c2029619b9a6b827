"""Compact event text for the CLI."""

import pytest

from brain.behave.eventspec import EventSpecError, parse_event
from brain.events import HandlingEvent, LoudSound, OwnerEmotion, OwnerPresence, Tick
from sensors.touch.events import TouchGesture, TouchOnset


def test_every_kind_parses() -> None:
    stroke = parse_event("touch:stroke@back/against_fur*0.9", 100, 0.0)
    assert isinstance(stroke, TouchGesture)
    assert (stroke.gesture, stroke.zone, stroke.direction, stroke.intensity) == (
        "stroke",
        "back_middle",
        "against_fur",
        0.9,
    )
    assert parse_event("onset@neck", 5, 0.0) == TouchOnset(5, "neck", 0, 200)
    assert parse_event("handling:dropped", 5, 0.0) == HandlingEvent(5, "dropped")
    assert parse_event("owner:appears+60000", 5, 0.0) == OwnerPresence(5, True, 60000)
    assert parse_event("owner:leaves", 5, 0.0) == OwnerPresence(5, False)
    assert parse_event("sound:82", 5, 0.0) == LoudSound(5, 82.0)
    emotion = parse_event("emotion:sad=0.7,valence=-0.5", 5, 0.0)
    assert isinstance(emotion, OwnerEmotion)
    assert emotion.value("sad") == 0.7 and emotion.valence == -0.5
    assert parse_event("tick", 5, 600.0) == Tick(5, 600.0)
    assert parse_event("wait:1500", 5, 0.0) == 1500


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("touch:pet", "gesture 'pet'"),
        ("touch:pat@tummy", "zone 'tummy'"),
        ("touch:stroke/sideways", "direction 'sideways'"),
        ("handling:thrown", "handling 'thrown'"),
        ("emotion:joy=1", "'joy' is not"),
        ("sound:loud", "'loud' is not a number"),
        ("dance", "'dance' is not an event"),
    ],
)
def test_mistakes_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(EventSpecError, match=message):
        parse_event(text, 0, 0.0)
