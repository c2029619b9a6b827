"""Brain <-> virtual body over a real pty, on a simulated clock.

Both ends are stepped by hand; ``select`` with a real timeout only lets the
bytes one side wrote cross the pty before the other side reads, so nothing
depends on how fast this machine is.
"""

from __future__ import annotations

from collections.abc import Callable

from brain.body.link import BodyLink
from brain.body.serial_port import SerialPort, open_serial
from firmware import wire
from sim.body import VirtualBody

CROSS_TIMEOUT_MS = 500  # real time allowed for written bytes to appear on the other end


def frame_types(data: bytes) -> list[int]:
    """Message types of the complete frames in ``data``."""
    return [m.TYPE for m in wire.Decoder().feed(data)]


class DroppingPort:
    """Wraps the brain's serial port and swallows the frames ``drop(message)`` picks."""

    def __init__(self, port: SerialPort, drop: Callable[[wire.Message], bool]) -> None:
        self.port = port
        self.drop = drop
        self.dropped: list[wire.Message] = []

    @property
    def in_waiting(self) -> int:
        return self.port.in_waiting

    def read(self, size: int = 1) -> bytes:
        return self.port.read(size)

    def write(self, data: bytes, /) -> int | None:
        messages = wire.Decoder().feed(data)
        if messages and self.drop(messages[0]):
            self.dropped.append(messages[0])
            return len(data)
        return self.port.write(data)

    def close(self) -> None:
        self.port.close()

    def fileno(self) -> int:
        return self.port.fileno()


class BodyDropper:
    """Wraps the virtual body's port and swallows the frames ``drop(message)`` picks."""

    def __init__(self, body: VirtualBody, drop: Callable[[wire.Message], bool]) -> None:
        self.port = body.port
        self.drop = drop
        self.dropped: list[wire.Message] = []
        body.firmware.link.port = self

    def read(self) -> bytes | None:
        return self.port.read()

    def write(self, data: bytes) -> int:
        messages = wire.Decoder().feed(data)
        if messages and self.drop(messages[0]):
            self.dropped.append(messages[0])
            return len(data)
        return self.port.write(data)


class LinkRig:
    """One virtual body and (at most) one brain link, stepped together."""

    def __init__(self, pad_count: int = 14, servo_count: int = 8) -> None:
        self.body = VirtualBody(pad_count, servo_count)
        self.now_ms = 0
        self.link: BodyLink | None = None
        self.received: list[wire.Message] = []
        self.lost: list[str] = []
        self._brain_out = 0
        self._body_out = 0

    def start_brain(self, drop: Callable[[wire.Message], bool] | None = None) -> BodyLink:
        """A fresh brain-side link to the body's pty, opened now."""

        def open_port(url: str, baudrate: int) -> SerialPort:
            port = open_serial(url, baudrate)
            return port if drop is None else DroppingPort(port, drop)

        link = BodyLink(self.body.path, open_port=open_port)
        link.on_lost.append(self.lost.append)
        self.link = link
        self._brain_out = 0
        link.open(self.now_ms)
        return link

    def stop_brain(self) -> None:
        """The brain process ends: its port closes, nothing more is sent."""
        if self.link is not None:
            self.link.close()
        self.link = None

    def _brain_wrote(self) -> bool:
        if self.link is None:
            return False
        out = self.link.stats.bytes_out
        wrote = out != self._brain_out
        self._brain_out = out
        return wrote

    def step(self, ms: int = 5) -> None:
        """Advance both ends by ``ms`` of simulated time."""
        self.now_ms += ms
        t = self.now_ms
        link = self.link
        if link is not None:
            link.tick(t)
        if self._brain_wrote() and self.body.port.connected:
            self.body.port.wait_readable(CROSS_TIMEOUT_MS / 1000)
        self.body.tick(t)
        out = self.body.port.bytes_written
        if link is not None:
            if out != self._body_out:
                link.wait_readable(CROSS_TIMEOUT_MS)
            self.received += link.poll(t)
        self._body_out = out

    def run(self, ms: int, step_ms: int = 5) -> None:
        """Step for ``ms``."""
        end = self.now_ms + ms
        while self.now_ms < end:
            self.step(step_ms)

    def until(self, condition: Callable[[], bool], limit_ms: int, step_ms: int = 5) -> int:
        """Step until ``condition()``; return the simulated ms it took (fails past the limit)."""
        start = self.now_ms
        while not condition():
            if self.now_ms - start > limit_ms:
                raise AssertionError(f"condition not met within {limit_ms} ms")
            self.step(step_ms)
        return self.now_ms - start

    def command(self, message: wire.Message) -> list[bool]:
        """Send an acknowledged command; the returned list gets its outcome."""
        assert self.link is not None
        done: list[bool] = []
        self.link.send_command(message, self.now_ms, done.append)
        return done

    def close(self) -> None:
        """Release the pty."""
        self.stop_brain()
        self.body.close()
