"""IMU event bits to handling events: picked up, held, shaken, dropped, put down, upside down.

The body reports event bits with every IMU message; a handling event is
emitted when a bit appears (not while it stays set). ``held`` is derived: the
pet was picked up and has not been put down for ``held_after_ms``.
"""

from __future__ import annotations

from dataclasses import dataclass

from brain.events import HandlingEvent
from firmware import wire

BITS = (
    (wire.IMU_PICKED_UP, "picked_up"),
    (wire.IMU_PUT_DOWN, "put_down"),
    (wire.IMU_SHAKEN, "shaken"),
    (wire.IMU_FALLING, "dropped"),
    (wire.IMU_UPSIDE_DOWN, "upside_down"),
)


@dataclass
class HandlingTracker:
    """Feed it every IMU message; it returns the handling events that message started."""

    held_after_ms: int = 2000
    _bits: int = 0
    _picked_up_ms: int | None = None
    _held_sent: bool = False

    def feed(self, message: wire.Imu, now_ms: int) -> list[HandlingEvent]:
        """Events (timed ``now_ms``, the brain's clock) for bits new in ``message``."""
        new = message.events & ~self._bits
        self._bits = message.events
        out = [HandlingEvent(now_ms, name) for bit, name in BITS if new & bit]
        for event in out:
            if event.event == "picked_up":
                self._picked_up_ms, self._held_sent = now_ms, False
            elif event.event in ("put_down", "dropped"):
                self._picked_up_ms = None
        out.extend(self.check(now_ms))
        return out

    def check(self, t_ms: int) -> list[HandlingEvent]:
        """A ``held`` event once the pet has been up for ``held_after_ms``."""
        up = self._picked_up_ms
        if up is not None and not self._held_sent and t_ms - up >= self.held_after_ms:
            self._held_sent = True
            return [HandlingEvent(t_ms, "held")]
        return []
