"""Body end of the serial link: frames in and out, sequence numbers, duplicate commands.

``port`` is anything with ``read() -> bytes | None`` (non-blocking, whatever is
waiting) and ``write(data)``: a UART, USB CDC stdio, or a pseudo-terminal in
the simulator.
"""

from firmware import wire


class BrainLink:
    """The body's link to the brain: decodes what the brain sends, encodes what the body reports.

    (The brain's end is ``brain.body.link.BodyLink``.)
    """

    def __init__(self, port):
        self.port = port
        self.decoder = wire.Decoder()
        self._seq = 0
        # Last sequence number applied per command type, so a resent command
        # is acknowledged again but not applied twice.
        self._last_command_seq = {}
        self.frames_out = 0
        self.bytes_out = 0
        self.bytes_in = 0
        self.write_errors = 0

    def receive(self):
        """Return every valid message that arrived since the last call."""
        try:
            data = self.port.read()
        except OSError:
            return []
        if not data:
            return []
        self.bytes_in += len(data)
        return self.decoder.feed(data)

    def send(self, message):
        """Encode and write one message with the next sequence number."""
        self._seq = (self._seq + 1) & 0xFFFF
        frame = wire.encode(message, self._seq)
        try:
            self.port.write(frame)
        except OSError:
            # Nobody listening (cable out, brain gone): streams are latest-wins.
            self.write_errors += 1
            return
        self.frames_out += 1
        self.bytes_out += len(frame)

    def is_duplicate(self, message):
        """True when this command was already applied (a resend); records it otherwise."""
        last = self._last_command_seq.get(message.TYPE)
        if last == message.seq:
            return True
        self._last_command_seq[message.TYPE] = message.seq
        return False

    def reset_session(self):
        """Forget applied commands (a new HELLO starts a new session)."""
        self._last_command_seq = {}
