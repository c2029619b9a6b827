"""A fake MicroPython ``machine`` (and ``neopixel``) for running firmware under CPython.

``FakeMachine()`` behaves like the ``machine`` module for what ``firmware/main.py``
uses: ``Pin``, ``I2C``, ``PWM``, ``ADC``, ``TouchPad``, ``UART``, ``WDT`` and
``reset_cause``. Its I2C bus talks to register-level chip emulations
(``FakePCA9685``, ``FakeMPR121``, ``FakeMPU6050``), so the real drivers are
exercised byte for byte. Tests and the simulator attach chips and read back
what the firmware did (pulse widths, watchdog feeds, LED pixels).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Sequence

Sample = tuple[float, float, float, float, float, float]


class FakePin:
    """A GPIO number with the constants firmware code uses."""

    IN = 0
    OUT = 1
    PULL_UP = 2

    def __init__(self, pin_id: int, mode: int = -1, *args: object, **kwargs: object) -> None:
        self.id = pin_id
        self.mode = mode
        self.level = 0
        # Called with (gpio, level) on every write (a virtual chip wired to this pin).
        self.on_write: Callable[[int, int], None] | None = None

    def value(self, level: int | None = None) -> int:
        """Read the pin, or drive it to ``level``."""
        if level is not None:
            self.level = 1 if level else 0
            if self.on_write is not None:
                self.on_write(self.id, self.level)
        return self.level


class I2CDevice:
    """A chip's register file with auto-incrementing reads and writes."""

    def __init__(self, address: int) -> None:
        self.address = address
        self.registers = bytearray(256)
        self.write_log: list[tuple[int, bytes]] = []

    def write(self, reg: int, data: bytes) -> None:
        """The bus master wrote ``data`` starting at ``reg``."""
        self.write_log.append((reg, bytes(data)))
        for i, byte in enumerate(data):
            self.registers[(reg + i) & 0xFF] = byte
            self.on_write((reg + i) & 0xFF, byte)

    def on_write(self, reg: int, value: int) -> None:
        """Hook for chips whose registers act (reset, mode changes)."""

    def read(self, reg: int, count: int) -> bytes:
        """The bus master reads ``count`` bytes from ``reg``."""
        self.refresh(reg)
        return bytes(self.registers[(reg + i) & 0xFF] for i in range(count))

    def refresh(self, reg: int) -> None:
        """Hook: update measurement registers before a read."""


class FakeI2C:
    """An I2C bus: ``writeto_mem``/``readfrom_mem``/``readfrom_mem_into``/``scan``."""

    def __init__(
        self, devices: dict[int, I2CDevice], fail: Callable[[], bool] | None = None
    ) -> None:
        self.devices = devices
        # When set and returning True, the next transfer fails like a loose wire.
        self.fail = fail
        self.transfers = 0

    def _device(self, address: int) -> I2CDevice:
        self.transfers += 1
        device = self.devices.get(address)
        if device is None or (self.fail is not None and self.fail()):
            raise OSError(5, "EIO")  # what MicroPython raises for a NAK
        return device

    def scan(self) -> list[int]:
        """Addresses that answer."""
        return sorted(self.devices)

    def writeto_mem(self, address: int, reg: int, data: bytes) -> None:
        """Write ``data`` to the chip's registers from ``reg``."""
        self._device(address).write(reg, data)

    def readfrom_mem(self, address: int, reg: int, count: int) -> bytes:
        """Read ``count`` bytes from ``reg``."""
        return self._device(address).read(reg, count)

    def readfrom_mem_into(self, address: int, reg: int, buf: bytearray) -> None:
        """Read ``len(buf)`` bytes from ``reg`` into ``buf``."""
        buf[:] = self._device(address).read(reg, len(buf))


class FakePCA9685(I2CDevice):
    """PCA9685 emulation: decodes every channel's pulse width from its registers."""

    def __init__(self, address: int = 0x40) -> None:
        super().__init__(address)
        self.registers[0x00] = 0x11  # MODE1 after power-up: sleeping
        self.registers[0xFE] = 0x1E  # PRESCALE after power-up (200 Hz)

    @property
    def freq_hz(self) -> float:
        """Output frequency from the prescaler."""
        return 25_000_000 / (4096 * (self.registers[0xFE] + 1))

    @property
    def awake(self) -> bool:
        """True once MODE1's SLEEP bit is cleared."""
        return not self.registers[0x00] & 0x10

    def is_off(self, channel: int) -> bool:
        """True when the channel is held low (full-off bit)."""
        return bool(self.registers[0x06 + 4 * channel + 3] & 0x10)

    def pulse_us(self, channel: int) -> float | None:
        """The channel's pulse width in microseconds, None when off."""
        base = 0x06 + 4 * channel
        if self.is_off(channel) or not self.awake:
            return None
        regs = self.registers
        on = regs[base] | (regs[base + 1] & 0x0F) << 8
        off = regs[base + 2] | (regs[base + 3] & 0x0F) << 8
        counts = (off - on) % 4096
        return counts * 1_000_000 / (4096 * self.freq_hz)


