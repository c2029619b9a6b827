"""Commands over a lossy link: the newest command of each kind wins, nothing is left unapplied.

``run_probe`` joins the brain's :class:`~brain.body.link.BodyLink` and a
virtual body over a real pty whose port loses each frame, both ways, with a
given probability (:meth:`sim.pty.PtyPort.set_loss`). Each trial sends two
commands of one kind back to back (LED colours, or TORQUE on/off) while the
brain streams servo targets at 50 Hz, as a running pet does, and waits until
both are acknowledged. It counts:

* ``acked_within_150ms``: commands acknowledged at most 150 ms after they were sent;
* ``out_of_order``: commands the body applied although a newer one of their
  kind had been applied already (a resent older command undoing a newer one);
* ``unapplied``: trials after which the body's state is not the newest command's;
* ``failed``: commands whose callback reported failure (NACK, session lost).

The CPython body runs on a simulated clock stepped by hand (deterministic,
fast); the MicroPython body (firmware/main.py) runs on the wall clock.

    python -m sim.loss_probe --trials 10000 --loss 0.05 [--body micropython]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from typing import Any

from brain.body.link import BodyLink
from firmware import wire
from sim.body import SimBody, VirtualBody, make_body

STEP_MS = 5
CROSS_TIMEOUT_S = 0.5
ACK_GOAL_MS = 150
TRIAL_LIMIT_MS = 5000


@dataclass
class ProbeResult:
    """What a probe run measured."""

    body: str
    loss: float
    trials: int = 0
    commands: int = 0
    acked: int = 0
    acked_within_150ms: int = 0
    failed: int = 0
    out_of_order: int = 0
    unapplied: int = 0
    frames_lost: int = 0
    frames: int = 0
    session_losses: int = 0
    ack_ms: list[int] = field(default_factory=list)

    @property
    def acked_within_150ms_fraction(self) -> float:
        """Share of commands acknowledged within 150 ms."""
        return self.acked_within_150ms / self.commands if self.commands else 0.0

    def as_json(self) -> dict[str, Any]:
        """Plain figures for a report."""
        ack = sorted(self.ack_ms)
        return {
            "body": self.body,
            "loss_each_way": self.loss,
            "trials": self.trials,
            "commands": self.commands,
            "acked": self.acked,
            "acked_within_150ms": self.acked_within_150ms,
            "acked_within_150ms_fraction": round(self.acked_within_150ms_fraction, 5),
            "failed": self.failed,
            "out_of_order": self.out_of_order,
            "unapplied": self.unapplied,
            "frames": self.frames,
            "frames_lost": self.frames_lost,
            "session_losses": self.session_losses,
            "ack_ms_median": ack[len(ack) // 2] if ack else None,
            "ack_ms_p999": ack[min(len(ack) - 1, int(0.999 * len(ack)))] if ack else None,
            "ack_ms_max": ack[-1] if ack else None,
        }


class _Probe:
    def __init__(self, body_kind: str, loss: float, seed: int) -> None:
        self.body: SimBody = make_body(body_kind, 14, 8, None, seed)
        self.stepped = not self.body.realtime
        self.body.port.set_loss(loss, seed)
        self.link = BodyLink(self.body.path)
        self.result = ProbeResult(body_kind, loss)
        self.link.on_lost.append(lambda reason: self._session_lost())
        self.applied: dict[int, int] = {}
        self._wall_start = time.monotonic()
        self.now_ms = 0
        self._brain_out = 0
        self._body_out = 0
        self._next_targets_ms = 0
        if isinstance(self.body, VirtualBody):
            self._watch_applied(self.body)
        self.link.open(self.now_ms)

    def _session_lost(self) -> None:
        self.result.session_losses += 1

    def _watch_applied(self, body: VirtualBody) -> None:
        """Count commands the firmware applies out of order (an older one after a newer)."""
        link: Any = body.firmware.link
        record = link.applied

        def applied(message: wire.Message) -> None:
            last = self.applied.get(message.TYPE)
            if last is not None and not 0 < (message.seq - last) & 0xFFFF < 0x8000:
                self.result.out_of_order += 1
            self.applied[message.TYPE] = message.seq
            record(message)

        link.applied = applied

    def step(self) -> None:
        link = self.link
        if self.stepped:
            self.now_ms += STEP_MS
        else:
            self.now_ms = int((time.monotonic() - self._wall_start) * 1000)
        t = self.now_ms
        link.tick(t)
        if link.ready and t >= self._next_targets_ms:
            self._next_targets_ms = t + 20
            link.send_stream(wire.ServoTargets(((0, 0, 20),)), t)
        if self.stepped:
            out = link.stats.bytes_out
            if out != self._brain_out:
                self.body.port.wait_readable(CROSS_TIMEOUT_S)
            self._brain_out = out
            self.body.tick(t)
            written = self.body.port.bytes_written
            if written != self._body_out:
                link.wait_readable(CROSS_TIMEOUT_S * 1000)
            self._body_out = written
        else:
            link.wait_readable(2)
        link.poll(t)

    def until(self, condition: Any, limit_ms: int) -> bool:
        end = self.now_ms + limit_ms
        while not condition():
            if self.now_ms > end:
                return False
            self.step()
        return True

    def state_is(self, message: wire.Message) -> bool:
        body = self.body
        if isinstance(message, wire.Torque):
            return body.torque_on() == message.enabled
        if isinstance(body, VirtualBody):
            leds = body.firmware.leds
            assert leds is not None and isinstance(message, wire.Led)
            return tuple(leds.colours) == message.colours
        return True  # the MicroPython body's LEDs are only seen when the pattern redraws

    def trial(self, index: int) -> None:
        result = self.result
        if not self.until(lambda: self.link.ready, TRIAL_LIMIT_MS):
            raise RuntimeError("the link did not become ready")
        first: wire.Message
        second: wire.Message
        if index % 2 == 0:
            first = wire.Led(wire.LED_SOLID, 0, ((index & 0xFF, 1, 2),))
            second = wire.Led(wire.LED_SOLID, 0, ((index & 0xFF, 3, 4),))
        else:
            on = index % 4 == 1
            first, second = wire.Torque(on), wire.Torque(not on)
        sent_ms = self.now_ms
        outcomes: list[tuple[bool, int]] = []
        for message in (first, second):
            self.link.send_command(
                message, sent_ms, lambda ok: outcomes.append((ok, self.now_ms - sent_ms))
            )
        result.trials += 1
        result.commands += 2
        self.until(lambda: len(outcomes) == 2, TRIAL_LIMIT_MS)
        for ok, took_ms in outcomes:
            if ok:
                result.acked += 1
                result.ack_ms.append(took_ms)
                result.acked_within_150ms += took_ms <= ACK_GOAL_MS
            else:
                result.failed += 1
        result.failed += 2 - len(outcomes)
        # The link task runs every 5 ms on the board: give the MicroPython body a moment.
        self.until(lambda: self.state_is(second), 0 if self.stepped else 100)
        if not self.state_is(second):
            result.unapplied += 1

    def close(self) -> None:
        port = self.body.port
        for loss in (port.loss_down, port.loss_up):
            if loss is not None:
                self.result.frames += loss.frames
                self.result.frames_lost += loss.dropped
        self.link.close()
        self.body.close()


def run_probe(trials: int, loss: float = 0.05, seed: int = 0, body: str = "cpython") -> ProbeResult:
    """Run ``trials`` pairs of back-to-back commands over a link losing ``loss`` each way."""
    probe = _Probe(body, loss, seed)
    try:
        for index in range(trials):
            probe.trial(index)
    finally:
        probe.close()
    return probe.result


def main(argv: list[str] | None = None) -> int:
    """Print the probe's figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--loss", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--body", choices=("cpython", "micropython"), default="cpython")
    args = parser.parse_args(argv)
    result = run_probe(args.trials, args.loss, args.seed, args.body)
    print(json.dumps(result.as_json(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
