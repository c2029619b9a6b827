"""Host end of the body link: handshake, heartbeats, acknowledged commands with resends, reconnect.

The transport is in :mod:`brain.body.serial_port`; the counters and the body's
announcement it reports are in :mod:`brain.body.link_status`.

The port is opened with ``serial.serial_for_url``, so ``/dev/ttyACM0``, a
pseudo-terminal path, ``loop://`` and ``socket://host:port`` all work. Time
always comes in as ``now_ms`` (the caller's clock), so the same code runs on a
simulated clock in tests and on the monotonic clock on the robot.

Streams (servo targets, vibration) are latest-wins and only sent when the body
is ready. Commands (TORQUE, CONFIG, LED) are acknowledged and resent until
they are: ``command_tries`` sends ``command_timeout_ms`` apart, then with a
back-off doubling up to ``max_backoff_ms``, for as long as the session lasts.
Each command type has its own sequence numbers, and the body applies a
command only when it is newer than the last applied one of its type, so a
resent older command never undoes a newer one (the body acknowledges it, so
its resends stop, but does not apply it). ``setup_commands`` (the
brain's CONFIG) are sent after the handshake; the link is ``ready`` only once
the body acknowledged them all.
"""

from __future__ import annotations

import contextlib
import logging
import select
from collections.abc import Callable
from dataclasses import dataclass

from brain.body.link_status import BodyInfo, LinkStats
from brain.body.serial_port import SerialPort, open_serial
from firmware import wire

log = logging.getLogger(__name__)


CommandCallback = Callable[[bool], None]


@dataclass
class _Pending:
    message: wire.Message
    seq: int
    sent_ms: int
    first_sent_ms: int
    tries: int
    on_done: CommandCallback | None
    setup: bool = False


