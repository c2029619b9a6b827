"""Sensor workers: reopen failing sources, say each outage once, pace file sources."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from brain.health import DeviceHealth
from brain.workers import Observation, SourceWorker


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
