"""Codec and body self-test that runs under MicroPython and CPython alike.

The codec checks are here; the body's, the drivers' and the ports' are in
``firmware/selftest_body.py``, the taxel grid's in ``firmware/selftest_grid.py``.

``petbrain firmware check`` runs it under a real MicroPython (WASI build);
on a board, ``mpremote run firmware/selftest.py`` works too. It prints one
line per check, the schema hash (so the host can confirm both ends agree)
and a closing ``selftest: N passed, M failed``.
"""

import sys

from firmware import selftest_body, selftest_grid, wire

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


CHECKS = (
    [
        check_crc_check_value,
        check_cobs_removes_every_zero,
        check_every_message_round_trips,
        check_byte_at_a_time,
        check_damage_is_dropped_and_decoding_resumes,
        check_garbage_then_resync,
        check_unknown_type_and_version,
        check_exact_sizes_and_ranges,
        check_frame_size_limit_whatever_the_reads,
    ]
    + selftest_body.CHECKS
    + selftest_grid.CHECKS
)  # MicroPython: no ``*`` inside a list display


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
