"""Virtual peripherals for the firmware running in the simulator.

They stand where the board's drivers stand (same methods), so the firmware
classes in ``firmware/`` run unchanged on top of them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

ContactFunction = Callable[[int], Sequence[float]]


class VirtualServoDriver:
    """Records what the firmware writes to each channel (angle in cdeg, None when limp)."""

    def __init__(self) -> None:
        self.angles_cdeg: dict[int, int | None] = {}
        self.writes = 0

    def write(self, channel: int, angle_cdeg: int) -> None:
        """Drive ``channel`` to ``angle_cdeg``."""
        self.angles_cdeg[channel] = angle_cdeg
        self.writes += 1

    def release(self, channel: int) -> None:
        """Let ``channel`` go limp."""
        self.angles_cdeg[channel] = None


class VirtualMotor:
    """A vibration motor: remembers its duty (0..1)."""

    def __init__(self) -> None:
        self.level = 0.0
        self.peak_level = 0.0

    def duty(self, fraction: float) -> None:
        """Set the motor's duty cycle."""
        self.level = max(0.0, min(1.0, fraction))
        self.peak_level = max(self.peak_level, self.level)


class VirtualTouchSensor:
    """Capacitive pads as a chip reports them: baseline, drift, noise and touch.

    ``contact(t_ms)`` gives each pad's contact (0 = free, 1 = a firm palm);
    readings are ``baseline + drift + noise + contact * gain``, with a
    different baseline and sensitivity per pad, like real electrodes.
    """

    def __init__(
        self,
        pad_count: int,
        contact: ContactFunction,
        clock_ms: Callable[[], int],
        seed: int = 0,
        noise_counts: float = 3.0,
        drift_counts: float = 25.0,
        drift_period_ms: int = 90_000,
        touch_gain_counts: float = 420.0,
    ) -> None:
        rng = random.Random(seed)
        self.pad_count = pad_count
        self.contact = contact
        self.clock_ms = clock_ms
        self.noise_counts = noise_counts
        self.drift_counts = drift_counts
        self.drift_period_ms = drift_period_ms
        self._rng = rng
        self._base = [rng.uniform(500, 800) for _ in range(pad_count)]
        self._gain = [touch_gain_counts * rng.uniform(0.75, 1.25) for _ in range(pad_count)]
        self._phase = [rng.uniform(0, 2 * math.pi) for _ in range(pad_count)]

    def read(self) -> list[int]:
        """One raw count per pad (larger = more touch), as the driver returns."""
        t = self.clock_ms()
        contact = self.contact(t)
        out = []
        for i in range(self.pad_count):
            drift = self.drift_counts * math.sin(
                2 * math.pi * t / self.drift_period_ms + self._phase[i]
            )
            value = (
                self._base[i]
                + drift
                + self._rng.gauss(0.0, self.noise_counts)
                + contact[i] * self._gain[i]
            )
            out.append(max(0, int(value)))
        return out
