"""A simulated owner, described in YAML: their week, their moods, their touches, their answers.

Loaded with :func:`behaviors.yamlfile.load_model`, so a mistake is one
``file:line:col: path: message`` line. ``docs/simulator.md`` documents every
field; ``sim/owners/personas/`` holds the shipped ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from behaviors.triggers import Strict, TimeOfDay
from behaviors.vocabulary import HANDLING_EVENTS, TOUCH_GESTURES, TOUCH_ZONES
from behaviors.yamlfile import load_model

Days = Literal["weekdays", "weekend", "every_day"]
Zone = Literal[TOUCH_ZONES]  # type: ignore[valid-type]
Gesture = Literal[TOUCH_GESTURES]  # type: ignore[valid-type]
Handling = Literal[HANDLING_EVENTS]  # type: ignore[valid-type]

PERSONAS_DIR = Path(__file__).resolve().parent / "personas"


def days_match(days: Days, day_of_week: int) -> bool:
    """Whether ``days`` covers ``day_of_week`` (0 Monday)."""
    if days == "every_day":
        return True
    return (day_of_week >= 5) == (days == "weekend")


class HomeSpan(TimeOfDay):
    """The owner is with the pet from ``after`` to ``before`` on ``days`` (jittered)."""

    days: Days = "every_day"
    # Probability that this span happens on a given day (errands, a night out).
    chance: float = Field(1.0, ge=0.0, le=1.0)
    # The span begins when the owner gets up (they were asleep, not out). The pet
    # cannot tell the two apart; the report scores only homecomings at the door.
    wakes: bool = False


class MoodSpan(TimeOfDay):
    """On a share of days (``chance``) the owner is ``mood`` in this window."""

    days: Days = "every_day"
    mood: Literal["sad", "stressed", "happy"]
    chance: float = Field(ge=0.0, le=1.0)


class TouchHabit(TimeOfDay):
    """Unprompted touches while home: ``per_hour`` on average in this window."""

    days: Days = "every_day"
    gesture: Gesture
    zone: Zone
    per_hour: float = Field(gt=0.0, le=60.0)


class WarmTouch(Strict):
    """A touch a warm answer can be: ``gesture`` on ``zone``."""

    gesture: Gesture
    zone: Zone


class Answer(Strict):
    """How the owner answers the pet's proactive ``behaviours`` in a context.

    The first rule that matches (behaviour, days, time window, the owner's mood)
    decides: probabilities of a warm and of a cold answer; the rest is ignored.
    """

    behaviours: list[str] | Literal["any"] = "any"
    days: Days = "every_day"
    after: str = "00:00"
    before: str = "00:00"  # equal to after: all day
    owner_mood: Literal["sad", "stressed", "ok", "any"] = "any"
    warm: float = Field(ge=0.0, le=1.0)
    cold: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _probabilities(self) -> Answer:
        if self.warm + self.cold > 1.0 + 1e-9:
            raise ValueError(f"warm ({self.warm}) + cold ({self.cold}) is more than 1")
        TimeOfDay(after=self.after, before=self.before)  # same clock format and message
        return self

    def window(self) -> TimeOfDay:
        """The time window (all day when ``after`` equals ``before``)."""
        return TimeOfDay(after=self.after, before=self.before)


class Senses(Strict):
    """How well the pet perceives this owner (the sensors' imperfections)."""

    # An answer the pet never perceives (a touch too light, a face out of view).
    missed_detection: float = Field(0.1, ge=0.0, le=1.0)
    # Presence: an arrival or departure noticed this late (seconds, uniformly up to).
    presence_delay_s: float = Field(20.0, ge=0.0, le=600.0)
    # Emotion estimates while home, one every this many seconds; confidence of each.
    emotion_period_s: float = Field(30.0, ge=1.0, le=120.0)
    emotion_confidence: float = Field(0.7, ge=0.0, le=1.0)
    # Noise on valence/arousal and on the emotion probabilities (standard deviation).
    emotion_noise: float = Field(0.1, ge=0.0, le=0.5)


class Persona(Strict):
    """One simulated owner."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = ""
    seed: int = 0
    # Standard deviation of every arrival and departure, minutes.
    jitter_min: float = Field(15.0, ge=0.0, le=180.0)
    home: list[HomeSpan] = Field(min_length=1)
    moods: list[MoodSpan] = Field(default_factory=list)
    touches: list[TouchHabit] = Field(default_factory=list)
    answers: list[Answer] = Field(min_length=1)
    # How the owner shows each answer: warm touches, cold handling, and the rest.
    warm_touches: list[WarmTouch] = Field(
        default_factory=lambda: [
            WarmTouch(gesture="stroke", zone="back"),
            WarmTouch(gesture="scratch", zone="chin"),
        ],
        min_length=1,
    )
    cold_handling: list[Handling] = Field(default_factory=lambda: ["put_down"])
    senses: Senses = Field(default_factory=Senses)


def load_persona(path: Path) -> Persona:
    """Load a persona file, or a shipped one by name; a bad file raises YamlError (located)."""
    if not path.exists() and not path.suffix and (PERSONAS_DIR / f"{path}.yaml").exists():
        path = PERSONAS_DIR / f"{path}.yaml"
    return load_model(path, Persona)


def shipped_personas() -> list[Path]:
    """The persona files that ship with the simulator."""
    return sorted(PERSONAS_DIR.glob("*.yaml"))
