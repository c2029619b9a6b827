"""``petbrain touch record`` (a real body's pads), ``touch synth`` and ``touch import``.

A recorded trace holds what the body sent, TOUCH_FRAME deltas and IMU
messages, in the documented touch-trace format (``sensors/touch/trace.py``);
with ``--out NAME.npz`` the touch frames become one labelled recording
(``sensors/touch/recording.py``) in that folder instead. ``touch import``
converts a published corpus into labelled recordings. No camera or audio
data is involved.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from brain.cli import CommandGroups
from brain.cli._touch_labels import check_label, ensure_labels
from brain.errors import UserError

if TYPE_CHECKING:
    from firmware import wire
    from sensors.touch.layout import PadLayout
    from sensors.touch.trace import TraceWriter


class _Link(Protocol):
    """What the recorder needs of ``brain.body.link.BodyLink``."""

    @property
    def ready(self) -> bool: ...

    def tick(self, now_ms: int) -> None: ...

    def poll(self, now_ms: int) -> list[wire.Message]: ...

    def wait_readable(self, timeout_ms: float) -> bool: ...


def register(groups: CommandGroups) -> None:
    """Add ``petbrain touch record`` and ``petbrain touch synth``."""
    help_group = "touch traces: record from a body, synthesise labelled ones, import corpora"
    record = groups.subcommand(
        "touch", "record", run_record, "record a body's touch pads and IMU to a trace", help_group
    )
    record.add_argument("--port", required=True, metavar="URL", help="serial port or pyserial URL")
    record.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="trace file (.jsonl), or a labelled recording (.npz; skin.yaml and labels.yaml "
        "are written beside it when missing)",
    )
    record.add_argument("--label", metavar="NAME", help=".npz: the gesture of the whole recording")
    record.add_argument("--subject", metavar="ID", help=".npz: who touched (pseudonym)")
    record.add_argument("--seconds", type=float, metavar="N", help="stop after N seconds")
    record.add_argument(
        "--layout", metavar="FILE", help="pad layout JSON (default: reference body)"
    )
    record.add_argument(
        "--grid",
        type=int,
        metavar="N",
        help="record taxel grid N of --layout (a robot.yaml with touch.grids) instead of the "
        "pads, to a labelled recording (.npz)",
    )
    record.add_argument(
        "--connect-timeout", type=float, default=5.0, metavar="S", help="wait S s for the body"
    )
    importer = groups.subcommand(
        "touch",
        "import",
        run_import,
        "convert a published touch corpus into labelled recordings (*.npz, skin.yaml, labels.yaml)",
        help_group,
    )
    importer.add_argument("corpus", choices=("softrobot7",), help="which corpus")
    importer.add_argument("source", metavar="SRC", help="the corpus folder")
    importer.add_argument("--out", required=True, metavar="DIR", help="folder to write")
    synth = groups.subcommand(
        "touch", "synth", run_synth, "write a synthetic, labelled trace of one gesture", help_group
    )
    synth.add_argument("gesture", help="stroke, pat, scratch, hold, poke, hit or tickle")
    synth.add_argument("--out", required=True, metavar="FILE")
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--speed", type=float, default=1.0, help="factor on typical hand speed")
    synth.add_argument("--pressure", type=float, default=1.0, help="factor on typical pressure")
    synth.add_argument("--hand-size", type=float, default=1.0, help="factor on typical hand size")
    synth.add_argument("--noise", type=float, default=3.0, help="sensor noise, counts (std)")
    synth.add_argument("--drift", type=float, default=10.0, help="residual drift, counts")
    synth.add_argument("--spread", type=float, default=0.25, help="pad sensitivity spread (+-)")
    synth.add_argument("--humidity", type=float, default=0.0, help="0..1")
    synth.add_argument("--stuck", type=int, default=0, help="pads that read stuck")
    synth.add_argument("--dead", type=int, default=0, help="pads that read nothing")


def load_layout(path: str | None) -> PadLayout:
    """The pad layout from a robot config file (JSON or YAML), or the reference body's."""
    from sensors.touch import layout

    if path is None:
        return layout.DEFAULT_LAYOUT
    try:
        return layout.load_layout(path)
    except ValueError as error:
        raise UserError(str(error)) from None


def record(
    link: _Link,
    layout: PadLayout,
    stream: IO[str],
    *,
    duration_ms: float | None,
    connect_timeout_ms: float,
    clock_ms: Callable[[], int],
    on_idle: Callable[[int], None] | None = None,
    pad_count: Callable[[], int | None] = lambda: None,
) -> TraceWriter:
    """Record until ``duration_ms`` has passed (or Ctrl-C); returns the writer (frame count).

    ``on_idle(now_ms)`` runs once per loop (the simulator ticks its virtual
    body there); ``pad_count()`` is the body's announced pad count, checked
    against ``layout`` once the link is ready.
    """
    from firmware import wire
    from sensors.touch.trace import ImuSample, TouchSample, TraceHeader, TraceWriter

    start = clock_ms()
    writer: TraceWriter | None = None
    try:
        while True:
            now = clock_ms()
            link.tick(now)
            messages = link.poll(now)
            if writer is None and link.ready:
                announced = pad_count()
                if announced is not None and announced != layout.pad_count:
                    raise UserError(
                        f"the body has {announced} pads, the layout {layout.pad_count}: "
                        "give the body's layout with --layout"
                    )
                writer = TraceWriter(stream, TraceHeader(layout, "robot"))
                start = now
            if writer is None:
                if now - start > connect_timeout_ms:
                    raise UserError("no body answered the handshake (wrong port or baud rate?)")
            else:
                for message in messages:
                    if isinstance(message, wire.TouchFrame):
                        if len(message.values) == layout.pad_count:
                            writer.write(TouchSample(int(message.t_ms), tuple(message.values)))
                    elif isinstance(message, wire.Imu):
                        a, g = message.accel_mg, message.gyro_ddps
                        writer.write(
                            ImuSample(
                                int(message.t_ms),
                                (int(a[0]), int(a[1]), int(a[2])),
                                (int(g[0]), int(g[1]), int(g[2])),
                                int(message.motion),
                                int(message.events),
                            )
                        )
                if duration_ms is not None and now - start >= duration_ms:
                    return writer
            if on_idle is not None:
                on_idle(now)
            else:
                link.wait_readable(10.0)
    except KeyboardInterrupt:
        if writer is None:
            raise
        return writer


