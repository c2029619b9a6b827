"""The MicroPython body's virtual board: what answers the firmware's peripheral requests.

Under the Unix port the firmware's ``machine`` is remote
(:mod:`sim.upy.remote_machine`): each I2C transfer, pin write, ADC read, PWM
change and NeoPixel write comes over a pipe. :class:`VirtualBoard` holds what
answers them: the register-level chips of :mod:`sim.fake_machine` (the
profile's PCA9685, its MPR121s reading the CPython body's virtual pads, an
MPU6050), taxel mats on GPIOs, the battery divider and the vibration motor.
The watchdog and resets belong to the process
(:class:`sim.mp_body.MicroPythonBody`).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import Any

from sensors.touch.skin import TaxelGrid
from sim.fake_machine import (
    FakeI2C,
    FakeMPR121,
    FakeMPU6050,
    FakeNeoPixel,
    FakePCA9685,
    FakePin,
    I2CDevice,
    battery_u16,
)
from sim.peripherals import (
    ContactFunction,
    VirtualBattery,
    VirtualImu,
    VirtualMotor,
    VirtualTouchSensor,
)
from sim.taxel_mat import GridPressureFunction, VirtualTaxelMat
from sim.upy import remote_machine as rm

# The CPython body's pads read 500..800 counts untouched and up to ~500 more
# under a palm; an MPR121 counts 0..1023 and falls when touched. Shifting by
# this offset puts the same readings inside the chip's range.
MPR121_OFFSET_COUNTS = 300


class _Pads:
    """The CPython body's virtual pads (baseline, drift, noise, touch), read once per instant."""

    def __init__(self, sensor: VirtualTouchSensor, clock_ms: Callable[[], int]) -> None:
        self.sensor = sensor
        self.clock_ms = clock_ms
        self._at_ms = -1
        self._counts: list[int] = []

    def count(self, pad: int) -> int:
        now = self.clock_ms()
        if now != self._at_ms:
            self._at_ms = now
            self._counts = self.sensor.read()
        return self._counts[pad]


class _PadChip(FakeMPR121):
    """An MPR121 whose electrodes read the virtual pads (``electrodes``: electrode -> pad)."""

    def __init__(self, address: int, pads: _Pads, electrodes: dict[int, int]) -> None:
        super().__init__(address)
        self.pads = pads
        self.electrodes = electrodes

    def refresh(self, reg: int) -> None:
        for electrode in range(12):
            value = 0
            pad = self.electrodes.get(electrode)
            if electrode < self.running_electrodes and pad is not None:
                raw = self.pads.count(pad) - MPR121_OFFSET_COUNTS
                value = max(0, min(1023, 1023 - raw))
            self.registers[0x04 + 2 * electrode] = value & 0xFF
            self.registers[0x05 + 2 * electrode] = value >> 8


class VirtualBoard:
    """The chips and peripherals of one firmware board profile, answering remote requests."""

    def __init__(
        self,
        profile: dict[str, Any],
        pad_count: int,
        *,
        contact: ContactFunction,
        clock_ms: Callable[[], int],
        imu_now_ms: Callable[[], int],
        i2c_fail: Callable[[], bool],
        seed: int,
        led_count: int,
        battery_mv: int,
        grids: Sequence[TaxelGrid],
        grid_pressure: Sequence[GridPressureFunction | None],
    ) -> None:
        self.profile = profile
        touch = profile["touch"]
        scanned: tuple[dict[str, Any], ...] = tuple(profile.get("grids", ()))
        self.motor = VirtualMotor()
        self.imu = VirtualImu(seed=seed + 1)
        self.battery = VirtualBattery(battery_mv)
        self.led_strip = FakeNeoPixel(FakePin(profile["leds"]["pin"]), led_count)
        self.touch_sensor = VirtualTouchSensor(pad_count, contact, clock_ms, seed=seed)
        pads = _Pads(self.touch_sensor, clock_ms)
        self.pca = FakePCA9685(profile["servos"]["address"])
        chips: dict[int, I2CDevice] = {self.pca.address: self.pca}
        addresses = touch["addresses"]
        for chip_index, address in enumerate(addresses):
            electrodes = {e: pad for pad, (c, e) in enumerate(touch["pad_map"]) if c == chip_index}
            chips[address] = _PadChip(address, pads, electrodes)
        self.imu_chip = FakeMPU6050(sample=lambda: self.imu.sample(imu_now_ms()))
        chips[self.imu_chip.address] = self.imu_chip
        # Taxel mats wired to GPIOs: pin writes go to them, their column ADCs answer reads.
        self.mats = [
            VirtualTaxelMat.for_grid(
                conf,
                grid,
                grid_pressure[i] if i < len(grid_pressure) else None,
                clock_ms,
                seed + 10 + i,
            )
            for i, (conf, grid) in enumerate(zip(scanned, grids, strict=True))
        ]
        self._adc_readers: dict[int, Callable[[], int]] = {}
        for mat in self.mats:
            self._adc_readers.update(mat.readers())
        self.bus = FakeI2C(chips, i2c_fail)
        self.pwm: dict[int, dict[int, int]] = {}

    def power_off(self) -> None:
        """The chip resets: outputs float (servos limp, motor off)."""
        for channel in range(16):
            self.pca.registers[0x06 + 4 * channel + 3] |= 0x10
        self.motor.duty(0.0)

    def answer(self, op: int, a: int, b: int, n: int, payload: bytes) -> bytes | None:
        """The answer bytes to one peripheral request (None: the request has none)."""
        ok = struct.pack(rm.ANSWER_FORMAT, 0, 0)
        if op == rm.OP_I2C_WRITE:
            try:
                self.bus.writeto_mem(a, b, payload)
            except OSError as error:
                return struct.pack(rm.ANSWER_FORMAT, error.errno or 5, 0)
            return ok
        if op == rm.OP_I2C_READ:
            try:
                data = self.bus.readfrom_mem(a, b, n)
            except OSError as error:
                return struct.pack(rm.ANSWER_FORMAT, error.errno or 5, 0)
            return struct.pack(rm.ANSWER_FORMAT, 0, len(data)) + data
        if op == rm.OP_I2C_SCAN:
            data = bytes(self.bus.scan())
            return struct.pack(rm.ANSWER_FORMAT, 0, len(data)) + data
        if op == rm.OP_PIN:
            for mat in self.mats:
                mat.pin_written(b, a)
            return None
        if op == rm.OP_ADC:
            reader = self._adc_readers.get(b)
            if reader is not None:
                value = reader()
            else:
                value = battery_u16(self.battery.mv) if b == self.profile["battery"]["pin"] else 0
            return struct.pack(rm.ANSWER_FORMAT, 0, 2) + struct.pack("<H", value)
        if op == rm.OP_TOUCHPAD:
            return struct.pack(rm.ANSWER_FORMAT, 0, 2) + struct.pack("<H", 30000)
        if op == rm.OP_PWM:
            (value,) = struct.unpack("<I", payload)
            self.pwm.setdefault(b, {})[a] = value
            if b == self.profile["vibration"]["pin"] and a in (rm.PWM_DUTY_U16, rm.PWM_DEINIT):
                self.motor.duty(value / 65535)
            return None
        if op == rm.OP_NEOPIXEL:
            for i in range(min(len(payload) // 3, len(self.led_strip))):
                r, g, bl = payload[3 * i : 3 * i + 3]
                self.led_strip[i] = (r, g, bl)
            self.led_strip.write()
            return None
        return struct.pack(rm.ANSWER_FORMAT, 22, 0)  # EINVAL: unknown request
