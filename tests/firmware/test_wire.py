import struct

import pytest

from firmware import wire

ALL = [
    wire.Hello(),
    wire.HelloAck(1, 0, (0, 1, 0), "pico", 63, wire.schema_hash(), 14, 8),
    wire.Heartbeat(77),
    wire.ServoTargets(((0, -4500, 200), (3, 9000, 0))),
    wire.Vibrate(wire.VIBE_PURR, 200, 1000, 40),
    wire.Led(wire.LED_BREATHE, 1000, ((255, 0, 0), (0, 0, 9))),
    wire.Torque(True),
    wire.Config(((0, -9000, 9000, 0, 180),)),
    wire.TouchFrame(123, tuple(range(14))),
    wire.Imu(5, (1, 2, 3), (4, 5, 6), 7, 8),
    wire.Status(3700, 1, True, False),
    wire.TouchGrid(456, 1, 65535, 10, 19, 27, False, tuple(i % 256 for i in range(9 * 27))),
    wire.Ack(5, wire.TORQUE),
    wire.Nack(5, wire.TORQUE, wire.NACK_NO_HELLO),
    wire.Log(wire.LOG_INFO, "hello from the body"),
]


def test_every_message_round_trips_with_its_sequence_number() -> None:
    decoder = wire.Decoder()
    stream = b"".join(wire.encode(m, seq=i + 1000) for i, m in enumerate(ALL))
    out = decoder.feed(stream)
    assert out == ALL
    assert [m.seq for m in out] == [i + 1000 for i in range(len(ALL))]
    assert decoder.dropped == 0


def test_crc16_matches_the_ccitt_false_check_value() -> None:
    assert wire.crc16(b"123456789") == 0x29B1


def test_a_flipped_bit_is_counted_and_dropped_and_the_next_frame_survives() -> None:
    good = wire.encode(wire.Heartbeat(1), 1)
    bad = bytearray(wire.encode(wire.Torque(True), 2))
    bad[3] ^= 0x10
    decoder = wire.Decoder()
    assert decoder.feed(bytes(bad) + good) == [wire.Heartbeat(1)]
    assert decoder.crc_errors + decoder.framing_errors == 1


def test_frames_split_across_reads_are_reassembled() -> None:
    frame = wire.encode(wire.TouchFrame(9, (1, 2, 3)), 5)
    decoder = wire.Decoder()
    got = []
    for i in range(len(frame)):
        got += decoder.feed(frame[i : i + 1])
    assert got == [wire.TouchFrame(9, (1, 2, 3))]


def test_unknown_type_and_other_version_are_counted_not_decoded() -> None:
    import struct

    def raw(version: int, type_id: int) -> bytes:
        body = struct.pack("<BBHH", version, type_id, 1, 0)
        return wire.cobs_encode(body + struct.pack("<H", wire.crc16(body))) + b"\x00"

    decoder = wire.Decoder()
    assert decoder.feed(raw(1, 0x7F) + raw(9, wire.HEARTBEAT)) == []
    assert decoder.unknown_type == 1
    assert decoder.version_errors == 1


def test_a_run_of_garbage_without_delimiter_is_dropped_and_decoding_resumes() -> None:
    decoder = wire.Decoder()
    assert decoder.feed(b"\x55" * 5000) == []
    assert decoder.feed(b"\x00" + wire.encode(wire.Heartbeat(3), 1)) == [wire.Heartbeat(3)]
    assert decoder.framing_errors >= 1


def test_a_19_by_27_frame_goes_as_two_balanced_chunks_or_three_when_wide() -> None:
    cells = [i % 256 for i in range(19 * 27)]
    narrow = wire.grid_chunks(7, 0, 3, 19, 27, cells)
    assert [(c.row_start, c.row_count) for c in narrow] == [(0, 10), (10, 9)]
    assert [len(c.pack()) for c in narrow] == [11 + 270, 11 + 243]
    wide = wire.grid_chunks(7, 0, 3, 19, 27, [c * 200 for c in cells], wide=True)
    assert [(c.row_start, c.row_count) for c in wide] == [(0, 7), (7, 6), (13, 6)]
    assert all(len(c.pack()) <= wire.MAX_PAYLOAD_BYTES for c in wide)
    assert wire.Decoder().feed(wire.encode(wide[0]))[0].cells[27] == cells[27] * 200


def test_grid_chunks_refuse_a_frame_of_the_wrong_size_or_rows_too_long() -> None:
    with pytest.raises(ValueError, match="19 x 27 frame has 513 cells, not 512"):
        wire.grid_chunks(0, 0, 0, 19, 27, [0] * 512)
    with pytest.raises(ValueError, match="does not fit"):
        wire.grid_rows_per_chunk(247, wide=True)
    with pytest.raises(ValueError, match="does not fit"):
        wire.grid_rows_per_chunk(256)


@pytest.mark.parametrize(
    ("row_start", "rows", "cells", "why"),
    [
        (17, 19, 27 * 3, "rows past the frame's end"),
        (0, 19, 26, "not whole rows"),
        (0, 19, 0, "not whole rows"),
    ],
)
def test_a_bad_touch_grid_is_a_framing_error(
    row_start: int, rows: int, cells: int, why: str
) -> None:
    payload = struct.pack(wire.GRID_HEADER_FORMAT, 1, 0, 1, row_start, rows, 27, 0) + bytes(cells)
    with pytest.raises(ValueError, match=why):
        wire.TouchGrid.unpack(payload)
    body = struct.pack(wire.HEADER_FORMAT, wire.PROTOCOL_MAJOR, wire.TOUCH_GRID, 1, len(payload))
    body += payload
    decoder = wire.Decoder()
    assert (
        decoder.feed(wire.cobs_encode(body + struct.pack("<H", wire.crc16(body))) + b"\x00") == []
    )
    assert decoder.framing_errors == 1


def test_protocol_1_3_adds_the_grid_and_keeps_the_older_rules() -> None:
    assert (wire.PROTOCOL_MAJOR, wire.PROTOCOL_MINOR) == (1, 3)
    assert wire.MINOR_TOUCH_GRID == 3
    assert wire.CAP_TOUCH_GRID not in (
        wire.CAP_SERVOS,
        wire.CAP_TOUCH,
        wire.CAP_IMU,
        wire.CAP_VIBRATION,
        wire.CAP_LEDS,
        wire.CAP_BATTERY,
    )
    assert wire.TOUCH_GRID >> 4 == 2  # a body -> brain stream
    assert wire.TOUCH_GRID not in wire.COMMAND_TYPES


def test_link_probe_names_every_capability_bit_the_wire_defines() -> None:
    from brain.cli.link import CAPABILITY_NAMES

    bits = {value for name, value in vars(wire).items() if name.startswith("CAP_")}
    assert {bit for bit, _ in CAPABILITY_NAMES} == bits
