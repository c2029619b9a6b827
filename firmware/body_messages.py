"""The messages the body sends: HELLO_ACK, its streams, its replies and its log.

The body -> brain streams are touch pads, IMU, taxel grid chunks (with
:func:`grid_chunks`, which cuts a frame into them) and status; the replies to
commands are ACK and NACK.

Part of the codec; import them from :mod:`firmware.wire`. Runs unchanged under
MicroPython: no dataclasses, no typing at run time, no enum.
"""

import struct

from firmware.protocol import (
    ACK,
    HELLO_ACK,
    IMU,
    LOG,
    LOG_INFO,
    MAX_PAYLOAD_BYTES,
    NACK,
    PROTOCOL_MAJOR,
    PROTOCOL_MINOR,
    STATUS,
    TOUCH_FRAME,
    TOUCH_GRID,
    Message,
    _at_least,
    _check,
    _exact,
)


class HelloAck(Message):
    """Body -> brain: protocol and firmware versions, board, capabilities."""

    TYPE = HELLO_ACK
    NAME = "HELLO_ACK"
    FIELDS = (
        "major",
        "minor",
        "firmware",
        "board",
        "capabilities",
        "schema_hash",
        "pad_count",
        "servo_count",
    )

    def __init__(
        self,
        major: int = PROTOCOL_MAJOR,
        minor: int = PROTOCOL_MINOR,
        firmware: tuple = (0, 0, 0),
        board: str = "",
        capabilities: int = 0,
        schema_hash: int = 0,
        pad_count: int = 0,
        servo_count: int = 0,
    ):
        self.major = major
        self.minor = minor
        self.firmware = tuple(firmware)
        self.board = board
        self.capabilities = capabilities
        self.schema_hash = schema_hash
        self.pad_count = pad_count
        self.servo_count = servo_count

    def pack(self) -> bytes:
        board = self.board.encode()[:16]
        board = board + b"\x00" * (16 - len(board))
        fw = self.firmware
        return struct.pack(
            "<BBBBB16sIIBB",
            self.major,
            self.minor,
            fw[0],
            fw[1],
            fw[2],
            board,
            self.capabilities,
            self.schema_hash,
            self.pad_count,
            self.servo_count,
        )

    @classmethod
    def unpack(cls, payload: bytes) -> "HelloAck":
        values = _exact(payload, "<BBBBB16sIIBB", "HELLO_ACK")
        board = bytes(values[5]).split(b"\x00")[0].decode()
        return cls(
            values[0],
            values[1],
            (values[2], values[3], values[4]),
            board,
            values[6],
            values[7],
            values[8],
            values[9],
        )


class TouchFrame(Message):
    """Body -> brain stream, ~100 Hz: every pad's filtered reading (0..65535).

    ``values`` are baseline-subtracted deltas: 0 is untouched, larger is a
    firmer or closer touch. ``t_ms`` is the body's clock.
    """

    TYPE = TOUCH_FRAME
    NAME = "TOUCH_FRAME"
    FIELDS = ("t_ms", "values")

    def __init__(self, t_ms: int = 0, values: tuple = ()):
        self.t_ms = t_ms
        self.values = tuple(values)

    def pack(self) -> bytes:
        n = len(self.values)
        return struct.pack("<IB%dH" % n, self.t_ms & 0xFFFFFFFF, n, *self.values)

    @classmethod
    def unpack(cls, payload: bytes) -> "TouchFrame":
        _at_least(payload, 5, "TOUCH_FRAME")
        t_ms, n = struct.unpack_from("<IB", payload, 0)
        if len(payload) != 5 + 2 * n:
            raise ValueError("bad TOUCH_FRAME length")
        return cls(t_ms, struct.unpack_from("<%dH" % n, payload, 5))


