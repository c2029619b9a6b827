"""Debug recording of camera frames: off unless a developer asks, and loud when on.

Frames normally live in RAM only. :class:`FrameRecorder` is the one place
that writes them to disk; it announces itself on stderr and in the log when
created and says how many frames it wrote when closed.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import cv2

from sensors.camera.source import Frame

log = logging.getLogger("petbrain.camera")

BANNER = (
    "!!! DEBUG RECORDING ON: camera frames are being WRITTEN TO DISK in {folder} !!!\n"
    "!!! This breaks petbrain's privacy promise (frames stay in RAM). Delete them after use. !!!"
)


class FrameRecorder:
    """Writes frames as JPEG files to ``folder`` (at most ``max_frames``), announcing it loudly."""

    def __init__(self, folder: Path, max_frames: int = 1000) -> None:
        self.folder = folder
        self.max_frames = max_frames  # a forgotten flag must not fill the disk
        self.written = 0
        folder.mkdir(parents=True, exist_ok=True)
        message = BANNER.format(folder=folder.resolve())
        print(message, file=sys.stderr, flush=True)
        log.warning("debug recording of camera frames to %s is on", folder.resolve())

    def write(self, t_ms: int, frame: Frame) -> Path | None:
        """Save one frame named by its time; None once ``max_frames`` were written."""
        if self.written >= self.max_frames:
            return None
        path = self.folder / f"frame_{t_ms:012d}.jpg"
        if not cv2.imwrite(str(path), frame):
            raise OSError(f"cannot write {path}")
        self.written += 1
        return path

    def close(self) -> None:
        """Say, once more, what was written and where."""
        print(
            f"!!! DEBUG RECORDING: {self.written} frame(s) left in {self.folder.resolve()} !!!",
            file=sys.stderr,
            flush=True,
        )
