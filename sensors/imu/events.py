"""Typed handling observations: picked up, held or cradled, shaken, falling, dropped, put down."""

from __future__ import annotations

from dataclasses import asdict, dataclass

HANDLING = (
    "picked_up",  # lifted off the surface it rested on
    "held",  # carried and calm, upright in someone's arms
    "cradled",  # carried and calm, lying on its back or side
    "shaken",  # rapid back-and-forth motion
    "falling",  # free fall (emitted as soon as it is detected)
    "dropped",  # a fall ended in an impact
    "put_down",  # back at rest on a surface
    "upside_down",  # belly up for a while
    "righted",  # upright again after being upside down
)


@dataclass(frozen=True)
class HandlingEvent:
    """Something happened to the whole body.

    ``intensity`` is 0..1 (how violent a shake or impact was, how steep a
    tilt); ``duration_ms`` is how long the state lasted when that is known
    (a fall's length for ``dropped``); ``source`` is ``body`` when the body's
    own event bit said so, ``imu`` when the brain read it from the motion.
    """

    t_ms: int
    handling: str
    intensity: float = 0.0
    duration_ms: int = 0
    tilt_deg: float = 0.0
    source: str = "imu"

    kind = "handling"

    def __post_init__(self) -> None:
        if self.handling not in HANDLING:
            raise ValueError(f"unknown handling event {self.handling!r} (one of {HANDLING})")

    def to_json(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {"type": self.kind, **asdict(self)}
