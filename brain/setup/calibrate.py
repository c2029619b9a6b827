"""Calibration against the real body: servo limits and rest, pad noise and touched levels.

:class:`BodySession` holds the link open (handshake, heartbeats, a servo
stream) while a person answers at the keyboard, so the body never times out
and rests in the middle of a calibration. Commands and answers arrive as
lines on a queue (``sys.stdin`` read by a thread in the CLI, a test's script
in tests); prompts go to a ``say`` callback. The results are written into
``robot.yaml`` by :mod:`brain.setup.config_edit`, keeping its comments.
"""

from __future__ import annotations

import queue
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from brain.body.joints import Joint, RobotConfig
from brain.body.link import BodyLink
from brain.errors import UserError
from firmware import wire

Say = Callable[[str], None]
Lines = queue.Queue[str | None]  # None: the input ended


class BodySession:
    """A ready link to the body, kept alive by :meth:`pump`."""

    def __init__(self, url: str, robot: RobotConfig, handshake_timeout_ms: int = 3000) -> None:
        self.robot = robot
        self.link = BodyLink(url)
        self._start = time.monotonic()
        self.targets_deg = robot.rest_pose()
        self.frames: list[tuple[int, ...]] = []
        self.recording = False
        self.link.open(self.now_ms)
        deadline = self.now_ms + handshake_timeout_ms
        while not self.link.ready and self.now_ms < deadline:
            self.pump(20)
        if not self.link.ready:
            self.link.close()
            why = self.link.last_error or "no HELLO answer"
            raise UserError(f"no pet body on {url} ({why}); check `petbrain devices`")

    @property
    def now_ms(self) -> int:
        """Milliseconds since the session started."""
        return int((time.monotonic() - self._start) * 1000)

    def command(self, message: wire.Message, timeout_ms: int = 500) -> bool:
        """Send an acknowledged command and wait for its answer."""
        done: list[bool] = []
        self.link.send_command(message, self.now_ms, done.append)
        deadline = self.now_ms + timeout_ms
        while not done and self.now_ms < deadline:
            self.pump(10)
        return bool(done and done[0])

    def hold(self, joints: tuple[Joint, ...], limit_deg: float) -> None:
        """Teach the body a wide range for ``joints`` (within ``limit_deg``) and enable torque."""
        channels = []
        for j in self.robot.joints:
            lo, hi = (-limit_deg, limit_deg) if j in joints else (j.min_deg, j.max_deg)
            channels.append(
                (j.channel, round(lo * 100), round(hi * 100), round(j.rest_deg * 100), 60)
            )
        if not self.command(wire.Config(tuple(channels))):
            raise UserError("the body did not accept the calibration CONFIG")
        if not self.command(wire.Torque(True)):
            raise UserError("the body refused torque (battery low or link trouble)")

    def pump(self, wait_ms: float) -> None:
        """Keep the link alive for about ``wait_ms``: heartbeats, servo stream, touch frames."""
        end = time.monotonic() + wait_ms / 1000.0
        while True:
            now = self.now_ms
            self.link.tick(now)
            for message in self.link.poll(now):
                if self.recording and isinstance(message, wire.TouchFrame):
                    self.frames.append(tuple(message.values))
            if self.link.ready:
                targets = tuple(
                    (j.channel, round(self.targets_deg[j.name] * 100), 100)
                    for j in self.robot.joints
                )
                self.link.send_stream(wire.ServoTargets(targets), now)
            left = end - time.monotonic()
            if left <= 0:
                return
            self.link.wait_readable(min(left * 1000.0, 20.0))

    def wait_line(self, lines: Lines) -> str | None:
        """The next input line, pumping the link while a person thinks (None: input ended)."""
        while True:
            try:
                return lines.get_nowait()
            except queue.Empty:
                self.pump(20)

    def record(self, seconds: float) -> list[tuple[int, ...]]:
        """Every TOUCH_FRAME for ``seconds``."""
        self.frames = []
        self.recording = True
        self.pump(seconds * 1000.0)
        self.recording = False
        return self.frames

    def close(self) -> None:
        """Torque off (acknowledged when the body is there), then close the port."""
        if self.link.ready:
            self.command(wire.Torque(False), 300)
        self.link.close()


@dataclass
class ServoResult:
    """What a servo calibration recorded (None: not recorded)."""

    joint: str
    min_deg: float | None = None
    max_deg: float | None = None
    rest_deg: float | None = None
    saved: bool = False


SERVO_HELP = (
    "commands: + / - (step), +N / -N (step N degrees), = N (go to N degrees), "
    "min, max, rest (record the current angle), save, quit"
)


