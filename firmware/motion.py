"""On-body motion events from accelerometer + gyro samples (pure logic, no hardware).

``MotionMonitor`` samples a ``sensor`` whose ``read()`` returns
``(ax_mg, ay_mg, az_mg, gx_ddps, gy_ddps, gz_ddps)`` (milli-g and deci-degrees
per second, z up when the pet stands on its feet) and reports a ``wire.Imu``
summary at ``report_period_ms`` or at once when an event fires:

* falling     - free fall: |a| below ``free_fall_mg`` for ``free_fall_ms``;
* impact      - |a| above ``impact_mg`` (a knock, a landing);
* upside down - z reads below ``upside_down_mg`` for ``upside_down_ms``;
* shaken      - ``shake_count`` alternating swings above ``shake_mg`` on one axis
                within ``shake_window_ms`` (gravity removed);
* picked up   - resting on a surface, then moving for ``pickup_ms`` out of the last 400 ms;
* put down    - carried, then still for ``put_down_ms``.

Each event bit is reported once per episode.
"""

import math

from firmware import wire


class MotionDetector:
    """Event detection over a stream of samples; ``feed`` returns new event bits."""

    def __init__(
        self,
        still_mg=45,
        still_dps=8,
        free_fall_mg=350,
        free_fall_ms=60,
        impact_mg=2600,
        upside_down_mg=-700,
        upside_down_ms=400,
        shake_mg=550,
        shake_count=4,
        shake_window_ms=700,
        pickup_ms=220,
        put_down_ms=800,
        settle_ms=600,
    ):
        self.still_mg = still_mg
        self.still_dps = still_dps
        self.free_fall_mg = free_fall_mg
        self.free_fall_ms = free_fall_ms
        self.impact_mg = impact_mg
        self.upside_down_mg = upside_down_mg
        self.upside_down_ms = upside_down_ms
        self.shake_mg = shake_mg
        self.shake_count = shake_count
        self.shake_window_ms = shake_window_ms
        self.pickup_ms = pickup_ms
        self.put_down_ms = put_down_ms
        self.settle_ms = settle_ms
        # None until the pet has been still once: we do not know where it is at boot.
        self.on_surface = None
        self.motion = 0.0  # 0..255 activity, exponential average
        self._last_ms = None
        self._still_since_ms = None
        self._moving_ms = []  # (t_ms, dt_ms) of recent moving samples (last 400 ms)
        self._low_since_ms = None
        self._falling = False
        self._impact_until_ms = -1
        self._inverted_since_ms = None
        self._inverted = False
        self._gravity = [0.0, 0.0, 1000.0]  # slow average of each axis
        self._swings = [[], [], []]  # per axis: (t_ms, sign) of large alternating swings
        self._shake_until_ms = -1

    def feed(self, now_ms, ax, ay, az, gx, gy, gz):
        """Take one sample; return the ``wire.IMU_*`` bits that fired on it."""
        events = 0
        mag = math.sqrt(ax * ax + ay * ay + az * az)
        rate_dps = math.sqrt(gx * gx + gy * gy + gz * gz) / 10.0
        excess = mag - 1000.0
        deviation = abs(excess) + rate_dps * 4.0
        self.motion += (min(255.0, deviation * 0.25) - self.motion) * 0.1
        moving = abs(excess) > self.still_mg or rate_dps > self.still_dps
        dt_ms = 10 if self._last_ms is None else min(50, max(0, now_ms - self._last_ms))
        self._last_ms = now_ms

        # Free fall and impact.
        if mag < self.free_fall_mg:
            if self._low_since_ms is None:
                self._low_since_ms = now_ms
            if not self._falling and now_ms - self._low_since_ms >= self.free_fall_ms:
                self._falling = True
                events |= wire.IMU_FALLING
        else:
            self._low_since_ms = None
            if mag > 700:
                self._falling = False
        if mag > self.impact_mg and now_ms >= self._impact_until_ms:
            self._impact_until_ms = now_ms + 300
            events |= wire.IMU_IMPACT

        # Upside down.
        if az < self.upside_down_mg:
            if self._inverted_since_ms is None:
                self._inverted_since_ms = now_ms
            if not self._inverted and now_ms - self._inverted_since_ms >= self.upside_down_ms:
                self._inverted = True
                events |= wire.IMU_UPSIDE_DOWN
        else:
            self._inverted_since_ms = None
            if az > 0:
                self._inverted = False

        # Shaking: large swings of alternating sign on one axis, gravity removed.
        gravity = self._gravity
        sample = (ax, ay, az)
        for axis in range(3):
            gravity[axis] += (sample[axis] - gravity[axis]) * 0.05
            dynamic = sample[axis] - gravity[axis]
            if dynamic > self.shake_mg or dynamic < -self.shake_mg:
                sign = 1 if dynamic > 0 else -1
                swings = self._swings[axis]
                if not swings or swings[-1][1] != sign:
                    swings.append((now_ms, sign))
                while swings and now_ms - swings[0][0] > self.shake_window_ms:
                    swings.pop(0)
                if len(swings) >= self.shake_count and now_ms >= self._shake_until_ms:
                    self._shake_until_ms = now_ms + 1000
                    self._swings = [[], [], []]
                    events |= wire.IMU_SHAKEN

        # Picked up / put down from how long the body has been moving or still.
        if moving:
            self._still_since_ms = None
            if self._low_since_ms is None:  # falling off a table is not being picked up
                self._moving_ms.append((now_ms, dt_ms))
        elif self._still_since_ms is None:
            self._still_since_ms = now_ms
        recent = self._moving_ms
        while recent and now_ms - recent[0][0] > 400:
            recent.pop(0)
        still_for_ms = 0 if self._still_since_ms is None else now_ms - self._still_since_ms
        if self.on_surface is None:
            if still_for_ms >= self.settle_ms:
                self.on_surface = True
        elif self.on_surface:
            # Moving for most of the last 400 ms: carried, not a single knock or pat.
            moving_ms = 0
            for _, dt in recent:
                moving_ms += dt
            if moving_ms >= self.pickup_ms:
                self.on_surface = False
                events |= wire.IMU_PICKED_UP
        elif still_for_ms >= self.put_down_ms and az > 0:
            self.on_surface = True
            events |= wire.IMU_PUT_DOWN
        return events


