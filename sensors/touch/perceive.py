"""``petbrain perceive trace.jsonl``: the touch and handling events a recorded trace holds.

One JSON line per trace file: ``{"path": ..., "touch": {"events": [...], ...}}``.
Events are in time order; each has ``type`` (``onset``, ``release``,
``gesture``, ``pad_fault`` or ``handling``) and ``t_ms`` on the trace's clock.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sensors.imu.handling import HandlingDetector
from sensors.touch.classifier import TouchClassifier
from sensors.touch.trace import ImuSample, TraceError, iter_trace

SUFFIXES = (".jsonl",)


def perceive_trace(path: Path) -> dict[str, Any]:
    """Run the touch classifier and the handling detector over one trace file."""
    header, samples = iter_trace(path)
    classifier = TouchClassifier(header.layout)
    handling = HandlingDetector()
    events: list[dict[str, object]] = []
    frames = imu = 0
    first_t: int | None = None
    last_t = 0
    for sample in samples:
        first_t = sample.t_ms if first_t is None else first_t
        last_t = sample.t_ms
        if isinstance(sample, ImuSample):
            imu += 1
            found: list[Any] = handling.feed(
                sample.t_ms, sample.accel_mg, sample.gyro_ddps, sample.motion, sample.events
            )
        else:
            frames += 1
            found = classifier.feed(sample.t_ms, sample.values)
        events.extend(event.to_json() for event in found)
    if frames:
        events.extend(
            e.to_json() for e in classifier.finish(last_t + classifier.thresholds.release_ms)
        )
    out: dict[str, Any] = {
        "frames": frames,
        "imu_samples": imu,
        "duration_ms": 0 if first_t is None else last_t - first_t,
        "source": header.source,
        "events": events,
    }
    faults = classifier.faults()
    if faults:
        out["pad_faults"] = {str(pad): fault for pad, fault in sorted(faults.items())}
    label = header.meta.get("label")
    if label is not None:
        out["label"] = label
    return out


def perceive_file(path: Path, args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    """One JSON-ready dict for the trace at ``path`` (an ``error`` line when it is unreadable)."""
    try:
        yield {"path": str(path), "touch": perceive_trace(path)}
    except TraceError as error:
        yield {"path": str(path), "error": str(error)}
