"""Self-test checks of the body, its drivers and its link transports, with stand-in hardware.

Part of ``firmware/selftest.py`` (its ``CHECKS``), so they run under MicroPython
(WASI and the Unix port) and CPython alike: the session and safety rules of
``firmware/body.py``, the register-level drivers, IMU events, LED frames, the
pin-level outputs and the UART port.
"""

from firmware import wire


def check_body_session_and_safety():
    """No torque before HELLO; clamp and slew; silence eases to rest, then limp."""
    from firmware.body import Body
    from firmware.link import BrainLink
    from firmware.servos import ServoBank, ServoChannel
    from firmware.touch import TouchScanner
    from firmware.vibration import Vibration

    class Port:
        def __init__(self):
            self.rx = b""
            self.tx = b""

        def read(self):
            data, self.rx = self.rx, b""
            return data or None

        def write(self, data):
            self.tx += data

    class Driver:
        def __init__(self):
            self.angles = {}

        def write(self, channel, angle_cdeg):
            self.angles[channel] = angle_cdeg

        def release(self, channel):
            self.angles[channel] = None

    class Pads:
        def read(self):
            return [500, 500]

    class Motor:
        def duty(self, fraction):
            pass

    port = Port()
    driver = Driver()
    body = Body(
        BrainLink(port),
        ServoBank(driver, [ServoChannel(0, -3000, 3000, 0, 100)]),
        TouchScanner(Pads(), 2),
        Vibration(Motor()),
        board="selftest",
    )
    port.rx = wire.encode(wire.Torque(True), 1)
    body.tick(0)
    assert not body.servos.torque  # no HELLO yet
    port.rx = wire.encode(wire.Hello(), 2) + wire.encode(wire.Torque(True), 3)
    body.tick(10)
    replies = wire.Decoder().feed(port.tx)
    assert any(isinstance(m, wire.HelloAck) and m.board == "selftest" for m in replies)
    assert any(isinstance(m, wire.Ack) and m.acked_seq == 3 for m in replies)
    port.rx = wire.encode(wire.ServoTargets(((0, 30000, 0),)), 4)
    now = 10
    while now < 600:
        now += 10
        body.tick(now)
        if now < 250:
            port.rx = wire.encode(wire.Heartbeat(now), now)
        angle = driver.angles.get(0)
        assert angle is None or -3000 <= angle <= 3000
        assert angle is None or abs(angle) <= 100 * (now - 10) // 10 + 100
    assert body.resting  # silent for 300 ms: easing to rest
    while body.servos.torque and now < 2000:
        now += 10
        body.tick(now)
    assert not body.servos.torque and driver.angles[0] is None


