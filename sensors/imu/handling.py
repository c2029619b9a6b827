"""Handling events from the body's IMU messages: its event bits first, the motion itself second.

The body sends ``wire.Imu`` messages (acceleration in mg, angular rate in
deci-degrees per second, an activity byte and ``IMU_*`` event bits). A bit
that turns on is reported at once (``source="body"``). The brain also reads
the motion itself, so a body whose firmware sets no bits, or misses one,
still gets every event (``source="imu"``); an event already reported by a
bit within its cooldown is not reported twice.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from firmware import wire
from sensors.imu.events import HandlingEvent

_BITS = (
    (wire.IMU_PICKED_UP, "picked_up"),
    (wire.IMU_PUT_DOWN, "put_down"),
    (wire.IMU_SHAKEN, "shaken"),
    (wire.IMU_FALLING, "falling"),
    (wire.IMU_UPSIDE_DOWN, "upside_down"),
    (wire.IMU_IMPACT, "impact"),
)


Vector = tuple[float, float, float]


def _vector(values: tuple[int, ...]) -> Vector:
    return (float(values[0]), float(values[1]), float(values[2]))


def _reversals(vectors: list[Vector], centre: bool, floor: float = 0.2) -> int:
    """Sign changes along the window's dominant direction (ignoring the weakest samples).

    Angular rates are zero at rest, so they are used as they are; accelerations
    are centred on the window's mean first (gravity points anywhere).
    """
    mean = [sum(v[i] for v in vectors) / len(vectors) if centre else 0.0 for i in range(3)]
    centred = [(v[0] - mean[0], v[1] - mean[1], v[2] - mean[2]) for v in vectors]
    axis = max(centred, key=lambda v: v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    norm = math.sqrt(sum(a * a for a in axis))
    if norm == 0:
        return 0
    count = 0
    last = 0
    for v in centred:
        p = (v[0] * axis[0] + v[1] * axis[1] + v[2] * axis[2]) / norm
        if abs(p) < floor * norm:
            continue
        sign = 1 if p > 0 else -1
        if last and sign != last:
            count += 1
        last = sign
    return count


@dataclass(frozen=True)
class HandlingThresholds:
    """Tuning, in mg, deci-degrees per second and milliseconds."""

    free_fall_mg: float = 350.0  # |a| below this is free fall ...
    free_fall_ms: int = 40  # ... for this long
    impact_mg: float = 2000.0  # |a| above this ends a fall: dropped
    caught_after_ms: int = 800  # a fall with no impact this long after is a catch
    shake_window_ms: int = 800
    shake_gyro_ddps: float = 2500.0  # 250 deg/s ...
    shake_accel_mg: float = 700.0  # ... or |a| this far from 1 g ...
    shake_fraction: float = 0.3  # ... in this share of the window's samples
    pickup_accel_mg: float = 120.0  # resting body: |a| this far from 1 g ...
    pickup_gyro_ddps: float = 300.0  # ... or turning faster than 30 deg/s ...
    pickup_ms: int = 120  # ... for this long: picked up
    calm_gyro_ddps: float = 400.0  # carried and calmer than this ...
    calm_accel_mg: float = 150.0
    held_ms: int = 1000  # ... for this long: held (or cradled when tilted)
    cradled_tilt_deg: float = 60.0
    still_gyro_ddps: float = 60.0  # carried but as still as a table ...
    still_accel_mg: float = 40.0
    still_tilt_deg: float = 20.0  # ... and level ...
    put_down_ms: int = 1500  # ... for this long: put down
    upside_down_tilt_deg: float = 135.0
    righted_tilt_deg: float = 45.0
    orientation_ms: int = 300
    cooldown_ms: int = 1500  # the same event is not reported twice within this


class HandlingDetector:
    """Feed it every IMU message; it returns the handling events that message completed."""

    def __init__(self, thresholds: HandlingThresholds | None = None) -> None:
        self.thresholds = thresholds or HandlingThresholds()
        self.carried = False
        self.upside_down = False
        self._bits = 0
        self._last: dict[str, int] = {}
        self._fall_start: int | None = None
        self._falling_since: int | None = None
        self._fall_end: int | None = None
        self._active_since: int | None = None
        self._calm_since: int | None = None
        self._still_since: int | None = None
        self._held_pose: str | None = None
        self._orientation_since: int | None = None
        self._window: deque[tuple[int, bool, Vector, Vector]] = deque()

    def feed_message(self, message: wire.Imu) -> list[HandlingEvent]:
        """Process one ``wire.Imu`` message (the body's clock in ``t_ms``)."""
        return self.feed(
            int(message.t_ms),
            tuple(message.accel_mg),
            tuple(message.gyro_ddps),
            int(message.motion),
            int(message.events),
        )

    def feed(
        self,
        t_ms: int,
        accel_mg: tuple[int, ...],
        gyro_ddps: tuple[int, ...],
        motion: int = 0,
        events: int = 0,
    ) -> list[HandlingEvent]:
        """Process one IMU sample; malformed vectors are ignored, never raised on."""
        if len(accel_mg) != 3 or len(gyro_ddps) != 3:
            return []
        ax, ay, az = (float(v) for v in accel_mg)
        magnitude = math.sqrt(ax * ax + ay * ay + az * az)
        gyro = math.sqrt(sum(float(v) * float(v) for v in gyro_ddps))
        tilt = math.degrees(math.acos(max(-1.0, min(1.0, az / magnitude)))) if magnitude else 0.0
        out: list[HandlingEvent] = []
        out.extend(self._from_bits(t_ms, events, magnitude, tilt))
        out.extend(self._fall(t_ms, magnitude))
        out.extend(self._shake(t_ms, (ax, ay, az), _vector(gyro_ddps)))
        out.extend(self._orientation(t_ms, tilt))
        out.extend(self._carry(t_ms, magnitude, gyro, tilt, motion))
        return out

    def _emit(
        self,
        t_ms: int,
        handling: str,
        source: str,
        intensity: float = 0.0,
        duration_ms: int = 0,
        tilt_deg: float = 0.0,
    ) -> list[HandlingEvent]:
        last = self._last.get(handling)
        if last is not None and t_ms - last < self.thresholds.cooldown_ms:
            return []
        self._last[handling] = t_ms
        if handling == "picked_up":
            self.carried = True
            self._calm_since = self._still_since = None
            self._held_pose = None
        elif handling in ("put_down", "dropped"):
            self.carried = False
            self._active_since = None
            self._window.clear()  # the impact is not a shake
        elif handling == "upside_down":
            self.upside_down = True
        elif handling == "righted":
            self.upside_down = False
        return [
            HandlingEvent(
                t_ms,
                handling,
                round(max(0.0, min(1.0, intensity)), 3),
                duration_ms,
                round(tilt_deg, 1),
                source,
            )
        ]

    def _from_bits(
        self, t_ms: int, bits: int, magnitude: float, tilt: float
    ) -> list[HandlingEvent]:
        rising = bits & ~self._bits
        self._bits = bits
        out: list[HandlingEvent] = []
        for bit, name in _BITS:
            if not rising & bit:
                continue
            if name == "impact":
                if self._falling_since is not None or self._recent_fall(t_ms):
                    out += self._emit(t_ms, "dropped", "body", magnitude / 8000.0)
                    self._falling_since = self._fall_start = self._fall_end = None
                continue
            if name == "falling":
                self._falling_since = self._falling_since or t_ms
            out += self._emit(t_ms, name, "body", tilt_deg=tilt)
        return out

    def _recent_fall(self, t_ms: int) -> bool:
        end = self._fall_end
        return end is not None and t_ms - end <= self.thresholds.caught_after_ms

    def _fall(self, t_ms: int, magnitude: float) -> list[HandlingEvent]:
        th = self.thresholds
        out: list[HandlingEvent] = []
        if magnitude < th.free_fall_mg:
            self._fall_end = None
            if self._fall_start is None:
                self._fall_start = t_ms
            if self._falling_since is None and t_ms - self._fall_start >= th.free_fall_ms:
                self._falling_since = self._fall_start
                out += self._emit(t_ms, "falling", "imu")
            return out
        if self._falling_since is not None and self._fall_end is None:
            self._fall_end = t_ms
        if magnitude >= th.impact_mg and (self._falling_since is not None):
            start = self._falling_since
            out += self._emit(t_ms, "dropped", "imu", magnitude / 8000.0, t_ms - start)
            self._falling_since = self._fall_start = self._fall_end = None
        elif self._fall_end is not None and t_ms - self._fall_end > th.caught_after_ms:
            self._falling_since = self._fall_end = None  # caught: still carried
        if self._falling_since is None:
            self._fall_start = None
        return out

    def _shake(
        self, t_ms: int, accel: tuple[float, float, float], gyro: tuple[float, float, float]
    ) -> list[HandlingEvent]:
        th = self.thresholds
        magnitude = math.sqrt(sum(v * v for v in accel))
        rate = math.sqrt(sum(v * v for v in gyro))
        violent = rate >= th.shake_gyro_ddps or abs(magnitude - 1000.0) >= th.shake_accel_mg
        window = self._window
        window.append((t_ms, violent, accel, gyro))
        while window and t_ms - window[0][0] > th.shake_window_ms:
            window.popleft()
        if self._falling_since is not None or t_ms - window[0][0] < th.shake_window_ms // 2:
            return []
        share = sum(1 for sample in window if sample[1]) / len(window)
        if share < th.shake_fraction:
            return []
        # A shake goes to and fro; a fast turn (being flipped over) goes one way.
        turns = _reversals([s[3] for s in window], centre=False)
        if turns < 2 and _reversals([s[2] for s in window], centre=True) < 3:
            return []
        peak = max(math.sqrt(sum(v * v for v in s[3])) for s in window)
        return self._emit(t_ms, "shaken", "imu", max(peak / 8000.0, share))

    def _orientation(self, t_ms: int, tilt: float) -> list[HandlingEvent]:
        th = self.thresholds
        flipped = tilt >= th.upside_down_tilt_deg
        upright = tilt <= th.righted_tilt_deg
        changing = (flipped and not self.upside_down) or (upright and self.upside_down)
        if not changing:
            self._orientation_since = None
            return []
        if self._orientation_since is None:
            self._orientation_since = t_ms
        if t_ms - self._orientation_since < th.orientation_ms:
            return []
        self._orientation_since = None
        name = "upside_down" if flipped else "righted"
        self._last.pop(name, None)  # orientation changes are never held back by a cooldown
        return self._emit(t_ms, name, "imu", tilt / 180.0, tilt_deg=tilt)

    def _carry(
        self, t_ms: int, magnitude: float, gyro: float, tilt: float, motion: int
    ) -> list[HandlingEvent]:
        th = self.thresholds
        off_g = abs(magnitude - 1000.0)
        if self._falling_since is not None:
            return []
        if not self.carried:
            active = off_g >= th.pickup_accel_mg or gyro >= th.pickup_gyro_ddps
            if not active:
                self._active_since = None
                return []
            if self._active_since is None:
                self._active_since = t_ms
            if t_ms - self._active_since < th.pickup_ms:
                return []
            return self._emit(t_ms, "picked_up", "imu", min(1.0, motion / 255.0), tilt_deg=tilt)
        out: list[HandlingEvent] = []
        calm = gyro < th.calm_gyro_ddps and off_g < th.calm_accel_mg
        still = gyro < th.still_gyro_ddps and off_g < th.still_accel_mg and tilt < th.still_tilt_deg
        if not calm:
            self._calm_since = self._still_since = None
            self._held_pose = None
            return out
        if self._calm_since is None:
            self._calm_since = t_ms
        self._still_since = (self._still_since or t_ms) if still else None
        if self._still_since is not None and t_ms - self._still_since >= th.put_down_ms:
            self._still_since = None
            return self._emit(t_ms, "put_down", "imu", tilt_deg=tilt)
        if not still and t_ms - self._calm_since >= th.held_ms:
            pose = "cradled" if tilt >= th.cradled_tilt_deg else "held"
            if pose != self._held_pose:
                self._held_pose = pose
                self._last.pop(pose, None)
                out += self._emit(t_ms, pose, "imu", tilt / 180.0, t_ms - self._calm_since, tilt)
        return out
