"""The virtual body: the real firmware classes on virtual peripherals, behind a pty.

Only ``firmware/main.py`` (which touches ``machine`` and runs asyncio tasks)
is replaced: the simulator calls ``Body.tick`` on its own clock instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from firmware.body import Body
from firmware.leds import Leds
from firmware.link import BrainLink
from firmware.main import build_grid
from firmware.motion import MotionMonitor
from firmware.mpu6050 import MPU6050
from firmware.servos import ServoBank, ServoChannel
from firmware.touch import TouchScanner
from firmware.vibration import Vibration
from sensors.touch.skin import TaxelGrid
from sim.fake_machine import FakeI2C, FakeMPU6050, FakeNeoPixel, FakePin
from sim.peripherals import (
    ContactFunction,
    VirtualBattery,
    VirtualImu,
    VirtualMotor,
    VirtualServoDriver,
    VirtualTouchSensor,
)
from sim.pty import PtyPort
from sim.taxel_mat import GridPressureFunction, MatMachine, VirtualTaxelMat, board_grid_conf

BODY_KINDS = ("cpython", "micropython")


class SimBody(Protocol):
    """What the simulator, its tap and its dashboard use of a virtual body."""

    @property
    def realtime(self) -> bool:
        """True when the body runs on the wall clock rather than on ``tick``."""

    now_ms: int
    path: str
    port: PtyPort
    motor: VirtualMotor
    imu: VirtualImu
    battery: VirtualBattery
    led_strip: FakeNeoPixel

    def tick(self, now_ms: int) -> None:
        """Advance to ``now_ms`` (the simulator's clock)."""

    def set_contact(self, contact: Callable[[int], Sequence[float]]) -> None:
        """Replace what the virtual hand is doing."""

    def servo_angles_deg(self) -> dict[int, float | None]:
        """Where each servo is now, in degrees (None when limp)."""

    def torque_on(self) -> bool:
        """True while the servos hold torque."""

    def vibration_pattern(self) -> int | None:
        """The current ``VIBE_*`` pattern, None when it cannot be seen."""

    def close(self) -> None:
        """Stop the body and close its pty."""


def make_body(
    kind: str,
    pad_count: int,
    servo_count: int,
    contact: ContactFunction | None,
    seed: int,
    grids: Sequence[TaxelGrid] = (),
    grid_pressure: Sequence[GridPressureFunction | None] = (),
) -> SimBody:
    """A virtual body of ``kind``.

    ``cpython`` (the default) runs the firmware classes on the simulated
    clock; ``micropython`` runs firmware/main.py under the MicroPython Unix
    port, in real time. ``grids`` are taxel grids (pressure mats) the body
    scans, ``grid_pressure[i]`` the hands on grid ``i``.
    """
    if kind == "cpython":
        return VirtualBody(
            pad_count, servo_count, contact, seed=seed, grids=grids, grid_pressure=grid_pressure
        )
    if kind == "micropython":
        from sim.mp_body import MicroPythonBody

        return MicroPythonBody(
            pad_count, servo_count, contact, seed=seed, grids=grids, grid_pressure=grid_pressure
        )
    raise ValueError(f"unknown body {kind!r}; one of {', '.join(BODY_KINDS)}")


def _no_contact(pad_count: int) -> ContactFunction:
    zeros = [0.0] * pad_count

    def contact(t_ms: int) -> Sequence[float]:
        return zeros

    return contact


class VirtualBody:
    """A complete simulated body; ``path`` is the serial port the brain opens.

    Besides touch, servos and the vibration motor it has an IMU (``imu``: play
    ``"picked_up"``, ``"shaken"``, ``"put_down"``... on it; the firmware's own
    MPU6050 driver reads it through an emulated chip), two LED eyes
    (``led_strip.shown``) and a battery (``battery.mv``). With ``grids`` it
    also carries taxel grids (``mats``: :class:`sim.taxel_mat.VirtualTaxelMat`,
    read by the firmware's own row and multiplexer drivers).
    """

    # Stepped by the simulator's clock (``MicroPythonBody`` runs on the wall clock).
    realtime = False

    def __init__(
        self,
        pad_count: int,
        servo_count: int,
        contact: ContactFunction | None = None,
        seed: int = 0,
        board: str = "sim",
        *,
        led_count: int = 2,
        battery_mv: int = 3900,
        grids: Sequence[TaxelGrid] = (),
        grid_pressure: Sequence[GridPressureFunction | None] = (),
    ) -> None:
        self.now_ms = 0
        self.port = PtyPort()
        self.path = self.port.path
        self.servo_driver = VirtualServoDriver()
        self.motor = VirtualMotor()
        self._contact = contact or _no_contact(pad_count)
        self.touch_sensor = VirtualTouchSensor(pad_count, self._contact_now, self._clock, seed=seed)
        # Generous factory limits; the brain sends real calibration with CONFIG.
        channels = [ServoChannel(i) for i in range(servo_count)]
        self.imu = VirtualImu(seed=seed + 1)
        self.imu_chip = FakeMPU6050(sample=lambda: self.imu.sample(self.now_ms))
        bus = FakeI2C({self.imu_chip.address: self.imu_chip})
        self.led_strip = FakeNeoPixel(FakePin(22), led_count)
        self.battery = VirtualBattery(battery_mv)
        self.mats: list[VirtualTaxelMat] = []
        scanners: list[Any] = []
        for index, grid in enumerate(grids):
            conf = board_grid_conf(grid)
            pressure = grid_pressure[index] if index < len(grid_pressure) else None
            mat = VirtualTaxelMat(conf, pressure, self._clock, seed=seed + 10 + index)
            self.mats.append(mat)
            scanners.append(build_grid(MatMachine(mat), conf, index))
        self.firmware = Body(
            BrainLink(self.port),
            ServoBank(self.servo_driver, channels),
            TouchScanner(self.touch_sensor, pad_count),
            Vibration(self.motor),
            board=board,
            leds=Leds(self.led_strip, led_count),
            imu=MotionMonitor(MPU6050(bus)),
            battery=self.battery,
            grids=scanners,
        )

    def _clock(self) -> int:
        return self.now_ms

    def _contact_now(self, t_ms: int) -> Sequence[float]:
        return self._contact(t_ms)

    def set_contact(self, contact: Callable[[int], Sequence[float]]) -> None:
        """Replace what the virtual hand is doing."""
        self._contact = contact

    def set_grid_pressure(self, index: int, pressure: GridPressureFunction | None) -> None:
        """Replace what the hands do on taxel grid ``index``."""
        self.mats[index].pressure = pressure

    def tick(self, now_ms: int) -> None:
        """Run one pass of the firmware's main loop at ``now_ms``."""
        self.now_ms = now_ms
        self.firmware.tick(now_ms)

    def torque_on(self) -> bool:
        """True while the servos hold torque."""
        return bool(self.firmware.servos.torque)

    def vibration_pattern(self) -> int | None:
        """The firmware's current vibration pattern (``VIBE_*``)."""
        return int(self.firmware.vibration.pattern)

    def servo_angles_deg(self) -> dict[int, float | None]:
        """Where each servo is now, in degrees (None when limp)."""
        return {
            ch: None if v is None else v / 100.0
            for ch, v in sorted(self.servo_driver.angles_cdeg.items())
        }

    def close(self) -> None:
        """Close the pty."""
        self.port.close()


class BodyThread:
    """Runs a ``VirtualBody`` on the real monotonic clock in a background thread.

    For tools and benchmarks that drive the brain in real time (``petbrain
    link probe`` against the simulator, the link benchmark). Tests that need
    determinism step ``VirtualBody.tick`` by hand instead.
    """

    def __init__(self, body: VirtualBody, period_ms: float = 2.0) -> None:
        import threading

        self.body = body
        self.period_ms = period_ms
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="virtual-body", daemon=True)

    def _run(self) -> None:
        import time

        start = time.monotonic()
        while not self._stop.is_set():
            # Wake as soon as the brain wrote something, or at the body's loop period.
            if self.body.port.connected:
                self.body.port.wait_readable(self.period_ms / 1000.0)
            else:
                time.sleep(self.period_ms / 1000.0)
            self.body.tick(int((time.monotonic() - start) * 1000))

    def start(self) -> BodyThread:
        """Start ticking; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop ticking and wait for the thread."""
        self._stop.set()
        self._thread.join(timeout=2.0)
