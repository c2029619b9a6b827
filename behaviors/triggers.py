"""Triggers (``when:``) and conditions (``unless:`` / ``only_if:``) of a behaviour.

A trigger is an event that can start a behaviour: a touch, a handling event,
a change in the owner's emotion, the owner arriving, a loud sound, or a state
the pet enters (a mood range, a time of day, being idle). A condition is a
state that holds or not at the moment of choosing.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from behaviors.vocabulary import (
    HANDLING_EVENTS,
    OWNER_DIMENSIONS,
    TOUCH_DIRECTIONS,
    TOUCH_GESTURES,
    TOUCH_ZONES,
)

Zone = Literal[TOUCH_ZONES]  # type: ignore[valid-type]
Gesture = Literal[TOUCH_GESTURES]  # type: ignore[valid-type]
Direction = Literal[TOUCH_DIRECTIONS]  # type: ignore[valid-type]
HandlingKind = Literal[HANDLING_EVENTS]  # type: ignore[valid-type]
OwnerDimension = Literal[OWNER_DIMENSIONS]  # type: ignore[valid-type]

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Strict(BaseModel):
    """Unknown fields are errors: a typo must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class OneOf(Strict):
    """A model whose optional fields are alternatives: exactly one must be given."""

    @model_validator(mode="after")
    def _exactly_one(self) -> OneOf:
        names = [n for n in self.alternatives() if getattr(self, n) is not None]
        if len(names) != 1:
            raise ValueError("give exactly one of: " + ", ".join(self.alternatives()))
        return self

    @classmethod
    def alternatives(cls) -> tuple[str, ...]:
        """The field names that are mutually exclusive."""
        return tuple(n for n in cls.model_fields if n not in cls.shared_fields())

    @classmethod
    def shared_fields(cls) -> tuple[str, ...]:
        """Fields that may accompany any alternative."""
        return ()

    def kind(self) -> str:
        """The alternative that was given."""
        return next(n for n in self.alternatives() if getattr(self, n) is not None)


class Range(Strict):
    """A value range: ``above`` and/or ``below`` (exclusive bounds)."""

    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Range:
        if self.above is None and self.below is None:
            raise ValueError("a range needs 'above' and/or 'below'")
        if self.above is not None and self.below is not None and self.above >= self.below:
            raise ValueError(f"'above' ({self.above}) must be less than 'below' ({self.below})")
        return self

    def holds(self, value: float) -> bool:
        """True when ``value`` lies in the range."""
        return (self.above is None or value > self.above) and (
            self.below is None or value < self.below
        )


# -- trigger specs --------------------------------------------------------


class TouchTrigger(Strict):
    """A classified touch gesture, optionally narrowed by zone, direction, intensity."""

    gesture: Gesture | None = None
    zone: Zone | None = None
    direction: Direction | None = None
    min_intensity: float = Field(0.0, ge=0.0, le=1.0)
    max_intensity: float = Field(1.0, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _sensible(self) -> TouchTrigger:
        if self.direction is not None and self.gesture not in (None, "stroke"):
            raise ValueError(f"'direction' only applies to strokes, not to '{self.gesture}'")
        if self.min_intensity > self.max_intensity:
            raise ValueError("'min_intensity' is above 'max_intensity': it could never fire")
        return self


class OnsetTrigger(Strict):
    """The first instant of contact on a zone (the fastest reactions hang on it)."""

    zone: Zone | None = None


class HandlingTrigger(Strict):
    """The pet is picked up, held, shaken, dropped, put down or turned upside down."""

    event: HandlingKind


class MoodSpec(Strict):
    """Ranges over the pet's own mood; every range given must hold."""

    valence: Range | None = None
    arousal: Range | None = None
    energy: Range | None = None
    affection: Range | None = None
    curiosity: Range | None = None

    @model_validator(mode="after")
    def _some(self) -> MoodSpec:
        if not self.ranges():
            raise ValueError("give at least one mood range (valence, arousal, ...)")
        return self

    def ranges(self) -> dict[str, Range]:
        """The ranges given, by dimension."""
        return {n: r for n in type(self).model_fields if (r := getattr(self, n)) is not None}


class OwnerEmotionSpec(Strict):
    """Ranges over the owner's emotion estimate (valence, arousal, probabilities)."""

    valence: Range | None = None
    arousal: Range | None = None
    happy: Range | None = None
    sad: Range | None = None
    angry: Range | None = None
    afraid: Range | None = None
    surprised: Range | None = None
    calm: Range | None = None
    min_confidence: float = Field(0.3, ge=0.0, le=1.0)
    # Persisting: every estimate of the last for_ms must hold (0: the latest alone).
    # At most 3 minutes: the history the brain keeps of the owner's emotion.
    for_ms: int = Field(0, ge=0, le=180_000)

    @model_validator(mode="after")
    def _some(self) -> OwnerEmotionSpec:
        if not self.ranges():
            raise ValueError("give at least one range (valence, arousal, happy, sad, ...)")
        return self

    def ranges(self) -> dict[str, Range]:
        """The ranges given, by dimension."""
        return {n: r for n in OWNER_DIMENSIONS if (r := getattr(self, n)) is not None}


class OwnerEmotionChange(Strict):
    """A change of ``of`` by at least ``by`` (negative: a fall) within ``within_ms``."""

    of: OwnerDimension
    by: float = Field(ge=-2.0, le=2.0)
    within_ms: int = Field(5000, ge=100, le=600_000)
    min_confidence: float = Field(0.3, ge=0.0, le=1.0)

    @field_validator("by")
    @classmethod
    def _nonzero(cls, value: float) -> float:
        if value == 0:
            raise ValueError("'by' must be non-zero (positive: rises, negative: falls)")
        return value


class OwnerTrigger(Strict):
    """The owner ``appears`` (after being away at least ``min_away_ms``) or ``leaves``."""

    event: Literal["appears", "leaves"]
    min_away_ms: int = Field(0, ge=0)


class LoudSoundTrigger(Strict):
    """A sudden sound at or above ``min_level_db``."""

    min_level_db: float = Field(70.0, ge=0.0, le=140.0)


class TimeOfDay(Strict):
    """Local clock window ``after``..``before`` (``HH:MM``); may wrap past midnight."""

    # The pattern is for editors; the validator below gives the friendlier message.
    after: str = Field(json_schema_extra={"pattern": _CLOCK.pattern})
    before: str = Field(json_schema_extra={"pattern": _CLOCK.pattern})

    @field_validator("after", "before")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value):
            raise ValueError(f"'{value}' is not a time of day HH:MM (00:00..23:59)")
        return value

    def minutes(self) -> tuple[int, int]:
        """Start and end in minutes after midnight."""
        a_h, a_m = self.after.split(":")
        b_h, b_m = self.before.split(":")
        return int(a_h) * 60 + int(a_m), int(b_h) * 60 + int(b_m)

    def holds(self, minute_of_day: float) -> bool:
        """True when ``minute_of_day`` lies in the window."""
        start, end = self.minutes()
        if start <= end:
            return start <= minute_of_day < end
        return minute_of_day >= start or minute_of_day < end


