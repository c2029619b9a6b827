"""The body link's transport: the slice of a pyserial port the link uses, and how it is opened.

The port is opened with ``serial.serial_for_url``, so ``/dev/ttyACM0``, a
pseudo-terminal path, ``loop://`` and ``socket://host:port`` all work. Tests
and tools pass their own opener to :class:`~brain.body.link.BodyLink`.
"""

from __future__ import annotations

from typing import Protocol


class SerialPort(Protocol):
    """The part of ``serial.Serial`` the link uses."""

    @property
    def in_waiting(self) -> int:
        """Bytes ready to read."""
        ...

    def read(self, size: int = 1) -> bytes:
        """Up to ``size`` bytes, without blocking."""
        ...

    def write(self, data: bytes, /) -> int | None:
        """Write a whole frame."""
        ...

    def close(self) -> None:
        """Release the device."""
        ...

    def fileno(self) -> int:
        """OS handle, for select()."""
        ...


def open_serial(url: str, baudrate: int = 115200) -> SerialPort:
    """Open ``url`` with pyserial, non-blocking reads and a short write timeout."""
    import serial

    port: SerialPort = serial.serial_for_url(
        url, baudrate=baudrate, timeout=0, write_timeout=0.2, exclusive=None
    )
    return port