def check_drivers_motion_and_leds():
    """Drivers on a register-file bus, IMU events and LED frames, on this interpreter."""
    import struct

    from firmware.leds import LED_BLINK, Leds
    from firmware.motion import MotionDetector
    from firmware.mpr121 import MPR121, MPR121Pads
    from firmware.mpu6050 import MPU6050
    from firmware.pca9685 import PCA9685, PCA9685Servos

    class Bus:
        def __init__(self):
            self.regs = {}

        def writeto_mem(self, address, reg, data):
            for i in range(len(data)):
                self.regs[(address, reg + i)] = data[i]

        def readfrom_mem(self, address, reg, count):
            return bytes(self.regs.get((address, reg + i), 0) for i in range(count))

        def readfrom_mem_into(self, address, reg, buf):
            data = self.readfrom_mem(address, reg, len(buf))
            for i in range(len(buf)):
                buf[i] = data[i]

    bus = Bus()
    servos = PCA9685Servos(PCA9685(bus))
    servos.write(1, 9000)  # +90 deg: 2500 us at 50 Hz = 512 counts
    off = bus.regs[(0x40, 0x06 + 4 + 2)] | (bus.regs[(0x40, 0x06 + 4 + 3)] << 8)
    assert 508 <= off <= 516, off
    assert bus.regs[(0x40, 0xFE)] == 121  # prescale for 50 Hz

    for electrode in range(12):  # filtered counts, pad 1 touched (lower count)
        value = 600 if electrode == 1 else 720
        bus.writeto_mem(0x5A, 0x04 + 2 * electrode, bytes((value & 0xFF, value >> 8)))
    pads = MPR121Pads([MPR121(bus, 0x5A)], ((0, 0), (0, 1)))
    bus.writeto_mem(0x5A, 0x04, bytes((720 & 0xFF, 720 >> 8)))
    bus.writeto_mem(0x5A, 0x06, bytes((600 & 0xFF, 600 >> 8)))
    assert pads.read() == [1023 - 720, 1023 - 600]

    bus.writeto_mem(0x68, 0x75, b"\x68")
    imu = MPU6050(bus)
    bus.writeto_mem(0x68, 0x3B, struct.pack(">7h", 0, 2048, 4096, 0, 655, 0, 0))
    ax, ay, az, gx = imu.read()[:4]
    assert (ax, ay, az) == (0, 500, 1000) and 99 <= gx <= 100, (ax, ay, az, gx)

    detector = MotionDetector()
    events = 0
    t = 0
    while t < 1500:  # still on the floor, then free fall
        t += 10
        az_mg = 1000 if t < 1000 else 30
        events |= detector.feed(t, 0, 0, az_mg, 0, 0, 0)
    assert events == wire.IMU_FALLING, events

    class Strip:
        def __init__(self):
            self.pixels = [None, None]
            self.writes = 0

        def __setitem__(self, i, colour):
            self.pixels[i] = colour

        def write(self):
            self.writes += 1

    strip = Strip()
    leds = Leds(strip, 2, max_brightness=1.0)
    leds.show(0, LED_BLINK, 200, ((10, 20, 30),))
    leds.update(50)
    assert strip.pixels == [(10, 20, 30), (10, 20, 30)]
    leds.update(150)
    assert strip.pixels[0] == (0, 0, 0) and strip.writes == 2


def check_outputs_and_ports():
    """Pin-level drivers and the link transports with stand-in machine objects."""
    from firmware import boards
    from firmware.outputs import Battery, NativeTouchPads, PwmMotor, PwmServos
    from firmware.ports import UartPort

    class Pwm:
        def __init__(self):
            self.ns = None
            self.u16 = None

        def duty_ns(self, value):
            self.ns = value

        def duty_u16(self, value):
            self.u16 = value

    pwm = Pwm()
    servos = PwmServos({0: pwm})
    servos.write(0, -4500)
    assert 990000 <= pwm.ns <= 1010000, pwm.ns
    servos.release(0)
    assert pwm.ns == 0
    motor = PwmMotor(Pwm(), min_duty=0.25)
    motor.duty(0.1)
    assert motor.pwm.u16 == int(0.25 * 65535)

    class Adc:
        def read_u16(self):
            return 37236  # 1875 mV at the pin

    assert 3745 <= Battery(Adc(), 2.0).read_mv() <= 3755

    class Pad:
        def __init__(self, value):
            self.value = value

        def read(self):
            return self.value

    assert NativeTouchPads([Pad(5), Pad(9)]).read() == [5, 9]

    class Uart:
        def __init__(self):
            self.rx = b"\x01\x02"

        def any(self):
            return len(self.rx)

        def read(self, n):
            data, self.rx = self.rx[:n], self.rx[n:]
            return data

        def write(self, data):
            return len(data)

    port = UartPort(Uart())
    assert port.read() == b"\x01\x02" and port.read() is None
    assert len(boards.PAD_NAMES) == 14 and len(boards.SERVO_NAMES) == 8


CHECKS = [
    check_body_session_and_safety,
    check_drivers_motion_and_leds,
    check_outputs_and_ports,
]
