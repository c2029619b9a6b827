"""Typed touch observations: onset (first contact), release, and classified gestures."""

from __future__ import annotations

from dataclasses import asdict, dataclass

GESTURES = ("stroke", "pat", "scratch", "hold", "poke", "hit", "tickle")
# Whole-hand gestures real owners make on a pressure skin (grab a handful, squeeze,
# wrap both arms round); the pad classifier cannot tell them, the skin classifier can.
SKIN_GESTURES = ("grab", "squeeze", "hug")
ALL_GESTURES = GESTURES + SKIN_GESTURES
DIRECTIONS = ("with_fur", "against_fur")
PAD_FAULTS = ("stuck", "dead", "recovered")


@dataclass(frozen=True)
class TouchOnset:
    """A zone was touched: emitted on the first frame that crosses threshold."""

    t_ms: int
    zone: str
    pad: int
    value: int

    kind = "onset"

    def to_json(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {"type": self.kind, **asdict(self)}


@dataclass(frozen=True)
class TouchRelease:
    """Every pad is free again after a contact episode."""

    t_ms: int
    duration_ms: int

    kind = "release"

    def to_json(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {"type": self.kind, **asdict(self)}


@dataclass(frozen=True)
class TouchGesture:
    """What the hand did, per zone.

    ``direction`` is set for strokes (``with_fur`` = head to tail);
    ``intensity`` is 0..1 of the firmest pressure seen; ``ongoing`` is True for
    a long stroke reported while it still happens.
    """

    t_ms: int
    gesture: str
    zones: tuple[str, ...]
    start_ms: int
    duration_ms: int
    intensity: float
    direction: str | None = None
    speed_mm_per_s: float = 0.0
    length_mm: float = 0.0
    ongoing: bool = False

    kind = "gesture"

    @property
    def zone(self) -> str:
        """The main zone (where most of the contact was)."""
        return self.zones[0]

    def to_json(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        out = asdict(self)
        out["zones"] = list(self.zones)
        return {"type": self.kind, **out}


@dataclass(frozen=True)
class TouchPadFault:
    """A pad's health changed: ``stuck``, ``dead`` or ``recovered``.

    ``stuck``: reads touched and flat for too long; ``dead``: stays silent
    while touches pass right over it.

    A stuck pad's flat reading becomes its new floor (a pad pinned at the top
    of its range is ignored); a dead pad simply feels nothing. The pet keeps
    running on the others either way.
    """

    t_ms: int
    pad: int
    zone: str
    fault: str
    value: int

    kind = "pad_fault"

    def to_json(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {"type": self.kind, **asdict(self)}


TouchEvent = TouchOnset | TouchRelease | TouchGesture | TouchPadFault
