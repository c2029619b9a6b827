"""The body link's one codec, shared by the brain (CPython) and the body (MicroPython).

Frames (COBS, header, CRC) are :mod:`firmware.framing`'s; the protocol's
numbers and the :class:`Message` base are :mod:`firmware.protocol`'s; the
messages are in :mod:`firmware.brain_messages` (what the brain sends) and
:mod:`firmware.body_messages` (what the body sends). This module is the
codec's one public face: it gathers all of those (import the protocol from
here) and holds the message table, the schema hash, ``encode`` and ``Decoder``.

Every message is a small class with a ``TYPE`` id, plain attributes and
``pack``/``unpack`` of its ``struct`` payload. This module must run unchanged
under MicroPython: no dataclasses, no typing at run time, no enum.
"""

import struct

from firmware.body_messages import (  # noqa: F401
    GRID_HEADER_FORMAT,
    GRID_HEADER_SIZE,
    GRID_MAX_CELL_BYTES,
    GRID_WIDE,
    Ack,
    HelloAck,
    Imu,
    Log,
    Nack,
    Status,
    TouchFrame,
    TouchGrid,
    grid_chunks,
    grid_rows_per_chunk,
)
from firmware.brain_messages import (
    Config,
    EnterRepl,
    Heartbeat,
    Hello,
    Led,
    ServoTargets,
    Torque,
    Vibrate,
)

# Framing, the protocol's numbers and the messages live in their own modules;
# their names are part of this codec's API.
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
from firmware.protocol import (  # noqa: F401
    ACK,
    CAP_BATTERY,
    CAP_IMU,
    CAP_LEDS,
    CAP_SERVOS,
    CAP_TOUCH,
    CAP_TOUCH_GRID,
    CAP_VIBRATION,
    COMMAND_TYPES,
    CONFIG,
    ENTER_REPL,
    FAULT_IMU,
    FAULT_LINK_LOST,
    FAULT_LOW_BATTERY,
    FAULT_SERVO_DRIVER,
    FAULT_TOUCH,
    FAULT_WATCHDOG_RESET,
    HEARTBEAT,
    HELLO,
    HELLO_ACK,
    IMU,
    IMU_FALLING,
    IMU_IMPACT,
    IMU_PICKED_UP,
    IMU_PUT_DOWN,
    IMU_SHAKEN,
    IMU_UPSIDE_DOWN,
    LED,
    LED_BLINK,
    LED_BREATHE,
    LED_OFF,
    LED_SOLID,
    LOG,
    LOG_DEBUG,
    LOG_ERROR,
    LOG_INFO,
    LOG_WARNING,
    MAX_FRAME_BYTES,
    MAX_PAYLOAD_BYTES,
    MAX_SERVO_CHANNELS,
    MINOR_TOUCH_GRID,
    NACK,
    NACK_BAD_VALUE,
    NACK_NO_HELLO,
    NACK_NOT_READY,
    PROTOCOL_MAJOR,
    PROTOCOL_MINOR,
    REPL_MAGIC,
    SERVO_TARGETS,
    STATUS,
    TORQUE,
    TOUCH_FRAME,
    TOUCH_GRID,
    VIBE_CONSTANT,
    VIBE_OFF,
    VIBE_PULSE,
    VIBE_PURR,
    VIBE_TWITCH,
    VIBRATE,
    Message,
)

# MicroPython's struct raises ValueError and has no struct.error.
_STRUCT_ERROR = getattr(struct, "error", ValueError)


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
