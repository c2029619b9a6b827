from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from sensors.camera import CAMERAS, CameraError, CameraSource
from sensors.camera.sources import OpenCvCamera, StillCamera


def test_every_source_is_registered_and_describes_itself_before_connecting(tmp_path: Path) -> None:
    assert {"opencv", "video", "images", "still"} <= set(CAMERAS.names())
    for config in (
        {"type": "opencv", "device": 2},
        {"type": "video", "path": tmp_path / "clip.avi"},
        {"type": "images", "path": tmp_path},
        {"type": "still", "path": tmp_path / "face.jpg"},
    ):
        camera = CAMERAS.create(config)
        assert isinstance(camera, CameraSource)
        assert camera.info.kind == config["type"]
    assert CAMERAS.create({"type": "opencv", "device": 2}).info.name == "/dev/video2"


def test_still_camera_shows_the_same_frame_until_told_otherwise(portrait: np.ndarray) -> None:
    times = iter(range(100, 1000, 10))
    camera = StillCamera(portrait, clock=lambda: next(times))
    with pytest.raises(CameraError):
        camera.read()
    camera.connect()
    first, second = camera.read(), camera.read()
    assert first is not None and second is not None
    assert (first[0], second[0]) == (100, 110)
    assert np.array_equal(first[1], portrait)
    camera.show(cv2.cvtColor(portrait, cv2.COLOR_BGR2GRAY))
    shown = camera.read()
    assert shown is not None and shown[1].shape == portrait.shape  # grey becomes BGR
    camera.clear()
    assert camera.read() is None


def test_image_folder_reads_in_order_and_names_unreadable_files(
    tmp_path: Path, portrait: np.ndarray
) -> None:
    cv2.imwrite(str(tmp_path / "a.jpg"), portrait)
    cv2.imwrite(str(tmp_path / "c.png"), portrait[:100])
    (tmp_path / "b.jpg").write_bytes(b"not a jpeg")
    (tmp_path / "notes.txt").write_text("ignored")
    camera = CAMERAS.create({"type": "images", "path": tmp_path})
    camera.connect()
    first = camera.read()
    assert first is not None and first[1].shape == portrait.shape
    with pytest.raises(CameraError, match=r"b\.jpg: not a readable image"):
        camera.read()
    third = camera.read()
    assert third is not None and third[1].shape[0] == 100
    assert camera.read() is None


def test_image_folder_without_images_is_a_clear_error(tmp_path: Path) -> None:
    camera = CAMERAS.create({"type": "images", "path": tmp_path})
    with pytest.raises(CameraError, match="no images found"):
        camera.connect()


def test_video_file_keeps_every_nth_frame(tmp_path: Path, portrait: np.ndarray) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (320, 240))
    for i in range(9):
        frame = cv2.resize(portrait, (320, 240))
        cv2.putText(frame, str(i), (10, 200), cv2.FONT_HERSHEY_SIMPLEX, 2, (0, 0, 255), 3)
        writer.write(frame)
    writer.release()
    camera = CAMERAS.create({"type": "video", "path": path, "every": 3})
    camera.connect()
    indices = []
    while (item := camera.read()) is not None:
        assert item[1].shape == (240, 320, 3)
        indices.append(camera.index)  # type: ignore[attr-defined]
    assert indices == [0, 3, 6]
    assert camera.info.fps == pytest.approx(10.0)
    camera.disconnect()


def test_missing_video_is_a_clear_error(tmp_path: Path) -> None:
    camera = CAMERAS.create({"type": "video", "path": tmp_path / "none.mp4"})
    with pytest.raises(CameraError, match="no such video file"):
        camera.connect()


class QueueingDevice:
    """A V4L2-like capture: queued frames come back at once, a fresh one takes a frame period."""

    def __init__(self, frames: list[np.ndarray], queued: int, period_s: float = 0.01) -> None:
        self.frames = frames
        self.queued = queued
        self.period_s = period_s
        self.position = -1
        self.plugged = True
        self.settings: dict[int, float] = {}

    def isOpened(self) -> bool:
        return self.plugged

    def set(self, prop: int, value: float) -> bool:
        self.settings[prop] = value
        return True

    def grab(self) -> bool:
        if not self.plugged:
            return False
        if self.queued > 0:
            self.queued -= 1
        else:
            import time

            time.sleep(self.period_s)
        self.position += 1
        return True

    def retrieve(self) -> tuple[bool, np.ndarray]:
        return True, self.frames[self.position % len(self.frames)]

    def release(self) -> None:
        pass


def numbered_frames(count: int) -> list[np.ndarray]:
    return [np.full((4, 4, 3), i, dtype=np.uint8) for i in range(count)]


def test_opencv_camera_drains_queued_frames_and_returns_the_newest() -> None:
    device = QueueingDevice(numbered_frames(10), queued=3)
    camera = OpenCvCamera(0, fps=100.0, capture_factory=lambda _index: device)
    camera.connect()
    assert device.settings[cv2.CAP_PROP_BUFFERSIZE] == 1
    item = camera.read()
    assert item is not None
    # Three stale frames (0, 1, 2) skipped; frame 3 had to be waited for: it is the newest.
    assert int(item[1][0, 0, 0]) == 3


def test_opencv_camera_reports_an_unplugged_device() -> None:
    device = QueueingDevice(numbered_frames(2), queued=0, period_s=0.0)
    camera = OpenCvCamera(0, capture_factory=lambda _index: device, failures_before_lost=2)
    camera.connect()
    assert camera.read() is not None
    device.plugged = False
    assert camera.read() is None  # one failure may be a hiccup
    with pytest.raises(CameraError, match="stopped delivering frames"):
        camera.read()
    with pytest.raises(CameraError, match="could not be opened"):
        camera.connect()


def test_a_broken_video_is_reported_by_us_once_not_by_ffmpeg_on_every_try(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a movie at all")
    code = (
        "import sys\n"
        "from sensors.camera.source import CameraError\n"
        "from sensors.camera.sources import VideoFileCamera\n"
        "for _ in range(3):\n"
        "    try:\n"
        f"        VideoFileCamera({str(broken)!r}).connect()\n"
        "    except CameraError as error:\n"
        "        print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.count("not a readable video") == 3
    assert "moov" not in done.stderr, done.stderr
