"""The perception process: observations and device health come back over the pipe; it stops."""

from __future__ import annotations

import queue
import time

from brain.app.health import DeviceHealth
from brain.app.process import PerceptionProcess
from brain.app.workers import Observation, SourceWorker
from brain.clock import SystemClock


class Counting:
    """A live source giving 0, 1, 2, ... then failing once at 3 (a driver hiccup)."""

    info = None

    def __init__(self) -> None:
        self.n = 0

    def connect(self) -> None:
        pass

    def read(self) -> int:
        self.n += 1
        if self.n == 3:
            raise OSError("unplugged")
        return self.n

    def disconnect(self) -> None:
        pass


def build(
    health: DeviceHealth, out: queue.Queue[Observation], clock: SystemClock
) -> list[SourceWorker]:
    return [
        SourceWorker(
            "counter",
            Counting,
            health,
            out,
            clock.monotonic_ms,
            period_ms=10.0,
            make_perceive=lambda: lambda item, _t: [item * 10],
            retry_ms=50,
        )
    ]


def test_observations_and_health_cross_the_process_boundary() -> None:
    clock = SystemClock()
    health = DeviceHealth()
    said: list[tuple[str, bool | None]] = []
    health.listeners.append(lambda state: said.append((state.name, state.ok)))
    child = PerceptionProcess(build, clock, health)
    child.start()
    seen: list[Observation] = []
    try:
        assert child.drain(10) == []  # nothing before go
        child.go()
        deadline = time.monotonic() + 20
        while len(seen) < 5 and time.monotonic() < deadline:
            seen += child.drain(10)
            time.sleep(0.01)
    finally:
        stuck = child.stop()
    assert stuck == []
    assert len(seen) >= 5 and all(o.source == "counter" for o in seen)
    assert [o.value for o in seen[:2]] == [10, 20]
    assert all(0 < o.t_ms < clock.monotonic_ms() for o in seen)  # stamped on the shared clock
    # up, down (the hiccup), up again: each said once, by this process's board
    assert said[:3] == [("counter", True), ("counter", False), ("counter", True)]
    assert health.state("counter").failures == 1
