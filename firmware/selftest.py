"""Codec and body self-test that runs under MicroPython and CPython alike.

``petbrain firmware check`` runs it under a real MicroPython (WASI build);
on a board, ``mpremote run firmware/selftest.py`` works too. It prints one
line per check, the schema hash (so the host can confirm both ends agree)
and a closing ``selftest: N passed, M failed``.
"""

import sys

from firmware import selftest_grid, wire

# The WASI MicroPython build has a 1 MB heap and its garbage collector cannot
# see the wasm stack, so a collection while any function runs frees live
# objects and crashes the interpreter. ``main`` therefore switches collection
# off and every check together stays under the heap (about 650 KB); a check
# over budget fails with MemoryError instead of corrupting memory. Each damage
# trial allocates about 30 KB.
TRIALS = 12


class _Lcg:
    """Tiny deterministic generator (not every port ships ``random``)."""

    def __init__(self, seed):
        self.state = seed & 0x7FFFFFFF

    def next(self, bound):
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return self.state % bound


def _examples():
    return [
        wire.Hello(),
        wire.HelloAck(1, 0, (0, 1, 0), "pico", 63, wire.schema_hash(), 14, 8),
        wire.Heartbeat(0xFFFFFFFF),
        wire.ServoTargets(((0, -4500, 200), (7, 32767, 0), (3, -32768, 65535))),
        wire.Vibrate(wire.VIBE_PURR, 200, 1500, 40),
        wire.Led(wire.LED_BREATHE, 1200, ((255, 0, 0), (0, 0, 9))),
        wire.Torque(True),
        wire.EnterRepl(),
        wire.Config(((0, -6000, 6000, 0, 120), (7, 0, 6000, 2000, 200))),
        wire.TouchFrame(123456, tuple(range(0, 14000, 1000))),
        wire.Imu(5, (-1, 2, 1003), (40, -5, 6), 77, wire.IMU_PICKED_UP),
        wire.Status(3700, wire.FAULT_LOW_BATTERY, True, False),
        wire.TouchGrid(200, 1, 7, 2, 4, 3, False, (0, 9, 255, 1, 2, 3)),
        wire.Ack(5, wire.TORQUE),
        wire.Nack(6, wire.TORQUE, wire.NACK_NO_HELLO),
        wire.Log(wire.LOG_INFO, "purr"),
    ]


def check_crc_check_value():
    """CRC-16/CCITT-FALSE's published check value."""
    assert wire.crc16(b"123456789") == 0x29B1


def check_cobs_removes_every_zero():
    """COBS output has no zero byte and decodes back."""
    for data in (b"", b"\x00", b"\x00\x00", bytes(range(256)) * 2, b"\x01" * 600):
        encoded = wire.cobs_encode(data)
        assert 0 not in encoded
        assert wire.cobs_decode(encoded) == data


def check_every_message_round_trips():
    """Every message type survives encode + decode with its sequence number."""
    sent = _examples()
    assert len(sent) == len(wire.MESSAGE_TYPES)
    stream = b"".join(wire.encode(m, 1000 + i) for i, m in enumerate(sent))
    decoder = wire.Decoder()
    got = decoder.feed(stream)
    assert got == sent, got
    assert [m.seq for m in got] == [1000 + i for i in range(len(sent))]
    assert decoder.dropped == 0


def check_byte_at_a_time():
    """A frame fed one byte at a time is reassembled."""
    frame = wire.encode(wire.TouchFrame(9, (1, 2, 3)), 5)
    decoder = wire.Decoder()
    got = []
    for i in range(len(frame)):
        got += decoder.feed(frame[i : i + 1])
    assert got == [wire.TouchFrame(9, (1, 2, 3))]


def check_damage_is_dropped_and_decoding_resumes():
    """A flipped, dropped, inserted or cut byte costs only its own frame."""
    rng = _Lcg(1234)
    sent = _examples()
    for trial in range(TRIALS):
        frames = [wire.encode(m, i) for i, m in enumerate(sent)]
        victim = rng.next(len(frames))
        bad = bytearray(frames[victim])
        kind = trial % 4
        pos = rng.next(len(bad) - 1)  # never the delimiter itself
        if kind == 0:
            bad[pos] ^= 1 << rng.next(8)
        elif kind == 1:  # (MicroPython's bytearray has no item deletion or insert)
            bad = bad[:pos] + bad[pos + 1 :]
        elif kind == 2:
            bad = bad[:pos] + bytes((1 + rng.next(255),)) + bad[pos:]
        else:
            bad = bad[: pos + 1] + b"\x00"
        frames[victim] = bytes(bad)
        decoder = wire.Decoder()
        got = decoder.feed(b"".join(frames))
        expected = [m for i, m in enumerate(sent) if i != victim]
        # Every other frame survives; the damaged one is dropped (or, for a flip
        # that COBS absorbs into a split, becomes nothing valid).
        assert [m for m in got if m in expected] == expected, (trial, kind)
        assert all(m in sent for m in got)
        assert len(got) == len(expected), (trial, kind, got)


