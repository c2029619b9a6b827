"""Typed events the selector understands, besides touch.

Perception and fusion produce these (IMU handling, the owner's emotion and
presence, loud sounds); the runtime adds a periodic :class:`Tick` that drives
state triggers (mood ranges, time of day, idle). Every event is a frozen
dataclass with ``t_ms`` on the brain's monotonic clock and ``to_json()``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from behaviors.vocabulary import HANDLING_EVENTS, OWNER_EMOTIONS
from sensors.touch.events import TouchGesture, TouchOnset, TouchRelease


@dataclass(frozen=True)
class HandlingEvent:
    """How the pet is being handled: one of ``HANDLING_EVENTS`` (picked_up, held, ...)."""

    t_ms: int
    event: str

    kind = "handling"

    def __post_init__(self) -> None:
        if self.event not in HANDLING_EVENTS:
            raise ValueError(f"unknown handling event {self.event!r}")

    def to_json(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {"type": self.kind, **asdict(self)}


@dataclass(frozen=True)
class OwnerEmotion:
    """The fused estimate of the owner's emotion.

    ``valence`` and ``arousal`` in [-1, 1]; ``probabilities`` over
    ``OWNER_EMOTIONS`` (happy, sad, angry, afraid, surprised, calm);
    ``confidence`` in [0, 1] (low when modalities are missing).
    """

    t_ms: int
    valence: float
    arousal: float
    probabilities: dict[str, float] = field(default_factory=dict)
    confidence: float = 1.0

    kind = "owner_emotion"

    def value(self, dimension: str) -> float:
        """Valence, arousal or the probability of an emotion (0 when absent)."""
        if dimension == "valence":
            return self.valence
        if dimension == "arousal":
            return self.arousal
        if dimension in OWNER_EMOTIONS:
            return self.probabilities.get(dimension, 0.0)
        raise KeyError(dimension)

    def to_json(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {"type": self.kind, **asdict(self)}


@dataclass(frozen=True)
class OwnerPresence:
    """The owner appeared (``present``) or left; ``away_ms`` is how long they were gone.

    Send it on changes only, not every frame the owner is seen; ``away_ms``
    None means "unknown" (counts as a long absence).
    """

    t_ms: int
    present: bool
    away_ms: int | None = None

    kind = "owner"

    def to_json(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {"type": self.kind, **asdict(self)}


@dataclass(frozen=True)
class LoudSound:
    """A sudden loud sound at ``level_db`` (dB SPL estimate)."""

    t_ms: int
    level_db: float

    kind = "loud_sound"

    def to_json(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {"type": self.kind, **asdict(self)}


@dataclass(frozen=True)
class Tick:
    """Time passing: drives mood, time-of-day and idle triggers.

    ``minute_of_day`` is the local wall clock (0..1440), injected so tests
    and the simulator can set the hour.
    """

    t_ms: int
    minute_of_day: float

    kind = "tick"

    def to_json(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {"type": self.kind, **asdict(self)}


PetEvent = (
    TouchOnset
    | TouchRelease
    | TouchGesture
    | HandlingEvent
    | OwnerEmotion
    | OwnerPresence
    | LoudSound
    | Tick
)
# Events that count as someone interacting with the pet (they end "idle").
INTERACTIONS = (TouchOnset, TouchGesture, HandlingEvent, OwnerPresence, LoudSound)
