"""The taxel grid's path in the brain: TOUCH_GRID bytes -> whole frames -> touch events.

``grid_frame_ms`` is what one 19 x 27 frame costs the brain's loop as the
runtime runs it: decoding its two TOUCH_GRID chunks off the wire,
reassembling them (:class:`GridFrameAssembler`) and the skin classifier
with the shipped model (:class:`GridTouch`), next to the pad classifier's
cost per 100 Hz frame (``touch_frame_ms``'s figure) measured in the same run.
"""

from __future__ import annotations

import time
from typing import Any

from brain.bench import BenchOptions, Reference, Result, benchmark, percentile

RATE_HZ = 10.0


def _hands_stream(seed: int = 11) -> list[Any]:
    """19 x 27 uint8 frames at 10 Hz: strokes both ways, presses, hugs and pats, rests between."""
    import numpy as np

    from brain.body.joints import BACK_GRID
    from sensors.touch.grid_hands import GridPress, GridStroke

    rng = np.random.default_rng(seed)
    period_ms = round(1000 / RATE_HZ)
    frames: list[Any] = []
    t_ms = 0
    for k in range(40):
        kind = k % 4
        start = t_ms + int(rng.integers(3, 8)) * period_ms
        script: Any
        if kind == 0:
            a, b = (160.0, 400.0) if rng.random() < 0.5 else (400.0, 160.0)
            speed = float(rng.uniform(150, 400))
            script = GridStroke(BACK_GRID, start, a, b, speed, float(rng.uniform(0.5, 0.9)))
            end = script.end_ms
        elif kind == 1:
            script = GridPress(BACK_GRID, start, int(rng.integers(800, 3000)), 0.8, 60.0)
            end = start + script.duration_ms
        elif kind == 2:
            script = GridPress(BACK_GRID, start, int(rng.integers(1500, 3500)), 0.9, 120.0)
            end = start + script.duration_ms
        else:
            script = GridPress(BACK_GRID, start, int(rng.integers(150, 350)), 0.5, 30.0)
            end = start + script.duration_ms
        while t_ms < end + 300:
            noise = rng.uniform(0.0, 3.0, BACK_GRID.shape)
            frame = np.clip(script(t_ms) * 240.0 + noise, 0, 255).astype(np.uint8)
            frames.append((t_ms, frame))
            t_ms += period_ms
    return frames


def _pad_reference(rounds: int) -> float:
    """The pad classifier's mean cost per 100 Hz frame over every gesture (touch_frame_ms)."""
    from sensors.touch.classifier import TouchClassifier
    from sensors.touch.layout import DEFAULT_LAYOUT
    from sensors.touch.synthetic import realistic_set

    stream: list[tuple[int, tuple[int, ...]]] = []
    offset = 0
    for trace in realistic_set(seed=2026, count=1):
        for frame in trace.frames:
            stream.append((offset + frame.t_ms, frame.values))
        offset += trace.frames[-1].t_ms + 10
    total = 0.0
    for _ in range(rounds):
        classifier = TouchClassifier(DEFAULT_LAYOUT)
        start = time.perf_counter()
        for t_ms, values in stream:
            classifier.feed(t_ms, values)
        total += time.perf_counter() - start
    return total * 1000.0 / (rounds * len(stream))


@benchmark("touch_grid")
def touch_grid(options: BenchOptions) -> list[Result]:
    """``grid_frame_ms``: decode + reassembly + skin classifier per 19 x 27 frame."""
    from brain.body.joints import BACK_GRID
    from firmware import wire
    from sensors.touch.grid_frames import GridFrameAssembler, GridTouch, load_gesture_model

    rounds = 1 if options.quick else 3
    frames = _hands_stream()
    encoded: list[list[bytes]] = []
    for number, (t_ms, frame) in enumerate(frames):
        chunks = wire.grid_chunks(t_ms, 0, number & 0xFFFF, 19, 27, frame.ravel().tolist())
        encoded.append([wire.encode(c, i) for i, c in enumerate(chunks)])
    wire_bytes = sum(len(b) for chunks in encoded for b in chunks) / len(encoded)
    model = load_gesture_model()

    whole: list[float] = []
    assembly: list[float] = []
    events = 0
    for _ in range(rounds):
        touch = GridTouch([BACK_GRID], model)
        assembler = GridFrameAssembler([BACK_GRID])
        decoder = wire.Decoder()
        for chunks in encoded:
            start = time.perf_counter()
            for data in chunks:
                for message in decoder.feed(data):
                    events += len(touch.feed(message))
            whole.append((time.perf_counter() - start) * 1000.0)
            start = time.perf_counter()
            for data in chunks:
                for message in decoder.feed(data):
                    assembler.feed(message)
            assembly.append((time.perf_counter() - start) * 1000.0)
        if touch.stats.frames != len(encoded):
            raise RuntimeError(f"reassembled {touch.stats.frames} of {len(encoded)} frames")
    mean_ms = sum(whole) / len(whole)
    pad_ms = _pad_reference(rounds)
    return [
        Result(
            "grid_frame_ms",
            mean_ms,
            "ms",
            Reference("pad TouchClassifier per 14-pad frame (touch_frame_ms, same run)", pad_ms),
            "no budget of its own: a frame comes every 100 ms, and its classifier part is "
            "skin_frame_ms (budget 0.2 ms); decode of 2 TOUCH_GRID chunks + reassembly + "
            "skin classifier with the shipped model",
            {
                "p50_ms": percentile(whole, 0.5),
                "p99_ms": percentile(whole, 0.99),
                "max_ms": max(whole),
                "decode_and_reassembly_ms": sum(assembly) / len(assembly),
                "frames": float(len(encoded)),
                "events": float(events),
                "wire_bytes_per_frame": wire_bytes,
                # A second of touch: 10 grid frames against 100 pad frames.
                "cpu_ms_per_touch_s": mean_ms * RATE_HZ,
                "pad_cpu_ms_per_touch_s": pad_ms * 100.0,
                "model": 1.0 if model is not None else 0.0,
            },
        )
    ]
