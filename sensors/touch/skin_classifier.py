"""Gestures on a taxel grid: onset on the first frame, a gesture when the hand lets go.

:class:`SkinClassifier` takes every frame of a :class:`TaxelGrid` (or any
:class:`TouchSurface`), reports :class:`TouchOnset` on the very first frame a
cell rises above its floor, and when no cell has been in contact for
``release_ms`` it names the gesture: with the learned model
(:class:`OnnxGestureModel`, shipped as ``models/touch_gesture.onnx``) by the
mean of what it said about each 800 ms window of the episode, or, without
one, by the hand-tuned rules (:func:`rule_gesture`) on the whole episode.
Strokes get their direction from the centroid path: towards the tail is
``with_fur``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sensors.touch.events import TouchEvent, TouchGesture, TouchOnset, TouchRelease
from sensors.touch.features import (
    FEATURE_NAMES,
    FRAME_FIELDS,
    STRIDE_MS,
    WINDOW_MS,
    ContactTracker,
    gesture_features,
    window_frames,
)
from sensors.touch.short_features import SHORT_FRAMES, short_gesture_features
from sensors.touch.skin import TouchSurface

Array = npt.NDArray[Any]

MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "touch_gesture.onnx"
_F = {name: i for i, name in enumerate(FEATURE_NAMES)}


@dataclass(frozen=True)
class RuleThresholds:
    """The hand-tuned rules, from what each gesture physically is (not fitted to data)."""

    tap_max_ms: float = 350.0  # pats and hits are shorter
    hit_min_peak: float = 0.6  # a hit is firm ...
    hit_max_rise_ms: float = 60.0  # ... and lands at once
    stroke_min_mm: float = 55.0  # the contact travels this far, mostly one way
    stroke_straightness: float = 0.5
    tickle_min_pulses_per_s: float = 2.0  # fingers keep landing afresh
    hug_min_area_cm2: float = 150.0  # arms round the body: most of a big skin
    squeeze_min_peak_mean: float = 0.6  # firm all along ...
    squeeze_min_area_cm2: float = 40.0  # ... under a whole hand or two


def rule_gesture(features: Array, th: RuleThresholds | None = None) -> str:
    """The hand-tuned rules on :data:`FEATURE_NAMES` (the baseline the model must beat)."""
    th = th or RuleThresholds()
    f = features
    duration_ms = math.expm1(f[_F["duration_log_ms"]])
    area_cm2 = math.expm1(f[_F["area_max_log_cm2"]])
    if duration_ms <= th.tap_max_ms:
        rise = math.expm1(f[_F["rise_log_ms"]])
        if f[_F["peak_max"]] >= th.hit_min_peak and rise <= th.hit_max_rise_ms:
            return "hit"
        return "pat"
    travel = math.expm1(f[_F["travel_along_abs_log_mm"]])
    across = math.expm1(f[_F["travel_across_abs_log_mm"]])
    if max(travel, across) >= th.stroke_min_mm and f[_F["straightness"]] >= th.stroke_straightness:
        return "stroke"
    if f[_F["pulses_per_s"]] >= th.tickle_min_pulses_per_s:
        return "tickle"
    if area_cm2 >= th.hug_min_area_cm2:
        return "hug"
    if f[_F["peak_mean"]] >= th.squeeze_min_peak_mean and area_cm2 >= th.squeeze_min_area_cm2:
        return "squeeze"
    return "grab" if area_cm2 >= th.squeeze_min_area_cm2 else "hold"


class OnnxGestureModel:
    """The shipped gesture model: features in, class probabilities out (onnxruntime).

    Its metadata names the classes, the features it expects (checked against
    :data:`FEATURE_NAMES`), the contact level it was trained with and the
    recordings it was trained on (``trained_on``: fingerprints, so an
    evaluation never scores it on its own training data).
    """

    def __init__(self, path: str | Path = MODEL_PATH) -> None:
        from sensors.onnx_runtime import onnxruntime

        ort = onnxruntime()

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.path = Path(path)
        self._session = ort.InferenceSession(
            str(self.path), options, providers=["CPUExecutionProvider"]
        )
        meta = self._session.get_modelmeta().custom_metadata_map
        self.classes: tuple[str, ...] = tuple(json.loads(meta["classes"]))
        names = tuple(json.loads(meta["features"]))
        if names != FEATURE_NAMES:
            raise ValueError(f"{self.path}: trained on other features than this code computes")
        self.touch_level = float(meta["touch_level"])
        self.window_ms = float(meta.get("window_ms", WINDOW_MS))
        self.stride_ms = float(meta.get("stride_ms", STRIDE_MS))
        self.trained_on: frozenset[str] = frozenset(json.loads(meta.get("trained_on", "[]")))
        self._input = self._session.get_inputs()[0].name

    def scores(self, features: Array) -> Array:
        """Probabilities [n, classes] for features [n, F]."""
        x = np.atleast_2d(np.asarray(features, dtype=np.float32))
        out: Array = self._session.run(None, {self._input: x})[0]
        return out

    def name(self, features: Array) -> str:
        """The most likely gesture for one feature vector."""
        return self.classes[int(np.argmax(self.scores(features)[0]))]


class SkinClassifier:
    """Streaming gestures on one touch surface (a grid, or pads seen as cells).

    With a ``model`` the episode is read window by window while it lasts
    (``window_ms`` long, every ``stride_ms``, as the model was trained) and
    named by the mean of the windows' probabilities when it ends; a short
    episode is one window. Without one, the rules read the whole episode.
    """

    def __init__(
        self,
        surface: TouchSurface,
        model: OnnxGestureModel | None = None,
        *,
        touch_level: float | None = None,
        release_ms: int = 200,
        max_frames: int = 3000,
    ) -> None:
        self.surface = surface
        self.model = model
        level = touch_level if touch_level is not None else (model.touch_level if model else 0.15)
        self.tracker = ContactTracker(surface, touch_level=level)
        self.release_ms = release_ms
        self._max_frames = max_frames  # a hand resting for minutes is summed over its last ones
        window_ms = model.window_ms if model else WINDOW_MS
        stride_ms = model.stride_ms if model else STRIDE_MS
        self._width, self._stride = window_frames(surface.rate_hz, window_ms, stride_ms)
        self._area_cm2 = surface.area_mm2 / 100.0
        self._rows: list[list[float]] = []  # the episode's frame summaries (plain floats)
        # The last window's contact masks, a ring written in place (no per-frame allocation).
        self._masks = np.zeros((self._width, surface.cells), dtype=bool)
        self._frames = 0  # frames of the current episode so far
        self._votes: Array | None = None
        self._windows = 0
        self._start_ms: int | None = None
        self._last_touch_ms = 0
        self._in_contact = False

    def feed(self, t_ms: int, frame: Array) -> list[TouchEvent]:
        """One frame taken at ``t_ms``; the events it completed."""
        summary = self.tracker.update(frame)
        touched = bool(summary[0] > 0)
        events: list[TouchEvent] = []
        if touched:
            if self._start_ms is None:
                self._start_ms = t_ms
                self.tracker.reset_episode()
                self.tracker.ever |= self.tracker.touched
            if not self._in_contact and self._start_ms == t_ms:
                cell = int(np.argmax(self.tracker.above))
                value = round(float(np.asarray(frame, dtype=np.float64).reshape(-1)[cell]))
                events.append(TouchOnset(t_ms, self.surface.zone or "back", cell, value))
            self._last_touch_ms = t_ms
            self._append(summary)
        elif self._start_ms is not None:
            if t_ms - self._last_touch_ms >= self.release_ms:
                events.extend(self._close(t_ms))
            else:
                self._append(summary)
        self._in_contact = touched
        return events

    def finish(self, t_ms: int) -> list[TouchEvent]:
        """End of input: close an open episode."""
        return self._close(t_ms) if self._start_ms is not None else []

    def _append(self, summary: Array) -> None:
        self._rows.append(summary.tolist())
        self._masks[self._frames % self._width] = self.tracker.touched
        self._frames += 1
        if len(self._rows) > self._max_frames:
            del self._rows[: len(self._rows) - self._max_frames]
        n = self._frames
        if self.model is not None and n >= self._width and (n - self._width) % self._stride == 0:
            # Every row of the ring belongs to this episode once it has a full window.
            self._vote(self._rows[-self._width :], self._masks.any(axis=0))

    def _vote(self, summaries: list[list[float]], covered: Array) -> None:
        assert self.model is not None
        coverage = float(self._area_cm2[covered].sum())
        rate = self.surface.rate_hz
        if len(summaries) <= SHORT_FRAMES:
            features = short_gesture_features(summaries, rate, coverage)
        else:
            features = gesture_features(np.array(summaries), rate, coverage).tolist()
        p = self.model.scores(np.array([features], dtype=np.float32))[0]
        self._votes = p if self._votes is None else self._votes + p
        self._windows += 1

    def _close(self, t_ms: int) -> list[TouchEvent]:
        start = self._start_ms if self._start_ms is not None else t_ms
        rows = self._rows
        while rows and rows[-1][0] == 0:
            rows.pop()  # the release wait is not part of the gesture
        summaries = np.array(rows) if rows else np.zeros((0, len(FRAME_FIELDS)))
        features = gesture_features(summaries, self.surface.rate_hz, self.tracker.coverage_cm2())
        if self.model is None:
            gesture = rule_gesture(features)
        else:
            if self._windows == 0:  # shorter than one window: the whole episode is one
                self._vote(rows, self.tracker.ever)
            assert self._votes is not None
            gesture = self.model.classes[int(np.argmax(self._votes))]
        self._rows = []
        self._frames = self._windows = 0
        self._votes = None
        self._start_ms = None
        duration = max(1, self._last_touch_ms - start)
        travel = float(features[_F["travel_along_mm"]])
        direction = None
        length = speed = 0.0
        if gesture == "stroke":
            direction = "with_fur" if travel > 0 else "against_fur"
            length = abs(travel)
            speed = length * 1000.0 / duration
        intensity = float(features[_F["peak_max"]])
        return [
            TouchGesture(
                t_ms=t_ms,
                gesture=gesture,
                zones=(self.surface.zone or "back",),
                start_ms=start,
                duration_ms=duration,
                intensity=round(min(1.0, intensity), 3),
                direction=direction,
                speed_mm_per_s=round(speed, 1),
                length_mm=round(length, 1),
            ),
            TouchRelease(t_ms, duration),
        ]
