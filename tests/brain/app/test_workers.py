"""Sensor workers: reopen failing sources, say each outage once, pace file sources."""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from brain.app.health import DeviceHealth
from brain.app.workers import Observation, SourceWorker


@dataclass(frozen=True)
class _Info:
    kind: str
    name: str
    live: bool


class _Camera:
    """A live source controlled by the test: present or not, giving frames or not."""

    def __init__(self, rig: _Rig) -> None:
        self.rig = rig
        self.info = _Info("fake", "cam0", live=True)

    def connect(self) -> None:
        self.rig.connects += 1
        if not self.rig.present:
            raise OSError("no such device /dev/video0")

    def read(self) -> Any:
        if not self.rig.present:
            raise OSError("device unplugged")
        if self.rig.frozen:
            return None
        self.rig.frames += 1
        return self.rig.frames

    def disconnect(self) -> None:
        self.rig.disconnects += 1


@dataclass
class _Rig:
    present: bool = False
    frozen: bool = False
    connects: int = 0
    disconnects: int = 0
    frames: int = 0


def _wait(predicate: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def _clock() -> Callable[[], float]:
    start = time.monotonic()
    return lambda: (time.monotonic() - start) * 1000.0


def test_live_source_missing_then_back_then_unplugged_then_frozen() -> None:
    rig = _Rig()
    health = DeviceHealth()
    changes: list[bool | None] = []
    health.listeners.append(lambda s: changes.append(s.ok))
    out: queue.Queue[Observation] = queue.Queue(maxsize=1000)
    worker = SourceWorker(
        "camera",
        lambda: _Camera(rig),
        health,
        out,
        _clock(),
        period_ms=5,
        make_perceive=lambda: lambda frame, t: [f"face in frame {frame}"],
        retry_ms=20,
        stale_ms=100,
    )
    worker.start()
    try:
        _wait(lambda: rig.connects >= 3)  # retried while missing
        assert changes == [False]  # ... but said once
        rig.present = True
        _wait(lambda: out.qsize() >= 3)
        assert health.state("camera").detail == "fake cam0"
        rig.present = False
        _wait(lambda: health.state("camera").ok is False)
        rig.present = True
        _wait(lambda: health.state("camera").ok is True)
        rig.frozen = True  # a live camera that stops giving frames is reopened
        _wait(lambda: health.state("camera").ok is False)
        assert "nothing for 100 ms" in health.state("camera").detail
        rig.frozen = False
        _wait(lambda: health.state("camera").ok is True)
    finally:
        worker.stop()
        worker.join(2)
    assert not worker.is_alive()
    assert changes == [False, True, False, True, False, True]
    assert rig.disconnects >= 2  # released each time, and on stop
    first = out.get_nowait()
    assert (first.source, first.value) == ("camera", "face in frame 1")


class _File:
    def __init__(self, items: int) -> None:
        self.items = items
        self.info = _Info("file", "clip", live=False)
        self.left = 0

    def connect(self) -> None:
        self.left = self.items

    def read(self) -> Any:
        if self.left == 0:
            return None
        self.left -= 1
        return self.left

    def disconnect(self) -> None:
        self.left = 0


def test_file_source_is_paced_and_looped_quietly() -> None:
    health = DeviceHealth()
    out: queue.Queue[Observation] = queue.Queue()
    worker = SourceWorker(
        "microphone",
        lambda: _File(4),
        health,
        out,
        _clock(),
        period_ms=20,
        make_perceive=lambda: lambda item, t: [item],
        retry_ms=20,
        stale_ms=50,
    )
    start = time.monotonic()
    worker.start()
    _wait(lambda: worker.items >= 10)
    elapsed_s = time.monotonic() - start
    worker.stop()
    worker.join(2)
    assert worker.loops >= 2
    assert elapsed_s >= 0.15  # 10 items at 20 ms each are not read at once
    assert health.state("microphone").failures == 0  # the end of a file is not an outage


def test_a_perception_that_cannot_load_leaves_the_device_running() -> None:
    rig = _Rig(present=True)
    health = DeviceHealth()
    out: queue.Queue[Observation] = queue.Queue()

    def broken() -> Any:
        raise RuntimeError("model file is corrupt")

    worker = SourceWorker("camera", lambda: _Camera(rig), health, out, _clock(), 5, broken, 20, 100)
    worker.start()
    _wait(lambda: worker.items >= 3)
    worker.stop()
    worker.join(2)
    assert health.state("camera").ok is True
    assert out.empty()


class _Mic:
    """A PortAudio with a USB microphone that can be unplugged."""

    def __init__(self) -> None:
        self.plugged = False

    def backend(self) -> Any:
        mic = self

        class Stream:
            def get_read_available(self) -> int:
                if not mic.plugged:
                    raise OSError("device unavailable")
                return 512

            def read(self, frames: int, exception_on_overflow: bool = False) -> bytes:
                return b"\x10\x00" * frames

            def stop_stream(self) -> None: ...

            def close(self) -> None: ...

        class PortAudio:
            def get_device_count(self) -> int:
                return 1 if mic.plugged else 0

            def get_device_info_by_index(self, index: int) -> dict[str, Any]:
                return {"name": "USB mic", "maxInputChannels": 1, "defaultSampleRate": 16000.0}

            def open(self, **_: Any) -> Stream:
                return Stream()

            def terminate(self) -> None: ...

        return PortAudio()


def test_a_missing_microphone_is_said_once_across_many_retries(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from sensors.audio.microphone import PyAudioSource

    mic = _Mic()
    health = DeviceHealth()
    out: queue.Queue[Observation] = queue.Queue()
    made: list[PyAudioSource] = []

    def factory() -> PyAudioSource:
        made.append(PyAudioSource(device="usb", retry_ms=10, backend=mic.backend))
        return made[-1]

    worker = SourceWorker("microphone", factory, health, out, _clock(), 32, None, 20, 60)
    with caplog.at_level(logging.INFO):
        worker.start()
        try:
            time.sleep(0.6)  # ten stale cycles and more
            assert health.state("microphone").ok is False
            mic.plugged = True
            _wait(lambda: health.state("microphone").ok is True)
        finally:
            worker.stop()
            worker.join(2)
    assert len(made) == 1  # one source, reconnected
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert sum("no microphone" in m for m in warnings) == 1, warnings
    assert health.state("microphone").failures == 1
