"""Hands that are not scripted: the dashboard's mouse, and recorded contact played back.

Both are contact functions (``contact(t_ms) -> per-pad contact 0..1``) for the
virtual body's pads, so whatever they do goes through the firmware's touch
scanner, the pty and the brain's real classifier.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from brain.dashboard.document import DRAWING_X_OFFSET, ZONE_Y, pad_points
from sensors.touch.grid_hands import GridPressure, palm
from sensors.touch.layout import PadLayout
from sensors.touch.skin import TaxelGrid

HAND_RADIUS = 50.0  # a palm's reach around the pointer, drawing units
PAD_RADIUS = 15.0  # a pad feels a hand anywhere over its electrode
FINGER_RADIUS = 12.0  # one fingertip
FINGER_SPREAD = 22.0  # three tickling fingertips sit this far apart
FINGER_PRESSURE = 0.45
DAB_PERIOD_MS = 150  # each fingertip dabs down for DAB_MS of every period
DAB_MS = 70
MAX_PRESSURE = 1.0  # a firm palm
HARD_PRESSURE = 0.9  # at or above: a slap, which lands (and lifts) within a few ms
LAND_MS = 40  # a relaxed palm lands and lifts over this long
HARD_LAND_MS = 3
# Real hands drive a pressure mat to its full scale: in softrobot7 the median
# frame peak of a stroke, a grab, a squeeze or a hug is the sensor's 255, and of a
# tickle 249 (docs/touch.md). So on a taxel grid the pointer's relaxed palm (the
# dashboard's 0.55, scaled for the pads) presses at full scale, and a light palm
# is not mistaken for a tickle by the model trained on those recordings.
RELAXED_PALM = 0.55
GRID_GAIN = 1.0 / RELAXED_PALM


@dataclass(frozen=True)
class HandSample:
    """The pointer at browser time ``t_ms``: where, and how hard (0 = lifted).

    ``fingers`` is set while the pointer scribbles: then the hand is a few
    fingertips dabbing lightly (a tickle) rather than a palm.
    """

    t_ms: float
    x: float
    y: float
    pressure: float
    fingers: bool = False


def _patch(points: Sequence[tuple[float, float]], x: float, y: float, radius: float) -> list[float]:
    inv = 1.0 / (radius * radius + PAD_RADIUS * PAD_RADIUS)
    return [math.exp(-((px - x) ** 2 + (py - y) ** 2) * inv) for px, py in points]


class BrowserHand:
    """The dashboard's mouse as a hand on the pads.

    Samples arrive stamped with the browser's clock in batches over HTTP. The
    first sample of a touch is placed ``delay_ms`` after the simulator's
    present, and the rest keep their spacing, so the speed of a drag survives
    network jitter; a sample that would land in the past is moved to the
    present. Between samples the hand moves in a straight line.

    A hand lands and lifts over a few tens of milliseconds, as a palm does;
    a firm press (pressure >= ``HARD_PRESSURE``, a slap) lands within a few
    milliseconds. The classifier tells a pat from a hit by exactly that.
    """

    def __init__(self, layout: PadLayout, delay_ms: int = 40, radius: float = HAND_RADIUS) -> None:
        self.points = pad_points(layout)
        self.delay_ms = delay_ms
        self.radius = radius
        self._lock = threading.Lock()
        # (simulated time, sample, when this touch landed, its pressure)
        self._samples: deque[tuple[int, HandSample, int, float]] = deque()
        self._offset_ms: float | None = None
        self._now_ms = 0
        self._down_at = 0
        self._pressure = 0.0

    def feed(self, samples: Iterable[HandSample]) -> None:
        """Queue pointer samples from the browser (thread-safe)."""
        with self._lock:
            for sample in samples:
                pressure = max(0.0, min(MAX_PRESSURE, sample.pressure))
                landing = pressure > 0 and self._pressure <= 0
                if landing:
                    self._offset_ms = self._now_ms + self.delay_ms - sample.t_ms
                if self._offset_ms is None:
                    continue
                t_sim = sample.t_ms + self._offset_ms
                if t_sim < self._now_ms:
                    self._offset_ms += self._now_ms - t_sim
                    t_sim = self._now_ms
                if landing:
                    self._down_at = round(t_sim)
                if pressure > 0 or self._pressure > 0:
                    clean = HandSample(sample.t_ms, sample.x, sample.y, pressure, sample.fingers)
                    self._samples.append(
                        (round(t_sim), clean, self._down_at, pressure or self._pressure)
                    )
                self._pressure = pressure

    def position(self, t_ms: int) -> tuple[float, float, float, bool] | None:
        """(x, y, pressure, fingers) of the hand at simulated ``t_ms``; None when lifted."""
        with self._lock:
            self._now_ms = max(self._now_ms, t_ms)
            samples = self._samples
            # Keep the latest sample at or before now; older ones are history.
            while len(samples) >= 2 and samples[1][0] <= t_ms:
                samples.popleft()
            if not samples or samples[0][0] > t_ms:
                return None
            t0, a, down_at, pressure = samples[0]
            hard = pressure >= HARD_PRESSURE
            if a.pressure <= 0:  # lifting off
                fall_ms = HARD_LAND_MS if hard else LAND_MS
                left = 1.0 - (t_ms - t0) / fall_ms
                return None if left <= 0 else (a.x, a.y, pressure * left, False)
            land_ms = HARD_LAND_MS if hard else LAND_MS
            level = min(1.0, (t_ms - down_at + 1) / land_ms)
            x, y = a.x, a.y
            if len(samples) >= 2 and samples[1][1].pressure > 0:
                t1, b, _, _ = samples[1]
                f = (t_ms - t0) / max(1, t1 - t0)
                x, y = a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f
            return (x, y, a.pressure * level, a.fingers)

    def __call__(self, t_ms: int) -> Sequence[float]:
        """Contact per pad at ``t_ms``: a palm, or dabbing fingertips, around the pointer."""
        where = self.position(t_ms)
        if where is None:
            return [0.0] * len(self.points)
        x, y, pressure, fingers = where
        if not fingers:
            return [min(1.0, pressure * c) for c in _patch(self.points, x, y, self.radius)]
        out = [0.0] * len(self.points)
        for k in (-1, 0, 1):
            phase = (t_ms + (k + 1) * DAB_PERIOD_MS // 3) % DAB_PERIOD_MS
            if phase >= DAB_MS:
                continue
            level = FINGER_PRESSURE * min(1.0, (phase + 1) / HARD_LAND_MS)
            tip = _patch(self.points, x + k * FINGER_SPREAD, y, FINGER_RADIUS)
            out = [max(o, min(1.0, level * c)) for o, c in zip(out, tip, strict=True)]
        return out


def grid_hand(hand: BrowserHand, grid: TaxelGrid, band: float = 25.0) -> GridPressure:
    """The dashboard's pointer on a taxel grid: over the drawing's ``grid.zone`` it presses the mat.

    The drawing is a side view, so the pointer's x is the place along the
    spine and the hand runs down the middle of the mat; a pointer within
    ``band`` drawing units of the zone's height is on it. A palm is the
    hand's radius; scribbling is three dabbing fingertips, as on the pads.
    Pressures are scaled by ``GRID_GAIN``: a relaxed palm drives the mat to
    its full scale, as real hands do.
    """
    import numpy as np

    positions = grid.surface().positions_mm
    middle = float(positions[:, 1].max()) / 2.0
    height = ZONE_Y[grid.zone]

    def pressure(t_ms: int) -> Any:
        out = np.zeros(grid.shape)
        where = hand.position(t_ms)
        if where is None:
            return out
        x, y, level, fingers = where
        if abs(y - height) > band:
            return out
        along = x - DRAWING_X_OFFSET
        if not fingers:
            return (
                min(1.0, GRID_GAIN * level) * palm(positions, along, middle, hand.radius)
            ).reshape(grid.shape)
        for k in (-1, 0, 1):
            phase = (t_ms + (k + 1) * DAB_PERIOD_MS // 3) % DAB_PERIOD_MS
            if phase < DAB_MS:
                dab = min(1.0, GRID_GAIN * FINGER_PRESSURE) * min(1.0, (phase + 1) / HARD_LAND_MS)
                tip = palm(positions, along + k * FINGER_SPREAD, middle, FINGER_RADIUS)
                np.maximum(out, (dab * tip).reshape(grid.shape), out=out)
        return out

    return pressure


ContactFunction = Callable[[int], Sequence[float]]


class ContactLog:
    """Wraps a contact function and keeps every non-idle reading, for recordings.

    The virtual pads read the hand once per scan; keeping those readings (and
    the seed of the pads' noise) is enough to replay a session exactly.
    """

    def __init__(self, inner: ContactFunction) -> None:
        self.inner = inner
        self.last: tuple[float, ...] = ()
        self.listeners: list[Callable[[int, tuple[float, ...]], None]] = []
        self._was_idle = True

    def __call__(self, t_ms: int) -> Sequence[float]:
        """The inner hand's contact, noted when anything touches."""
        values = tuple(round(float(v), 5) for v in self.inner(t_ms))
        idle = not any(values)
        self.last = values
        if not (idle and self._was_idle):
            for listener in self.listeners:
                listener(t_ms, values)
        self._was_idle = idle
        return values


class PlayedContact:
    """Contact readings from a recording, played back at their exact times."""

    def __init__(self, pad_count: int, readings: Iterable[tuple[int, Sequence[float]]]) -> None:
        self.pad_count = pad_count
        self._at = {t: tuple(v) for t, v in readings}
        for t, values in self._at.items():
            if len(values) != pad_count:
                raise ValueError(f"contact at {t} ms has {len(values)} pads, body has {pad_count}")

    def __call__(self, t_ms: int) -> Sequence[float]:
        """The recorded contact at ``t_ms`` (no contact when none was recorded)."""
        return self._at.get(t_ms, (0.0,) * self.pad_count)