def calibrate_servo(
    session: BodySession,
    joint: Joint,
    lines: Lines,
    say: Say,
    step_deg: float = 2.0,
    limit_deg: float = 90.0,
    settle_ms: int = 300,
) -> ServoResult:
    """Step one joint by hand and record its limits and rest; ``saved`` when the user said so."""
    session.hold((joint,), limit_deg)
    angle = joint.rest_deg
    session.targets_deg[joint.name] = angle
    result = ServoResult(joint.name)
    say(f"calibrating {joint.name} on channel {joint.channel}, now at {angle:g} deg")
    say(SERVO_HELP)
    while True:
        line = session.wait_line(lines)
        if line is None or line.strip() == "quit":
            say("stopped without saving")
            return result
        word = line.strip()
        if word in ("min", "max", "rest"):
            setattr(result, f"{word}_deg", angle)
            say(f"{word}_deg = {angle:g}")
            continue
        if word == "save":
            missing = [k for k in ("min", "max", "rest") if getattr(result, f"{k}_deg") is None]
            if missing:
                say(f"record {', '.join(missing)} first (or quit)")
                continue
            assert result.min_deg is not None and result.max_deg is not None
            if result.min_deg > result.max_deg:
                result.min_deg, result.max_deg = result.max_deg, result.min_deg
                say("min was above max: swapped (the servo is mounted the other way round)")
            assert result.rest_deg is not None
            if not result.min_deg <= result.rest_deg <= result.max_deg:
                say(f"rest {result.rest_deg:g} is outside [{result.min_deg:g}, {result.max_deg:g}]")
                continue
            result.saved = True
            return result
        target = _parse_move(word, angle, step_deg)
        if target is None:
            say(f"not understood: {word!r}; {SERVO_HELP}")
            continue
        angle = max(-limit_deg, min(limit_deg, target))
        session.targets_deg[joint.name] = angle
        session.pump(settle_ms)
        say(f"{joint.name} at {angle:g} deg")


def _parse_move(word: str, angle: float, step_deg: float) -> float | None:
    try:
        if word == "+":
            return angle + step_deg
        if word == "-":
            return angle - step_deg
        if word.startswith("="):
            return float(word[1:])
        if word[:1] in "+-":
            return angle + float(word)
    except ValueError:
        return None
    return None


@dataclass(frozen=True)
class PadResult:
    """One pad's measured noise and touched level (delta counts)."""

    name: str
    noise_counts: float
    touched_counts: float

    @property
    def responds(self) -> bool:
        """True when a palm reads well above the noise."""
        return self.touched_counts > max(20.0, 5.0 * self.noise_counts)


def calibrate_pads(
    session: BodySession,
    pads: list[str],
    lines: Lines,
    say: Say,
    seconds: float = 2.0,
) -> list[PadResult]:
    """Measure every pad untouched, then each pad in ``pads`` under a palm."""
    layout = session.robot.layout
    say(f"hands off the pet: measuring the untouched pads for {seconds:g} s")
    idle = session.record(seconds)
    if not idle:
        raise UserError("the body sent no touch frames: check its firmware and touch wiring")
    results = []
    for name in pads:
        index = layout.by_name(name).index
        say(f"touch pad {name} ({layout.pads[index].zone}) with a flat palm, then press Enter")
        if session.wait_line(lines) is None:
            raise UserError("input ended before the pads were done")
        touched = session.record(seconds)
        say(f"let go of pad {name}")
        idle_values = [frame[index] for frame in idle]
        noise = statistics.fmean(v * v for v in idle_values) ** 0.5  # RMS of the idle delta
        values = sorted(frame[index] for frame in touched)
        # The upper half: the palm is on the pad for most but not all of the window.
        upper = values[len(values) // 2 :] or [0]
        result = PadResult(name, round(noise, 2), float(statistics.median(upper)))
        if not result.responds:
            say(f"pad {name} did not respond (reads {result.touched_counts:g}): check its wire")
        results.append(result)
        session.pump(300)
    return results


def suggest_thresholds(results: list[PadResult]) -> dict[str, int] | None:
    """Classifier thresholds that separate the noisiest pad from the weakest palm."""
    good = [r for r in results if r.responds]
    if not good:
        return None
    noise = max(r.noise_counts for r in results)
    weakest = min(r.touched_counts for r in good)
    touch = round(max(6.0 * noise, 0.3 * weakest, 10.0))
    full = max(touch + 1, round(statistics.median(r.touched_counts for r in good)))
    return {"touch_counts": touch, "full_scale_counts": full}
