from __future__ import annotations

import logging

import numpy as np
import pytest

from sensors.camera import CameraError, CameraInfo, ResilientCamera, TimedFrame


class FlakyDevice:
    """A camera that can be unplugged and plugged back in."""

    def __init__(self) -> None:
        self.plugged = False
        self.connected = False
        self.connect_attempts = 0

    @property
    def info(self) -> CameraInfo:
        return CameraInfo("fake", "/dev/video9", 4, 4, 30.0, live=True)

    def connect(self) -> None:
        self.connect_attempts += 1
        if not self.plugged:
            raise CameraError("camera /dev/video9 could not be opened")
        self.connected = True

    def read(self) -> TimedFrame | None:
        if not self.plugged:
            raise CameraError("camera /dev/video9 stopped delivering frames")
        return 0, np.zeros((4, 4, 3), np.uint8)

    def disconnect(self) -> None:
        self.connected = False


def test_missing_camera_then_unplugged_camera_keeps_going_and_comes_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0]
    device = FlakyDevice()
    camera = ResilientCamera(device, retry_ms=100, max_retry_ms=400, clock=lambda: now[0])
    caplog.set_level(logging.WARNING, logger="petbrain.camera")

    camera.connect()  # absent at start: no exception
    assert not camera.available and camera.reason is not None
    for t in range(0, 1000, 10):  # a second of frames without a camera
        now[0] = t
        assert camera.read() is None
    # Retries back off (100, 200, 400, 400 ms...) instead of hammering the driver.
    assert 3 <= device.connect_attempts <= 6
    assert len([r for r in caplog.records if "vision off" in r.message]) == 1

    device.plugged = True
    now[0] += 500
    assert camera.read() is not None
    assert camera.available and camera.reason is None
    assert any("is back" in r.message for r in caplog.records)

    device.plugged = False  # unplugged while streaming
    now[0] += 10
    assert camera.read() is None
    assert not camera.available and not device.connected
    now[0] += 10
    assert camera.read() is None  # waits before retrying
    device.plugged = True
    now[0] += 150
    assert camera.read() is not None
    assert len([r for r in caplog.records if "vision off" in r.message]) == 2
    camera.disconnect()
    assert not device.connected
