"""Synthetic hands and labelled traces: what each pad feels over time for a scripted gesture.

A script is a function of time (``contact(t_ms) -> per-pad contact 0..1``),
so the simulator's virtual pads and the trace generator read the same hand.
The hands live in :mod:`sensors.touch.hands`, the per-gesture scripts in
:mod:`sensors.touch.scripts`, the pads' imperfections in
:mod:`sensors.touch.sensor_model`; this module puts them together.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator, Sequence
from dataclasses import asdict

from sensors.touch.hands import Contact, Press, Stroke, combine
from sensors.touch.layout import DEFAULT_LAYOUT, PadLayout
from sensors.touch.scripts import (
    HandStyle,
    Recipe,
    gesture_hand,
    gesture_names,
    scripted_gesture,
)
from sensors.touch.sensor_model import PadSensorModel
from sensors.touch.trace import Trace, TraceHeader

__all__ = [
    "Contact",
    "HandStyle",
    "PadSensorModel",
    "Press",
    "Recipe",
    "Stroke",
    "combine",
    "generate_trace",
    "gesture_hand",
    "gesture_names",
    "realistic_conditions",
    "realistic_set",
    "replay_contact",
    "scripted_gesture",
]


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
        for gesture in gesture_names():
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
