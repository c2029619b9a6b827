"""Camera sources: a V4L2 device, a video file, images, an in-memory still, a Pi camera.

Each registers itself in :data:`~sensors.camera.source.CAMERAS` under its
``type``; configs choose one, code never branches on the kind.
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from sensors.camera.source import (
    CAMERAS,
    CameraError,
    CameraInfo,
    Clock,
    Frame,
    TimedFrame,
    monotonic_ms,
)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".pgm", ".ppm")
VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg")


def to_bgr(image: npt.NDArray[np.uint8]) -> Frame:
    """Grey, BGR or BGRA uint8 image -> BGR uint8 (what every consumer expects)."""
    if image.ndim == 2:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
    if image.shape[2] == 4:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGRA2BGR), dtype=np.uint8)
    return np.asarray(image, dtype=np.uint8)


def read_image(path: Path) -> Frame:
    """Read an image file as BGR; raises :class:`CameraError` with one line when it cannot."""
    data = np.fromfile(str(path), dtype=np.uint8) if path.is_file() else None
    if data is None:
        raise CameraError(f"{path}: no such image file")
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
    if image is None:
        raise CameraError(f"{path}: not a readable image")
    if image.dtype != np.uint8:  # 16-bit PNG/TIFF
        image = cv2.convertScaleAbs(image, alpha=255.0 / max(1.0, float(image.max())))
    return to_bgr(np.asarray(image, dtype=np.uint8))


@CAMERAS.register("opencv")
class OpenCvCamera:
    """A V4L2 (or any OpenCV-supported) device; ``read`` returns the newest frame.

    OpenCV queues a few frames in the driver; reading one at a time after a
    slow step would hand out a frame several periods old. ``read`` therefore
    grabs (without decoding) until a grab has to wait for the sensor, which
    means the queue is empty, and decodes only that last frame.
    """

    def __init__(
        self,
        device: int | str = 0,
        width: int = 640,  # requested frame size in pixels; the driver may pick another
        height: int = 480,
        fps: float = 30.0,  # requested frame rate
        max_drain: int = 4,  # most queued frames skipped per read
        failures_before_lost: int = 3,  # consecutive failed grabs that mean "unplugged"
        clock: Clock = monotonic_ms,
        capture_factory: Callable[..., Any] | None = None,
    ) -> None:
        self._device = device
        self._size = (width, height)
        self._fps = fps
        self._max_drain = max_drain
        self._failures_before_lost = failures_before_lost
        self._clock = clock
        self._factory = capture_factory
        self._capture: Any = None
        self._failures = 0

    @property
    def info(self) -> CameraInfo:
        """The device and the requested format."""
        name = f"/dev/video{self._device}" if isinstance(self._device, int) else self._device
        return CameraInfo("opencv", name, self._size[0], self._size[1], self._fps, live=True)

    def connect(self) -> None:
        """Open the device and request size, rate and the smallest driver queue."""
        if self._factory is not None:
            capture = self._factory(self._device)
        else:
            # OpenCV warns on every failed open; ResilientCamera retries, and says it once.
            cv2.setLogLevel(2)  # 2: errors only
            capture = cv2.VideoCapture(self._device, cv2.CAP_V4L2)
        if not capture.isOpened():
            capture.release()
            raise CameraError(f"camera {self.info.name} could not be opened")
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self._size[0])
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self._size[1])
        capture.set(cv2.CAP_PROP_FPS, self._fps)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        self._capture, self._failures = capture, 0

    def read(self) -> TimedFrame | None:
        """The newest frame; raises :class:`CameraError` once the device is gone."""
        if self._capture is None:
            raise CameraError(f"camera {self.info.name} is not connected")
        # A queued frame comes back at once; a fresh one waits about a frame period.
        wait_s = 0.25 / max(self._fps, 1.0)
        grabbed = False
        for _ in range(self._max_drain + 1):
            start = time.perf_counter()
            if not self._capture.grab():
                break
            grabbed = True
            if time.perf_counter() - start >= wait_s:
                break
        t_ms = self._clock()
        ok, frame = self._capture.retrieve() if grabbed else (False, None)
        if not ok or frame is None:
            self._failures += 1
            if self._failures >= self._failures_before_lost:
                raise CameraError(f"camera {self.info.name} stopped delivering frames")
            return None
        self._failures = 0
        return t_ms, to_bgr(frame)

    def disconnect(self) -> None:
        """Release the device."""
        if self._capture is not None:
            self._capture.release()
            self._capture = None


FFMPEG_QUIET = "-8"  # AV_LOG_QUIET


@CAMERAS.register("video")
class VideoFileCamera:
    """A video file, frame after frame; ``read`` returns None at the end."""

    def __init__(self, path: str | Path, every: int = 1, clock: Clock = monotonic_ms) -> None:
        self._path = Path(path)
        self._every = max(1, every)  # keep every Nth frame
        self._clock = clock
        self._capture: Any = None
        self.index = -1  # index of the last frame returned
        self.position_ms = 0.0  # its time within the file

    @property
    def info(self) -> CameraInfo:
        """The file; size and rate are read from it once connected."""
        if self._capture is None:
            return CameraInfo("video", str(self._path))
        width = int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        fps = float(self._capture.get(cv2.CAP_PROP_FPS)) or None
        return CameraInfo("video", str(self._path), width, height, fps)

    def connect(self) -> None:
        """Open the file."""
        if not self._path.is_file():
            raise CameraError(f"{self._path}: no such video file")
        # FFmpeg prints its own complaint ("moov atom not found") on every try;
        # the CameraError below says it once, through the resilient camera.
        os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", FFMPEG_QUIET)
        capture = cv2.VideoCapture(str(self._path))
        if not capture.isOpened():
            raise CameraError(f"{self._path}: not a readable video")
        self._capture, self.index = capture, -1

    def read(self) -> TimedFrame | None:
        """The next kept frame, or None at the end of the file."""
        if self._capture is None:
            raise CameraError(f"{self._path} is not open")
        while True:
            ok, frame = self._capture.read()
            if not ok or frame is None:
                return None
            self.index += 1
            if self.index % self._every == 0:
                self.position_ms = float(self._capture.get(cv2.CAP_PROP_POS_MSEC))
                return self._clock(), to_bgr(frame)

    def disconnect(self) -> None:
        """Close the file."""
        if self._capture is not None:
            self._capture.release()
            self._capture = None


def image_files(path: Path) -> list[Path]:
    """An image file, or the image files under a folder (recursive, sorted)."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    return [path]


