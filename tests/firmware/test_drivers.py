"""Firmware drivers against register-level chip emulations (sim.fake_machine), under CPython."""

from __future__ import annotations

import pytest

from firmware.leds import LED_BLINK, LED_BREATHE, LED_SOLID, Leds
from firmware.mpr121 import MPR121, MPR121Pads
from firmware.mpu6050 import MPU6050
from firmware.outputs import Battery, NativeTouchPads, PwmMotor, PwmServos
from firmware.pca9685 import PCA9685, PCA9685Servos
from firmware.ports import StdioPort, UartPort
from sim.fake_machine import (
    FakeI2C,
    FakeMachine,
    FakeMPR121,
    FakeMPU6050,
    FakeNeoPixel,
    FakePCA9685,
    FakePin,
    FakePWM,
    battery_u16,
    pad_contact,
)


def test_pca9685_runs_at_50_hz_and_maps_angles_to_pulses() -> None:
    chip = FakePCA9685()
    servos = PCA9685Servos(PCA9685(FakeI2C({0x40: chip})))
    assert chip.awake
    assert chip.freq_hz == pytest.approx(50, rel=0.02)
    assert all(chip.is_off(ch) for ch in range(16))  # limp until driven
    servos.write(0, 0)
    servos.write(1, 9000)
    servos.write(2, -9000)
    us = [chip.pulse_us(ch) for ch in range(3)]
    assert us[0] == pytest.approx(1500, abs=15)
    assert us[1] == pytest.approx(2500, abs=15)
    assert us[2] == pytest.approx(500, abs=15)
    servos.release(1)
    assert chip.pulse_us(1) is None


def test_pca9685_pulses_never_leave_500_to_2500_us() -> None:
    chip = FakePCA9685()
    servos = PCA9685Servos(PCA9685(FakeI2C({0x40: chip})), trims_us={0: 300})
    servos.write(0, 32767)
    servos.write(1, -32768)
    assert chip.pulse_us(0) == pytest.approx(2500, abs=15)
    assert chip.pulse_us(1) == pytest.approx(500, abs=15)


def test_two_mpr121_make_14_pads_and_touch_reads_as_a_rise() -> None:
    levels_a = [0.0] * 12
    levels_b = [0.0] * 12
    a = FakeMPR121(0x5A, pad_contact(levels_a))
    b = FakeMPR121(0x5B, pad_contact(levels_b))
    bus = FakeI2C({0x5A: a, 0x5B: b})
    pads = MPR121Pads(
        [MPR121(bus, 0x5A), MPR121(bus, 0x5B)],
        (*tuple((0, e) for e in range(12)), (1, 0), (1, 1)),
    )
    assert a.running_electrodes == 12 and a.resets == 1
    # 1 ms electrode sample interval and 4 second-level samples: fresh data for 100 Hz scans.
    assert a.registers[0x5D] & 0x07 == 0 and (a.registers[0x5D] >> 3) & 0x03 == 0
    untouched = pads.read()
    assert len(untouched) == 14
    levels_a[0] = 1.0  # head
    levels_b[1] = 0.5  # tail_base: second chip, electrode 1
    touched = pads.read()
    assert touched[0] - untouched[0] == 140
    assert touched[13] - untouched[13] == 70
    assert touched[1:13] == untouched[1:13]


def test_a_missing_touch_chip_raises_oserror_for_the_scanner_to_count() -> None:
    bus = FakeI2C({})
    with pytest.raises(OSError):
        MPR121(bus, 0x5A)


def test_mpu6050_reads_milli_g_and_deci_degrees_per_second_in_body_axes() -> None:
    sample = (250.0, -500.0, 1000.0, 10.0, -20.0, 30.0)
    chip = FakeMPU6050(sample=lambda: sample)
    imu = MPU6050(FakeI2C({0x68: chip}))
    ax, ay, az, gx, gy, gz = imu.read()
    assert (ax, ay, az) == pytest.approx((250, -500, 1000), abs=2)
    assert (gx, gy, gz) == pytest.approx((100, -200, 300), abs=2)
    # A board with the chip mounted on its side: body x is chip y, body y is -chip x.
    turned = MPU6050(FakeI2C({0x68: chip}), axis_map=(1, 0, 2), axis_sign=(1, -1, 1))
    assert turned.read()[:3] == pytest.approx((-500, -250, 1000), abs=2)


