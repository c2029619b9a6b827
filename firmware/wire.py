"""The body link's one codec, shared by the brain (CPython) and the body (MicroPython).

Frames (COBS, header, CRC) are :mod:`firmware.framing`'s; this module holds
the protocol: versions, type ids, constants, the messages, ``encode`` and
``Decoder``.

Every message is a small class with a ``TYPE`` id, plain attributes and
``pack``/``unpack`` of its ``struct`` payload. This module must run unchanged
under MicroPython: no dataclasses, no typing at run time, no enum.
"""

import struct

# Framing lives in its own module; its functions are part of this codec's API.
from firmware.framing import (  # noqa: F401
    CRC_SIZE,
    HEADER_FORMAT,
    HEADER_SIZE,
    FrameDecoder,
    _crc16_table,
    cobs_decode,
    cobs_encode,
    crc16,
    encode_frame,
)

PROTOCOL_MAJOR = 1
# Minor 1 added ENTER_REPL. Minor 2: each command type has its own sequence
# numbers and the body applies a command only when it is newer than the last
# applied one of its type (a brain of minor < 2 numbers all frames together,
# so its body only skips exact duplicates). Minor 3 added TOUCH_GRID (taxel
# grid frames in row chunks) and CAP_TOUCH_GRID; a body sends TOUCH_GRID only
# to a brain whose HELLO says minor >= 3 (MINOR_TOUCH_GRID), so an older brain
# never sees it, and a newer brain simply gets no grid from an older body.
PROTOCOL_MINOR = 3
MINOR_TOUCH_GRID = 3

# Largest decoded frame (header + payload + crc) a receiver accepts; longer
# runs without a delimiter are line noise and are dropped.
MAX_FRAME_BYTES = 512
MAX_PAYLOAD_BYTES = MAX_FRAME_BYTES - HEADER_SIZE - CRC_SIZE

# Message type ids. 0x0_: session, 0x1_: brain -> body, 0x2_: body -> brain,
# 0x3_: replies and diagnostics.
HELLO = 0x01
HELLO_ACK = 0x02
HEARTBEAT = 0x03
SERVO_TARGETS = 0x10
VIBRATE = 0x11
LED = 0x12
TORQUE = 0x13
CONFIG = 0x14
ENTER_REPL = 0x15
TOUCH_FRAME = 0x20
IMU = 0x21
STATUS = 0x22
TOUCH_GRID = 0x23
ACK = 0x30
NACK = 0x31
LOG = 0x32

# Capability bits announced in HELLO_ACK.
CAP_SERVOS = 0x01
CAP_TOUCH = 0x02
CAP_IMU = 0x04
CAP_VIBRATION = 0x08
CAP_LEDS = 0x10
CAP_BATTERY = 0x20
CAP_TOUCH_GRID = 0x40  # the body scans taxel grids and streams TOUCH_GRID (since 1.3)

# Fault bits in STATUS.
FAULT_LOW_BATTERY = 0x01
FAULT_LINK_LOST = 0x02
FAULT_IMU = 0x04
FAULT_TOUCH = 0x08
FAULT_SERVO_DRIVER = 0x10
FAULT_WATCHDOG_RESET = 0x20

# IMU event bits.
IMU_PICKED_UP = 0x01
IMU_PUT_DOWN = 0x02
IMU_SHAKEN = 0x04
IMU_FALLING = 0x08
IMU_UPSIDE_DOWN = 0x10
IMU_IMPACT = 0x20

# Vibration patterns.
VIBE_OFF = 0
VIBE_PURR = 1
VIBE_PULSE = 2
VIBE_TWITCH = 3
VIBE_CONSTANT = 4

# LED patterns.
LED_OFF = 0
LED_SOLID = 1
LED_BREATHE = 2
LED_BLINK = 3

# NACK reasons.
NACK_NOT_READY = 1
NACK_BAD_VALUE = 2
NACK_NO_HELLO = 3

# Log levels.
LOG_DEBUG = 10
LOG_INFO = 20
LOG_WARNING = 30
LOG_ERROR = 40

