"""firmware/main.py's asyncio tasks on a fake ``machine``, driven by the real brain link over a pty.

This one runs on the real clock (asyncio sleeps), so its limits are generous;
the exact timing rules are tested on a simulated clock in tests/brain.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from brain.body.link import BodyLink
from firmware import boards, main, wire
from sim.fake_machine import (
    FakeMachine,
    FakeMPR121,
    FakeMPU6050,
    FakeNeoPixelModule,
    FakePCA9685,
    battery_u16,
)
from sim.pty import PtyPort


class Board:
    """A fake Pico running firmware/main.py in a thread, its USB port a pty."""

    def __init__(self) -> None:
        self.machine = FakeMachine()
        self.pca = FakePCA9685()
        self.machine.attach(self.pca)
        self.machine.attach(FakeMPR121(0x5A))
        self.machine.attach(FakeMPR121(0x5B))
        self.machine.attach(FakeMPU6050())
        self.machine.analog_u16[26] = battery_u16(3900)
        self.port = PtyPort()
        self.body = main.build(
            self.machine, boards.PICO, port=self.port, neopixel=FakeNeoPixelModule()
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self.error: BaseException | None = None

    async def _run(self) -> None:
        task = asyncio.ensure_future(
            main.main(self.body, main.Clock(), main.Health(), self.machine.WDT(timeout=2000))
        )
        while not self._stop.is_set() and not task.done():
            await asyncio.sleep(0.01)
        if task.done() and task.exception() is not None:
            self.error = task.exception()
        task.cancel()

    def start(self) -> Board:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2.0)
        self.port.close()


@pytest.fixture
def board() -> Iterator[Board]:
    b = Board().start()
    yield b
    b.stop()
    assert b.error is None, b.error


class Brain:
    def __init__(self, path: str) -> None:
        self.link = BodyLink(path)
        self.start = time.monotonic()
        self.received: list[wire.Message] = []
        self.link.open(self.now_ms())

    def now_ms(self) -> int:
        return int((time.monotonic() - self.start) * 1000)

    def spin(self, condition: Callable[[], bool], limit_s: float) -> None:
        deadline = time.monotonic() + limit_s
        while not condition():
            assert time.monotonic() < deadline, "condition not met in time"
            self.link.tick(self.now_ms())
            self.link.wait_readable(5)
            self.received += self.link.poll(self.now_ms())

    def command(self, message: wire.Message) -> bool:
        done: list[bool] = []
        self.link.send_command(message, self.now_ms(), done.append)
        self.spin(lambda: bool(done), 3.0)
        return done[0]


def test_main_tasks_serve_the_brain_and_release_torque_when_it_stops(board: Board) -> None:
    brain = Brain(board.port.path)
    brain.spin(lambda: brain.link.ready, 5.0)
    info = brain.link.info
    assert info is not None and info.board == "pico" and info.capabilities == 0x3F
    assert all(board.pca.is_off(ch) for ch in range(8))  # torque off until asked
    assert brain.command(wire.Torque(True))
    brain.link.send_stream(
        wire.ServoTargets(((0, 3000, 100), (2, 99999 % 32768, 0))), brain.now_ms()
    )
    target_us = board.pca.pulse_us  # servo 0 heads for +30 deg: 1500 + 30 * 11.1 us

    def arrived() -> bool:
        brain.link.send_stream(wire.ServoTargets(((0, 3000, 100),)), brain.now_ms())
        us = target_us(0)
        return us is not None and abs(us - 1833) < 15

    brain.spin(arrived, 5.0)
    ear = board.pca.pulse_us(2)
    assert ear is not None and ear <= 1500 + 45 * 1000 / 90 + 15  # clamped to the ear's +45 deg
    brain.spin(lambda: any(isinstance(m, wire.Status) for m in brain.received), 3.0)
    kinds = {type(m) for m in brain.received}
    assert {wire.TouchFrame, wire.Imu, wire.Status} <= kinds
    brain.link.close()  # the brain stops
    deadline = time.monotonic() + 5.0
    while not all(board.pca.is_off(ch) for ch in range(8)):
        assert time.monotonic() < deadline, "torque was not released"
        time.sleep(0.02)
    assert board.machine.wdt_feeds > 0
