"""Vision benchmarks: per-frame compute on one core, next to the `fer` package's detector.

Frames are 640x480 BGR made from a real portrait (matplotlib's Grace Hopper
photo, shipped with mediapipe's dependencies), drifting a few pixels per
frame like a person in front of a camera, so tracking behaves as in video.
Both our pipeline and the reference run on the same frames, pinned to the
same single CPU core.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import numpy.typing as npt

from brain.bench import BenchOptions, Reference, Result, benchmark

FRAME_SIZE = (640, 480)
FRAME_MS = 1000.0 / 15.0  # the robot's camera runs at 15 Hz
SHARED_FER = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "fer2013"


def portrait() -> npt.NDArray[np.uint8]:
    """A real face photo (BGR) from matplotlib's sample data."""
    import cv2
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    image = cv2.imread(str(path))
    if image is None:
        raise FileNotFoundError(f"{path} not found (matplotlib sample data)")
    return np.asarray(image, dtype=np.uint8)


def drifting_frames(count: int) -> list[npt.NDArray[np.uint8]]:
    """``count`` 640x480 frames: the portrait at ~60% height, drifting and swaying."""
    import cv2

    face = portrait()
    width, height = FRAME_SIZE
    scale = 0.6 * height / face.shape[0]
    small = cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    frames = []
    for i in range(count):
        canvas = np.full((height, width, 3), 90, dtype=np.uint8)
        x = int(width / 2 - small.shape[1] / 2 + 60 * np.sin(i / 15))
        y = int(height / 2 - small.shape[0] / 2 + 20 * np.sin(i / 9))
        canvas[y : y + small.shape[0], x : x + small.shape[1]] = small
        frames.append(canvas)
    return frames


@contextmanager
def one_core() -> Iterator[None]:
    """Pin this process (and threads it starts meanwhile) to one CPU."""
    if not hasattr(os, "sched_setaffinity"):
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def per_frame_ms(
    step: Callable[[int, npt.NDArray[np.uint8]], object], frames: list[npt.NDArray[np.uint8]]
) -> list[float]:
    """Wall time of ``step`` on each frame (15 Hz time stamps), after two warm-up frames."""
    for i, frame in enumerate(frames[:2]):
        step(int(i * FRAME_MS), frame)
    samples = []
    for i, frame in enumerate(frames):
        start = time.perf_counter()
        step(int((i + 2) * FRAME_MS), frame)
        samples.append((time.perf_counter() - start) * 1000.0)
    return samples


def per_frame_pair_ms(
    ours: Callable[[int, npt.NDArray[np.uint8]], object],
    theirs: Callable[[int, npt.NDArray[np.uint8]], object],
    frames: list[npt.NDArray[np.uint8]],
) -> tuple[list[float], list[float]]:
    """Wall times of ``ours`` and ``theirs`` on each frame, one right after the other."""
    for i, frame in enumerate(frames[:2]):
        ours(int(i * FRAME_MS), frame)
        theirs(int(i * FRAME_MS), frame)
    mine, other = [], []
    for i, frame in enumerate(frames):
        t_ms = int((i + 2) * FRAME_MS)
        start = time.perf_counter()
        ours(t_ms, frame)
        middle = time.perf_counter()
        theirs(t_ms, frame)
        mine.append((middle - start) * 1000.0)
        other.append((time.perf_counter() - middle) * 1000.0)
    return mine, other


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