class IdleTrigger(Strict):
    """Nobody has interacted with the pet and nothing has played for ``for_ms``."""

    for_ms: int = Field(ge=1000, le=86_400_000)


class RhythmTrigger(Strict):
    """The owner, away now, usually arrives within ``owner_due_within_ms`` (learned rhythm)."""

    owner_due_within_ms: int = Field(ge=60_000, le=7_200_000)


class Trigger(OneOf):
    """One way a behaviour can start; exactly one kind per entry, plus an optional chance."""

    touch: TouchTrigger | None = None
    touch_onset: OnsetTrigger | None = None
    handling: HandlingTrigger | None = None
    owner_emotion: OwnerEmotionSpec | None = None
    owner_emotion_change: OwnerEmotionChange | None = None
    owner: OwnerTrigger | None = None
    loud_sound: LoudSoundTrigger | None = None
    mood: MoodSpec | None = None
    time_of_day: TimeOfDay | None = None
    idle: IdleTrigger | None = None
    rhythm: RhythmTrigger | None = None
    chance: float = Field(1.0, gt=0.0, le=1.0)

    @classmethod
    def shared_fields(cls) -> tuple[str, ...]:
        """``chance`` goes with any trigger kind."""
        return ("chance",)


# -- conditions -----------------------------------------------------------


class RecentSpec(OneOf):
    """Something happened within ``within_ms``: a touch gesture, handling, behaviour, sound."""

    touch: Gesture | None = None
    handling: HandlingKind | None = None
    behaviour: str | None = None
    loud_sound: Literal[True] | None = None
    within_ms: int = Field(ge=0, le=86_400_000)

    @classmethod
    def shared_fields(cls) -> tuple[str, ...]:
        """``within_ms`` goes with every kind."""
        return ("within_ms",)


class WelcomeSpec(Strict):
    """What the owner memory learned: how welcome a behaviour is here and now."""

    welcome: Range
    # Which behaviour (default: the one that holds the condition).
    behaviour: str | None = None
    # Answers needed in this context before the condition can hold.
    min_answers: int = Field(0, ge=0, le=1000)


class RhythmSpec(OneOf):
    """The owner's learned rhythm: due home soon, or a usual quiet (asleep or away) time."""

    owner_due_within_ms: int | None = Field(None, ge=60_000, le=7_200_000)
    quiet_hours: Literal[True] | None = None
    # With quiet_hours: the window used until the rhythm is learned (a clock rule).
    until_learned: TimeOfDay | None = None

    @classmethod
    def shared_fields(cls) -> tuple[str, ...]:
        """``until_learned`` goes with ``quiet_hours``."""
        return ("until_learned",)


class Condition(OneOf):
    """A state checked when choosing; exactly one kind per entry."""

    mood: MoodSpec | None = None
    owner_emotion: OwnerEmotionSpec | None = None
    owner_present: bool | None = None
    time_of_day: TimeOfDay | None = None
    recent: RecentSpec | None = None
    learned: WelcomeSpec | None = None
    rhythm: RhythmSpec | None = None
