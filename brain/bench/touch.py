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


@benchmark("touch")
def touch(options: BenchOptions) -> list[Result]:
    """``touch_frame_ms``: classifier cost per 100 Hz frame; ``imu_sample_ms`` for handling."""
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

    return [
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
