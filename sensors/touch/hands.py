"""Scripted hands on a 2-D body surface: palms, fingertips, scratching and tickling fingers.

Each script is a pure function of time, ``contact(t_ms) -> per-pad contact
0..1`` (1 = a firm palm covering the whole pad). Pads sit on the body surface
at ``(along, around)`` millimetres: ``along`` is the pad's ``position_mm``
along the spine, ``around`` is how far round the body it is from the spine
(cheeks to the sides, chin and belly underneath). The classifier never sees
``around``; it exists so that a palm on the back does not also press the
belly, as on the real body.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sensors.touch.layout import Pad, PadLayout

# How far round the body each zone lies from the spine, in mm.
_AROUND_MM = {
    "head": 0.0,
    "neck": 0.0,
    "back_front": 0.0,
    "back_middle": 0.0,
    "back_rear": 0.0,
    "tail_base": 0.0,
    "cheeks": 50.0,
    "chin": 110.0,
    "belly": 150.0,
}


Contact = Callable[[int], Sequence[float]]

# Half the size of a pad's electrode: a fingertip anywhere over it is felt.
PAD_RADIUS_MM = 15.0


def around_mm(pad: Pad) -> float:
    """Where ``pad`` lies round the body from the spine (left cheek negative), in mm."""
    base = _AROUND_MM.get(pad.zone, 0.0)
    return -base if "left" in pad.name else base


def patch(
    layout: PadLayout,
    along: float,
    around: float,
    radius_mm: float,
    pressure: float,
) -> list[float]:
    """Contact of one round patch (palm or fingertip) centred at ``(along, around)``.

    The fall-off widens by the electrode's own size, since a pad feels a hand
    anywhere over its area.
    """
    out = []
    inv = 1.0 / (radius_mm * radius_mm + PAD_RADIUS_MM * PAD_RADIUS_MM)
    for pad in layout.pads:
        da = pad.position_mm - along
        dc = around_mm(pad) - around
        out.append(min(1.0, pressure * math.exp(-(da * da + dc * dc) * inv)))
    return out


def _envelope(t: float, duration: float, rise: float, fall: float) -> float:
    """0..1 landing/lifting envelope of a contact lasting ``duration`` ms."""
    if t < 0 or t >= duration:
        return 0.0
    up = 1.0 if rise <= 0 else min(1.0, (t + 1.0) / rise)
    down = 1.0 if fall <= 0 else min(1.0, (duration - t) / fall)
    return min(up, down)


@dataclass(frozen=True)
class Touch:
    """A palm or fingertip landing on one spot: pats, pokes, hits and holds.

    ``tremor`` is the relative pressure wobble of a living hand; ``wander_mm``
    how far the hand creeps while it rests.
    """

    layout: PadLayout
    start_ms: int
    duration_ms: int
    along_mm: float
    around_mm: float
    radius_mm: float
    pressure: float
    rise_ms: float = 20.0
    fall_ms: float = 20.0
    tremor: float = 0.0
    wander_mm: float = 0.0
    seed: int = 0
    _phases: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        object.__setattr__(self, "_phases", tuple(rng.uniform(0, 2 * math.pi) for _ in range(4)))

    @property
    def end_ms(self) -> int:
        """When the hand has left."""
        return self.start_ms + self.duration_ms

    def __call__(self, t_ms: int) -> Sequence[float]:
        """Contact per pad at ``t_ms``."""
        t = t_ms - self.start_ms
        level = _envelope(t, self.duration_ms, self.rise_ms, self.fall_ms)
        if level <= 0.0:
            return [0.0] * self.layout.pad_count
        p = self._phases
        s = t / 1000.0
        wobble = 0.6 * math.sin(2 * math.pi * 1.3 * s + p[0]) + 0.4 * math.sin(
            2 * math.pi * 3.7 * s + p[1]
        )
        shift = self.wander_mm * math.sin(2 * math.pi * 0.4 * s + p[2])
        pressure = self.pressure * level * (1.0 + self.tremor * wobble)
        return patch(self.layout, self.along_mm + shift, self.around_mm, self.radius_mm, pressure)


@dataclass(frozen=True)
class Scratch:
    """Fingertips raking one small spot back and forth at ``rate_hz`` (chin, cheeks, head)."""

    layout: PadLayout
    start_ms: int
    duration_ms: int
    along_mm: float
    around_mm: float
    radius_mm: float
    pressure: float
    rate_hz: float = 5.0
    amplitude_mm: float = 12.0
    depth: float = 0.45  # how much pressure eases between rakes (0..1), once per cycle

    @property
    def end_ms(self) -> int:
        """When the fingers leave."""
        return self.start_ms + self.duration_ms

    def __call__(self, t_ms: int) -> Sequence[float]:
        """Contact per pad at ``t_ms``."""
        t = t_ms - self.start_ms
        level = _envelope(t, self.duration_ms, 40.0, 40.0)
        if level <= 0.0:
            return [0.0] * self.layout.pad_count
        phase = 2 * math.pi * self.rate_hz * t / 1000.0
        along = self.along_mm + self.amplitude_mm * math.sin(phase)
        pressure = self.pressure * level * (1.0 - self.depth * (0.5 + 0.5 * math.cos(phase)))
        return patch(self.layout, along, self.around_mm, self.radius_mm, pressure)


@dataclass(frozen=True)
class Tickle:
    """Several fingertips flicking lightly at random spots over an area, each on its own rhythm."""

    layout: PadLayout
    start_ms: int
    duration_ms: int
    along_mm: float
    around_mm: float
    spread_mm: float
    pressure: float
    fingers: int = 3
    radius_mm: float = 14.0
    seed: int = 0
    _dabs: tuple[tuple[int, int, float, float, float], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        dabs = []
        for _ in range(self.fingers):
            t = rng.uniform(0, 60)
            while t < self.duration_ms - 30:
                length = rng.uniform(30, 90)
                along = self.along_mm + rng.uniform(-self.spread_mm, self.spread_mm)
                around = self.around_mm + rng.uniform(-10.0, 10.0)
                strength = self.pressure * rng.uniform(0.7, 1.2)
                end = min(t + length, float(self.duration_ms))
                dabs.append((int(t), int(end), along, around, strength))
                t = end + rng.uniform(15, 70)
        object.__setattr__(self, "_dabs", tuple(dabs))

    @property
    def end_ms(self) -> int:
        """When the last finger leaves."""
        return self.start_ms + max((end for _, end, *_ in self._dabs), default=0)

    def __call__(self, t_ms: int) -> Sequence[float]:
        """Contact per pad at ``t_ms``."""
        out = [0.0] * self.layout.pad_count
        t = t_ms - self.start_ms
        for begin, end, along, around, strength in self._dabs:
            if begin <= t < end:
                level = _envelope(t - begin, end - begin, 10.0, 10.0)
                for i, v in enumerate(patch(self.layout, along, around, self.radius_mm, strength)):
                    out[i] = max(out[i], v * level)
        return out


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
    ramp_ms: float = 0.0  # the palm lands and lifts over this long

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
        t = t_ms - self.start_ms
        fraction = t / max(1, self.duration_ms)
        x = self.from_mm + (self.to_mm - self.from_mm) * fraction
        level = 1.0
        if self.ramp_ms > 0:
            level = min(1.0, (t + 1.0) / self.ramp_ms, (self.duration_ms - t) / self.ramp_ms)
        for i in self.layout.indices(self.zones):
            d = (self.layout.pads[i].position_mm - x) / self.hand_width_mm
            out[i] = self.pressure * level * math.exp(-d * d)
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