@CAMERAS.register("images")
class ImageFolderCamera:
    """An image or a folder of images, one per ``read``; optionally looping."""

    def __init__(self, path: str | Path, loop: bool = False, clock: Clock = monotonic_ms) -> None:
        self._path = Path(path)
        self._loop = loop  # start again after the last image instead of returning None
        self._clock = clock
        self._files: list[Path] = []
        self._next: Iterator[Path] = iter(())
        self.current: Path | None = None  # the file of the last frame returned

    @property
    def info(self) -> CameraInfo:
        """The file or folder."""
        return CameraInfo("images", str(self._path))

    def connect(self) -> None:
        """List the images."""
        if not self._path.exists():
            raise CameraError(f"{self._path}: no such file or folder")
        self._files = image_files(self._path)
        if not self._files:
            raise CameraError(f"{self._path}: no images found")
        self._next = iter(self._files)

    def read(self) -> TimedFrame | None:
        """The next image; unreadable files raise :class:`CameraError` naming the file."""
        path = next(self._next, None)
        if path is None and self._loop and self._files:
            self._next = iter(self._files)
            path = next(self._next, None)
        if path is None:
            return None
        self.current = path
        return self._clock(), read_image(path)

    def disconnect(self) -> None:
        """Forget the listing."""
        self._next = iter(())


@CAMERAS.register("still")
class StillCamera:
    """One frame shown again and again (the simulator uses it to show the pet a face).

    ``show`` swaps the picture at any time; ``clear`` shows nothing (``read`` -> None).
    """

    def __init__(
        self,
        frame: Frame | None = None,
        path: str | Path | None = None,
        clock: Clock = monotonic_ms,
    ) -> None:
        self._clock = clock
        self._path = None if path is None else Path(path)
        self._frame: Frame | None = None if frame is None else to_bgr(frame)
        self._connected = False

    @property
    def info(self) -> CameraInfo:
        """What is shown: a file name or 'in-memory frame'."""
        shape = None if self._frame is None else self._frame.shape
        name = str(self._path) if self._path is not None else "in-memory frame"
        return CameraInfo(
            "still", name, None if shape is None else shape[1], None if shape is None else shape[0]
        )

    def connect(self) -> None:
        """Load the image file, if one was named."""
        if self._path is not None and self._frame is None:
            self._frame = read_image(self._path)
        self._connected = True

    def show(self, frame: Frame | None) -> None:
        """Show ``frame`` from now on (None: show nothing)."""
        self._frame = None if frame is None else to_bgr(frame)

    def clear(self) -> None:
        """Show nothing."""
        self._frame = None

    def read(self) -> TimedFrame | None:
        """The frame shown now, or None."""
        if not self._connected:
            raise CameraError("still camera is not connected")
        frame = self._frame
        return None if frame is None else (self._clock(), frame)

    def disconnect(self) -> None:
        """Stop serving frames."""
        self._connected = False


if importlib.util.find_spec("picamera2") is not None:  # pragma: no cover - Pi only

    @CAMERAS.register("picamera2")
    class PiCamera:
        """A Raspberry Pi camera through ``picamera2`` (registered only where it is installed)."""

        def __init__(
            self, width: int = 640, height: int = 480, clock: Clock = monotonic_ms
        ) -> None:
            self._size = (width, height)
            self._clock = clock
            self._camera: Any = None

        @property
        def info(self) -> CameraInfo:
            """The Pi camera and the requested size."""
            return CameraInfo("picamera2", "Raspberry Pi camera", *self._size, live=True)

        def connect(self) -> None:
            """Start the camera in a BGR preview configuration."""
            try:
                from picamera2 import Picamera2  # type: ignore[import-not-found]

                camera = Picamera2()
                # picamera2's "RGB888" is stored B, G, R: OpenCV's order.
                config = camera.create_preview_configuration(
                    main={"size": self._size, "format": "RGB888"}
                )
                camera.configure(config)
                camera.start()
            except Exception as error:
                raise CameraError(f"Pi camera could not be started: {error}") from error
            self._camera = camera

        def read(self) -> TimedFrame | None:
            """The newest frame (picamera2 always returns the latest buffer)."""
            if self._camera is None:
                raise CameraError("Pi camera is not connected")
            try:
                frame = self._camera.capture_array("main")
            except Exception as error:
                raise CameraError(f"Pi camera stopped delivering frames: {error}") from error
            return self._clock(), to_bgr(np.ascontiguousarray(frame[:, :, :3]))

        def disconnect(self) -> None:
            """Stop and close the camera."""
            if self._camera is not None:
                self._camera.stop()
                self._camera.close()
                self._camera = None
