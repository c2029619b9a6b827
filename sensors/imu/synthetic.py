"""Synthetic IMU streams for handling scenarios (tests, traces, the simulator).

Each scenario is a list of phases; a phase gives the body's acceleration
(mg) and angular rate (deci-degrees/s) as functions of time, plus noise.
No event bits are set: the streams exercise the brain's own reading of the
motion, which is what must work when a body's firmware sets no bits.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from sensors.touch.trace import ImuSample

Vector = tuple[float, float, float]


@dataclass(frozen=True)
class Phase:
    """``duration_ms`` of motion: ``accel(t)`` in mg, ``gyro(t)`` in ddps (``t`` from its start)."""

    duration_ms: int
    accel: Callable[[int], Vector]
    gyro: Callable[[int], Vector] = lambda t: (0.0, 0.0, 0.0)
    motion: int = 0


def _level(t: int) -> Vector:
    return (0.0, 0.0, 1000.0)


def _tilted(degrees: float) -> Callable[[int], Vector]:
    r = math.radians(degrees)
    return lambda t: (1000.0 * math.sin(r), 0.0, 1000.0 * math.cos(r))


def _lift(t: int) -> Vector:
    return (80.0 * math.sin(t / 40.0), 60.0, 1000.0 + 350.0 * math.sin(math.pi * min(t, 300) / 300))


def _sway(t: int) -> Vector:
    return (40.0 * math.sin(t / 300.0), 30.0 * math.sin(t / 170.0), 1000.0)


def _sway_gyro(t: int) -> Vector:
    return (120.0 * math.sin(t / 250.0), 90.0 * math.sin(t / 330.0), 60.0)


def _shake(t: int) -> Vector:
    return (1400.0 * math.sin(2 * math.pi * 6.0 * t / 1000.0), 0.0, 1000.0)


def _shake_gyro(t: int) -> Vector:
    return (0.0, 0.0, 4000.0 * math.cos(2 * math.pi * 6.0 * t / 1000.0))


def _flip(t: int) -> Vector:
    angle = math.pi * min(1.0, t / 400.0)
    return (1000.0 * math.sin(angle), 0.0, 1000.0 * math.cos(angle))


SCENARIOS: dict[str, list[Phase]] = {
    "pick_up_hold_put_down": [
        Phase(1000, _level),
        Phase(400, _lift, lambda t: (600.0, 200.0, 0.0), 120),
        Phase(2000, _sway, _sway_gyro, 30),
        Phase(300, lambda t: (0.0, 0.0, 1000.0 + (600.0 if 100 <= t < 120 else 0.0)), motion=20),
        Phase(2000, _level),
    ],
    "cradle": [
        Phase(1000, _level),
        Phase(400, _lift, lambda t: (600.0, 200.0, 0.0), 120),
        Phase(2000, lambda t: (_tilted(110)(t)[0], 30.0 * math.sin(t / 170.0), -342.0), _sway_gyro),
    ],
    "shake": [
        Phase(1000, _level),
        Phase(400, _lift, lambda t: (600.0, 200.0, 0.0), 120),
        Phase(1200, _shake, _shake_gyro, 250),
        Phase(1500, _sway, _sway_gyro, 30),
    ],
    "drop": [
        Phase(1000, _level),
        Phase(400, _lift, lambda t: (600.0, 200.0, 0.0), 120),
        Phase(1200, _sway, _sway_gyro, 30),
        Phase(250, lambda t: (0.0, 0.0, 60.0)),
        Phase(40, lambda t: (300.0, 200.0, 4200.0), lambda t: (900.0, 0.0, 0.0), 255),
        Phase(1500, _level),
    ],
    "upside_down": [
        Phase(1000, _level),
        Phase(400, _lift, lambda t: (600.0, 200.0, 0.0), 120),
        Phase(600, _flip, lambda t: (4500.0 if t < 400 else 0.0, 0.0, 0.0), 60),
        Phase(1500, lambda t: (0.0, 30.0 * math.sin(t / 200.0), -1000.0), _sway_gyro),
    ],
}


def imu_stream(
    scenario: str, seed: int = 0, rate_hz: float = 50.0, noise_mg: float = 8.0, start_ms: int = 0
) -> list[ImuSample]:
    """The IMU samples of ``scenario`` (a key of :data:`SCENARIOS`)."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown IMU scenario {scenario!r} (known: {', '.join(SCENARIOS)})")
    rng = random.Random(seed)
    period = max(1, round(1000.0 / rate_hz))
    out = []
    t0 = start_ms
    for phase in SCENARIOS[scenario]:
        for t in range(0, phase.duration_ms, period):
            a = phase.accel(t)
            g = phase.gyro(t)
            accel = tuple(round(v + rng.gauss(0.0, noise_mg)) for v in a)
            gyro = tuple(round(v + rng.gauss(0.0, 15.0)) for v in g)
            out.append(
                ImuSample(
                    t0 + t,
                    (accel[0], accel[1], accel[2]),
                    (gyro[0], gyro[1], gyro[2]),
                    phase.motion,
                )
            )
        t0 += phase.duration_ms
    return out
