"""Property tests of the link codec: round trips; damage is dropped, never accepted."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware import wire

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
i16 = st.integers(-0x8000, 0x7FFF)
rgb = st.tuples(u8, u8, u8)
channel = st.integers(0, wire.MAX_SERVO_CHANNELS - 1)
board = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=0, max_size=16)

MESSAGES = {
    wire.HELLO: st.builds(wire.Hello, u8, u8),
    wire.HELLO_ACK: st.builds(
        wire.HelloAck, u8, u8, st.tuples(u8, u8, u8), board, u32, u32, u8, u8
    ),
    wire.HEARTBEAT: st.builds(wire.Heartbeat, u32),
    wire.SERVO_TARGETS: st.builds(
        wire.ServoTargets, st.lists(st.tuples(u8, i16, u16), max_size=32).map(tuple)
    ),
    wire.VIBRATE: st.builds(wire.Vibrate, st.integers(0, wire.VIBE_CONSTANT), u8, u16, u16),
    wire.LED: st.builds(
        wire.Led, st.integers(0, wire.LED_BLINK), u16, st.lists(rgb, max_size=32).map(tuple)
    ),
    wire.TORQUE: st.builds(wire.Torque, st.booleans()),
    wire.ENTER_REPL: st.builds(wire.EnterRepl, u32),
    wire.CONFIG: st.builds(
        wire.Config,
        st.lists(
            st.builds(
                lambda c, a, b, r, v: (
                    c,
                    min(a, b),
                    max(a, b),
                    max(min(a, b), min(r, max(a, b))),
                    v,
                ),
                channel,
                i16,
                i16,
                i16,
                u16,
            ),
            max_size=24,
        ).map(tuple),
    ),
    wire.TOUCH_FRAME: st.builds(wire.TouchFrame, u32, st.lists(u16, max_size=64).map(tuple)),
    wire.IMU: st.builds(wire.Imu, u32, st.tuples(i16, i16, i16), st.tuples(i16, i16, i16), u8, u8),
    wire.STATUS: st.builds(wire.Status, u16, u16, st.booleans(), st.booleans()),
    wire.TOUCH_GRID: st.integers(1, 60).flatmap(
        lambda cols: st.booleans().flatmap(
            lambda wide: st.integers(1, wire.grid_rows_per_chunk(cols, wide)).flatmap(
                lambda count: st.builds(
                    lambda t, g, f, start, extra, cells: wire.TouchGrid(
                        t, g, f, start, start + count + extra, cols, wide, tuple(cells)
                    ),
                    u32,
                    u8,
                    u16,
                    st.integers(0, 255 - count - 10),
                    st.integers(0, 10),
                    st.lists(u16 if wide else u8, min_size=count * cols, max_size=count * cols),
                )
            )
        )
    ),
    wire.ACK: st.builds(wire.Ack, u16, u8),
    wire.NACK: st.builds(wire.Nack, u16, u8, u8),
    wire.LOG: st.builds(wire.Log, u8, st.text(max_size=120)),
}
any_message = st.one_of(*MESSAGES.values())


def test_every_message_type_has_a_strategy() -> None:
    assert set(MESSAGES) == set(wire.MESSAGE_TYPES)


@settings(max_examples=300, deadline=None)
@given(any_message, u16)
def test_every_message_round_trips(message: wire.Message, seq: int) -> None:
    frame = wire.encode(message, seq)
    assert frame.endswith(b"\x00") and b"\x00" not in frame[:-1]
    decoder = wire.Decoder()
    (out,) = decoder.feed(frame)
    assert out == message and type(out) is type(message)
    assert out.seq == seq
    assert decoder.dropped == 0


# One damage at a position of the stream: (kind, position, extra).
damage = st.tuples(
    st.sampled_from(["flip", "drop", "insert", "truncate"]),
    st.floats(0.0, 0.9999),
    st.integers(1, 255),
)


def _spans(frames: list[bytes]) -> list[tuple[int, int]]:
    """For each frame: (index of the delimiter before it or -1, index of its own delimiter)."""
    spans = []
    pos = 0
    for frame in frames:
        spans.append((pos - 1, pos + len(frame) - 1))
        pos += len(frame)
    return spans


def _apply(stream: bytes, damages: list[tuple[str, int, int]]) -> bytes:
    """Apply every damage at its position in the *original* stream."""
    flips: dict[int, int] = {}
    dropped: set[int] = set()
    inserts: dict[int, list[int]] = {}
    for kind, pos, extra in damages:
        if kind == "flip":
            flips[pos] = flips.get(pos, 0) ^ (1 << (extra % 8))
        elif kind == "drop":
            dropped.add(pos)
        elif kind == "insert":
            inserts.setdefault(pos, []).append(extra)
        else:  # a burst of lost bytes
            dropped.update(range(pos, min(len(stream), pos + extra)))
    out = bytearray()
    for i, byte in enumerate(stream):
        out.extend(inserts.get(i, []))
        if i not in dropped:
            out.append(byte ^ flips.get(i, 0))
    return bytes(out)


def _touched(span: tuple[int, int], kind: str, pos: int, extra: int) -> bool:
    before, end = span
    if kind == "insert":
        return before < pos <= end
    last = pos + extra - 1 if kind == "truncate" else pos
    return not (last < before or pos > end)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(any_message, u16), min_size=1, max_size=8),
    st.lists(damage, min_size=1, max_size=4),
    st.integers(1, 64),
)
def test_damage_is_never_accepted_and_decoding_resynchronises(
    sent: list[tuple[wire.Message, int]],
    damages: list[tuple[str, float, int]],
    chunk: int,
) -> None:
    frames = [wire.encode(m, s) for m, s in sent]
    stream = b"".join(frames)
    placed = [(kind, int(where * len(stream)), extra) for kind, where, extra in damages]
    damaged = _apply(stream, placed)

    decoder = wire.Decoder()
    out: list[wire.Message] = []
    for i in range(0, len(damaged), chunk):  # arbitrary read sizes
        out += decoder.feed(damaged[i : i + chunk])
    out += decoder.feed(b"\x00")  # a later delimiter flushes what is left

    # Nothing corrupted is accepted: every message out is one that was sent, in order.
    remaining = list(sent)
    for message in out:
        while remaining and not (remaining[0][0] == message and remaining[0][1] == message.seq):
            remaining.pop(0)
        assert remaining, f"decoded a message that was never sent: {message!r}"
        remaining.pop(0)

    # Every frame the damage did not touch (its own bytes and the delimiter before it)
    # is decoded: the decoder resynchronised at the next delimiter.
    decoded = [(type(m), m.field_values(), m.seq) for m in out]
    for (message, seq), span in zip(sent, _spans(frames), strict=True):
        if not any(_touched(span, k, p, e) for k, p, e in placed):
            assert (type(message), message.field_values(), seq) in decoded
    # Whatever non-delimiter bytes are left over were counted as at least one drop.
    leftover = damaged
    for message in out:
        leftover = leftover.replace(wire.encode(message, message.seq)[:-1], b"", 1)
    if leftover.strip(b"\x00"):
        assert decoder.dropped >= 1


@given(st.binary(max_size=2000))
def test_random_bytes_never_crash_the_decoder(noise: bytes) -> None:
    decoder = wire.Decoder()
    decoder.feed(noise)
    good = wire.encode(wire.Heartbeat(42), 7)
    assert decoder.feed(b"\x00" + good) == [wire.Heartbeat(42)]


def test_a_frame_cut_short_costs_only_itself() -> None:
    first = wire.encode(wire.TouchFrame(1, (5,) * 14), 1)
    second = wire.encode(wire.Heartbeat(2), 2)
    decoder = wire.Decoder()
    assert decoder.feed(first[:-6] + b"\x00" + second) == [wire.Heartbeat(2)]
    assert decoder.dropped == 1


def test_a_valid_frame_with_a_lying_length_is_a_framing_error() -> None:
    body = struct.pack("<BBHH", wire.PROTOCOL_MAJOR, wire.HEARTBEAT, 1, 9) + b"\x01\x00\x00\x00"
    frame = wire.cobs_encode(body + struct.pack("<H", wire.crc16(body))) + b"\x00"
    decoder = wire.Decoder()
    assert decoder.feed(frame) == []
    assert decoder.framing_errors == 1


def test_a_valid_frame_with_a_malformed_payload_is_a_framing_error() -> None:
    # A SERVO_TARGETS whose count says 3 targets but carries one.
    payload = b"\x03" + struct.pack("<BhH", 0, 0, 0)
    body = struct.pack("<BBHH", wire.PROTOCOL_MAJOR, wire.SERVO_TARGETS, 1, len(payload)) + payload
    frame = wire.cobs_encode(body + struct.pack("<H", wire.crc16(body))) + b"\x00"
    decoder = wire.Decoder()
    assert decoder.feed(frame) == []
    assert decoder.framing_errors == 1


def _reference_cobs(data: bytes) -> bytes:
    """Byte-at-a-time COBS, straight from the paper, to check the fast one against."""
    out = bytearray([0])
    code_index, code = 0, 1
    for byte in data:
        if byte == 0:
            out[code_index] = code
            code_index, code = len(out), 1
            out.append(0)
        else:
            out.append(byte)
            code += 1
            if code == 0xFF:
                out[code_index] = code
                code_index, code = len(out), 1
                out.append(0)
    out[code_index] = code
    return bytes(out)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=1200) | st.lists(st.sampled_from([0, 1, 255]), max_size=800).map(bytes))
def test_cobs_matches_the_reference_and_round_trips(data: bytes) -> None:
    encoded = wire.cobs_encode(data)
    assert encoded == _reference_cobs(data)
    assert wire.cobs_decode(encoded) == data


def test_a_cobs_code_one_past_the_frame_end_is_malformed() -> None:
    # Found by the damage property above: a bit flip raised the last block's code
    # by one (0x0a -> 0x0b), the decoder took the block as it was, and the frame
    # passed its CRC as if undamaged. The last block ends exactly at the frame's end.
    assert wire.cobs_decode(bytes([3, 7, 8])) == b"\x07\x08"
    with pytest.raises(ValueError, match="overruns"):
        wire.cobs_decode(bytes([4, 7, 8]))
    message = wire.ServoTargets(((0, 0, 0),) * 22 + ((0, 0, 257), (1, -1, 257)))
    frame = bytearray(wire.encode(message, 0))
    frame[120] ^= 1  # the hypothesis example: the last block's code, 0x0a -> 0x0b
    decoder = wire.Decoder()
    assert decoder.feed(bytes(frame)) == [] and decoder.dropped == 1


@given(st.binary(max_size=600), st.integers(0, 0xFFFF))
def test_fast_crc_matches_the_table_crc(data: bytes, init: int) -> None:
    assert wire.crc16(data, init) == wire._crc16_table(data, init)


def test_damaged_frames_are_never_taken_for_another_message() -> None:
    # CI's version; the full figure: python -m sim.fuzz_probe --frames 1000000
    from sim.fuzz_probe import run_fuzz

    result = run_fuzz(20_000, seed=5)
    assert result["wrongly_accepted"] == 0, result


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 80),
    st.integers(1, 120),
    st.booleans(),
    u16,
    st.randoms(use_true_random=False),
)
def test_a_grid_frame_of_any_shape_goes_in_chunks_that_fit_and_rebuild_it(
    rows: int, cols: int, wide: bool, frame: int, rng: object
) -> None:
    import random

    assert isinstance(rng, random.Random)
    top = 0xFFFF if wide else 0xFF
    cells = [rng.randint(0, top) for _ in range(rows * cols)]
    chunks = wire.grid_chunks(1234, 2, frame, rows, cols, cells, wide)
    sizes = [c.row_count for c in chunks]
    assert max(sizes) - min(sizes) <= 1  # balanced
    assert max(sizes) <= wire.grid_rows_per_chunk(cols, wide)
    stream = b"".join(wire.encode(c, i) for i, c in enumerate(chunks))
    decoder = wire.Decoder()
    got = decoder.feed(stream)
    assert decoder.dropped == 0 and got == chunks
    assert all(len(wire.encode(c)) <= wire.MAX_FRAME_BYTES + 5 for c in chunks)
    rebuilt: list[int] = []
    for chunk in got:
        assert chunk.row_start * cols == len(rebuilt)
        assert (chunk.rows, chunk.cols, chunk.frame, chunk.wide) == (rows, cols, frame, wide)
        rebuilt.extend(chunk.cells)
    assert rebuilt == cells
