"""Body end of the serial link: frames in and out, sequence numbers, newest command wins.

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
        # Last sequence number applied per command type. The brain numbers each
        # command type on its own, so a resent older command (its first copy
        # lost, a newer one of its kind applied since) is acknowledged but not
        # applied: the newest command of each kind wins, whatever the losses.
        self._last_command_seq = {}
        # Newest-wins needs per-type numbering (brains of protocol minor >= 2).
        self.ordered_commands = True
        # The brain's protocol minor from its HELLO: streams it knows are sent to it only.
        self.brain_minor = 0
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

    def is_stale(self, message):
        """True when this command is not newer than the last applied one of its kind.

        Sequence numbers compare modulo 2**16 (RFC 1982): newer means 1..32767 ahead.
        """
        last = self._last_command_seq.get(message.TYPE)
        if last is None:
            return False
        if not self.ordered_commands:
            return last == message.seq  # an older brain: skip exact resends only
        ahead = (message.seq - last) & 0xFFFF
        return ahead == 0 or ahead >= 0x8000

    def applied(self, message):
        """Record that ``message`` was applied (newest of its kind from now on)."""
        self._last_command_seq[message.TYPE] = message.seq

    def reset_session(self, brain_minor=2):
        """Forget applied commands (a new HELLO starts a new session)."""
        self._last_command_seq = {}
        self.ordered_commands = brain_minor >= 2
        self.brain_minor = brain_minor
