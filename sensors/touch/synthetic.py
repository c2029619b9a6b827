"""Synthetic hands and labelled traces: what each pad feels over time for a scripted gesture.

A script is a function of time (``contact(t_ms) -> per-pad contact 0..1``),
so the simulator's virtual pads and the trace generator read the same hand.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sensors.touch.hands import Scratch, Tickle, Touch, around_mm
from sensors.touch.layout import DEFAULT_LAYOUT, Pad, PadLayout
from sensors.touch.sensor_model import PadSensorModel
from sensors.touch.trace import Trace, TraceHeader

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


# ---------------------------------------------------------------------------
# Labelled synthetic traces, one gesture each, for tests, eval and the simulator.


@dataclass(frozen=True)
class HandStyle:
    """How this owner touches, as factors on typical values (1.0 = typical)."""

    speed: float = 1.0  # how fast strokes move and taps land
    pressure: float = 1.0  # how firmly the hand presses
    hand_size: float = 1.0  # palm and finger size


@dataclass(frozen=True)
class Recipe:
    """One gesture's script plus its label (gesture, zone, direction) and when it ends."""

    script: Contact
    end_ms: int
    label: dict[str, Any]


Maker = Callable[[PadLayout, random.Random, HandStyle, int], Recipe]
_MAKERS: dict[str, Maker] = {}


def _maker(name: str) -> Callable[[Maker], Maker]:
    def decorate(function: Maker) -> Maker:
        _MAKERS[name] = function
        return function

    return decorate


def _site(layout: PadLayout, rng: random.Random, zones: Sequence[str]) -> tuple[float, float, Pad]:
    """A spot near a random pad of ``zones``: (along, around, pad)."""
    pad = layout.pads[rng.choice(layout.indices(zones))]
    return (
        pad.position_mm + rng.uniform(-10, 10),
        around_mm(pad) + rng.uniform(-8, 8),
        pad,
    )


def _clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


