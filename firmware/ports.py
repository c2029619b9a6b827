"""Byte transports for the body link: USB CDC (stdio) and a hardware UART.

Both offer what ``firmware.link.BrainLink`` needs: ``read() -> bytes | None``
without blocking, and ``write(data)``.
"""


class UartPort:
    """A ``machine.UART`` (made by ``main.py``) as the link's port."""

    def __init__(self, uart, max_read_bytes=512):
        self.uart = uart
        self.max_read_bytes = max_read_bytes

    def read(self):
        """Whatever arrived, or None."""
        if not self.uart.any():
            return None
        return self.uart.read(self.max_read_bytes)

    def write(self, data):
        """Queue ``data`` for sending."""
        return self.uart.write(data)


class StdioPort:
    """USB CDC through ``sys.stdin``/``sys.stdout`` buffers, polled with ``select.poll``.

    ``main.py`` switches off the REPL's Ctrl-C (``micropython.kbd_intr(-1)``)
    first, so a 0x03 byte inside a frame is data, not an interrupt.
    """

    def __init__(self, stdin, stdout, poller, max_read_bytes=256):
        self.stdin = stdin  # sys.stdin.buffer
        self.stdout = stdout  # sys.stdout.buffer
        self.poller = poller  # select.poll() with sys.stdin registered for POLLIN
        self.max_read_bytes = max_read_bytes

    def read(self):
        """Whatever arrived, one byte at a time while more is waiting, or None."""
        out = bytearray()
        while len(out) < self.max_read_bytes and self.poller.poll(0):
            byte = self.stdin.read(1)
            if not byte:
                break
            out.extend(byte)
        return bytes(out) if out else None

    def write(self, data):
        """Send ``data`` to the host."""
        return self.stdout.write(data)
