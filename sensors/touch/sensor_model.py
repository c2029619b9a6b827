"""What real capacitive pads add to a hand's contact, as the body reports it in TOUCH_FRAME.

The body subtracts a slowly tracked baseline (``firmware/touch.py``), so the
brain sees deltas; what is left for the brain to cope with is modelled here:
a different sensitivity per pad, sensor noise, residual baseline drift the
body did not follow, humidity (more noise and a slow common-mode creep), and
faulty pads that read stuck (a flat, touched-looking value) or dead (nothing).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sensors.touch.trace import TouchSample

Contact = Callable[[int], Sequence[float]]


@dataclass(frozen=True)
class PadSensorModel:
    """Per-trace sensor conditions; ``seed`` fixes which pads are faulty and how each drifts."""

    full_scale_counts: float = 420.0  # delta of a firm palm on a nominal pad
    noise_counts: float = 3.0  # sensor noise, standard deviation
    drift_counts: float = 10.0  # residual baseline drift amplitude left in the deltas
    gain_spread: float = 0.25  # each pad's sensitivity is 1 +- this (uniform)
    humidity: float = 0.0  # 0..1: more noise and a slow common-mode creep
    stuck_pads: int = 0  # how many pads read stuck (flat, high) throughout
    dead_pads: int = 0  # how many pads read 0 throughout
    seed: int = 0

    def sample(
        self, contact: Contact, pad_count: int, start_ms: int, end_ms: int, period_ms: int = 10
    ) -> list[TouchSample]:
        """The frames the body would send from ``start_ms`` to ``end_ms`` for ``contact``."""
        rng = random.Random(self.seed)
        gain = [
            self.full_scale_counts * rng.uniform(1 - self.gain_spread, 1 + self.gain_spread)
            for _ in range(pad_count)
        ]
        drift_phase = [rng.uniform(0, 2 * math.pi) for _ in range(pad_count)]
        drift_period_ms = [rng.uniform(8_000, 60_000) for _ in range(pad_count)]
        noise = self.noise_counts * (1.0 + self.humidity)
        creep = 25.0 * self.humidity
        faulty = rng.sample(range(pad_count), min(pad_count, self.stuck_pads + self.dead_pads))
        stuck = {i: rng.uniform(150, 900) for i in faulty[: self.stuck_pads]}
        dead = set(faulty[self.stuck_pads :])
        frames = []
        for t in range(start_ms, end_ms, period_ms):
            touch = contact(t)
            common = creep * (0.5 + 0.5 * math.sin(2 * math.pi * t / 45_000.0))
            values = []
            for i in range(pad_count):
                if i in dead:
                    values.append(0)
                    continue
                if i in stuck:
                    values.append(max(0, round(stuck[i] + rng.gauss(0.0, 1.0))))
                    continue
                drift = self.drift_counts * (
                    0.5 + 0.5 * math.sin(2 * math.pi * t / drift_period_ms[i] + drift_phase[i])
                )
                value = touch[i] * gain[i] + drift + common + rng.gauss(0.0, noise)
                values.append(min(65535, max(0, round(value))))
            frames.append(TouchSample(t, tuple(values)))
        return frames