def check_garbage_then_resync():
    """A long run of noise is dropped; decoding resumes after a delimiter."""
    decoder = wire.Decoder()
    assert decoder.feed(b"\x55" * 3000) == []
    assert decoder.feed(b"\x00" + wire.encode(wire.Heartbeat(3), 1)) == [wire.Heartbeat(3)]
    assert decoder.framing_errors >= 1


def check_unknown_type_and_version():
    """Unknown types and other protocol majors are counted, not decoded."""
    import struct

    def raw(version, type_id):
        body = struct.pack("<BBHH", version, type_id, 1, 0)
        return wire.cobs_encode(body + struct.pack("<H", wire.crc16(body))) + b"\x00"

    decoder = wire.Decoder()
    assert decoder.feed(raw(1, 0x7F) + raw(9, wire.HEARTBEAT)) == []
    assert decoder.unknown_type == 1 and decoder.version_errors == 1


def _raw_frame(type_id, payload, seq=1):
    """A frame with a valid CRC around any payload (what a buggy or hostile sender makes)."""
    import struct

    body = struct.pack("<BBHH", wire.PROTOCOL_MAJOR, type_id, seq, len(payload)) + payload
    return wire.cobs_encode(body + struct.pack("<H", wire.crc16(body))) + b"\x00"


def check_exact_sizes_and_ranges():
    """Trailing bytes, short payloads and out-of-range values are dropped on every interpreter."""
    # MicroPython's struct.unpack ignores trailing bytes: wire.py checks sizes itself.
    bad = [
        (wire.TORQUE, b"\x01\x00"),
        (wire.TORQUE, b"\x02"),
        (wire.TORQUE, b""),
        (wire.HEARTBEAT, b"\x01\x02\x03\x04\x05"),
        (wire.ENTER_REPL, wire.EnterRepl().pack() + b"\x00"),
        (wire.HELLO, b"\x01\x01\x01"),
        (wire.VIBRATE, b"\x09\x00\x00\x00\x00\x00"),
        (wire.LED, b"\x07\x00\x00\x00"),
        (wire.LED, b"\x01\x00"),
        (wire.SERVO_TARGETS, b""),
        (wire.SERVO_TARGETS, b"\x01\x10\x00\x00\x00\x00\x00"),
        (wire.CONFIG, b"\x01\x00\x10\x00\x00\x00\x00\x00\x01\x00"),
        (wire.STATUS, b"\x00\x00\x00\x00\x04"),
        (wire.ACK, b"\x01\x00\x13\x00"),
        (wire.NACK, b"\x01\x00\x13"),
        (wire.IMU, bytes(19)),
        (wire.TOUCH_FRAME, b"\x00\x00\x00"),
        (wire.LOG, b""),
    ]
    decoder = wire.Decoder()
    for type_id, payload in bad:
        assert decoder.feed(_raw_frame(type_id, payload)) == [], (type_id, payload)
    assert decoder.framing_errors == len(bad)
    # The same payloads at their exact sizes are taken.
    good = decoder.feed(_raw_frame(wire.TORQUE, b"\x01") + _raw_frame(wire.HEARTBEAT, bytes(4)))
    assert good == [wire.Torque(True), wire.Heartbeat(0)]


def check_frame_size_limit_whatever_the_reads():
    """A frame over the limit is dropped whether it arrives in one read or in pieces."""
    big = _raw_frame(wire.LOG, b"\x14" + b"x" * 1000)
    whole = wire.Decoder()
    assert whole.feed(big) == [] and whole.framing_errors == 1
    pieces = wire.Decoder()
    out = []
    for i in range(0, len(big), 7):
        out += pieces.feed(big[i : i + 7])
    assert out == [] and pieces.framing_errors >= 1
    after = wire.encode(wire.Heartbeat(1), 2)
    assert whole.feed(after) == [wire.Heartbeat(1)] and pieces.feed(after) == [wire.Heartbeat(1)]


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
    check_crc_check_value,
    check_cobs_removes_every_zero,
    check_every_message_round_trips,
    check_byte_at_a_time,
    check_damage_is_dropped_and_decoding_resumes,
    check_garbage_then_resync,
    check_unknown_type_and_version,
    check_exact_sizes_and_ranges,
    check_frame_size_limit_whatever_the_reads,
    check_body_session_and_safety,
    check_drivers_motion_and_leds,
    check_outputs_and_ports,
] + selftest_grid.CHECKS  # MicroPython has no ``*`` unpacking inside a list display


def main():
    """Run every check; print one line each and a summary; return the failure count."""
    import gc

    passed = 0
    failed = 0
    index = 0
    gc.disable()
    while index < len(CHECKS):
        check = CHECKS[index]
        index += 1
        try:
            check()
        except Exception as error:
            failed += 1
            print("FAIL %s: %s %r" % (check.__name__, type(error).__name__, error))
        else:
            passed += 1
            print("ok %s" % check.__name__)
    gc.enable()
    impl = sys.implementation
    print("implementation: %s %s" % (impl.name, ".".join(str(v) for v in impl.version[:3])))
    print("schema_hash: %d" % wire.schema_hash())
    print("selftest: %d passed, %d failed" % (passed, failed))
    return failed


if __name__ == "__main__":
    main()
