"""The fast per-frame paths compute what the plain definitions say.

``ContactTracker.update`` reuses buffers and reads frames in their own units,
and ``short_gesture_features`` sums short windows up in plain Python; both
are checked here against straightforward versions of the same definitions.
"""

from __future__ import annotations

import numpy as np
import pytest
from skin_fakes import blob, gesture_frames

from sensors.touch.features import (
    FEATURE_NAMES,
    FRAME_FIELDS,
    ContactTracker,
    _gesture_features_numpy,
    gesture_features,
)
from sensors.touch.layout import DEFAULT_LAYOUT
from sensors.touch.short_features import SHORT_FRAMES, short_gesture_features
from sensors.touch.skin import TaxelGrid, TouchSurface


def _reference_summaries(
    frames: np.ndarray, surface: TouchSurface, level: float, tau_ms: float = 3000.0
) -> tuple[np.ndarray, np.ndarray]:
    """The tracker's definition, written out plainly: summaries [T, 9], masks [T, cells]."""
    scale = 1.0 / surface.full_scale
    alpha = min(1.0, 1000.0 / surface.rate_hz / tau_ms)
    area = surface.area_mm2 / 100.0
    a, x = surface.positions_mm[:, 0], surface.positions_mm[:, 1]
    floor = None
    out, masks = [], []
    for frame in frames:
        v = np.asarray(frame, dtype=np.float64).reshape(-1) * scale
        if floor is None:
            floor = np.where(np.isfinite(v), v, 0.0)
        v = np.where(np.isfinite(v), v, floor)
        above = v - floor
        touched = above >= level
        floor = np.minimum(floor + np.where(touched, 0.0, above) * alpha, v)
        row = np.zeros(len(FRAME_FIELDS))
        if touched.any():
            w = np.where(touched, above, 0.0) * area
            total = w.sum()
            ma, mx = (w * a).sum() / total, (w * x).sum() / total
            row[:] = [
                total,
                area[touched].sum(),
                ma,
                mx,
                max(0.0, (w * a * a).sum() / total - ma * ma),
                max(0.0, (w * x * x).sum() / total - mx * mx),
                (w * a * x).sum() / total - ma * mx,
                above[touched].max(),
                area[touched & (above >= 0.5)].sum(),
            ]
        out.append(row)
        masks.append(touched)
    return np.array(out), np.array(masks)


def _grid_frames(rng: np.random.Generator) -> np.ndarray:
    """A stroke, a hug and a pat on an 8 x 10 grid with noise, a NaN and a spike."""
    parts = [gesture_frames(g, 8, 10, 20.0, rng) for g in ("stroke", "hug", "pat", "stroke")]
    rests = [np.zeros((5, 8, 10)) for _ in parts]
    frames = np.concatenate([p for pair in zip(rests, parts, strict=True) for p in pair])
    frames = frames * 1000.0 + rng.uniform(0.0, 20.0, frames.shape)
    frames[7, 2, 3] = np.nan
    frames[30, 1, 1] = np.inf
    return frames


@pytest.mark.parametrize("level", [0.06, 0.15])
def test_tracker_matches_its_plain_definition(level: float) -> None:
    rng = np.random.default_rng(3)
    surface = TaxelGrid("back_middle", 8, 10, 12.0, 20.0, full_scale=1000.0).surface()
    frames = _grid_frames(rng)
    want, want_masks = _reference_summaries(frames, surface, level)
    tracker = ContactTracker(surface, touch_level=level)
    rows, masks = [], []
    for frame in frames:
        rows.append(tracker.update(frame))
        masks.append(tracker.touched)
    assert np.array_equal(np.array(masks), want_masks)
    assert np.allclose(np.array(rows), want, rtol=1e-9, atol=1e-9)
    assert want[:, 0].max() > 0 and (want[:, 0] == 0).any()  # contact and rest were both seen


def test_tracker_keeps_the_masks_it_handed_out() -> None:
    surface = TaxelGrid("back_middle", 4, 4, 10.0, 10.0, full_scale=1.0).surface()
    tracker = ContactTracker(surface, touch_level=0.2)
    tracker.update(np.zeros((4, 4)))
    tracker.update(blob(4, 4, 1, 1, 0.7, 0.9))
    first = tracker.touched
    kept = first.copy()
    tracker.update(blob(4, 4, 2, 3, 0.7, 0.9))
    assert np.array_equal(first, kept) and not np.array_equal(first, tracker.touched)


def test_tracker_on_pads_of_unequal_area_uses_their_areas() -> None:
    base = TouchSurface.from_pads(DEFAULT_LAYOUT)
    area = base.area_mm2.copy()
    area[3] *= 2.0
    surface = TouchSurface(base.positions_mm, area, base.rate_hz, base.full_scale)
    values = np.zeros(DEFAULT_LAYOUT.pad_count)
    tracker = ContactTracker(surface, touch_level=0.15)
    tracker.update(values)
    values[[3, 4]] = 400.0
    row = tracker.update(values)
    want, _ = _reference_summaries(np.stack([np.zeros_like(values), values]), surface, 0.15)
    assert np.allclose(row, want[1], rtol=1e-9)
    assert row[1] == pytest.approx(3 * np.pi * 1.5**2)  # cm2: one pad counted twice over


def test_short_windows_give_the_same_features_as_numpy() -> None:
    rng = np.random.default_rng(11)
    surface = TaxelGrid("back_middle", 8, 10, 12.0, 20.0, full_scale=1000.0).surface()
    tracker = ContactTracker(surface, touch_level=0.1)
    summaries = np.array([tracker.update(f) for f in _grid_frames(rng)])
    checked = 0
    for start in range(0, len(summaries) - 2, 2):
        for width in (1, 2, 3, 5, 8, 13, SHORT_FRAMES):
            rows = summaries[start : start + width]
            for coverage in (None, 40.0):
                want = _gesture_features_numpy(rows, 20.0, coverage)
                got = np.array(short_gesture_features(rows.tolist(), 20.0, coverage))
                assert got.shape == (len(FEATURE_NAMES),)
                assert np.allclose(got, want, rtol=1e-9, atol=1e-12), (start, width)
                checked += 1
    assert checked > 100
    # gesture_features hands short stretches to the plain version, long ones to NumPy.
    assert np.array_equal(
        gesture_features(summaries[:8], 20.0),
        np.array(short_gesture_features(summaries[:8].tolist(), 20.0)),
    )
    assert len(summaries) > SHORT_FRAMES
    assert np.array_equal(
        gesture_features(summaries, 20.0), _gesture_features_numpy(summaries, 20.0)
    )
    assert short_gesture_features([], 20.0) == list(_gesture_features_numpy(np.zeros((0, 9)), 20.0))