@benchmark("vision")
def vision(options: BenchOptions) -> list[Result]:
    """face_pipeline_ms vs fer's FER(), vision_frame_ms with pose, memory, expression accuracy."""
    from sensors.camera.fer_reference import make_reference
    from sensors.camera.pipeline import VisionConfig, VisionPipeline

    frames = drifting_frames(24 if options.quick else 150)
    results = []
    with one_core():
        face_only = VisionPipeline(VisionConfig())
        reference = make_reference()
        # Interleaved frame by frame, so both see the same load on a shared machine.
        ours, theirs = per_frame_pair_ms(
            lambda t, f: face_only.process(t, f, with_body=False),
            lambda _t, f: reference.detect_emotions(f),
            frames,
        )
        found = sum(
            face_only.process(int(100_000 + i * FRAME_MS), f, with_body=False).face.present
            for i, f in enumerate(frames[:10])
        )
        face_only.close()
        their_found = sum(bool(reference.detect_emotions(f)) for f in frames[:10])
        config = VisionConfig()
        # Mean, not median: most frames skip the mesh, the mean charges its cost to all.
        results.append(
            Result(
                "face_pipeline_ms",
                statistics.fmean(ours),
                "ms",
                Reference(f"{reference.name}, mean per frame", statistics.fmean(theirs)),
                details={
                    "faces_found_of_10": found,
                    "reference_faces_found_of_10": their_found,
                    "p50_ms": statistics.median(ours),
                    "max_ms": max(ours),
                    "face_period_ms": config.face_period_ms,
                    "reference_p50_ms": statistics.median(theirs),
                },
            )
        )
        full = VisionPipeline(config)
        samples = per_frame_ms(full.process, frames)
        mean_ms = statistics.fmean(samples)
        results.append(
            Result(
                "vision_frame_ms",
                mean_ms,
                "ms",
                Reference("fer FER() per frame (face only), same frames", statistics.fmean(theirs)),
                details={
                    "p50_ms": statistics.median(samples),
                    "p95_ms": float(np.percentile(samples, 95)),
                    "max_ms": max(samples),
                    "sustained_hz": 1000.0 / mean_ms,
                    "face_period_ms": config.face_period_ms,
                    "pose_period_ms": config.pose_period_ms,
                },
            )
        )
        full.close()
    if options.profile is not None:
        # One core of the device is camera_scale times slower than one here.
        for result in results:
            result.details[f"implied_{options.profile}_ms"] = result.value * options.camera_scale
    loaded, bare = _memory_in_fresh_process()
    results.append(
        Result(
            "vision_rss_mb",
            loaded,
            "MB",
            Reference("same process before building the pipeline", bare),
            note="the whole brain is judged by brain_rss_mib and run_pss_mib",
        )
    )
    results.append(_expression_cost(options))
    results.extend(_accuracy(options))
    return results


def _expression_cost(options: BenchOptions) -> Result:
    """The shipped expression model per face crop against fer's mini-Xception, interleaved."""
    from sensors.camera.expression import DEFAULT_MODEL, ExpressionModel, fit_crop
    from sensors.camera.fer_reference import MINI_XCEPTION

    ours, theirs = ExpressionModel(DEFAULT_MODEL), ExpressionModel(MINI_XCEPTION)
    face = np.asarray(portrait().mean(axis=2), dtype=np.uint8)  # grey; the cost ignores content
    crops = [fit_crop(face, m.size)[None] for m in (ours, theirs)]
    calls = 60 if options.quick else 400
    ours_ms, theirs_ms = [], []
    with one_core():
        for _ in range(10):  # warm both sessions
            ours.predict(crops[0])
            theirs.predict(crops[1])
        for _ in range(calls):  # call by call, so both see the same load
            start = time.perf_counter()
            ours.predict(crops[0])
            middle = time.perf_counter()
            theirs.predict(crops[1])
            ours_ms.append((middle - start) * 1000.0)
            theirs_ms.append((time.perf_counter() - middle) * 1000.0)
    return Result(
        "expression_face_ms",
        statistics.median(ours_ms),
        "ms",
        Reference("fer mini-Xception, one view, same crop", statistics.median(theirs_ms)),
        details={
            "p95_ms": float(np.percentile(ours_ms, 95)),
            "calls": calls,
            "model_bytes": DEFAULT_MODEL.stat().st_size,
        },
    )


_MEMORY_PROBE = """
import numpy, cv2
from brain.bench.vision import drifting_frames, rss_mb
frames = drifting_frames(8)
bare = rss_mb()
from sensors.camera.pipeline import VisionPipeline
pipeline = VisionPipeline()
for i, frame in enumerate(frames):
    pipeline.process(i * 33, frame)  # pose runs too: every model loaded and warmed
print(rss_mb(), bare)
"""


def _memory_in_fresh_process() -> tuple[float, float]:
    """RSS (MB) of a fresh interpreter with every vision model loaded and used, and before."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE], capture_output=True, text=True, check=True
    )
    loaded, bare = done.stdout.split()[-2:]
    return float(loaded), float(bare)


def _accuracy(options: BenchOptions) -> list[Result]:
    """Expression accuracy on FER2013 publictest crops, ours vs fer's network (when present)."""
    from sensors.camera.evaluation import collect, evaluate
    from sensors.camera.expression import DEFAULT_MODEL
    from sensors.camera.fer_reference import MINI_XCEPTION

    folder = SHARED_FER / "publictest"
    if not folder.is_dir():
        print(f"vision: {folder} absent, skipping expression accuracy", file=sys.stderr)
        return []
    items, _ = collect(folder, {}, 60 if options.quick else None)
    ours = evaluate(items, DEFAULT_MODEL, mode="crops")
    theirs = evaluate(items, MINI_XCEPTION, mode="crops")
    return [
        Result(
            "expression_accuracy",
            ours.accuracy,
            "fraction",
            Reference("fer mini-Xception, same crops", theirs.accuracy),
            details={"images": ours.total},
        )
    ]