class BodyLink:
    """The brain's connection to one body.

    ``state`` is ``closed`` (no port), ``handshaking`` (port open, HELLO sent),
    ``configuring`` (HELLO_ACK with our protocol major received, the
    ``setup_commands`` not all acknowledged yet), ``ready`` or
    ``incompatible`` (the body speaks another major version: torque is never
    enabled).
    """

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 115200,
        heartbeat_period_ms: int = 40,
        command_timeout_ms: int = 40,
        command_tries: int = 4,
        max_backoff_ms: int = 1000,
        hello_period_ms: int = 200,
        body_timeout_ms: int = 1000,
        reconnect_period_ms: int = 500,
        open_port: Callable[[str, int], SerialPort] = open_serial,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.heartbeat_period_ms = heartbeat_period_ms
        # A command is resent after this long without an ACK for its first
        # command_tries sends (4 sends in 120 ms: at 5 % loss each way, fewer
        # than 1 in 10,000 commands go unacknowledged for 150 ms), then with
        # a back-off doubling up to max_backoff_ms, until acknowledged.
        self.command_timeout_ms = command_timeout_ms
        self.command_tries = command_tries
        self.max_backoff_ms = max_backoff_ms
        # Sent (and resent until acknowledged) after each handshake; the link
        # is ready only when the body acknowledged them all (the brain's CONFIG).
        self.setup_commands: list[wire.Message] = []
        self.hello_period_ms = hello_period_ms
        # No frame from the body for this long: the session is over, handshake again.
        self.body_timeout_ms = body_timeout_ms
        self.reconnect_period_ms = reconnect_period_ms
        self._open_port = open_port
        self.port: SerialPort | None = None
        self.state = "closed"
        self.info: BodyInfo | None = None
        self.stats = LinkStats()
        self.last_error: str | None = None
        self.on_ready: list[Callable[[BodyInfo], None]] = []
        self.on_lost: list[Callable[[str], None]] = []
        self._decoder = wire.Decoder()
        self._seq = 0
        self._pending: dict[tuple[int, int], _Pending] = {}
        # Last sequence number used per command type (each type counts on its own).
        self._command_seq: dict[int, int] = {}
        self._next_open_ms = 0
        self._next_hello_ms = 0
        self._next_heartbeat_ms = 0
        self._last_rx_ms = 0
        self._hello_sent_ms = 0
        self._error_reported = False

    @property
    def ready(self) -> bool:
        """True when the handshake is done and streams reach the body."""
        return self.state == "ready"

    def open(self, now_ms: int) -> bool:
        """Try to open the port now; on failure stay closed and retry later from ``tick``."""
        if self.port is not None:
            return True
        self._next_open_ms = now_ms + self.reconnect_period_ms
        try:
            self.port = self._open_port(self.url, self.baudrate)
        except (OSError, ValueError) as error:
            self._report(f"cannot open body port {self.url}: {error}")
            return False
        self._error_reported = False
        self._decoder = wire.Decoder()
        self.state = "handshaking"
        self._last_rx_ms = now_ms
        self._next_hello_ms = now_ms
        log.info("body port %s open, handshaking", self.url)
        return True

    def close(self) -> None:
        """Release the port; pending commands fail."""
        if self.port is not None:
            with contextlib.suppress(OSError):
                self.port.close()
        self.port = None
        self.state = "closed"
        self._fail_pending()

    def fileno(self) -> int | None:
        """File descriptor to wait on, when the port has one."""
        if self.port is None:
            return None
        try:
            return self.port.fileno()
        except (OSError, AttributeError, NotImplementedError):
            return None

    def wait_readable(self, timeout_ms: float) -> bool:
        """Block up to ``timeout_ms`` until the body has sent something (False on timeout)."""
        fd = self.fileno()
        if fd is None:
            return False
        try:
            readable, _, _ = select.select([fd], [], [], max(0.0, timeout_ms) / 1000.0)
        except (OSError, ValueError):
            return False
        return bool(readable)

    def poll(self, now_ms: int) -> list[wire.Message]:
        """Read what arrived; handle session messages; return the body's data messages."""
        if self.port is None:
            return []
        try:
            waiting = self.port.in_waiting
            data = self.port.read(waiting if waiting > 0 else 4096)
        except (OSError, ValueError) as error:
            self._lose(now_ms, f"read failed: {error}")
            return []
        if not data:
            return []
        self.stats.bytes_in += len(data)
        messages = self._decoder.feed(data)
        self._sync_decoder_stats()
        out: list[wire.Message] = []
        for message in messages:
            self.stats.frames_in += 1
            self._last_rx_ms = now_ms
            if isinstance(message, wire.HelloAck):
                self._on_hello_ack(message, now_ms)
            elif isinstance(message, wire.Ack | wire.Nack):
                self._on_reply(message, now_ms)
            elif isinstance(message, wire.Heartbeat):
                continue
            else:
                out.append(message)
        return out

    def tick(self, now_ms: int) -> None:
        """Housekeeping: reconnect, handshake, heartbeats, resends, body timeout."""
        if self.port is None:
            if now_ms >= self._next_open_ms:
                self.open(now_ms)
            return
        if self.state == "handshaking" and now_ms >= self._next_hello_ms:
            self._next_hello_ms = now_ms + self.hello_period_ms
            self._hello_sent_ms = now_ms
            self._write(wire.Hello(), now_ms)
        if self.state in ("ready", "configuring"):
            if now_ms - self._last_rx_ms > self.body_timeout_ms:
                self._end_session(now_ms, "body silent")
                return
            if now_ms >= self._next_heartbeat_ms:
                self._next_heartbeat_ms = now_ms + self.heartbeat_period_ms
                self._write(wire.Heartbeat(now_ms), now_ms)
        self._resend(now_ms)

    def send_stream(self, message: wire.Message, now_ms: int) -> bool:
        """Send a latest-wins stream message; dropped (False) unless the body is ready."""
        if not self.ready:
            return False
        return self._write(message, now_ms) is not None

    def send_command(
        self, message: wire.Message, now_ms: int, on_done: CommandCallback | None = None
    ) -> bool:
        """Send an acknowledged command; ``on_done(ok)`` runs on ACK, NACK or giving up."""
        if not self.ready:
            if on_done is not None:
                on_done(False)
            return False
        return self._send_command(message, now_ms, on_done)

    # -- internals -------------------------------------------------------

    def _send_command(
        self,
        message: wire.Message,
        now_ms: int,
        on_done: CommandCallback | None,
        setup: bool = False,
    ) -> bool:
        kind = message.TYPE
        seq = (self._command_seq.get(kind, 0) + 1) & 0xFFFF
        self._command_seq[kind] = seq
        if self._write(message, now_ms, seq=seq) is None:
            if on_done is not None:
                on_done(False)
            return False
        self._pending[(kind, seq)] = _Pending(message, seq, now_ms, now_ms, 1, on_done, setup)
        return True

    def _retry_after_ms(self, tries: int) -> int:
        """How long to wait for an ACK after the ``tries``-th send."""
        if tries < self.command_tries:
            return self.command_timeout_ms
        doubled = self.command_timeout_ms << min(tries - self.command_tries + 1, 16)
        return min(self.max_backoff_ms, doubled)

    def _start_setup(self, now_ms: int) -> None:
        """After the handshake: send the setup commands, or be ready at once without any."""
        self.state = "configuring"
        if not self.setup_commands:
            self._become_ready(now_ms)
            return
        for message in self.setup_commands:
            self._send_command(message, now_ms, None, setup=True)

    def _become_ready(self, now_ms: int) -> None:
        info = self.info
        assert info is not None
        self.state = "ready"
        self._error_reported = False
        self.stats.connects += 1
        log.info("body ready: %s firmware %s", info.board, ".".join(map(str, info.firmware)))
        for callback in list(self.on_ready):
            callback(info)

    def _write(self, message: wire.Message, now_ms: int, seq: int | None = None) -> int | None:
        if self.port is None:
            return None
        if seq is None:
            self._seq = (self._seq + 1) & 0xFFFF
            seq = self._seq
        frame = wire.encode(message, seq)
        try:
            self.port.write(frame)
        except (OSError, ValueError) as error:
            self._lose(now_ms, f"write failed: {error}")
            return None
        self.stats.frames_out += 1
        self.stats.bytes_out += len(frame)
        return seq

    def _on_hello_ack(self, ack: wire.HelloAck, now_ms: int) -> None:
        info = BodyInfo(
            (ack.major, ack.minor),
            (ack.firmware[0], ack.firmware[1], ack.firmware[2]),
            ack.board,
            ack.capabilities,
            ack.schema_hash,
            ack.pad_count,
            ack.servo_count,
        )
        self.info = info
        if ack.major != wire.PROTOCOL_MAJOR:
            self.state = "incompatible"
            self._report(
                f"body speaks protocol {ack.major}.{ack.minor}, this brain "
                f"{wire.PROTOCOL_MAJOR}.{wire.PROTOCOL_MINOR}: update the firmware"
            )
            return
        if self.state != "handshaking":
            return  # a resent HELLO's second answer
        self._record_rtt(now_ms - self._hello_sent_ms)
        self._next_heartbeat_ms = now_ms
        self._start_setup(now_ms)

    def _on_reply(self, reply: wire.Ack | wire.Nack, now_ms: int) -> None:
        kind = reply.acked_type
        pending = self._pending.pop((kind, reply.acked_seq), None)
        if pending is None:
            return  # a late duplicate ACK after a resend: harmless
        ok = isinstance(reply, wire.Ack)
        if ok:
            self._record_rtt(now_ms - pending.sent_ms)
        elif isinstance(reply, wire.Nack):
            self.stats.commands_failed += 1
            log.warning("body refused %s (reason %d)", pending.message.NAME, reply.reason)
            if reply.reason == wire.NACK_NO_HELLO:
                if pending.on_done is not None:
                    pending.on_done(False)
                self._end_session(now_ms, "the body lost the session")
                return
            if pending.setup:  # the body must take its configuration: keep asking
                self._report(f"body refused {pending.message.NAME} (reason {reply.reason})")
                pending.sent_ms = now_ms
                pending.tries = max(pending.tries, self.command_tries)
                self._pending[(kind, pending.seq)] = pending
                return
        if pending.on_done is not None:
            pending.on_done(ok)
        if self.state == "configuring" and not any(p.setup for p in self._pending.values()):
            self._become_ready(now_ms)

    def _resend(self, now_ms: int) -> None:
        for key, pending in list(self._pending.items()):
            if now_ms - pending.sent_ms < self._retry_after_ms(pending.tries):
                continue
            pending.tries += 1
            pending.sent_ms = now_ms
            self.stats.resends += 1
            if pending.tries == self.command_tries + 1:
                log.warning(
                    "no ACK for %s after %d tries; retrying with back-off",
                    pending.message.NAME,
                    self.command_tries,
                )
            self._write(pending.message, now_ms, seq=key[1])

    def _record_rtt(self, rtt_ms: float) -> None:
        self.stats.last_rtt_ms = rtt_ms
        self.stats.rtt_samples_ms.append(rtt_ms)
        del self.stats.rtt_samples_ms[:-100]

    def _sync_decoder_stats(self) -> None:
        d = self._decoder
        s = self.stats
        s.crc_errors, s.framing_errors = d.crc_errors, d.framing_errors
        s.unknown_type, s.version_errors = d.unknown_type, d.version_errors

    def _fail_pending(self) -> None:
        pending = list(self._pending.values())
        self._pending.clear()
        for p in pending:
            if p.on_done is not None:
                p.on_done(False)

    def _end_session(self, now_ms: int, reason: str) -> None:
        """The body went quiet (or forgot us) but the port is fine: handshake again."""
        was_ready = self.state == "ready"
        self.state = "handshaking"
        self._next_hello_ms = now_ms
        self._fail_pending()
        if was_ready:
            self.stats.disconnects += 1
            self._report(f"body session lost ({reason}); handshaking again")
            for callback in list(self.on_lost):
                callback(reason)

    def _lose(self, now_ms: int, reason: str) -> None:
        """The port itself failed (unplugged): close it and reopen later."""
        was_ready = self.state == "ready"
        self.close()
        self._next_open_ms = now_ms + self.reconnect_period_ms
        if was_ready:
            self.stats.disconnects += 1
            for callback in list(self.on_lost):
                callback(reason)
        self._report(f"body link lost ({reason}); reconnecting")

    def _report(self, message: str) -> None:
        """Log a problem once until the link recovers, so a missing body is not log spam."""
        self.last_error = message
        if not self._error_reported:
            log.warning(message)
            self._error_reported = True