class FakeMPR121(I2CDevice):
    """MPR121 emulation: filtered counts fall by up to ``touch_drop_counts`` when touched.

    ``contact(electrode) -> 0..1`` says how firmly each electrode is touched.
    Measurement registers only update once the firmware put the chip in run mode.
    """

    def __init__(
        self,
        address: int = 0x5A,
        contact: Callable[[int], float] | None = None,
        untouched_counts: int = 720,
        touch_drop_counts: int = 140,
    ) -> None:
        super().__init__(address)
        self.contact = contact or (lambda electrode: 0.0)
        self.untouched_counts = untouched_counts
        self.touch_drop_counts = touch_drop_counts
        self.resets = 0

    def on_write(self, reg: int, value: int) -> None:
        """Soft reset (0x80 <- 0x63) clears the configuration."""
        if reg == 0x80 and value == 0x63:
            self.resets += 1
            self.registers[0x5E] = 0

    @property
    def running_electrodes(self) -> int:
        """Electrodes enabled in ECR (0 in stop mode)."""
        return self.registers[0x5E] & 0x0F

    def refresh(self, reg: int) -> None:
        """Fill the filtered-data registers from ``contact``."""
        for electrode in range(12):
            value = 0
            if electrode < self.running_electrodes:
                drop = self.contact(electrode) * self.touch_drop_counts
                value = max(0, min(1023, int(self.untouched_counts - drop)))
            self.registers[0x04 + 2 * electrode] = value & 0xFF
            self.registers[0x05 + 2 * electrode] = value >> 8


class FakeMPU6050(I2CDevice):
    """MPU6050 emulation: ``sample() -> (ax_mg, ay_mg, az_mg, gx_dps, gy_dps, gz_dps)``.

    Raw registers are scaled with the ranges the firmware configured, so a
    driver that assumes the wrong range reads wrong values.
    """

    def __init__(self, address: int = 0x68, sample: Callable[[], Sample] | None = None) -> None:
        super().__init__(address)
        self.sample = sample or (lambda: (0.0, 0.0, 1000.0, 0.0, 0.0, 0.0))
        self.registers[0x75] = 0x68  # WHO_AM_I
        self.registers[0x6B] = 0x40  # PWR_MGMT_1 after power-up: asleep

    def refresh(self, reg: int) -> None:
        """Fill the measurement registers from ``sample``."""
        if reg != 0x3B:
            return
        if self.registers[0x6B] & 0x40:
            raw = [0] * 7  # asleep: the chip reads zeros
        else:
            ax, ay, az, gx, gy, gz = self.sample()
            lsb_per_g = 16384 >> ((self.registers[0x1C] >> 3) & 3)
            lsb_per_dps = 131.0 / (1 << ((self.registers[0x1B] >> 3) & 3))

            def clip(value: float) -> int:
                return max(-32768, min(32767, round(value)))

            accel = [clip(a * lsb_per_g / 1000) for a in (ax, ay, az)]
            gyro = [clip(g * lsb_per_dps) for g in (gx, gy, gz)]
            raw = [*accel, 0, *gyro]
        self.registers[0x3B : 0x3B + 14] = struct.pack(">7h", *raw)


class FakePWM:
    """A PWM output remembering its frequency and duty."""

    def __init__(self, pin: FakePin, freq: int = 0, duty_u16: int = 0, duty_ns: int = 0) -> None:
        self.pin = pin
        self.freq_hz = freq
        self.duty_u16_value = duty_u16
        self.duty_ns_value = duty_ns

    def freq(self, hz: int) -> None:
        """Set the frequency."""
        self.freq_hz = hz

    def duty_u16(self, value: int) -> None:
        """Set the duty as 0..65535."""
        self.duty_u16_value = value

    def duty_ns(self, value: int) -> None:
        """Set the high time in nanoseconds."""
        self.duty_ns_value = value

    def deinit(self) -> None:
        """Stop the output."""
        self.duty_u16_value = 0
        self.duty_ns_value = 0


class FakeWDT:
    """``machine.WDT``: counts feeds on its owner (``FakeMachine.wdt_feeds``)."""

    def __init__(self, owner: FakeMachine, timeout: int = 5000, id: int = 0) -> None:
        self.owner = owner
        self.timeout_ms = timeout
        owner.wdt = self

    def feed(self) -> None:
        """Reset the countdown."""
        self.owner.wdt_feeds += 1


