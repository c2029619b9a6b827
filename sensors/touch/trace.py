"""Touch traces: what the body's pads (and IMU) reported, one JSON object per line.

Format (``petbrain-touch-trace``, version 1), UTF-8 JSON lines:

1. A header, the first line::

       {"format": "petbrain-touch-trace", "version": 1, "frame_rate_hz": 100.0,
        "pads": [{"index": 0, "name": "head", "zone": "head", "position_mm": 40.0}, ...],
        "source": "robot", "meta": {...}}

   ``pads`` lists every pad in TOUCH_FRAME order with its zone and its
   position along the spine (nose = 0, towards the tail). ``source`` says
   where the trace came from (``robot``, ``sim``, ``synthetic``); ``meta`` is
   free-form (a synthetic trace stores its label and parameters there).

2. One line per touch frame, in time order::

       {"t_ms": 1230, "values": [0, 3, 0, 412, ...]}

   ``values`` are the pads' baseline-subtracted deltas exactly as the body
   reports them in TOUCH_FRAME (0 = untouched, ~420 = a firm palm).

3. Optionally, IMU lines interleaved in time order::

       {"t_ms": 1232, "imu": {"accel_mg": [0, 0, 1000], "gyro_ddps": [0, 0, 0],
                              "motion": 0, "events": 0}}

Times are milliseconds on one clock (the body's, for recorded traces).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sensors.touch.layout import PadLayout

FORMAT = "petbrain-touch-trace"
VERSION = 1


class TraceError(ValueError):
    """A trace file that cannot be read, with the file and line in the message."""


@dataclass(frozen=True)
class ImuSample:
    """One IMU message as recorded: accelerations in mg, rates in deci-degrees/s."""

    t_ms: int
    accel_mg: tuple[int, int, int] = (0, 0, 1000)
    gyro_ddps: tuple[int, int, int] = (0, 0, 0)
    motion: int = 0
    events: int = 0

    def to_json(self) -> dict[str, object]:
        """The trace line for this sample."""
        return {
            "t_ms": self.t_ms,
            "imu": {
                "accel_mg": list(self.accel_mg),
                "gyro_ddps": list(self.gyro_ddps),
                "motion": self.motion,
                "events": self.events,
            },
        }


@dataclass(frozen=True)
class TouchSample:
    """One touch frame: every pad's delta at ``t_ms``."""

    t_ms: int
    values: tuple[int, ...]

    def to_json(self) -> dict[str, object]:
        """The trace line for this frame."""
        return {"t_ms": self.t_ms, "values": list(self.values)}


Sample = TouchSample | ImuSample


@dataclass(frozen=True)
class TraceHeader:
    """The first line of a trace: pads, frame rate, source and free-form metadata."""

    layout: PadLayout
    source: str = "robot"
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The header line."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "frame_rate_hz": self.layout.frame_rate_hz,
            "pads": self.layout.to_json(),
            "source": self.source,
            "meta": self.meta,
        }


@dataclass(frozen=True)
class Trace:
    """A whole trace in memory."""

    header: TraceHeader
    samples: tuple[Sample, ...]

    @property
    def frames(self) -> list[TouchSample]:
        """The touch frames only."""
        return [s for s in self.samples if isinstance(s, TouchSample)]

    @property
    def imu(self) -> list[ImuSample]:
        """The IMU samples only."""
        return [s for s in self.samples if isinstance(s, ImuSample)]


