"""Touch and handling cost per message, next to decoding the same message off the wire."""

from __future__ import annotations

import time

from brain.bench import BenchOptions, Reference, Result, benchmark, percentile


def _frames(count_per_gesture: int) -> list[tuple[int, tuple[int, ...]]]:
    """A realistic stream: every gesture, one after the other, on one clock."""
    from sensors.touch.synthetic import realistic_set

    out: list[tuple[int, tuple[int, ...]]] = []
    offset = 0
    for trace in realistic_set(seed=2026, count=count_per_gesture):
        frames = trace.frames
        for frame in frames:
            out.append((offset + frame.t_ms, frame.values))
        offset += frames[-1].t_ms + 10
    return out


SKIN_RATE_HZ = 10.0  # softrobot7's grid, as the importer declares it


def _skin_stream(seed: int = 7) -> list:  # type: ignore[type-arg]
    """19 x 27 frames at 10 Hz: strokes, presses and taps with rests between (0..255)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    r, c = np.mgrid[0:19, 0:27]
    frames = []
    for k in range(60):
        for _ in range(int(rng.integers(3, 8))):
            frames.append(rng.uniform(0.0, 3.0, (19, 27)))
        kind = k % 3
        length = int(rng.integers(4, 30))
        row, col = rng.uniform(3, 16), rng.uniform(3, 24)
        for i in range(length):
            if kind == 0:  # a palm sliding along the body
                col = 2.0 + 22.0 * i / max(1, length - 1)
            radius = 2.0 if kind != 1 else 6.0
            blob = 230.0 * np.exp(-((r - row) ** 2 + (c - col) ** 2) / (2 * radius**2))
            frames.append(np.clip(blob + rng.uniform(0.0, 3.0, (19, 27)), 0, 255))
    return frames


def _skin_frames(rounds: int) -> tuple[list[float], list[float]]:
    """Per-frame cost of the skin classifier (shipped model), and of the frames that close."""
    from sensors.touch.events import TouchGesture
    from sensors.touch.skin import TaxelGrid
    from sensors.touch.skin_classifier import OnnxGestureModel, SkinClassifier

    grid = TaxelGrid("back_middle", 19, 27, 10.0, SKIN_RATE_HZ)
    model = OnnxGestureModel()
    frames = _skin_stream()
    samples: list[float] = []
    closes: list[float] = []
    for _ in range(rounds):
        classifier = SkinClassifier(grid.surface(), model)
        for i, frame in enumerate(frames):
            start = time.perf_counter()
            events = classifier.feed(i * round(1000 / SKIN_RATE_HZ), frame)
            took = (time.perf_counter() - start) * 1000.0
            samples.append(took)
            if any(isinstance(e, TouchGesture) for e in events):
                closes.append(took)
    return samples, closes or [0.0]


@benchmark("touch")
def touch(options: BenchOptions) -> list[Result]:
    """``touch_frame_ms`` (pads, 100 Hz), ``skin_frame_ms`` (19 x 27 grid), ``imu_sample_ms``."""
    from firmware import wire
    from sensors.imu.handling import HandlingDetector
    from sensors.imu.synthetic import SCENARIOS, imu_stream
    from sensors.touch.classifier import TouchClassifier
    from sensors.touch.layout import DEFAULT_LAYOUT

    frames = _frames(1 if options.quick else 4)
    rounds = 1 if options.quick else 3

    # The classifier, frame by frame, as the runtime calls it.
    samples: list[float] = []
    for _ in range(rounds):
        classifier = TouchClassifier(DEFAULT_LAYOUT)
        for t_ms, values in frames:
            start = time.perf_counter()
            classifier.feed(t_ms, values)
            samples.append((time.perf_counter() - start) * 1000.0)
    mean_ms = sum(samples) / len(samples)

    # Reference: decoding the very same frames from their wire bytes.
    encoded = [wire.encode(wire.TouchFrame(t, v), seq=i) for i, (t, v) in enumerate(frames)]
    decoder = wire.Decoder()
    start = time.perf_counter()
    for _ in range(rounds):
        for data in encoded:
            decoder.feed(data)
    decode_ms = (time.perf_counter() - start) * 1000.0 / (rounds * len(encoded))

    imu = [s for name in SCENARIOS for s in imu_stream(name, seed=7)]
    detector = HandlingDetector()
    start = time.perf_counter()
    for _ in range(rounds):
        for s in imu:
            detector.feed(s.t_ms, s.accel_mg, s.gyro_ddps, s.motion, s.events)
    imu_ms = (time.perf_counter() - start) * 1000.0 / (rounds * len(imu))
    messages = [wire.encode(wire.Imu(s.t_ms, s.accel_mg, s.gyro_ddps, s.motion, 0)) for s in imu]
    start = time.perf_counter()
    for _ in range(rounds):
        for data in messages:
            decoder.feed(data)
    imu_decode_ms = (time.perf_counter() - start) * 1000.0 / (rounds * len(messages))

    skin_samples, close_samples = _skin_frames(rounds)
    return [
        Result(
            "skin_frame_ms",
            sum(skin_samples) / len(skin_samples),
            "ms",
            Reference("pad TouchClassifier per 14-pad frame (touch_frame_ms, same run)", mean_ms),
            None,
            {
                "p50_ms": percentile(skin_samples, 0.5),
                "p99_ms": percentile(skin_samples, 0.99),
                "gesture_close_ms_p50": percentile(close_samples, 0.5),
                "gesture_close_ms_max": max(close_samples),
                "frames": float(len(skin_samples)),
                "cells": 19.0 * 27.0,
                # What a second of touch costs: the grid runs at 10 Hz, the pads at 100 Hz.
                "cpu_ms_per_touch_s": sum(skin_samples) / len(skin_samples) * SKIN_RATE_HZ,
                "pad_cpu_ms_per_touch_s": mean_ms * 100.0,
            },
        ),
        Result(
            "touch_frame_ms",
            mean_ms,
            "ms",
            Reference("wire.Decoder on the same TOUCH_FRAME", decode_ms),
            None,
            {
                "p50_ms": percentile(samples, 0.5),
                "p99_ms": percentile(samples, 0.99),
                "max_ms": max(samples),
                "frames": float(len(frames)),
            },
        ),
        Result(
            "imu_sample_ms",
            imu_ms,
            "ms",
            Reference("wire.Decoder on the same IMU message", imu_decode_ms),
            None,
            {"samples": float(len(imu))},
        ),
    ]
