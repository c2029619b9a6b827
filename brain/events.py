"""Typed events the selector understands, besides touch.

Perception and fusion produce these (IMU handling, the owner's emotion and
presence, loud sounds); the runtime adds a periodic :class:`Tick` that drives
state triggers (mood ranges, time of day, idle). Every event is a frozen
dataclass with ``t_ms`` on the brain's monotonic clock and ``to_json()``.

There is one class per event: the sensors' own types are used as they are
(``TouchGesture``..., ``HandlingEvent`` from ``sensors.imu`` with its
intensity, duration and tilt), and :class:`OwnerEmotion` is both what fusion
estimates and what the selector reads.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from behaviors.vocabulary import OWNER_EMOTIONS
from sensors.imu.events import HandlingEvent
from sensors.touch.events import TouchGesture, TouchOnset, TouchRelease


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class OwnerEmotion:
    """How the owner seems to feel and how sure the pet is: fusion's estimate and selector event.

    ``valence`` (-1 unpleasant .. +1 pleasant) and ``arousal`` (-1 sleepy or
    calm .. +1 agitated or excited); ``emotion`` the probabilities over
    ``OWNER_EMOTIONS`` (happy, sad, angry, afraid, surprised, calm), summing
    to 1; ``confidence`` 0 (no idea) .. 1 (sure), low when modalities are
    missing or disagree. Fusion also says why: ``contributions`` is how much
    each modality moved the estimate (shares summing to 1 over the modalities
    heard; all 0 when none was), ``weights`` each modality's freshness x
    reliability in 0..1 (0 = absent or faded out), ``conflict`` in 0..1 the
    strongest confident disagreement between two modalities, named in
    ``conflict_between``. An event built by hand (a scenario, a test) may
    leave those empty.
    """

    t_ms: int
    valence: float
    arousal: float
    emotion: dict[str, float] = field(default_factory=dict)
    confidence: float = 1.0
    contributions: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    conflict: float = 0.0
    conflict_between: tuple[str, ...] = ()

    kind = "owner_emotion"

    @property
    def label(self) -> str:
        """The most probable emotion ("unknown" when no probabilities are given)."""
        if not self.emotion:
            return "unknown"
        return max(self.emotion, key=self.emotion.__getitem__)

    def value(self, dimension: str) -> float:
        """Valence, arousal or the probability of an emotion (0 when absent)."""
        if dimension == "valence":
            return self.valence
        if dimension == "arousal":
            return self.arousal
        if dimension in OWNER_EMOTIONS:
            return self.emotion.get(dimension, 0.0)
        raise KeyError(dimension)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (floats rounded to 4 places)."""
        return {
            "type": self.kind,
            "t_ms": self.t_ms,
            "valence": round(self.valence, 4),
            "arousal": round(self.arousal, 4),
            "emotion": _rounded(dict(self.emotion)),
            "label": self.label,
            "confidence": round(self.confidence, 4),
            "contributions": _rounded(dict(self.contributions)),
            "weights": _rounded(dict(self.weights)),
            "conflict": round(self.conflict, 4),
            "conflict_between": list(self.conflict_between),
        }


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

__all__ = [
    "INTERACTIONS",
    "OWNER_EMOTIONS",
    "HandlingEvent",
    "LoudSound",
    "OwnerEmotion",
    "OwnerPresence",
    "PetEvent",
    "Tick",
    "TouchGesture",
    "TouchOnset",
    "TouchRelease",
]