# ENTER_REPL carries this value so no damaged or stray frame can stop the firmware.
REPL_MAGIC = 0x4C504552  # b"REPL" little-endian

# Message types that are commands: acknowledged by ACK/NACK and resent by the
# sender until acknowledged. Everything else is a latest-wins stream.
COMMAND_TYPES = (HELLO, TORQUE, CONFIG, LED)


# MicroPython's struct raises ValueError and has no struct.error.
_STRUCT_ERROR = getattr(struct, "error", ValueError)


# Servo channels a frame may name (the PCA9685 has 16 outputs).
MAX_SERVO_CHANNELS = 16


def _exact(payload, fmt, name):
    """``struct.unpack(fmt, payload)``, the size checked here.

    MicroPython's ``struct.unpack`` ignores trailing bytes (CPython's raises),
    so every payload size is checked explicitly and both sides agree.
    """
    if len(payload) != struct.calcsize(fmt):
        raise ValueError("bad %s length" % name)
    return struct.unpack(fmt, payload)


def _at_least(payload, size, name):
    if len(payload) < size:
        raise ValueError("short %s" % name)


def _check(ok, what):
    if not ok:
        raise ValueError(what)


class Message:
    """Base of every message: a type id, a sequence number and a payload."""

    TYPE = 0
    NAME = "MESSAGE"
    FIELDS = ()  # type: tuple

    seq = 0
    __hash__ = None  # mutable, compared by value

    def pack(self) -> bytes:
        """Return the struct payload of this message."""
        raise NotImplementedError

    def field_values(self) -> tuple:
        """The field values, in ``FIELDS`` order."""
        return tuple(getattr(self, name) for name in self.FIELDS)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.field_values() == other.field_values()

    def __repr__(self) -> str:
        parts = ", ".join("%s=%r" % (name, getattr(self, name)) for name in self.FIELDS)
        return "%s(%s)" % (self.NAME, parts)


class Hello(Message):
    """Brain -> body: opens a session; the body answers with HELLO_ACK."""

    TYPE = HELLO
    NAME = "HELLO"
    FIELDS = ("major", "minor")

    def __init__(self, major: int = PROTOCOL_MAJOR, minor: int = PROTOCOL_MINOR):
        self.major = major
        self.minor = minor

    def pack(self) -> bytes:
        return struct.pack("<BB", self.major, self.minor)

    @classmethod
    def unpack(cls, payload: bytes) -> "Hello":
        major, minor = _exact(payload, "<BB", "HELLO")
        return cls(major, minor)


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


class Heartbeat(Message):
    """Both ways, about 10 Hz: the sender is alive; ``uptime_ms`` wraps at 2**32."""

    TYPE = HEARTBEAT
    NAME = "HEARTBEAT"
    FIELDS = ("uptime_ms",)

    def __init__(self, uptime_ms: int = 0):
        self.uptime_ms = uptime_ms

    def pack(self) -> bytes:
        return struct.pack("<I", self.uptime_ms & 0xFFFFFFFF)

    @classmethod
    def unpack(cls, payload: bytes) -> "Heartbeat":
        return cls(_exact(payload, "<I", "HEARTBEAT")[0])


class ServoTargets(Message):
    """Brain -> body stream: ``targets`` is a tuple of (channel, angle_cdeg, move_ms).

    Angles are in hundredths of a degree; ``move_ms`` is the time the brain
    would like the move to take (the body may be slower: its slew limit wins).
    """

    TYPE = SERVO_TARGETS
    NAME = "SERVO_TARGETS"
    FIELDS = ("targets",)

    def __init__(self, targets: tuple = ()):
        self.targets = tuple(tuple(t) for t in targets)

    def pack(self) -> bytes:
        out = bytearray(struct.pack("<B", len(self.targets)))
        for channel, angle_cdeg, move_ms in self.targets:
            out.extend(struct.pack("<BhH", channel, angle_cdeg, move_ms))
        return bytes(out)

    @classmethod
    def unpack(cls, payload: bytes) -> "ServoTargets":
        _at_least(payload, 1, "SERVO_TARGETS")
        count = payload[0]
        if len(payload) != 1 + 5 * count:
            raise ValueError("bad SERVO_TARGETS length")
        targets = []
        for i in range(count):
            # An unknown channel is the body's to ignore (a stream keeps its other targets).
            targets.append(struct.unpack_from("<BhH", payload, 1 + 5 * i))
        return cls(tuple(targets))