class Imu(Message):
    """Body -> brain stream: motion summary and event bits (``IMU_*``).

    Accelerations in milli-g, angular rates in deci-degrees per second,
    ``motion`` is a 0..255 activity level over the last window.
    """

    TYPE = IMU
    NAME = "IMU"
    FIELDS = ("t_ms", "accel_mg", "gyro_ddps", "motion", "events")

    def __init__(
        self,
        t_ms: int = 0,
        accel_mg: tuple = (0, 0, 1000),
        gyro_ddps: tuple = (0, 0, 0),
        motion: int = 0,
        events: int = 0,
    ):
        self.t_ms = t_ms
        self.accel_mg = tuple(accel_mg)
        self.gyro_ddps = tuple(gyro_ddps)
        self.motion = motion
        self.events = events

    def pack(self) -> bytes:
        a = self.accel_mg
        g = self.gyro_ddps
        return struct.pack(
            "<I3h3hBB",
            self.t_ms & 0xFFFFFFFF,
            a[0],
            a[1],
            a[2],
            g[0],
            g[1],
            g[2],
            self.motion,
            self.events,
        )

    @classmethod
    def unpack(cls, payload: bytes) -> "Imu":
        v = _exact(payload, "<I3h3hBB", "IMU")
        return cls(v[0], v[1:4], v[4:7], v[7], v[8])


# TOUCH_GRID payload header: t_ms, grid, frame, row_start, rows, cols, flags.
GRID_HEADER_FORMAT = "<IBHBBBB"
GRID_HEADER_SIZE = 11
GRID_WIDE = 0x01  # flags bit 0: cells are uint16 (little-endian), else uint8
GRID_MAX_CELL_BYTES = MAX_PAYLOAD_BYTES - GRID_HEADER_SIZE  # 493


def grid_rows_per_chunk(cols, wide=False):
    """How many whole rows of ``cols`` cells one TOUCH_GRID carries at most."""
    rows = GRID_MAX_CELL_BYTES // (cols * (2 if wide else 1)) if cols > 0 else 0
    if rows < 1 or cols > 255:
        raise ValueError("a grid row of %d cells does not fit one TOUCH_GRID" % cols)
    return min(rows, 255)


