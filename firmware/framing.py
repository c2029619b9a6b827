"""Byte framing of the body link: CRC-16/CCITT-FALSE and COBS, nothing about messages.

``firmware.wire`` builds frames from these (and re-exports them). Like
``wire``, this module runs unchanged under MicroPython.
"""


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
        if end > length + 1:
            raise ValueError("COBS block overruns frame")
        chunk = data[index + 1 : end]
        if 0 in chunk:
            raise ValueError("zero byte inside COBS block")
        out.extend(chunk)
        index = end
        if code != 0xFF and index < length:
            out.append(0)
    return bytes(out)
