"""One set of touch features for pads and taxel grids alike.

:class:`ContactTracker` runs on every frame (any :class:`TouchSurface`): it
keeps a slow floor per cell while the cell is free, marks the cells in
contact, and sums the frame up in a few numbers (:data:`FRAME_FIELDS`):
total pressure, contact area, the contact's centroid and spread along and
across the body, and the firmest cell. :func:`gesture_features` turns the
summaries of one contact episode into :data:`FEATURE_NAMES`, in physical
units so they mean the same on another skin, grid or sample rate:

* contact area and shape (area, elongation, spread),
* centroid path and speed (travel along and across the body, path length,
  straightness, speed; the sign of the travel along the body is the stroke
  direction: positive runs head to tail, with the fur),
* pressure and its rhythm (peak, mean, variation, pulses per second, how
  sharply it lands and lets go),
* duration and repetition (time in contact, re-contacts, how much of the
  skin the hand covered over the episode).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from sensors.touch.short_features import SHORT_FRAMES, count_pulses, short_gesture_features
from sensors.touch.skin import TouchSurface

Array = npt.NDArray[Any]

FRAME_FIELDS = (
    "total",  # sum over cells of pressure (0..1 of full scale) x area, in cm^2
    "area_cm2",  # area of the cells in contact
    "along_mm",  # pressure-weighted centroid along the body
    "across_mm",
    "var_along_mm2",  # pressure-weighted spread
    "var_across_mm2",
    "cov_mm2",
    "peak",  # the firmest cell, 0..1 of full scale
    "firm_cm2",  # area of the cells pressed past half of full scale
)
_TOTAL, _AREA, _ALONG, _ACROSS, _VA, _VX, _COV, _PEAK, _FIRM = range(len(FRAME_FIELDS))

FEATURE_NAMES = (
    "duration_log_ms",
    "contact_fraction",
    "area_max_log_cm2",
    "area_mean_log_cm2",
    "area_cv",
    "total_max_log",
    "total_mean_log",
    "total_cv",
    "peak_max",
    "peak_mean",
    "elongation",
    "spread_log_mm",
    "path_log_mm",
    "travel_along_mm",
    "travel_along_abs_log_mm",
    "travel_across_abs_log_mm",
    "straightness",
    "speed_log_mm_per_s",
    "rise_log_ms",
    "fall_log_ms",
    "pulses_per_s",
    "change_per_s",
    "recontacts_per_s",
    "coverage_ratio_log",
    "pressure_mean",
    "pressure_max",
    "firm_fraction",
    "plateau_fraction",
    "spread_along_log_mm",
    "spread_across_log_mm",
    "area_growth_log_cm2_per_s",
    "sweep_log_mm_per_s",
    "reversals_per_s",
)


class ContactTracker:
    """Per-frame contact on a surface: floor, contact mask and the frame's summary.

    ``touch_level`` is the rise above a cell's floor (fraction of full
    scale) that counts as contact; the floor follows a free cell with time
    constant ``floor_time_constant_ms`` and drops at once to a lower reading.
    """

    def __init__(
        self,
        surface: TouchSurface,
        touch_level: float = 0.06,
        floor_time_constant_ms: float = 3000.0,
    ) -> None:
        self.surface = surface
        self.touch_level = touch_level
        self._scale = 1.0 / surface.full_scale
        self._alpha = min(1.0, 1000.0 / surface.rate_hz / floor_time_constant_ms)
        # The frame is read in its own units: the levels are scaled instead of every cell.
        self._level = touch_level * surface.full_scale
        self._firm_level = max(0.5, touch_level) * surface.full_scale  # firm cells are touched
        self._along = np.ascontiguousarray(surface.positions_mm[:, 0])
        self._across = np.ascontiguousarray(surface.positions_mm[:, 1])
        self._area_cm2 = np.ascontiguousarray(surface.area_mm2, dtype=np.float64) / 100.0
        a, x = self._along, self._across
        # Area-weighted moments: one product of the contact's pressures gives its mass,
        # centroid and spread.
        self._moments = np.ascontiguousarray(
            np.stack([np.ones_like(a), a, x, a * a, x * x, a * x], axis=1) * self._area_cm2[:, None]
        )
        # Cells of one size (every grid, every pad layout): areas are counts times that size.
        same = bool(np.all(self._area_cm2 == self._area_cm2[0]))
        self._cell_cm2 = float(self._area_cm2[0]) if same else None
        n = surface.cells
        # Buffers reused frame after frame: the per-frame path allocates only the mask.
        self._step = np.zeros(n)
        self._c = np.zeros(n)
        self._floor: Array | None = None
        self.touched = np.zeros(n, dtype=bool)
        self.above = np.zeros(
            n
        )  # each cell's rise above its floor in the frame's units, last frame
        self.ever = np.zeros(n, dtype=bool)  # cells touched this episode

    def reset_episode(self) -> None:
        """Forget which cells the last episode covered."""
        self.ever[:] = False

    def update(self, frame: Array) -> Array:
        """One frame (any shape with ``cells`` values) -> its summary (:data:`FRAME_FIELDS`).

        Non-finite readings count as the cell's floor (no contact). ``touched``
        is a new array each frame (callers may keep it); ``above`` is
        overwritten by the next frame.
        """
        v = np.asarray(frame, dtype=np.float64).reshape(-1)
        if v.shape[0] != self.surface.cells:
            raise ValueError(f"frame has {v.shape[0]} cells, the surface {self.surface.cells}")
        floor = self._floor
        if floor is None:
            floor = self._floor = np.where(np.isfinite(v), v, 0.0)
        if not math.isfinite(float(np.dot(v, v))):  # one product finds any NaN or infinity
            v = np.where(np.isfinite(v), v, floor)
        above = self.above
        np.subtract(v, floor, out=above)
        out = np.zeros(len(FRAME_FIELDS))
        step = self._step
        peak = float(above[above.argmax()])  # argmax is several times cheaper than max here
        if peak < self._level:  # nothing in contact: every cell's floor follows it
            self.touched = np.zeros(self.surface.cells, dtype=bool)
            np.multiply(above, self._alpha, out=step)
            floor += step
            np.minimum(floor, v, out=floor)
            return out
        touched = above >= self._level
        self.touched = touched
        c = self._c
        np.multiply(above, touched, out=c)  # the contact's pressures, zero elsewhere
        # Free cells pull the floor towards them; a lower reading is the floor at once.
        np.subtract(above, c, out=step)
        step *= self._alpha
        floor += step
        np.minimum(floor, v, out=floor)
        self.ever |= touched
        m = c @ self._moments
        firm = above >= self._firm_level
        if self._cell_cm2 is not None:
            area = np.count_nonzero(touched) * self._cell_cm2
            firm_area = np.count_nonzero(firm) * self._cell_cm2
        else:
            area = float(touched @ self._area_cm2)
            firm_area = float(firm @ self._area_cm2)
        scale = self._scale
        total = float(m[0])
        along, across = m[1] / total, m[2] / total
        out[_TOTAL] = total * scale
        out[_AREA] = area
        out[_ALONG] = along
        out[_ACROSS] = across
        out[_VA] = max(0.0, m[3] / total - along * along)
        out[_VX] = max(0.0, m[4] / total - across * across)
        out[_COV] = m[5] / total - along * across
        out[_PEAK] = peak * scale
        out[_FIRM] = firm_area
        return out

    def coverage_cm2(self) -> float:
        """Area of every cell touched since :meth:`reset_episode`."""
        return float(self._area_cm2[self.ever].sum())


def _log(x: float) -> float:
    return math.log1p(max(0.0, x))


def gesture_features(summaries: Array, rate_hz: float, coverage_cm2: float | None = None) -> Array:
    """Sum up one episode's frame summaries [T, len(FRAME_FIELDS)] as :data:`FEATURE_NAMES`.

    ``coverage_cm2`` is the area of every cell touched during the episode
    (:meth:`ContactTracker.coverage_cm2`); without it the peak area is used.
    Up to :data:`SHORT_FRAMES` frames go to :func:`short_gesture_features`
    (the same numbers, faster); longer episodes are summed up here.
    """
    s = np.asarray(summaries, dtype=np.float64)
    if 0 < s.shape[0] <= SHORT_FRAMES:  # a window of a slow grid: plain floats are faster
        return np.array(short_gesture_features(s.tolist(), rate_hz, coverage_cm2))
    return _gesture_features_numpy(s, rate_hz, coverage_cm2)


def _gesture_features_numpy(
    summaries: Array, rate_hz: float, coverage_cm2: float | None = None
) -> Array:
    """:func:`gesture_features` with NumPy, for any number of frames."""
    s = np.asarray(summaries, dtype=np.float64)
    t_count = s.shape[0]
    period_ms = 1000.0 / rate_hz
    duration_ms = max(1, t_count) * period_ms
    out = np.zeros(len(FEATURE_NAMES))
    if t_count == 0:
        out[0] = _log(duration_ms)
        return out
    total = s[:, _TOTAL]
    area = s[:, _AREA]
    contact = total > 0
    n_contact = int(contact.sum())
    out[0] = _log(duration_ms)
    out[1] = n_contact / t_count
    if n_contact == 0:
        return out
    cs = s[contact]
    area_c = area[contact]
    total_c = total[contact]
    # Column statistics in three calls: numpy's per-call cost dominates short episodes.
    col_max = s.max(axis=0)
    col_mean = cs.mean(axis=0)
    col_std = cs.std(axis=0)
    out[2] = _log(float(col_max[_AREA]))
    out[3] = _log(float(col_mean[_AREA]))
    out[4] = float(col_std[_AREA] / max(col_mean[_AREA], 1e-9))
    out[5] = _log(float(col_max[_TOTAL]) * 100.0)
    out[6] = _log(float(col_mean[_TOTAL]) * 100.0)
    out[7] = float(col_std[_TOTAL] / max(col_mean[_TOTAL], 1e-9))
    out[8] = float(col_max[_PEAK])
    out[9] = float(col_mean[_PEAK])
    va, vx, cov = cs[:, _VA], cs[:, _VX], cs[:, _COV]
    half_trace = (va + vx) / 2.0
    root = np.sqrt(np.maximum(0.0, ((va - vx) / 2.0) ** 2 + cov**2))
    big, small = half_trace + root, np.maximum(half_trace - root, 0.0)
    out[10] = float(np.sqrt((big + 1.0) / (small + 1.0)).sum()) / n_contact
    out[11] = _log(float(np.sqrt(va + vx).sum()) / n_contact)
    root_va, root_vx = np.sqrt(va), np.sqrt(vx)
    along, across = cs[:, _ALONG], cs[:, _ACROSS]
    k = min(3, n_contact)
    ends = cs[-k:, _ALONG : _ACROSS + 1].sum(axis=0) - cs[:k, _ALONG : _ACROSS + 1].sum(axis=0)
    travel_along, travel_across = float(ends[0]) / k, float(ends[1]) / k
    path = (
        float(np.sum(np.hypot(along[1:] - along[:-1], across[1:] - across[:-1])))
        if n_contact > 1
        else 0.0
    )
    out[12] = _log(path)
    out[13] = travel_along
    out[14] = _log(abs(travel_along))
    out[15] = _log(abs(travel_across))
    out[16] = math.hypot(travel_along, travel_across) / max(path, 1.0)
    out[17] = _log(path * 1000.0 / (n_contact * period_ms))
    top = float(col_max[_TOTAL])
    first_high = int(np.argmax(total >= 0.8 * top))
    last_high = t_count - 1 - int(np.argmax(total[::-1] >= 0.8 * top))
    out[18] = _log(first_high * period_ms)
    out[19] = _log((t_count - 1 - last_high) * period_ms)
    out[20] = count_pulses(total.tolist()) * 1000.0 / duration_ms
    out[21] = (
        float(np.abs(total[1:] - total[:-1]).sum() / top) * 1000.0 / duration_ms
        if t_count > 1
        else 0
    )
    recontacts = int(np.sum(contact[1:] & ~contact[:-1]))
    out[22] = recontacts * 1000.0 / duration_ms
    area_max = float(col_max[_AREA])
    coverage = area_max if coverage_cm2 is None else coverage_cm2
    out[23] = _log(coverage / max(area_max, 1e-9) - 1.0)
    pressure = total_c / np.maximum(area_c, 1e-9)
    out[24] = float(pressure.sum()) / n_contact
    out[25] = float(pressure.max())
    out[26] = float(cs[:, _FIRM].sum() / max(float(area_c.sum()), 1e-9))
    out[27] = float(np.count_nonzero(total >= 0.5 * top)) / t_count
    out[28] = _log(float(root_va.sum()) / n_contact)
    out[29] = _log(float(root_vx.sum()) / n_contact)
    out[30] = _log(area_max * 1000.0 / (first_high * period_ms + period_ms))
    # Back-and-forth strokes: the centroid sweeps along its main axis and turns round.
    if n_contact >= 5:
        pts = cs[:, _ALONG : _ACROSS + 1]
        smooth = (pts[:-2] + pts[1:-1] + pts[2:]) / 3.0
        centred = smooth - smooth.mean(axis=0)
        sxx, syy, sxy = (centred.T @ centred).ravel()[[0, 3, 1]]
        angle = 0.5 * math.atan2(2.0 * sxy, sxx - syy)  # the main axis of the path
        main = centred @ np.array([math.cos(angle), math.sin(angle)])
        steps = main[1:] - main[:-1]
        out[31] = _log(float(np.abs(steps).sum()) / len(steps) * 1000.0 / period_ms)
        moving = steps[np.abs(steps) > 2.0]
        turns = int(np.sum(np.sign(moving[1:]) != np.sign(moving[:-1]))) if moving.size > 1 else 0
        out[32] = turns * 1000.0 / duration_ms
    return out


def mirrored(features: Array) -> Array:
    """The same touches run the other way along the body (training rows for either skin way round).

    Only the signed travel along the body changes; a model trained on both
    cannot learn which way one corpus's hands happened to stroke, so a grid
    mounted the other way round reads the same.
    """
    out = np.array(features, dtype=np.float64, copy=True)
    out[..., FEATURE_NAMES.index("travel_along_mm")] *= -1.0
    return out


WINDOW_MS = 800.0  # the learned model reads windows this long ...
STRIDE_MS = 400.0  # ... this far apart, and averages what they say


def window_frames(
    rate_hz: float, window_ms: float = WINDOW_MS, stride_ms: float = STRIDE_MS
) -> tuple[int, int]:
    """A window's length and the step between windows, in frames at ``rate_hz``."""
    return max(2, round(window_ms * rate_hz / 1000.0)), max(1, round(stride_ms * rate_hz / 1000.0))


def window_spans(
    n_frames: int, rate_hz: float, window_ms: float = WINDOW_MS, stride_ms: float = STRIDE_MS
) -> list[tuple[int, int]]:
    """Frame spans ``[a, b)`` of the windows of an episode of ``n_frames`` (one if it is short)."""
    width, stride = window_frames(rate_hz, window_ms, stride_ms)
    if n_frames <= width:
        return [(0, n_frames)]
    return [(a, a + width) for a in range(0, n_frames - width + 1, stride)]


def episode_features(
    frames: Array, surface: TouchSurface, tracker: ContactTracker | None = None
) -> Array:
    """Features of ``frames`` [T, ...] on ``surface`` (a fresh tracker unless one is given).

    A tracker that has already seen the frames before the episode knows the
    cells' floors; a fresh one takes the first frame as the floor.
    """
    tracker = tracker or ContactTracker(surface)
    tracker.reset_episode()
    summaries = np.stack([tracker.update(frame) for frame in frames]) if len(frames) else None
    if summaries is None:
        return gesture_features(np.zeros((0, len(FRAME_FIELDS))), surface.rate_hz)
    return gesture_features(summaries, surface.rate_hz, tracker.coverage_cm2())