def test_mpu6050_that_is_not_there_is_an_oserror() -> None:
    wrong = FakeMPU6050()
    wrong.registers[0x75] = 0x12
    with pytest.raises(OSError):
        MPU6050(FakeI2C({0x68: wrong}))


def test_pwm_servos_motor_and_native_touch() -> None:
    machine = FakeMachine()
    pwms = {ch: machine.PWM(FakePin(10 + ch), freq=50) for ch in range(2)}
    servos = PwmServos(pwms)
    servos.write(0, 4500)
    assert pwms[0].duty_ns_value == pytest.approx(2_000_000, abs=20_000)
    servos.release(0)
    assert pwms[0].duty_ns_value == 0
    servos.write(5, 0)  # a channel this board lacks is ignored

    motor = PwmMotor(FakePWM(FakePin(18)), min_duty=0.2)
    motor.duty(0.05)
    assert motor.pwm.duty_u16_value == int(0.2 * 65535)
    motor.duty(0.0)
    assert motor.pwm.duty_u16_value == 0

    machine.touch_counts.update({1: 1000, 2: 5000})
    pads = NativeTouchPads([machine.TouchPad(FakePin(1)), machine.TouchPad(FakePin(2))])
    assert pads.read() == [1000, 5000]


def test_battery_divider_reading() -> None:
    machine = FakeMachine()
    machine.analog_u16[26] = battery_u16(3700)
    battery = Battery(machine.ADC(FakePin(26)), divider_ratio=2.0)
    assert battery.read_mv() == pytest.approx(3700, abs=3)


def test_led_patterns_are_pure_in_time_and_only_written_when_changed() -> None:
    strip = FakeNeoPixel(FakePin(22), 2)
    leds = Leds(strip, 2, max_brightness=1.0)
    leds.show(0, LED_SOLID, 0, ((200, 100, 0),))
    leds.update(0)
    assert strip.shown == [(200, 100, 0), (200, 100, 0)]
    writes = strip.writes
    leds.update(100)
    assert strip.writes == writes  # unchanged frame: no bus time
    leds.show(1000, LED_BLINK, 400, ((0, 0, 255), (255, 0, 0)))
    assert leds.frame_at(1100) == ((0, 0, 255), (255, 0, 0))
    assert leds.frame_at(1300) == ((0, 0, 0), (0, 0, 0))
    leds.show(0, LED_BREATHE, 1000, ((100, 100, 100),))
    assert leds.level_at(500) > 0.95 > 0.1 > leds.level_at(0)


def test_uart_and_stdio_ports_read_without_blocking() -> None:
    class Uart:
        def __init__(self) -> None:
            self.rx = b""
            self.tx = b""

        def any(self) -> int:
            return len(self.rx)

        def read(self, n: int) -> bytes:
            out, self.rx = self.rx[:n], self.rx[n:]
            return out

        def write(self, data: bytes) -> int:
            self.tx += data
            return len(data)

    uart = Uart()
    port = UartPort(uart)
    assert port.read() is None
    uart.rx = b"abc"
    assert port.read() == b"abc"
    port.write(b"\x01\x00")
    assert uart.tx == b"\x01\x00"

    import io

    stdin = io.BytesIO(b"xyz")

    class Poller:
        def poll(self, timeout_ms: int) -> list[int]:
            return [1] if stdin.tell() < 3 else []

    stdout = io.BytesIO()
    stdio = StdioPort(stdin, stdout, Poller())
    assert stdio.read() == b"xyz"
    assert stdio.read() is None
    stdio.write(b"\x05")
    assert stdout.getvalue() == b"\x05"
