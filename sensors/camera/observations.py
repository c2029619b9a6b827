"""Typed vision observations: what the camera tells the brain about its owner.

Frozen dataclasses with ``to_json()``; times are ``t_ms`` on the brain's
monotonic clock. Cues are scores in [0, 1] (0: not at all, 1: clearly), so
fusion can weigh them without knowing how they were measured.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sensors.classes import EXPRESSIONS

__all__ = [
    "EXPRESSIONS",
    "BodyObservation",
    "FaceCues",
    "FaceObservation",
    "VisionObservation",
]


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


@dataclass(frozen=True)
class FaceCues:
    """Geometric cues from the face mesh, each a score in [0, 1]."""

    smile: float = 0.0  # mouth corners pulled wide and up
    mouth_open: float = 0.0  # lips apart, relative to face height
    brows_raised: float = 0.0  # brows far above the eyes (surprise, interest)
    brows_furrowed: float = 0.0  # brows drawn together and down (anger, concentration)
    eyes_open: float = 0.0  # mean eye aspect ratio, 0 closed, 1 wide open


@dataclass(frozen=True)
class FaceObservation:
    """The followed person's face in one frame."""

    t_ms: int
    present: bool
    box: tuple[float, float, float, float] | None = None  # x, y, w, h as fractions of the frame
    distance_m: float | None = None  # from the face's width and a nominal field of view
    yaw_deg: float = 0.0  # + the person turns to their left (our right)
    pitch_deg: float = 0.0  # + the person looks up
    roll_deg: float = 0.0  # + head tilted towards their right shoulder
    looking_at_pet: bool = False  # head turned towards the camera within a few degrees
    expression: dict[str, float] = field(default_factory=dict)  # class -> probability
    cues: FaceCues = field(default_factory=FaceCues)
    faces_seen: int = 0  # how many faces were in the frame (the closest, most engaged is followed)
    stale_ms: int = 0  # age of the mesh and expression (on video they run every few frames)

    @property
    def top_expression(self) -> str | None:
        """The most probable expression, or None without a face."""
        if not self.expression:
            return None
        return max(self.expression, key=self.expression.__getitem__)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (rounded floats, lists for tuples)."""
        data: dict[str, Any] = _rounded(asdict(self))
        return data

    @classmethod
    def absent(cls, t_ms: int, faces_seen: int = 0) -> FaceObservation:
        """No face in this frame."""
        return cls(t_ms=t_ms, present=False, faces_seen=faces_seen)


@dataclass(frozen=True)
class BodyObservation:
    """The followed person's upper body in one frame (pose runs at a reduced rate)."""

    t_ms: int
    present: bool
    lean: float = 0.0  # + leaning towards the pet, - leaning away, roughly -1..1
    upright: float = 0.0  # 1 upright, 0 slumped (head sunk between the shoulders)
    arms_crossed: bool = False  # wrists crossed in front of the chest
    arms_open: bool = False  # both wrists out beyond the shoulders
    hand_raised: bool = False  # a wrist above the shoulders
    waving: bool = False  # a raised hand moving side to side
    motion: float = 0.0  # how much the upper body moves, shoulder widths per second
    stale_ms: int = 0  # age of the pose estimate (pose is interleaved)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data: dict[str, Any] = _rounded(asdict(self))
        return data

    @classmethod
    def absent(cls, t_ms: int) -> BodyObservation:
        """Nobody visible."""
        return cls(t_ms=t_ms, present=False)


@dataclass(frozen=True)
class VisionObservation:
    """Everything one camera frame said."""

    t_ms: int
    face: FaceObservation
    body: BodyObservation
    compute_ms: float = 0.0  # time the pipeline spent on this frame

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with ``face`` and ``body``."""
        return {
            "t_ms": self.t_ms,
            "face": self.face.to_json(),
            "body": self.body.to_json(),
            "compute_ms": round(self.compute_ms, 2),
        }