class FakeNeoPixel:
    """``neopixel.NeoPixel``: a strip of (r, g, b) pixels and a write counter."""

    def __init__(self, pin: FakePin, count: int) -> None:
        self.pin = pin
        self.pixels: list[tuple[int, int, int]] = [(0, 0, 0)] * count
        self.shown: list[tuple[int, int, int]] = list(self.pixels)
        self.writes = 0

    def __setitem__(self, index: int, colour: tuple[int, int, int]) -> None:
        self.pixels[index] = colour

    def __getitem__(self, index: int) -> tuple[int, int, int]:
        return self.pixels[index]

    def __len__(self) -> int:
        return len(self.pixels)

    def write(self) -> None:
        """Latch the pixels (what a viewer would see)."""
        self.shown = list(self.pixels)
        self.writes += 1


class FakeNeoPixelModule:
    """Stands in for the ``neopixel`` module; remembers the strips made."""

    def __init__(self) -> None:
        self.strips: list[FakeNeoPixel] = []

    def NeoPixel(self, pin: FakePin, count: int) -> FakeNeoPixel:  # noqa: N802 - module API
        """Make a strip."""
        strip = FakeNeoPixel(pin, count)
        self.strips.append(strip)
        return strip


class FakeMachine:
    """The ``machine`` module, per instance: attach chips, set analog and touch readings."""

    PWRON_RESET = 1
    WDT_RESET = 3

    def __init__(self, reset_cause: int = PWRON_RESET) -> None:
        self.i2c_devices: dict[int, I2CDevice] = {}
        self.i2c_fail: Callable[[], bool] | None = None
        self.analog_u16: dict[int, int] = {}
        # Virtual hardware wired to GPIOs: told of every pin write, asked for ADC readings.
        self.pin_listeners: list[Callable[[int, int], None]] = []
        self.analog_readers: dict[int, Callable[[], int]] = {}
        self.touch_counts: dict[int, int] = {}
        self.pwms: dict[int, FakePWM] = {}
        self.wdt: FakeWDT | None = None
        self.wdt_feeds = 0
        self.resets = 0
        self._reset_cause = reset_cause
        owner = self

        class ADC:
            ATTN_11DB = 3

            def __init__(self, pin: FakePin, atten: int = 0) -> None:
                self.pin = pin

            def read_u16(self) -> int:
                reader = owner.analog_readers.get(self.pin.id)
                return reader() if reader is not None else owner.analog_u16.get(self.pin.id, 0)

        class TouchPad:
            def __init__(self, pin: FakePin) -> None:
                self.pin = pin

            def read(self) -> int:
                return owner.touch_counts.get(self.pin.id, 30000)

        self.ADC = ADC
        self.TouchPad = TouchPad

        class Pin(FakePin):
            def __init__(self, pin_id: int, mode: int = -1, *args: object, **kw: object) -> None:
                super().__init__(pin_id, mode)
                self.on_write = owner.pin_written

        self.Pin = Pin

    def pin_written(self, gpio: int, level: int) -> None:
        """A GPIO was driven: tell the virtual hardware wired to the pins."""
        for listener in self.pin_listeners:
            listener(gpio, level)

    def attach(self, device: I2CDevice) -> I2CDevice:
        """Put a chip on the I2C bus."""
        self.i2c_devices[device.address] = device
        return device

    def I2C(self, bus_id: int, sda: FakePin, scl: FakePin, freq: int = 400_000) -> FakeI2C:  # noqa: N802
        """The (single) I2C bus with every attached chip."""
        return FakeI2C(self.i2c_devices, lambda: self.i2c_fail is not None and self.i2c_fail())

    def PWM(self, pin: FakePin, freq: int = 0, duty_u16: int = 0, duty_ns: int = 0) -> FakePWM:  # noqa: N802
        """A PWM output on ``pin`` (kept in ``pwms`` by GPIO number)."""
        pwm = FakePWM(pin, freq, duty_u16, duty_ns)
        self.pwms[pin.id] = pwm
        return pwm

    def WDT(self, id: int = 0, timeout: int = 5000) -> FakeWDT:  # noqa: N802
        """The watchdog."""
        return FakeWDT(self, timeout, id)

    def reset_cause(self) -> int:
        """Why the board last reset."""
        return self._reset_cause

    def reset(self) -> None:
        """A hard reset (counted; the caller's code keeps running here)."""
        self.resets += 1


def battery_u16(battery_mv: float, divider_ratio: float = 2.0, adc_ref_mv: float = 3300) -> int:
    """The ADC reading a battery of ``battery_mv`` gives behind the divider."""
    return max(0, min(65535, math.floor(battery_mv / divider_ratio / adc_ref_mv * 65535)))


def pad_contact(values: Sequence[float]) -> Callable[[int], float]:
    """``contact`` callback for ``FakeMPR121`` from a list of per-electrode levels."""
    return lambda electrode: values[electrode] if electrode < len(values) else 0.0
