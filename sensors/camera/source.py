"""The camera interface: one small protocol, implementations chosen by ``type``.

A source is usable before it connects (``info`` says what it is), hands out
the newest frame on ``read()`` and never writes a frame anywhere: frames live
in RAM only.

    camera = CAMERAS.create({"type": "opencv", "device": 0})
    camera.connect()
    item = camera.read()  # (t_ms, BGR frame) or None
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from sensors.registry import Registry

Frame = npt.NDArray[np.uint8]
"""A BGR image, height x width x 3, uint8 (OpenCV's layout)."""

TimedFrame = tuple[int, Frame]
"""``(t_ms, frame)``: capture time on the brain's monotonic clock, and the frame."""

Clock = Callable[[], int]
"""Returns the brain's monotonic time in milliseconds."""


def monotonic_ms() -> int:
    """The brain's monotonic clock in milliseconds."""
    return time.monotonic_ns() // 1_000_000


class CameraError(RuntimeError):
    """A camera could not be opened or stopped delivering frames (one clear line)."""


@dataclass(frozen=True)
class CameraInfo:
    """What a source is, known before it connects."""

    kind: str  # the registry ``type`` that built it
    name: str  # a human-readable description: device path, file name...
    width: int | None = None  # requested or known frame width in pixels (None: unknown)
    height: int | None = None
    fps: float | None = None  # nominal frame rate (None: unknown or as fast as read)
    live: bool = False  # True for devices; False for files and stills


@runtime_checkable
class CameraSource(Protocol):
    """A source of BGR frames: a device, a file, a folder of images or a still."""

    @property
    def info(self) -> CameraInfo:
        """What this source is; works before ``connect``."""
        ...

    def connect(self) -> None:
        """Open the device or file; raises :class:`CameraError` with one clear line."""
        ...

    def read(self) -> TimedFrame | None:
        """The newest frame, or None when none is available (end of file, no frame yet).

        Raises :class:`CameraError` when a connected device went away.
        """
        ...

    def disconnect(self) -> None:
        """Release the device or file; safe to call twice or before ``connect``."""
        ...


CAMERAS: Registry[CameraSource] = Registry("camera")
"""Camera sources by ``type``: opencv, video, images, still (and picamera2 when installed)."""
