"""The messages the brain sends: HELLO, HEARTBEAT (both ways), its streams and its commands.

The brain -> body streams are servo targets and vibration; the commands
(acknowledged, resent until they are) are LED, TORQUE and CONFIG; ENTER_REPL
hands the board to ``mpremote``.

Part of the codec; import them from :mod:`firmware.wire`. Runs unchanged under
MicroPython: no dataclasses, no typing at run time, no enum.
"""

import struct

from firmware.protocol import (
    CONFIG,
    ENTER_REPL,
    HEARTBEAT,
    HELLO,
    LED,
    LED_BLINK,
    LED_OFF,
    MAX_SERVO_CHANNELS,
    PROTOCOL_MAJOR,
    PROTOCOL_MINOR,
    REPL_MAGIC,
    SERVO_TARGETS,
    TORQUE,
    VIBE_CONSTANT,
    VIBE_OFF,
    VIBRATE,
    Message,
    _at_least,
    _check,
    _exact,
)


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
