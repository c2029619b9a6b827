"""Synthetic hands: what each pad feels over time for a scripted gesture.

A script is a function of time (``contact(t_ms) -> per-pad contact 0..1``),
so the simulator's virtual pads and the trace generator read the same hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sensors.touch.layout import PadLayout

Contact = Callable[[int], Sequence[float]]


@dataclass(frozen=True)
class Stroke:
    """A hand sliding along the spine from ``from_mm`` to ``to_mm``."""

    layout: PadLayout
    start_ms: int
    from_mm: float
    to_mm: float
    speed_mm_per_s: float = 250.0
    pressure: float = 0.8
    hand_width_mm: float = 45.0
    zones: tuple[str, ...] = ("neck", "back")

    @property
    def duration_ms(self) -> int:
        """How long the hand is in contact."""
        return int(abs(self.to_mm - self.from_mm) * 1000.0 / self.speed_mm_per_s)

    @property
    def end_ms(self) -> int:
        """When the hand leaves the fur."""
        return self.start_ms + self.duration_ms

    def __call__(self, t_ms: int) -> Sequence[float]:
        """Contact per pad at ``t_ms``."""
        out = [0.0] * self.layout.pad_count
        if not self.start_ms <= t_ms < self.end_ms:
            return out
        fraction = (t_ms - self.start_ms) / max(1, self.duration_ms)
        x = self.from_mm + (self.to_mm - self.from_mm) * fraction
        for i in self.layout.indices(self.zones):
            d = (self.layout.pads[i].position_mm - x) / self.hand_width_mm
            out[i] = self.pressure * math.exp(-d * d)
        return out


@dataclass(frozen=True)
class Press:
    """A hand resting on (or tapping) pads for ``duration_ms``: pats, holds, hits."""

    layout: PadLayout
    start_ms: int
    duration_ms: int
    pads: tuple[int, ...]
    pressure: float = 0.6

    def __call__(self, t_ms: int) -> Sequence[float]:
        """Contact per pad at ``t_ms``."""
        out = [0.0] * self.layout.pad_count
        if self.start_ms <= t_ms < self.start_ms + self.duration_ms:
            for i in self.pads:
                out[i] = self.pressure
        return out


def combine(layout: PadLayout, scripts: Sequence[Contact]) -> Contact:
    """Several scripts at once: each pad feels the strongest contact."""

    def contact(t_ms: int) -> Sequence[float]:
        out = [0.0] * layout.pad_count
        for script in scripts:
            for i, value in enumerate(script(t_ms)):
                out[i] = max(out[i], value)
        return out

    return contact