def run_record(args: argparse.Namespace) -> int:
    """Open the body, record, report how much was written."""
    from brain.body.link import BodyLink

    if args.seconds is not None and args.seconds <= 0:
        raise UserError("--seconds must be positive")
    if args.grid is not None:
        from brain.cli._touch_grid import run_record_grid

        return run_record_grid(args)
    layout = load_layout(args.layout)
    out = Path(args.out)
    as_recording = out.suffix.lower() == ".npz"
    if (args.label or args.subject) and not as_recording:
        raise UserError("--label and --subject go with a labelled recording (--out NAME.npz)")
    if as_recording:
        if not out.parent.is_dir():
            raise UserError(f"{out.parent}: not a folder")
        target = out
        out = out.with_suffix(".recording.jsonl")
        check_label(out.parent / "labels.yaml", args.label)  # before, not after, recording
    link = BodyLink(args.port)
    try:
        stream = open(out, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise UserError(f"{out}: cannot write ({error.strerror})") from None
    try:
        writer = record(
            link,
            layout,
            stream,
            duration_ms=None if args.seconds is None else args.seconds * 1000.0,
            connect_timeout_ms=args.connect_timeout * 1000.0,
            clock_ms=lambda: int(time.monotonic() * 1000),
            pad_count=lambda: None if link.info is None else link.info.pad_count,
        )
    finally:
        stream.close()
        link.close()
    if as_recording:
        try:
            frames = save_recording(out, target, layout, args.label, args.subject)
        finally:
            out.unlink(missing_ok=True)
        print(f"recorded {frames} touch frames to {target}", file=sys.stderr)
        return 0
    print(f"recorded {writer.frames} touch frames to {out}", file=sys.stderr)
    return 0


def save_recording(
    trace_path: Path, out: Path, layout: PadLayout, label: str | None, subject: str | None
) -> int:
    """Turn a recorded trace into ``out`` (.npz), with ``skin.yaml``/``labels.yaml`` beside it.

    The pads become a 1 x P grid (``skin.yaml`` lists them); ``label`` names
    the whole recording (``labels.yaml`` maps it to itself when it is one of
    the pet's gestures). Returns the number of frames written.
    """
    import numpy as np

    from sensors.touch.recording import write_recording
    from sensors.touch.skin import load_skin, write_skin
    from sensors.touch.trace import read_trace

    folder = out.parent
    skin_path = folder / "skin.yaml"
    if skin_path.exists():
        try:
            skin = load_skin(skin_path)
        except ValueError as error:
            raise UserError(str(error)) from None
        if skin.shape != (1, layout.pad_count):
            raise UserError(f"{skin_path}: describes another skin than {layout.pad_count} pads")
    else:
        write_skin(skin_path, layout, "recorded with petbrain touch record")
    ensure_labels(folder, label)
    trace = read_trace(trace_path)
    frames = np.array([f.values for f in trace.frames], dtype=np.uint16).reshape(
        -1, 1, layout.pad_count
    )
    write_recording(
        out,
        frames,
        layout.frame_rate_hz,
        label=label,
        labels=None if label is not None else ["none"] * len(frames),
        subject=subject,
    )
    return int(frames.shape[0])


def run_import(args: argparse.Namespace) -> int:
    """Convert a corpus; one line per problem, the rest is written."""
    from sensors.touch.importers import import_softrobot7

    source = Path(args.source)
    if not source.is_dir():
        raise UserError(f"{source}: not a folder")
    written, problems = import_softrobot7(source, args.out)
    for line in problems:
        print(f"petbrain touch import: {line}", file=sys.stderr)
    if not written:
        raise UserError(f"{source}: nothing imported")
    print(f"imported {written} recordings into {args.out}", file=sys.stderr)
    return 0


def run_synth(args: argparse.Namespace) -> int:
    """Write one synthetic trace."""
    from sensors.touch.sensor_model import PadSensorModel
    from sensors.touch.synthetic import HandStyle, generate_trace, gesture_names
    from sensors.touch.trace import write_trace

    if args.gesture not in gesture_names():
        raise UserError(f"unknown gesture {args.gesture!r} (known: {', '.join(gesture_names())})")
    style = HandStyle(args.speed, args.pressure, args.hand_size)
    sensor = PadSensorModel(
        noise_counts=args.noise,
        drift_counts=args.drift,
        gain_spread=args.spread,
        humidity=args.humidity,
        stuck_pads=args.stuck,
        dead_pads=args.dead,
        seed=args.seed,
    )
    trace = generate_trace(args.gesture, seed=args.seed, style=style, sensor=sensor)
    try:
        write_trace(args.out, trace)
    except OSError as error:
        raise UserError(f"{args.out}: cannot write ({error.strerror})") from None
    print(f"wrote {len(trace.frames)} frames of {args.gesture} to {args.out}", file=sys.stderr)
    return 0
