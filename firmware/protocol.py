"""The body link's numbers and the base of every message, shared by the brain and the body.

Versions, size limits, type ids, capability, fault and event bits, patterns,
NACK reasons and log levels; :class:`Message` and the payload checks every
message class uses. The message classes are in :mod:`firmware.brain_messages`
and :mod:`firmware.body_messages`; :mod:`firmware.wire` is the codec's one
public face (import the protocol from there). Runs unchanged under
MicroPython: no dataclasses, no typing at run time, no enum.
"""

import struct

from firmware.framing import CRC_SIZE, HEADER_SIZE

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
