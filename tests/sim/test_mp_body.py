"""The body under real MicroPython: firmware/main.py in the Unix port, behind the pty.

These run on the wall clock (the MicroPython body keeps its own time), so
they are slower than the CPython-body tests and their limits are generous.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import signal
import time
from collections.abc import Callable, Iterator

import pytest

from brain.body.link import BodyLink
from firmware import wire
from sim.mp_body import MicroPythonBody
from sim.runner import SimSession
from sim.scenario import DEMO_SCENARIO, load_scenario

# The dev extra installs the MicroPython Unix port on x86_64 (missing there is a
# broken set-up: these fail); PyPI has no wheel for other machines: they skip.
NO_UNIX_PORT = (
    platform.machine() != "x86_64" and importlib.util.find_spec("micropython_unix") is None
)
pytestmark = pytest.mark.skipif(NO_UNIX_PORT, reason="no MicroPython Unix port wheel here")


class Rig:
    """A brain link against a MicroPython body, both on the wall clock."""

    def __init__(self) -> None:
        self.body = MicroPythonBody(14, 8)
        self.link = BodyLink(self.body.path)
        self.start = time.monotonic()
        self.received: list[wire.Message] = []
        self.link.open(self.now_ms())

    def now_ms(self) -> int:
        return int((time.monotonic() - self.start) * 1000)

    def spin(self, condition: Callable[[], bool], limit_s: float) -> None:
        deadline = time.monotonic() + limit_s
        while not condition():
            assert time.monotonic() < deadline, self.body.stderr_text() or "not in time"
            self.link.tick(self.now_ms())
            self.link.wait_readable(5)
            self.received += self.link.poll(self.now_ms())

    def command(self, message: wire.Message) -> bool:
        done: list[bool] = []
        self.link.send_command(message, self.now_ms(), done.append)
        self.spin(lambda: bool(done), 3.0)
        return done[0]

    def close(self) -> None:
        self.link.close()
        self.body.close()


@pytest.fixture
def rig() -> Iterator[Rig]:
    r = Rig()
    yield r
    r.close()


def test_main_py_runs_under_micropython_and_drives_the_virtual_peripherals(rig: Rig) -> None:
    rig.spin(lambda: rig.link.ready, 5.0)
    info = rig.link.info
    assert info is not None and info.board == "pico" and info.capabilities == 0x3F
    assert info.schema_matches
    assert not rig.body.torque_on()  # torque off until asked
    assert rig.command(wire.Torque(True))

    def arrived() -> bool:
        rig.link.send_stream(wire.ServoTargets(((0, 3000, 100), (2, 9000, 0))), rig.now_ms())
        angle = rig.body.servo_angles_deg()[0]
        return angle is not None and abs(angle - 30.0) < 0.5

    rig.spin(arrived, 5.0)
    ear = rig.body.servo_angles_deg()[2]
    assert ear is not None and ear <= 45.5  # clamped by the firmware to the ear's +45 deg
    rig.body.imu.play("shaken", rig.body.now_ms)
    rig.spin(lambda: any(isinstance(m, wire.Status) for m in rig.received), 3.0)
    kinds = {type(m) for m in rig.received}
    assert {wire.TouchFrame, wire.Imu, wire.Status} <= kinds
    assert rig.body.wdt_feeds > 0 and rig.body.resets == []


def test_a_stuck_firmware_is_reset_by_the_watchdog_and_says_so(rig: Rig) -> None:
    rig.spin(lambda: rig.link.ready, 5.0)
    process = rig.body._process
    assert process is not None
    os.kill(process.pid, signal.SIGSTOP)  # every task stops: nobody feeds the watchdog
    rig.spin(lambda: rig.body.resets == ["watchdog"], 5.0)
    rig.received.clear()

    def says_watchdog() -> bool:
        return any(
            isinstance(m, wire.Status) and m.faults & wire.FAULT_WATCHDOG_RESET
            for m in rig.received
        )

    rig.spin(says_watchdog, 5.0)
    assert rig.body.boots == 2 and not rig.body.torque_on()


@pytest.mark.slow
def test_the_demo_scenario_passes_with_the_micropython_body() -> None:
    scenario = load_scenario(DEMO_SCENARIO)
    session = SimSession(scenario, body="micropython")
    assert session.body.realtime
    report = session.run()
    touches = [(e.t_ms, e.data) for e in report.events if e.kind == "touch"]
    assert report.passed, (report.expectations, touches[-6:])
    assert report.link["crc_errors"] == 0
    assert report.link["connects"] == 1


def test_brain_gone_the_micropython_body_is_limp_within_300_ms(rig: Rig) -> None:
    rig.spin(lambda: rig.link.ready, 5.0)
    assert rig.command(wire.Torque(True))
    targets = wire.ServoTargets(tuple((ch, 2000, 100) for ch in range(8)))

    def holding() -> bool:
        rig.link.send_stream(targets, rig.now_ms())
        angle = rig.body.servo_angles_deg()[6]
        return angle is not None and angle > 19.0  # the spine, the slowest joint

    rig.spin(holding, 5.0)
    rig.link.send_stream(targets, rig.now_ms())
    last_frame_s = time.monotonic()
    rig.link.close()  # the brain is killed: not one more byte
    while rig.body.torque_on():
        assert time.monotonic() - last_frame_s < 1.0, "torque never released"
        time.sleep(0.001)
    took_ms = (time.monotonic() - last_frame_s) * 1000
    # 120 ms link timeout + at most 150 ms of easing + the 5 ms link task, on
    # the wall clock of a shared machine: a little slack for the scheduler.
    assert 120 + 150 <= took_ms <= 300 + 20, took_ms