class TouchGrid(Message):
    """Body -> brain stream (since 1.3): some rows of one taxel grid frame.

    A frame of ``rows`` x ``cols`` cells is larger than one message (a
    19 x 27 grid is 513 cells), so the body sends it as chunks of whole rows
    (:func:`grid_chunks`); every chunk carries the grid's index, the frame's
    number (``frame``, u16, wraps) and its scan time ``t_ms``, and the brain
    uses a frame only once all its rows of that number arrived. ``cells`` are
    the chunk's rows, row-major: pressure above the cell's untouched baseline
    (0 = free), uint8, or uint16 when ``wide``.
    """

    TYPE = TOUCH_GRID
    NAME = "TOUCH_GRID"
    FIELDS = ("t_ms", "grid", "frame", "row_start", "rows", "cols", "wide", "cells")

    def __init__(
        self,
        t_ms: int = 0,
        grid: int = 0,
        frame: int = 0,
        row_start: int = 0,
        rows: int = 1,
        cols: int = 1,
        wide: bool = False,
        cells: tuple = (0,),
    ):
        self.t_ms = t_ms
        self.grid = grid
        self.frame = frame
        self.row_start = row_start
        self.rows = rows  # rows of the whole frame
        self.cols = cols
        self.wide = bool(wide)
        self.cells = tuple(cells)

    @property
    def row_count(self) -> int:
        """Rows in this chunk."""
        return len(self.cells) // self.cols if self.cols else 0

    def pack(self) -> bytes:
        n = len(self.cells)
        header = struct.pack(
            GRID_HEADER_FORMAT,
            self.t_ms & 0xFFFFFFFF,
            self.grid,
            self.frame & 0xFFFF,
            self.row_start,
            self.rows,
            self.cols,
            GRID_WIDE if self.wide else 0,
        )
        return header + struct.pack(("<%dH" if self.wide else "<%dB") % n, *self.cells)

    @classmethod
    def unpack(cls, payload: bytes) -> "TouchGrid":
        _at_least(payload, GRID_HEADER_SIZE, "TOUCH_GRID")
        t_ms, grid, frame, row_start, rows, cols, flags = struct.unpack_from(
            GRID_HEADER_FORMAT, payload, 0
        )
        _check(flags <= GRID_WIDE, "unknown TOUCH_GRID flags")
        _check(rows >= 1 and cols >= 1, "TOUCH_GRID of no rows or columns")
        width = 2 if flags & GRID_WIDE else 1
        size = len(payload) - GRID_HEADER_SIZE
        row_bytes = cols * width
        if size < row_bytes or size % row_bytes:
            raise ValueError("bad TOUCH_GRID length: not whole rows")
        _check(row_start + size // row_bytes <= rows, "TOUCH_GRID rows past the frame's end")
        n = size // width
        cells = struct.unpack_from(
            ("<%dH" if width == 2 else "<%dB") % n, payload, GRID_HEADER_SIZE
        )
        return cls(t_ms, grid, frame, row_start, rows, cols, width == 2, cells)


def grid_chunks(t_ms, grid, frame, rows, cols, cells, wide=False):
    """The TOUCH_GRID messages of one frame (``cells``: rows x cols, row-major), rows balanced.

    19 x 27 uint8 cells go as two chunks of 10 and 9 rows (280 and 254 bytes).
    """
    if len(cells) != rows * cols:
        raise ValueError(
            "a %d x %d frame has %d cells, not %d" % (rows, cols, rows * cols, len(cells))
        )
    per = grid_rows_per_chunk(cols, wide)
    chunks = (rows + per - 1) // per
    out = []
    start = 0
    for i in range(chunks):
        count = (rows - start + chunks - i - 1) // (chunks - i)
        cut = cells[start * cols : (start + count) * cols]
        out.append(TouchGrid(t_ms, grid, frame, start, rows, cols, wide, cut))
        start += count
    return out


class Status(Message):
    """Body -> brain stream, ~1 Hz: battery, fault bits, torque and rest state."""

    TYPE = STATUS
    NAME = "STATUS"
    FIELDS = ("battery_mv", "faults", "torque", "resting")

    def __init__(
        self, battery_mv: int = 0, faults: int = 0, torque: bool = False, resting: bool = True
    ):
        self.battery_mv = battery_mv
        self.faults = faults
        self.torque = bool(torque)
        self.resting = bool(resting)

    def pack(self) -> bytes:
        flags = (1 if self.torque else 0) | (2 if self.resting else 0)
        return struct.pack("<HHB", self.battery_mv, self.faults, flags)

    @classmethod
    def unpack(cls, payload: bytes) -> "Status":
        battery_mv, faults, flags = _exact(payload, "<HHB", "STATUS")
        _check(flags <= 3, "unknown STATUS flags")
        return cls(battery_mv, faults, bool(flags & 1), bool(flags & 2))


class Ack(Message):
    """Reply to a command: ``acked_seq`` and ``acked_type`` name the command."""

    TYPE = ACK
    NAME = "ACK"
    FIELDS = ("acked_seq", "acked_type")

    def __init__(self, acked_seq: int = 0, acked_type: int = 0):
        self.acked_seq = acked_seq
        self.acked_type = acked_type

    def pack(self) -> bytes:
        return struct.pack("<HB", self.acked_seq, self.acked_type)

    @classmethod
    def unpack(cls, payload: bytes) -> "Ack":
        return cls(*_exact(payload, "<HB", "ACK"))


class Nack(Message):
    """Refusal of a command, with a ``NACK_*`` reason."""

    TYPE = NACK
    NAME = "NACK"
    FIELDS = ("acked_seq", "acked_type", "reason")

    def __init__(self, acked_seq: int = 0, acked_type: int = 0, reason: int = 0):
        self.acked_seq = acked_seq
        self.acked_type = acked_type
        self.reason = reason

    def pack(self) -> bytes:
        return struct.pack("<HBB", self.acked_seq, self.acked_type, self.reason)

    @classmethod
    def unpack(cls, payload: bytes) -> "Nack":
        return cls(*_exact(payload, "<HBB", "NACK"))


class Log(Message):
    """Body -> brain: a short UTF-8 log line with a ``LOG_*`` level."""

    TYPE = LOG
    NAME = "LOG"
    FIELDS = ("level", "text")

    def __init__(self, level: int = LOG_INFO, text: str = ""):
        self.level = level
        self.text = text

    def pack(self) -> bytes:
        return struct.pack("<B", self.level) + self.text.encode()[: MAX_PAYLOAD_BYTES - 1]

    @classmethod
    def unpack(cls, payload: bytes) -> "Log":
        _at_least(payload, 1, "LOG")
        return cls(payload[0], bytes(payload[1:]).decode())