class Vibrate(Message):
    """Brain -> body stream: a vibration pattern (``VIBE_*``) for ``duration_ms``."""

    TYPE = VIBRATE
    NAME = "VIBRATE"
    FIELDS = ("pattern", "intensity", "duration_ms", "period_ms")

    def __init__(
        self,
        pattern: int = VIBE_OFF,
        intensity: int = 0,
        duration_ms: int = 0,
        period_ms: int = 0,
    ):
        self.pattern = pattern
        self.intensity = intensity  # 0..255
        self.duration_ms = duration_ms
        self.period_ms = period_ms  # pulse period for PURR/PULSE, 0 = default

    def pack(self) -> bytes:
        return struct.pack("<BBHH", self.pattern, self.intensity, self.duration_ms, self.period_ms)

    @classmethod
    def unpack(cls, payload: bytes) -> "Vibrate":
        pattern, intensity, duration_ms, period_ms = _exact(payload, "<BBHH", "VIBRATE")
        _check(pattern <= VIBE_CONSTANT, "unknown vibration pattern")
        return cls(pattern, intensity, duration_ms, period_ms)


class Led(Message):
    """Brain -> body command: an LED pattern (``LED_*``) over a tuple of (r, g, b)."""

    TYPE = LED
    NAME = "LED"
    FIELDS = ("pattern", "period_ms", "colours")

    def __init__(self, pattern: int = LED_OFF, period_ms: int = 0, colours: tuple = ()):
        self.pattern = pattern
        self.period_ms = period_ms
        self.colours = tuple(tuple(c) for c in colours)

    def pack(self) -> bytes:
        out = bytearray(struct.pack("<BHB", self.pattern, self.period_ms, len(self.colours)))
        for r, g, b in self.colours:
            out.extend(struct.pack("<BBB", r, g, b))
        return bytes(out)

    @classmethod
    def unpack(cls, payload: bytes) -> "Led":
        _at_least(payload, 4, "LED")
        pattern, period_ms, count = struct.unpack_from("<BHB", payload, 0)
        _check(pattern <= LED_BLINK, "unknown LED pattern")
        if len(payload) != 4 + 3 * count:
            raise ValueError("bad LED length")
        colours = []
        for i in range(count):
            colours.append(struct.unpack_from("<BBB", payload, 4 + 3 * i))
        return cls(pattern, period_ms, tuple(colours))


class EnterRepl(Message):
    """Brain -> body: release torque, reboot into the MicroPython REPL (for flashing).

    Sent by ``petbrain firmware deploy`` before ``mpremote`` connects: the
    running firmware ignores Ctrl-C (frames contain 0x03 bytes), so it has to
    be asked to step aside. Accepted with or without a session.
    """

    TYPE = ENTER_REPL
    NAME = "ENTER_REPL"
    FIELDS = ("magic",)

    def __init__(self, magic: int = REPL_MAGIC):
        self.magic = magic

    def pack(self) -> bytes:
        return struct.pack("<I", self.magic)

    @classmethod
    def unpack(cls, payload: bytes) -> "EnterRepl":
        return cls(_exact(payload, "<I", "ENTER_REPL")[0])


class Torque(Message):
    """Brain -> body command: enable or release servo torque."""

    TYPE = TORQUE
    NAME = "TORQUE"
    FIELDS = ("enabled",)

    def __init__(self, enabled: bool = False):
        self.enabled = bool(enabled)

    def pack(self) -> bytes:
        return struct.pack("<B", 1 if self.enabled else 0)

    @classmethod
    def unpack(cls, payload: bytes) -> "Torque":
        enabled = _exact(payload, "<B", "TORQUE")[0]
        _check(enabled <= 1, "TORQUE is 0 or 1")
        return cls(enabled == 1)


