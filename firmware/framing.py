"""Byte framing of the body link: frames in and out, nothing about what messages mean.

Frame on the wire::

    COBS( header | payload | crc16 ) 0x00

    header  = version:u8  type:u8  seq:u16  length:u16      (little-endian)
    crc16   = CRC-16/CCITT-FALSE over header + payload       (little-endian)

:func:`encode_frame` builds one; :class:`FrameDecoder` finds them in a byte
stream, checks COBS, length and CRC, and hands each good frame's header and
payload to :meth:`FrameDecoder.message`, which ``firmware.wire.Decoder``
fills in with the protocol's messages. ``wire`` re-exports what is public
here. Like ``wire``, this module runs unchanged under MicroPython.
"""

import struct

HEADER_FORMAT = "<BBHH"
HEADER_SIZE = 6
CRC_SIZE = 2


def _make_crc_table() -> list:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return table


_CRC_TABLE = _make_crc_table()


def _crc16_table(data: bytes, crc: int = 0xFFFF) -> int:
    table = _CRC_TABLE
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ table[((crc >> 8) ^ byte) & 0xFF]
    return crc


try:  # CPython's C implementation of the same CRC (MicroPython has none).
    from binascii import crc_hqx as _crc_hqx
except ImportError:
    _crc_hqx = None


def crc16(data: bytes, crc: int = 0xFFFF) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no xor-out)."""
    if _crc_hqx is not None:
        return _crc_hqx(data, crc)
    return _crc16_table(data, crc)


def cobs_encode(data: bytes) -> bytes:
    """Consistent-overhead byte stuffing: the result contains no 0x00 byte."""
    out = bytearray()
    # Each zero-free run becomes code + run; a run of 254 bytes gets code 0xFF
    # (no zero implied) and continues in the next block.
    for run in bytes(data).split(b"\x00"):
        while len(run) >= 254:
            out.append(0xFF)
            out.extend(run[:254])
            run = run[254:]
        out.append(len(run) + 1)
        out.extend(run)
    return bytes(out)


def cobs_decode(data: bytes) -> bytes:
    """Inverse of :func:`cobs_encode`; raises ``ValueError`` on a malformed block."""
    out = bytearray()
    index = 0
    length = len(data)
    while index < length:
        code = data[index]
        if code == 0:
            raise ValueError("zero byte inside COBS block")
        end = index + code
        if end > length:  # the last block ends exactly at the frame's end
            raise ValueError("COBS block overruns frame")
        chunk = data[index + 1 : end]
        if 0 in chunk:
            raise ValueError("zero byte inside COBS block")
        out.extend(chunk)
        index = end
        if code != 0xFF and index < length:
            out.append(0)
    return bytes(out)


def encode_frame(version, type_id, seq, payload):
    """One complete frame (delimiter included) around ``payload``."""
    header = struct.pack(HEADER_FORMAT, version, type_id, seq & 0xFFFF, len(payload))
    body = header + payload
    return cobs_encode(body + struct.pack("<H", crc16(body))) + b"\x00"


class FrameDecoder:
    """Streaming frame finder: ``feed`` bytes, get back what :meth:`message` made of each frame.

    A frame that is not COBS, too short, of the wrong length or oversize
    counts as ``framing_errors``, a checksum mismatch as ``crc_errors``; it is
    dropped alone and decoding resynchronises at the next 0x00 delimiter.
    """

    def __init__(self, max_frame_bytes):
        self.max_encoded_bytes = max_frame_bytes + max_frame_bytes // 254 + 2
        self._buffer = bytearray()
        self._discarding = False
        self.frames = 0
        self.crc_errors = 0
        self.framing_errors = 0

    def message(self, version, type_id, seq, payload):
        """What a checked frame carries (None: dropped, counted by the subclass)."""
        raise NotImplementedError

    def feed(self, data: bytes) -> list:
        """Consume ``data``; return the complete, valid messages it finished."""
        messages = []
        buffer = self._buffer
        start = 0
        while True:
            end = data.find(b"\x00", start)
            if end < 0:
                break
            if self._discarding:
                self._discarding = False
            elif len(buffer) + end - start > self.max_encoded_bytes:
                self.framing_errors += 1  # oversize, whether it came in one read or many
            else:
                buffer.extend(data[start:end])
                if buffer:
                    message = self._decode_frame(bytes(buffer))
                    if message is not None:
                        messages.append(message)
            buffer = self._buffer = bytearray()
            start = end + 1
        if start < len(data) and not self._discarding:
            buffer.extend(data[start:])
            if len(buffer) > self.max_encoded_bytes:
                self.framing_errors += 1
                self._buffer = bytearray()
                self._discarding = True
        return messages

    def _decode_frame(self, frame):
        try:
            body = cobs_decode(frame)
        except ValueError:
            self.framing_errors += 1
            return None
        if len(body) < HEADER_SIZE + CRC_SIZE:
            self.framing_errors += 1
            return None
        content = body[:-CRC_SIZE]
        if crc16(content) != struct.unpack("<H", body[-CRC_SIZE:])[0]:
            self.crc_errors += 1
            return None
        version, type_id, seq, length = struct.unpack_from(HEADER_FORMAT, content, 0)
        if length != len(content) - HEADER_SIZE:
            self.framing_errors += 1
            return None
        return self.message(version, type_id, seq, content[HEADER_SIZE:])
