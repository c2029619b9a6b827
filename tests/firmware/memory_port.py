"""The body's serial port as bytes in memory, for firmware tests without a pty."""

from __future__ import annotations


class MemoryPort:
    """``rx``: what the brain has sent and the body has yet to read; ``tx``: what the body wrote."""

    def __init__(self) -> None:
        self.rx = bytearray()
        self.tx = bytearray()

    def read(self) -> bytes | None:
        """Everything waiting, or None when nothing is."""
        data, self.rx = bytes(self.rx), bytearray()
        return data or None

    def write(self, data: bytes) -> int:
        """Take all of ``data``."""
        self.tx += data
        return len(data)
