"""Listens on the virtual body's side of the pty: what the body sent, what it received.

The tap decodes both directions with the link's own codec (``firmware.wire``)
and measures what the robot's owner would feel: the time from the first touch
frame of a contact (as the body sends it) to the first servo frame the body
receives afterwards, on the simulated clock. It never alters a byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from firmware import wire
from sim.body import SimBody

TOUCH_ONSET_COUNTS = 60  # the classifier's touch threshold (sensors.touch.classifier)


@dataclass(frozen=True)
class ReactionLatency:
    """One touch onset and how long the body waited for the brain's first servo frame."""

    onset_ms: int
    first_servo_ms: int

    @property
    def latency_ms(self) -> int:
        """Onset to first servo frame, simulated milliseconds."""
        return self.first_servo_ms - self.onset_ms

    def to_json(self) -> dict[str, int]:
        """Plain dict for reports."""
        return {
            "onset_ms": self.onset_ms,
            "first_servo_ms": self.first_servo_ms,
            "latency_ms": self.latency_ms,
        }


MessageListener = Callable[[int, str, wire.Message], None]


@dataclass
class BodyTap:
    """Wraps a virtual body's port; ``listeners`` get ``(t_ms, direction, message)``.

    ``direction`` is ``"up"`` (body to brain) or ``"down"`` (brain to body).
    """

    body: SimBody
    latencies: list[ReactionLatency] = field(default_factory=list)
    listeners: list[MessageListener] = field(default_factory=list)
    _pending_onset_ms: int | None = None
    _touched: bool = False

    def __post_init__(self) -> None:
        port = self.body.port
        self._up = wire.Decoder()
        self._down = wire.Decoder()
        original_write = port.write
        original_read = port.read

        def write(data: bytes) -> int:
            written = original_write(data)
            for message in self._up.feed(data[:written]):
                self._on_up(message)
            return written

        def read() -> bytes | None:
            data = original_read()
            if data:
                for message in self._down.feed(data):
                    self._on_down(message)
            return data

        # The firmware's link holds the port object and calls these methods on it.
        port.write = write  # type: ignore[method-assign]
        port.read = read  # type: ignore[method-assign]

    def _on_up(self, message: wire.Message) -> None:
        now = self.body.now_ms
        if isinstance(message, wire.TouchFrame):
            touched = max(message.values, default=0) >= TOUCH_ONSET_COUNTS
            if touched and not self._touched and self._pending_onset_ms is None:
                # The CPython body's clock is the simulator's; a real-time body has its own.
                self._pending_onset_ms = now if self.body.realtime else message.t_ms
            self._touched = touched
        for listener in self.listeners:
            listener(now, "up", message)

    def _on_down(self, message: wire.Message) -> None:
        now = self.body.now_ms
        if isinstance(message, wire.ServoTargets) and self._pending_onset_ms is not None:
            self.latencies.append(ReactionLatency(self._pending_onset_ms, now))
            self._pending_onset_ms = None
        for listener in self.listeners:
            listener(now, "down", message)

    def latency_summary(self) -> dict[str, object]:
        """Count, median, p99 and max of the reaction latencies (simulated ms)."""
        values = sorted(r.latency_ms for r in self.latencies)
        if not values:
            return {"count": 0}
        p99 = values[min(len(values) - 1, round(0.99 * (len(values) - 1)))]
        return {
            "count": len(values),
            "median_ms": values[len(values) // 2],
            "p99_ms": p99,
            "max_ms": values[-1],
            "each": [r.to_json() for r in self.latencies],
        }
