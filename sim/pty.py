"""A pseudo-terminal pair: the virtual body holds the master, the brain opens the slave path.

The brain reaches the virtual body with ``serial.serial_for_url(path)``, exactly
the code path it uses for ``/dev/ttyACM0`` on the robot.
"""

from __future__ import annotations

import contextlib
import os
import random
import select
import termios
import tty


class FrameLoss:
    """Drops whole frames (0x00-delimited) of a byte stream with probability ``rate``.

    A partial frame waits for its delimiter, so a frame is kept or lost as a
    whole, like a packet on a lossy radio or a frame a noisy UART corrupted.
    """

    def __init__(self, rate: float, seed: int = 0) -> None:
        self.rate = rate
        self._rng = random.Random(seed)
        self._partial = b""
        self.frames = 0
        self.dropped = 0

    def filter(self, data: bytes) -> bytes:
        """The frames of ``data`` (plus what was pending) that survive."""
        parts = (self._partial + data).split(b"\x00")
        self._partial = parts.pop()
        out = bytearray()
        for frame in parts:
            self.frames += 1
            if self._rng.random() < self.rate:
                self.dropped += 1
                continue
            out += frame + b"\x00"
        return bytes(out)


class PtyPort:
    """The body's end of a pty, with the ``read``/``write`` a MicroPython UART offers."""

    def __init__(self) -> None:
        self._master, self._slave = os.openpty()
        # Raw mode on both ends: no echo, no line editing, no CR/LF translation.
        tty.setraw(self._slave, termios.TCSANOW)
        tty.setraw(self._master, termios.TCSANOW)
        os.set_blocking(self._master, False)
        self.path = os.ttyname(self._slave)
        self.bytes_written = 0
        self.bytes_read = 0
        self.dropped_writes = 0
        self.connected = True
        # Injected frame loss towards the body (``down``) and the brain (``up``).
        self.loss_down: FrameLoss | None = None
        self.loss_up: FrameLoss | None = None

    def set_loss(self, rate: float, seed: int = 0) -> None:
        """Lose each frame, both ways, with probability ``rate`` (0 turns loss off)."""
        self.loss_down = FrameLoss(rate, seed) if rate > 0 else None
        self.loss_up = FrameLoss(rate, seed + 1) if rate > 0 else None

    def fileno(self) -> int:
        """The master file descriptor (readable when the brain wrote something)."""
        return self._master

    def read(self) -> bytes | None:
        """Whatever the brain wrote since the last call, or None."""
        if not self.connected:
            return None
        try:
            data = os.read(self._master, 65536)
        except (BlockingIOError, InterruptedError):
            return None
        except OSError:
            return None  # EIO: nobody has the slave open right now
        self.bytes_read += len(data)
        if self.loss_down is not None:
            return self.loss_down.filter(data) or None
        return data

    def write(self, data: bytes) -> int:
        """Write a frame; raises OSError when unplugged or when the brain stopped reading."""
        if not self.connected:
            raise OSError("cable unplugged")
        if self.loss_up is not None:
            kept = self.loss_up.filter(data)
            if kept:
                self._write(kept)
            return len(data)
        return self._write(data)

    def _write(self, data: bytes) -> int:
        try:
            written = os.write(self._master, data)
        except BlockingIOError as error:
            self.dropped_writes += 1
            raise OSError("pty buffer full: brain not reading") from error
        self.bytes_written += written
        return written

    def wait_readable(self, timeout_s: float) -> bool:
        """Block until the brain wrote something or ``timeout_s`` passed."""
        readable, _, _ = select.select([self._master], [], [], timeout_s)
        return bool(readable)

    def unplug(self) -> None:
        """Simulate a yanked cable: the body neither hears nor reaches the brain."""
        self.connected = False

    def plug(self) -> None:
        """Reconnect the virtual cable."""
        self.connected = True

    def close(self) -> None:
        """Close both ends."""
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
