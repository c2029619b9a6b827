"""``petbrain touch record --grid N``: a body's taxel grid to a labelled recording.

The body streams the grid as TOUCH_GRID chunks; the frames are reassembled
exactly as the running pet does (:class:`GridFrameAssembler`) and written as
one ``.npz`` (``frames`` [T, rows, cols], ``rate_hz``, the label), with the
grid's ``skin.yaml`` and a ``labels.yaml`` beside it, so ``petbrain eval
touch`` and training read it like any other recording.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from brain.body.link import BodyLink
from brain.cli._touch_labels import check_label, ensure_labels
from brain.errors import UserError
from firmware import wire
from sensors.touch.grid_frames import GridFrameAssembler
from sensors.touch.skin import TaxelGrid

Array = npt.NDArray[Any]


def record_grid(
    link: BodyLink,
    index: int,
    grid: TaxelGrid,
    *,
    duration_ms: float | None,
    connect_timeout_ms: float,
    clock_ms: Callable[[], int],
    on_idle: Callable[[int], None] | None = None,
) -> list[Array]:
    """Whole frames of grid ``index`` until ``duration_ms`` has passed (or Ctrl-C)."""
    # Chunks of other grids are skipped below; the assembler only ever sees grid ``index``.
    assembler = GridFrameAssembler([grid] * (index + 1))
    frames: list[Array] = []
    start = clock_ms()
    recording = False
    try:
        while True:
            now = clock_ms()
            link.tick(now)
            messages = link.poll(now)
            if not recording and link.ready:
                info = link.info
                if info is not None and not info.capabilities & wire.CAP_TOUCH_GRID:
                    raise UserError(
                        "the body scans no taxel grid (board profile without grids, or "
                        "firmware before protocol 1.3)"
                    )
                recording = True
                start = now
            if not recording:
                if now - start > connect_timeout_ms:
                    raise UserError("no body answered the handshake (wrong port or baud rate?)")
            else:
                for message in messages:
                    if isinstance(message, wire.TouchGrid) and message.grid == index:
                        frame = assembler.feed(message)
                        if frame is not None:
                            frames.append(frame.cells.copy())
                if duration_ms is not None and now - start >= duration_ms:
                    return frames
            if on_idle is not None:
                on_idle(now)
            else:
                link.wait_readable(10.0)
    except KeyboardInterrupt:
        if not recording:
            raise
        return frames


def save_grid_recording(
    frames: list[Array], out: Path, grid: TaxelGrid, label: str | None, subject: str | None
) -> int:
    """Write ``out`` (.npz) and the grid's ``skin.yaml``/``labels.yaml`` beside it."""
    from sensors.touch.recording import write_recording
    from sensors.touch.skin import load_skin, write_skin

    skin_path = out.parent / "skin.yaml"
    if skin_path.exists():
        try:
            skin = load_skin(skin_path)
        except ValueError as error:
            raise UserError(str(error)) from None
        if skin.shape != grid.shape:
            raise UserError(f"{skin_path}: describes another skin than this {grid.shape} grid")
    else:
        write_skin(skin_path, grid, "recorded with petbrain touch record --grid")
    ensure_labels(out.parent, label)
    stack = np.stack(frames) if frames else np.zeros((0, *grid.shape), dtype=np.uint16)
    write_recording(
        out,
        stack.astype(np.uint16),
        grid.rate_hz,
        label=label,
        labels=None if label is not None else ["none"] * len(stack),
        subject=subject,
    )
    return len(stack)


def run_record_grid(args: argparse.Namespace) -> int:
    """``touch record --grid N``: check the arguments, record, write the recording."""
    from sensors.touch.skin import load_body_skin

    if args.layout is None:
        raise UserError("--grid needs --layout: the robot.yaml whose touch.grids declares it")
    try:
        grids = load_body_skin(args.layout).grids
    except ValueError as error:
        raise UserError(str(error)) from None
    if not 0 <= args.grid < len(grids):
        raise UserError(f"{args.layout}: declares {len(grids)} taxel grid(s), no grid {args.grid}")
    out = Path(args.out)
    if out.suffix.lower() != ".npz":
        raise UserError("--grid records to a labelled recording: --out NAME.npz")
    if not out.parent.is_dir():
        raise UserError(f"{out.parent}: not a folder")
    check_label(out.parent / "labels.yaml", args.label)  # refused before, not after, recording
    grid = grids[args.grid]
    link = BodyLink(args.port)
    try:
        frames = record_grid(
            link,
            args.grid,
            grid,
            duration_ms=None if args.seconds is None else args.seconds * 1000.0,
            connect_timeout_ms=args.connect_timeout * 1000.0,
            clock_ms=lambda: int(time.monotonic() * 1000),
        )
    finally:
        link.close()
    count = save_grid_recording(frames, out, grid, args.label, args.subject)
    print(f"recorded {count} frames of the {grid.zone} grid to {out}", file=sys.stderr)
    return 0