class Config(Message):
    """Brain -> body command: servo calibration and limits.

    ``channels`` is a tuple of (channel, min_cdeg, max_cdeg, rest_cdeg,
    max_speed_deg_per_s). The body clamps every target to [min, max] and
    never moves faster than max_speed, whatever the brain sends later.
    """

    TYPE = CONFIG
    NAME = "CONFIG"
    FIELDS = ("channels",)

    def __init__(self, channels: tuple = ()):
        self.channels = tuple(tuple(c) for c in channels)

    def pack(self) -> bytes:
        out = bytearray(struct.pack("<B", len(self.channels)))
        for channel, lo, hi, rest, speed in self.channels:
            out.extend(struct.pack("<BhhhH", channel, lo, hi, rest, speed))
        return bytes(out)

    @classmethod
    def unpack(cls, payload: bytes) -> "Config":
        _at_least(payload, 1, "CONFIG")
        count = payload[0]
        if len(payload) != 1 + 9 * count:
            raise ValueError("bad CONFIG length")
        channels = []
        for i in range(count):
            channel, lo, hi, rest, speed = struct.unpack_from("<BhhhH", payload, 1 + 9 * i)
            _check(channel < MAX_SERVO_CHANNELS, "servo channel out of range")
            _check(lo <= rest <= hi, "CONFIG needs min <= rest <= max")
            channels.append((channel, lo, hi, rest, speed))
        return cls(tuple(channels))


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


MESSAGE_TYPES = {
    cls.TYPE: cls
    for cls in (
        Hello,
        HelloAck,
        Heartbeat,
        ServoTargets,
        Vibrate,
        Led,
        Torque,
        Config,
        EnterRepl,
        TouchFrame,
        Imu,
        Status,
        TouchGrid,
        Ack,
        Nack,
        Log,
    )
}


def schema_hash() -> int:
    """A 32-bit fingerprint of the message set, sent in HELLO_ACK."""
    text = ";".join(
        "%d:%s:%s" % (t, MESSAGE_TYPES[t].NAME, ",".join(MESSAGE_TYPES[t].FIELDS))
        for t in sorted(MESSAGE_TYPES)
    )
    low = crc16(text.encode())
    high = crc16(text.encode(), 0x1D0F)
    return (high << 16) | low


def encode(message: Message, seq: int = -1) -> bytes:
    """Encode one message into a complete frame, trailing 0x00 delimiter included.

    ``seq`` overrides ``message.seq`` when given.
    """
    payload = message.pack()
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ValueError("payload too large: %d bytes" % len(payload))
    if seq < 0:
        seq = message.seq
    return encode_frame(PROTOCOL_MAJOR, message.TYPE, seq, payload)


class Decoder(FrameDecoder):
    """Streaming decoder of this protocol's messages: ``feed`` bytes, get back every valid one.

    Anything wrong with a frame drops that frame alone and is counted:
    ``crc_errors`` (checksum mismatch), ``framing_errors`` (bad COBS, bad
    length, oversize, unparsable payload), ``unknown_type`` (valid frame of a
    type this side does not know), ``version_errors`` (another protocol major).
    Decoding resynchronises at the next 0x00 delimiter (:class:`FrameDecoder`).
    """

    def __init__(self, max_frame_bytes: int = MAX_FRAME_BYTES):
        FrameDecoder.__init__(self, max_frame_bytes)
        self.unknown_type = 0
        self.version_errors = 0

    @property
    def dropped(self) -> int:
        """Total frames dropped for any reason."""
        return self.crc_errors + self.framing_errors + self.unknown_type + self.version_errors

    def message(self, version, type_id, seq, payload):
        """The message of one checked frame, or None (counted) when this side cannot use it."""
        if version != PROTOCOL_MAJOR:
            self.version_errors += 1
            return None
        cls = MESSAGE_TYPES.get(type_id)
        if cls is None:
            self.unknown_type += 1
            return None
        try:
            message = cls.unpack(payload)
        except (ValueError, IndexError, _STRUCT_ERROR, UnicodeError):
            self.framing_errors += 1
            return None
        message.seq = seq
        self.frames += 1
        return message
