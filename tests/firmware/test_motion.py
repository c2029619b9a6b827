"""On-body motion events: the virtual IMU's scripted motions through the real MPU6050 driver."""

from __future__ import annotations

from firmware import wire
from firmware.motion import MotionMonitor
from firmware.mpu6050 import MPU6050
from sim.fake_machine import FakeI2C, FakeMPU6050
from sim.peripherals import VirtualImu


class Rig:
    def __init__(self, seed: int = 0) -> None:
        self.now_ms = 0
        self.imu = VirtualImu(seed=seed)
        chip = FakeMPU6050(sample=lambda: self.imu.sample(self.now_ms))
        self.monitor = MotionMonitor(MPU6050(FakeI2C({0x68: chip})))
        self.reports: list[wire.Imu] = []

    def run_until(self, end_ms: int) -> int:
        """Advance in 5 ms steps; return the OR of every event bit reported."""
        events = 0
        while self.now_ms < end_ms:
            self.now_ms += 5
            report = self.monitor.update(self.now_ms)
            if report is not None:
                self.reports.append(report)
                events |= report.events
        return events

    def play(self, motion: str, for_ms: int) -> int:
        self.imu.play(motion, self.now_ms)
        return self.run_until(self.now_ms + for_ms)


def test_resting_reports_at_10_hz_with_no_events() -> None:
    rig = Rig()
    assert rig.play("rest", 2000) == 0
    assert 18 <= len(rig.reports) <= 21
    last = rig.reports[-1]
    assert abs(last.accel_mg[2] - 1000) < 30 and last.motion < 10


def test_picked_up_then_put_down() -> None:
    rig = Rig()
    rig.play("rest", 1500)
    events = rig.play("picked_up", 1500)
    assert events & wire.IMU_PICKED_UP
    assert not events & (wire.IMU_PUT_DOWN | wire.IMU_FALLING | wire.IMU_SHAKEN)
    assert rig.reports[-1].motion > 5  # held in arms is never still
    assert rig.play("put_down", 2000) & wire.IMU_PUT_DOWN


def test_shaken() -> None:
    rig = Rig(seed=2)
    rig.play("rest", 1500)
    assert rig.play("shaken", 1200) & wire.IMU_SHAKEN


def test_falling_then_impact() -> None:
    rig = Rig(seed=3)
    rig.play("rest", 1500)
    events = rig.play("falling", 600)
    assert events & wire.IMU_FALLING
    assert events & wire.IMU_IMPACT
    assert not events & wire.IMU_PICKED_UP  # it fell off something; nobody picked it up


def test_upside_down() -> None:
    rig = Rig(seed=4)
    rig.play("rest", 1500)
    assert rig.play("upside_down", 1000) & wire.IMU_UPSIDE_DOWN


def test_each_event_is_reported_once_per_episode() -> None:
    rig = Rig(seed=5)
    rig.play("rest", 1500)
    rig.play("upside_down", 3000)
    flagged = [r for r in rig.reports if r.events & wire.IMU_UPSIDE_DOWN]
    assert len(flagged) == 1


def test_a_bus_error_is_counted_and_skipped() -> None:
    class Broken:
        def read(self) -> tuple[int, ...]:
            raise OSError(5, "EIO")

    monitor = MotionMonitor(Broken())
    assert monitor.update(0) is None
    assert monitor.errors == 1
