"""Compact text for events, for trying behaviours from the command line.

Grammar (one event per word)::

    touch:GESTURE[@ZONE][/DIRECTION][*INTENSITY]   touch:stroke@back_middle/with_fur
    onset@ZONE                                     onset@neck
    handling:EVENT                                 handling:picked_up
    owner:appears[+AWAY_MS] | owner:leaves         owner:appears+3600000
    sound:LEVEL_DB                                 sound:85
    emotion:NAME=VALUE,...                         emotion:sad=0.8,valence=-0.6
    wait:MS                                        wait:600000 (quiet time, ticking)
    tick                                           tick (time of day and mood triggers)
"""

from __future__ import annotations

from behaviors.vocabulary import HANDLING_EVENTS, OWNER_EMOTIONS, TOUCH_GESTURES, TOUCH_ZONES
from brain.events import HandlingEvent, LoudSound, OwnerEmotion, OwnerPresence, PetEvent, Tick
from sensors.touch.events import TouchGesture, TouchOnset
from sensors.touch.layout import ZONE_GROUPS

ZONE_OF_GROUP = {group: zones[len(zones) // 2] for group, zones in ZONE_GROUPS.items()}


class EventSpecError(ValueError):
    """A compact event that cannot be read; the message says what is wrong."""


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise EventSpecError(f"'{text}' is not a number ({what})") from None


def _touch(rest: str, t_ms: int) -> TouchGesture:
    intensity = 0.5
    if "*" in rest:
        rest, raw = rest.split("*", 1)
        intensity = _number(raw, "intensity 0..1")
    direction = None
    if "/" in rest:
        rest, direction = rest.split("/", 1)
        if direction not in ("with_fur", "against_fur"):
            raise EventSpecError(f"direction '{direction}' is not with_fur or against_fur")
    zone = "back_middle"
    if "@" in rest:
        rest, zone = rest.split("@", 1)
    if rest not in TOUCH_GESTURES:
        raise EventSpecError(f"gesture '{rest}' is not one of {', '.join(TOUCH_GESTURES)}")
    if zone not in TOUCH_ZONES:
        raise EventSpecError(f"zone '{zone}' is not one of {', '.join(TOUCH_ZONES)}")
    zone = ZONE_OF_GROUP.get(zone, zone)
    duration = 600 if rest == "stroke" else 100
    return TouchGesture(t_ms, rest, (zone,), t_ms - duration, duration, intensity, direction)


def _emotion(rest: str, t_ms: int) -> OwnerEmotion:
    values: dict[str, float] = {}
    for part in filter(None, rest.split(",")):
        if "=" not in part:
            raise EventSpecError(f"'{part}' should be NAME=VALUE")
        name, raw = part.split("=", 1)
        if name not in ("valence", "arousal", "confidence", *OWNER_EMOTIONS):
            raise EventSpecError(f"'{name}' is not valence, arousal, confidence or an emotion")
        values[name] = _number(raw, name)
    probabilities = {k: v for k, v in values.items() if k in OWNER_EMOTIONS}
    return OwnerEmotion(
        t_ms,
        values.get("valence", 0.0),
        values.get("arousal", 0.0),
        probabilities,
        values.get("confidence", 0.9),
    )


def parse_event(text: str, t_ms: int, minute_of_day: float) -> PetEvent | int:
    """The event ``text`` describes at ``t_ms``, or for ``wait:MS`` the milliseconds to wait."""
    kind, _, rest = text.partition(":")
    if text == "tick":
        return Tick(t_ms, minute_of_day)
    if text.startswith("onset@"):
        zone = text.removeprefix("onset@")
        if zone not in TOUCH_ZONES:
            raise EventSpecError(f"zone '{zone}' is not one of {', '.join(TOUCH_ZONES)}")
        return TouchOnset(t_ms, ZONE_OF_GROUP.get(zone, zone), 0, 200)
    if kind == "touch":
        return _touch(rest, t_ms)
    if kind == "handling":
        if rest not in HANDLING_EVENTS:
            raise EventSpecError(f"handling '{rest}' is not one of {', '.join(HANDLING_EVENTS)}")
        return HandlingEvent(t_ms, rest)
    if kind == "owner":
        event, _, away = rest.partition("+")
        if event == "appears":
            return OwnerPresence(t_ms, True, int(_number(away, "away ms")) if away else None)
        if event == "leaves":
            return OwnerPresence(t_ms, False)
        raise EventSpecError("owner: is followed by appears or leaves")
    if kind == "sound":
        return LoudSound(t_ms, _number(rest, "level dB"))
    if kind == "emotion":
        return _emotion(rest, t_ms)
    if kind == "wait":
        return int(_number(rest, "milliseconds"))
    raise EventSpecError(
        f"'{text}' is not an event (touch:, onset@, handling:, owner:, sound:, emotion:, "
        "wait:, tick)"
    )