@_maker("stroke")
def _stroke(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    spine = [layout.pads[i].position_mm for i in layout.indices(_SPINE)]
    lo, hi = min(spine) - 15, max(spine) + 15
    length = rng.uniform(110, 360)
    a = rng.uniform(lo, max(lo, hi - length))
    b = min(hi, a + length)
    with_fur = rng.random() < 0.5
    stroke = Stroke(
        layout,
        start,
        a if with_fur else b,
        b if with_fur else a,
        speed_mm_per_s=_clip(rng.uniform(90, 550) * style.speed, 40, 900),
        pressure=_clip(rng.uniform(0.35, 0.9) * style.pressure, 0.2, 1.0),
        hand_width_mm=rng.uniform(40, 60) * style.hand_size,
        zones=_SPINE,
        ramp_ms=rng.uniform(20, 60),
    )
    label = {"gesture": "stroke", "direction": "with_fur" if with_fur else "against_fur"}
    return Recipe(stroke, stroke.end_ms, label)


def _touch(
    layout: PadLayout,
    rng: random.Random,
    style: HandStyle,
    start: int,
    gesture: str,
    zones: Sequence[str],
    *,
    count: int,
    duration: tuple[float, float],
    pressure: tuple[float, float],
    rise: tuple[float, float],
    radius_mm: float,
    tremor: float = 0.0,
    wander_mm: float = 0.0,
) -> Recipe:
    along, around, pad = _site(layout, rng, zones)
    taps: list[Contact] = []
    t = start
    for _ in range(count):
        length = int(rng.uniform(*duration) / style.speed)
        rise_ms = rng.uniform(*rise) / style.speed
        taps.append(
            Touch(
                layout,
                t,
                length,
                along + rng.uniform(-5, 5),
                around,
                radius_mm * style.hand_size,
                _clip(rng.uniform(*pressure) * style.pressure, 0.1, 1.0),
                rise_ms=rise_ms,
                fall_ms=rise_ms,
                tremor=tremor,
                wander_mm=wander_mm,
                seed=rng.randrange(1 << 30),
            )
        )
        t += length + int(rng.uniform(160, 380))
    end = t - 160
    return Recipe(combine(layout, taps), end, {"gesture": gesture, "zone": pad.zone})


_SPINE = ("head", "neck", "back", "tail_base")
_TOP = ("head", "neck", "back", "tail_base")


@_maker("pat")
def _pat(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    return _touch(
        layout, rng, style, start, "pat", _TOP, count=rng.randint(1, 3),
        duration=(90, 250), pressure=(0.35, 0.7), rise=(30, 60), radius_mm=55,
    )  # fmt: skip


@_maker("hit")
def _hit(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    return _touch(
        layout, rng, style, start, "hit", _TOP, count=1,
        duration=(40, 110), pressure=(0.85, 1.0), rise=(0, 8), radius_mm=60,
    )  # fmt: skip


@_maker("poke")
def _poke(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    zones = [p.zone for p in layout.pads]
    return _touch(
        layout, rng, style, start, "poke", zones, count=rng.randint(1, 2),
        duration=(60, 300), pressure=(0.3, 0.6), rise=(5, 25), radius_mm=12,
    )  # fmt: skip


@_maker("hold")
def _hold(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    return _touch(
        layout, rng, style, start, "hold", ("head", "neck", "back", "belly"), count=1,
        duration=(900, 4000), pressure=(0.35, 0.8), rise=(40, 120), radius_mm=55,
        tremor=rng.uniform(0.04, 0.1), wander_mm=rng.uniform(0, 6),
    )  # fmt: skip


@_maker("scratch")
def _scratch(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    along, around, pad = _site(layout, rng, ("chin", "cheeks", "head", "neck", "back"))
    rate_hz = _clip(rng.uniform(2.5, 6.0) * style.speed, 2.0, 8.0)
    scratch = Scratch(
        layout,
        start,
        int(max(rng.uniform(600, 2500), 3500.0 / rate_hz)),  # a few rakes at least
        along,
        around,
        rng.uniform(16, 24) * style.hand_size,
        _clip(rng.uniform(0.45, 0.85) * style.pressure, 0.2, 1.0),
        rate_hz=rate_hz,
        amplitude_mm=rng.uniform(6, 18),
        depth=rng.uniform(0.35, 0.6),
    )
    return Recipe(scratch, scratch.end_ms, {"gesture": "scratch", "zone": pad.zone})


@_maker("tickle")
def _tickle(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    # Tickling fingers play over several pads: centre between a pad and its
    # nearest neighbour on the same side of the body.
    along, around, pad = _site(layout, rng, ("belly", "back", "neck"))
    others = [
        p.position_mm
        for p in layout.pads
        if p.index != pad.index and abs(around_mm(p) - around_mm(pad)) < 20
    ]
    if others:
        nearest = min(others, key=lambda x: abs(x - pad.position_mm))
        along = (pad.position_mm + nearest) / 2 + rng.uniform(-10, 10)
    tickle = Tickle(
        layout,
        start,
        int(rng.uniform(700, 2000) / style.speed),
        along,
        around,
        rng.uniform(30, 60),
        _clip(rng.uniform(0.3, 0.55) * style.pressure, 0.15, 1.0),
        fingers=rng.randint(3, 5),
        radius_mm=rng.uniform(12, 18) * style.hand_size,
        seed=rng.randrange(1 << 30),
    )
    return Recipe(tickle, tickle.end_ms, {"gesture": "tickle", "zone": pad.zone})


def gesture_names() -> tuple[str, ...]:
    """Every gesture the generator can make (all of ``events.GESTURES``)."""
    return tuple(_MAKERS)


def gesture_hand(
    gesture: str,
    *,
    seed: int = 0,
    style: HandStyle | None = None,
    layout: PadLayout = DEFAULT_LAYOUT,
    start_ms: int = 0,
) -> Recipe:
    """The scripted hand of one ``gesture`` starting at ``start_ms`` (for traces and the simulator).

    ``recipe.script(t_ms)`` is the contact per pad, ``recipe.end_ms`` when the
    hand has gone, ``recipe.label`` what it was (gesture, zone or direction).
    """
    if gesture not in _MAKERS:
        raise ValueError(f"unknown gesture {gesture!r} (known: {', '.join(_MAKERS)})")
    rng = random.Random(f"{gesture}:{seed}")
    return _MAKERS[gesture](layout, rng, style or HandStyle(), start_ms)


def generate_trace(
    gesture: str,
    *,
    layout: PadLayout = DEFAULT_LAYOUT,
    seed: int = 0,
    style: HandStyle | None = None,
    sensor: PadSensorModel | None = None,
    lead_in_ms: int = 800,
    tail_ms: int = 400,
) -> Trace:
    """One labelled trace of ``gesture``: quiet lead-in, the gesture, quiet tail."""
    style = style or HandStyle()
    recipe = gesture_hand(gesture, seed=seed, style=style, layout=layout, start_ms=lead_in_ms)
    sensor = sensor or PadSensorModel(
        seed=random.Random(f"sensor:{gesture}:{seed}").randrange(1 << 30)
    )
    period_ms = max(1, round(1000.0 / layout.frame_rate_hz))
    frames = sensor.sample(recipe.script, layout.pad_count, 0, recipe.end_ms + tail_ms, period_ms)
    meta = {"label": recipe.label, "seed": seed, "style": asdict(style), "sensor": asdict(sensor)}
    return Trace(TraceHeader(layout, "synthetic", meta), tuple(frames))


def realistic_conditions(rng: random.Random) -> tuple[HandStyle, PadSensorModel]:
    """Draw one owner and one sensor state from the ranges real bodies show.

    Noise 2-6 counts (doubled at full humidity), residual drift up to 40 counts, sensitivity spread
    +-25 %, humidity 0-1, and one trace in ten with a stuck pad and one in
    ten with a dead pad.
    """
    style = HandStyle(
        speed=rng.uniform(0.75, 1.3),
        pressure=rng.uniform(0.8, 1.2),
        hand_size=rng.uniform(0.8, 1.2),
    )
    fault = rng.random()
    sensor = PadSensorModel(
        noise_counts=rng.uniform(2.0, 6.0),
        drift_counts=rng.uniform(0.0, 40.0),
        gain_spread=0.25,
        humidity=rng.uniform(0.0, 1.0),
        stuck_pads=1 if fault < 0.1 else 0,
        dead_pads=1 if 0.1 <= fault < 0.2 else 0,
        seed=rng.randrange(1 << 30),
    )
    return style, sensor


def realistic_set(seed: int, count: int, layout: PadLayout = DEFAULT_LAYOUT) -> Iterator[Trace]:
    """``count`` labelled traces of every gesture under realistic, varied conditions."""
    rng = random.Random(seed)
    for index in range(count):
        for gesture in _MAKERS:
            style, sensor = realistic_conditions(rng)
            yield generate_trace(
                gesture, layout=layout, seed=seed * 100_003 + index, style=style, sensor=sensor
            )


def replay_contact(trace: Trace, full_scale_counts: float = 420.0) -> Contact:
    """Play a recorded or synthetic trace back as a hand (``contact(t_ms)`` in 0..1 per pad).

    The simulator's virtual pads take this like any scripted hand, so a
    trace recorded on the robot can be replayed through the real firmware
    scanner, link and classifier. Times are the trace's own.
    """
    frames = trace.frames
    times = [f.t_ms for f in frames]
    scale = 1.0 / full_scale_counts
    zeros = [0.0] * trace.header.layout.pad_count

    def contact(t_ms: int) -> Sequence[float]:
        k = bisect.bisect_right(times, t_ms) - 1
        if k < 0:
            return zeros
        return [min(1.0, max(0.0, v * scale)) for v in frames[k].values]

    return contact