def _parse_header(line: str, where: str) -> TraceHeader:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as error:
        raise TraceError(f"{where}: header is not JSON ({error.msg})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise TraceError(f"{where}: not a touch trace (first line must have format={FORMAT!r})")
    if raw.get("version") != VERSION:
        raise TraceError(f"{where}: unsupported trace version {raw.get('version')!r}")
    try:
        layout = PadLayout.from_json(raw.get("pads"), float(raw.get("frame_rate_hz", 100.0)))
    except (TypeError, ValueError) as error:
        raise TraceError(f"{where}: bad header: {error}") from None
    meta = raw.get("meta") or {}
    if not isinstance(meta, dict):
        raise TraceError(f"{where}: header 'meta' must be an object")
    return TraceHeader(layout, str(raw.get("source", "unknown")), meta)


def _triple(value: object, name: str) -> tuple[int, int, int]:
    if not isinstance(value, list) or len(value) != 3:
        raise ValueError(f"'{name}' must be a list of 3 numbers")
    return (int(value[0]), int(value[1]), int(value[2]))


def _parse_sample(line: str, pad_count: int) -> Sample:
    raw = json.loads(line)
    if not isinstance(raw, dict) or "t_ms" not in raw:
        raise ValueError("line must be an object with 't_ms'")
    t_ms = int(raw["t_ms"])
    if "values" in raw:
        values = raw["values"]
        if not isinstance(values, list) or len(values) != pad_count:
            raise ValueError(f"'values' must list {pad_count} pads")
        return TouchSample(t_ms, tuple(int(v) for v in values))
    if "imu" in raw:
        imu = raw["imu"]
        if not isinstance(imu, dict):
            raise ValueError("'imu' must be an object")
        return ImuSample(
            t_ms,
            _triple(imu.get("accel_mg", [0, 0, 1000]), "accel_mg"),
            _triple(imu.get("gyro_ddps", [0, 0, 0]), "gyro_ddps"),
            int(imu.get("motion", 0)),
            int(imu.get("events", 0)),
        )
    raise ValueError("line has neither 'values' nor 'imu'")


def iter_trace(path: str | Path) -> tuple[TraceHeader, Iterator[Sample]]:
    """Open a trace: its header now, its samples lazily (constant memory for long recordings)."""
    where = str(path)
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 (closed by the generator)
    except OSError as error:
        raise TraceError(f"{where}: cannot open ({error.strerror})") from None
    first = handle.readline()
    if not first.strip():
        handle.close()
        raise TraceError(f"{where}: empty file")
    try:
        header = _parse_header(first, f"{where}:1")
    except TraceError:
        handle.close()
        raise

    def samples() -> Iterator[Sample]:
        with handle:
            last_t = None
            for number, line in enumerate(handle, start=2):
                if not line.strip():
                    continue
                try:
                    sample = _parse_sample(line, header.layout.pad_count)
                except (ValueError, TypeError) as error:
                    raise TraceError(f"{where}:{number}: {error}") from None
                if last_t is not None and sample.t_ms < last_t:
                    raise TraceError(f"{where}:{number}: time goes backwards")
                last_t = sample.t_ms
                yield sample

    return header, samples()


def read_trace(path: str | Path) -> Trace:
    """Read a whole trace; raises :class:`TraceError` (one clear line) when it is malformed."""
    header, samples = iter_trace(path)
    return Trace(header, tuple(samples))


class TraceWriter:
    """Write a trace line by line (the recorder's path) or all at once (:func:`write_trace`)."""

    def __init__(self, stream: IO[str], header: TraceHeader) -> None:
        self.stream = stream
        self.pad_count = header.layout.pad_count
        self.frames = 0
        stream.write(json.dumps(header.to_json()) + "\n")

    def write(self, sample: Sample) -> None:
        """Append one touch frame or IMU sample."""
        if isinstance(sample, TouchSample):
            if len(sample.values) != self.pad_count:
                raise ValueError(
                    f"frame has {len(sample.values)} pads, header has {self.pad_count}"
                )
            self.frames += 1
        self.stream.write(json.dumps(sample.to_json(), separators=(",", ":")) + "\n")


def write_trace(path: str | Path, trace: Trace) -> None:
    """Write ``trace`` to ``path``."""
    with open(path, "w", encoding="utf-8") as stream:
        writer = TraceWriter(stream, trace.header)
        for sample in trace.samples:
            writer.write(sample)
