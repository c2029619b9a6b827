"""firmware/main.py on a fake ``machine``: profiles wire up, tasks run, the watchdog is honest."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from memory_port import MemoryPort

from firmware import boards, main, wire
from sim.fake_machine import (
    FakeMachine,
    FakeMPR121,
    FakeMPU6050,
    FakeNeoPixelModule,
    FakePCA9685,
    battery_u16,
)


class BrainPort(MemoryPort):
    """A port with a live brain behind it: HELLO, TORQUE on, then a heartbeat per read."""

    def __init__(self) -> None:
        super().__init__()
        self.rx += wire.encode(wire.Hello(), 1) + wire.encode(wire.Torque(True), 2)
        self.seq = 2

    def read(self) -> bytes | None:
        data = super().read()
        if data is not None:
            return data
        self.seq += 1
        return wire.encode(wire.Heartbeat(self.seq), self.seq)


def pico_machine() -> tuple[FakeMachine, FakePCA9685]:
    machine = FakeMachine()
    pca = FakePCA9685()
    machine.attach(pca)
    machine.attach(FakeMPR121(0x5A))
    machine.attach(FakeMPR121(0x5B))
    machine.attach(FakeMPU6050())
    machine.analog_u16[26] = battery_u16(3900)
    return machine, pca


def run_for(body: object, seconds: float, wdt: object, health: main.Health) -> None:
    clock = main.Clock()

    async def go() -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(main.main(body, clock, health, wdt), seconds)

    asyncio.run(go())


def test_pico_profile_builds_with_torque_off() -> None:
    machine, pca = pico_machine()
    neopixel = FakeNeoPixelModule()
    body = main.build(machine, boards.PICO, port=MemoryPort(), neopixel=neopixel)
    assert body.board == "pico"
    assert sorted(body.servos.channels) == list(range(8))
    assert body.scanner.pad_count == 14
    assert body.imu is not None and body.leds is not None and body.battery is not None
    assert not body.servos.torque
    assert all(pca.is_off(ch) for ch in range(16))
    assert body.capabilities() == 0x3F
    assert body.servos.channels[7].rest_cdeg == boards.SERVO_LIMITS[7][2]
    assert len(neopixel.strips) == 1


def test_esp32s3_profile_uses_native_touch_and_direct_pwm_servos() -> None:
    machine = FakeMachine()
    machine.attach(FakeMPU6050())
    body = main.build(machine, boards.ESP32S3, port=MemoryPort(), neopixel=FakeNeoPixelModule())
    assert body.scanner.pad_count == 14
    assert sorted(body.servos.channels) == list(range(7))
    servo_pins = boards.ESP32S3["servos"]["pins"]
    assert all(
        machine.pwms[p].freq_hz == 50 and machine.pwms[p].duty_ns_value == 0 for p in servo_pins
    )
    assert len(machine.pwms) == 8  # 7 servos + the motor: the S3's 8 LEDC channels


def test_a_missing_imu_is_a_fault_not_a_crash() -> None:
    machine, _ = pico_machine()
    del machine.i2c_devices[0x68]
    body = main.build(machine, boards.PICO, port=MemoryPort())
    assert body.imu is None
    assert body.faults & wire.FAULT_IMU
    assert not body.capabilities() & wire.CAP_IMU


def test_tasks_run_and_a_healthy_loop_feeds_the_watchdog() -> None:
    machine, _ = pico_machine()
    port = MemoryPort()
    port.rx += wire.encode(wire.Hello(), 1)
    body = main.build(machine, boards.PICO, port=port, neopixel=FakeNeoPixelModule())
    wdt = machine.WDT(timeout=2000)
    health = main.Health()
    run_for(body, 0.8, wdt, health)
    # Fed about every 100 ms (the exact count depends on this machine's load; the
    # per-task allowance is checked deterministically in the Health tests below).
    assert machine.wdt_feeds >= 4
    assert set(health.last_beat_ms) == {
        "link",
        "servos",
        "touch",
        "vibration",
        "battery",
        "imu",
        "leds",
    }
    replies = wire.Decoder().feed(bytes(port.tx))
    ack = next(m for m in replies if isinstance(m, wire.HelloAck))
    assert (ack.board, ack.pad_count, ack.servo_count) == ("pico", 14, 8)
    kinds = {type(m) for m in replies}
    assert {wire.TouchFrame, wire.Imu, wire.Heartbeat, wire.Status} <= kinds


def test_a_task_that_keeps_failing_stops_the_watchdog_feeding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(main, "MAX_TASK_ERRORS", 3)
    machine, _ = pico_machine()
    body = main.build(machine, boards.PICO, port=BrainPort())
    run_for(body, 0.1, machine.WDT(timeout=2000), main.Health())
    assert body.servos.torque
    machine.i2c_fail = lambda: True  # the servo driver's bus is gone
    wdt = machine.WDT(timeout=2000)
    health = main.Health()
    run_for(body, 0.5, wdt, health)
    assert health.failed == "servos"
    assert body.faults & wire.FAULT_SERVO_DRIVER
    feeds = machine.wdt_feeds
    assert not health.healthy(10**9)
    run_for(body, 0.2, wdt, health)
    assert machine.wdt_feeds == feeds


def test_a_stalled_task_makes_the_loop_unhealthy() -> None:
    health = main.Health(stall_ms=500)
    health.register("touch", 0, main.TOUCH_PERIOD_MS)
    health.register("link", 0, main.LINK_PERIOD_MS)
    health.beat("link", 900)
    assert health.healthy(400)
    assert not health.healthy(600)


def test_a_slow_task_between_its_passes_is_healthy() -> None:
    health = main.Health(stall_ms=500)
    health.register("battery", 0, main.BATTERY_PERIOD_MS)
    assert health.healthy(1500)  # the 1 Hz battery task is not late yet
    assert not health.healthy(2100)


def test_clock_unwraps_ticks() -> None:
    class Ticks:
        def __init__(self) -> None:
            self.value = (1 << 30) - 5

        def ticks_ms(self) -> int:
            return self.value

        def ticks_diff(self, a: int, b: int) -> int:
            half = 1 << 29
            return ((a - b + half) & ((1 << 30) - 1)) - half

    ticks = Ticks()
    clock = main.Clock(ticks)
    ticks.value = 10  # wrapped past 2**30
    assert clock.now_ms() == 15


def test_enter_repl_releases_torque_and_asks_for_the_reboot() -> None:
    machine, pca = pico_machine()
    port = BrainPort()
    body = main.build(machine, boards.PICO, port=port)
    run_for(body, 0.2, machine.WDT(timeout=2000), main.Health())
    assert body.servos.torque
    port.rx += wire.encode(wire.EnterRepl(0x1234), 90)  # wrong magic: ignored
    run_for(body, 0.1, machine.WDT(timeout=2000), main.Health())
    assert body.servos.torque and not body.repl_requested
    asked: list[int] = []
    port.rx += wire.encode(wire.EnterRepl(), 91)

    async def go() -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                main.main(body, main.Clock(), main.Health(), None, lambda: asked.append(1)), 0.2
            )

    asyncio.run(go())
    assert asked and body.repl_requested
    assert not body.servos.torque and all(pca.is_off(ch) for ch in range(8))


def test_the_repl_flag_survives_one_reboot(tmp_path: Path) -> None:
    import os

    flag = str(tmp_path / "petbrain_repl")
    machine = FakeMachine()
    assert not main.take_repl_flag(os, flag)
    main.reboot_into_repl(machine, os, flag)
    assert machine.resets == 1
    assert main.take_repl_flag(os, flag)  # this boot stays in the REPL...
    assert not main.take_repl_flag(os, flag)  # ...the next one runs the firmware again
