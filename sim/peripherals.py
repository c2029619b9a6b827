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


class VirtualBattery:
    """A battery whose voltage a test or scenario sets (``mv``); reads like the firmware driver."""

    def __init__(self, mv: int = 3900) -> None:
        self.mv = mv

    def read_mv(self) -> int:
        """The battery voltage in millivolts."""
        return self.mv


# Motions the virtual IMU can play; each is a pure function of time since it began.
IMU_MOTIONS = ("rest", "picked_up", "held", "shaken", "put_down", "falling", "upside_down")


class VirtualImu:
    """What the body's accelerometer and gyro feel, scripted by name.

    ``play(motion, now_ms)`` starts one of ``IMU_MOTIONS``; ``sample(t_ms)``
    returns ``(ax_mg, ay_mg, az_mg, gx_dps, gy_dps, gz_dps)`` with a little
    sensor noise. ``picked_up`` flows into ``held``, ``put_down`` and
    ``falling`` (which ends in an impact) into ``rest``.
    """

    LIFT_MS = 350
    LOWER_MS = 400
    FALL_MS = 250

    def __init__(self, seed: int = 0, noise_mg: float = 4.0) -> None:
        self._rng = random.Random(seed)
        self.noise_mg = noise_mg
        self.motion = "rest"
        self.start_ms = 0

    def play(self, motion: str, now_ms: int) -> None:
        """Start ``motion`` at ``now_ms``."""
        if motion not in IMU_MOTIONS:
            raise ValueError(f"unknown IMU motion {motion!r}; one of {', '.join(IMU_MOTIONS)}")
        self.motion = motion
        self.start_ms = now_ms

    def _ideal(self, t_ms: int) -> tuple[float, float, float, float, float, float]:
        t = t_ms - self.start_ms
        motion = self.motion
        if motion == "picked_up" and t >= self.LIFT_MS:
            motion, t = "held", t - self.LIFT_MS
        if motion == "put_down" and t >= self.LOWER_MS:
            motion = "rest"
        if motion == "falling" and t >= self.FALL_MS + 30:
            motion = "rest"
        if motion == "rest":
            return (0.0, 0.0, 1000.0, 0.0, 0.0, 0.0)
        if motion == "upside_down":
            return (0.0, 0.0, -1000.0, 0.0, 0.0, 0.0)
        if motion == "picked_up":  # an upward push, then the deceleration at the top
            az = 1000.0 + 420.0 * math.sin(2 * math.pi * t / self.LIFT_MS)
            return (60.0, 0.0, az, 25.0, 0.0, 5.0)
        if motion == "held":  # arms sway and breathe: never still
            sway = math.sin(2 * math.pi * t / 700)
            return (
                110.0 * sway,
                70.0 * math.cos(2 * math.pi * t / 900),
                1000.0 + 90.0 * sway,
                18.0 * sway,
                12.0,
                9.0 * sway,
            )
        if motion == "shaken":  # ~5 Hz, +-1.3 g
            s = math.sin(2 * math.pi * t / 200)
            return (900.0 * s, 300.0 * s, 1000.0 + 1300.0 * s, 220.0 * s, 90.0 * s, 40.0)
        if motion == "put_down":  # lowered, then a soft bump on the floor
            if t < self.LOWER_MS - 40:
                az = 1000.0 - 300.0 * math.sin(math.pi * t / (self.LOWER_MS - 40))
                return (30.0, 0.0, az, 10.0, 0.0, 0.0)
            return (0.0, 0.0, 1600.0, 0.0, 0.0, 0.0)
        # falling: weightless, then an impact
        if t < self.FALL_MS:
            return (5.0, 5.0, 40.0, 60.0, 30.0, 0.0)
        return (300.0, 200.0, 3800.0, 0.0, 0.0, 0.0)

    def sample(self, t_ms: int) -> tuple[float, float, float, float, float, float]:
        """One reading at ``t_ms``."""
        ax, ay, az, gx, gy, gz = self._ideal(t_ms)
        n = self.noise_mg
        g = self._rng.gauss
        return (
            ax + g(0, n),
            ay + g(0, n),
            az + g(0, n),
            gx + g(0, 0.3),
            gy + g(0, 0.3),
            gz + g(0, 0.3),
        )