class MotionMonitor:
    """Samples ``sensor`` every ``sample_period_ms``; returns a ``wire.Imu`` when due."""

    def __init__(self, sensor, detector=None, sample_period_ms=10, report_period_ms=100):
        self.sensor = sensor
        self.detector = detector or MotionDetector()
        self.sample_period_ms = sample_period_ms
        self.report_period_ms = report_period_ms
        self.errors = 0
        self.sample = (0, 0, 1000, 0, 0, 0)
        self._pending_events = 0
        self._next_sample_ms = 0
        self._next_report_ms = 0

    def update(self, now_ms):
        """Sample if due; return a ``wire.Imu`` report or None."""
        if now_ms < self._next_sample_ms:
            return None
        self._next_sample_ms = now_ms + self.sample_period_ms
        try:
            sample = self.sensor.read()
        except OSError:
            self.errors += 1
            return None
        self.sample = sample
        self._pending_events |= self.detector.feed(now_ms, *sample)
        if self._pending_events or now_ms >= self._next_report_ms:
            self._next_report_ms = now_ms + self.report_period_ms
            events = self._pending_events
            self._pending_events = 0
            s = sample
            return wire.Imu(
                now_ms,
                (_i16(s[0]), _i16(s[1]), _i16(s[2])),
                (_i16(s[3]), _i16(s[4]), _i16(s[5])),
                int(self.detector.motion),
                events,
            )
        return None


def _i16(value):
    value = int(value)
    return -32768 if value < -32768 else 32767 if value > 32767 else value
