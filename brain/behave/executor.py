"""Turns the running behaviour into actuator commands, over a layer of idle life.

Every ``period_ms`` (50 Hz) the executor evaluates the running timeline from
the pose the body held when the behaviour started, so switching behaviours
never snaps; a slew limit per joint (the robot's own speed caps) guards the
rest. With nothing running the pet breathes, blinks and flicks an ear, and
drifts back to rest. Sounds and LED changes due in a frame are handed over
with it.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

from behaviors.library import BehaviourLibrary
from behaviors.schema import Behaviour, ChooseStep, LedSpec, SoundSpec, VibrateSpec, walk_steps
from behaviors.vocabulary import LED_PATTERNS, VIBRATION_PATTERNS
from brain.behave.idle import IdleLife
from brain.behave.timeline import Timeline, compile_timeline, ease
from brain.body.joints import RobotConfig
from firmware import wire

# The wire id of each pattern a behaviour may name: the names are the designers'
# vocabulary, the ids the protocol's, each defined once; these pair them up.
VIBE_IDS: dict[str, int] = dict(
    zip(
        VIBRATION_PATTERNS,  # off, purr, pulse, twitch, constant
        (wire.VIBE_OFF, wire.VIBE_PURR, wire.VIBE_PULSE, wire.VIBE_TWITCH, wire.VIBE_CONSTANT),
        strict=True,
    )
)
VIBE_NAMES: dict[int, str] = {pattern: name for name, pattern in VIBE_IDS.items()}
"""The name of each vibration pattern id (what the dashboards show)."""
LED_IDS: dict[str, int] = dict(
    zip(
        LED_PATTERNS,  # off, solid, breathe, blink
        (wire.LED_OFF, wire.LED_SOLID, wire.LED_BREATHE, wire.LED_BLINK),
        strict=True,
    )
)


def led_message(spec: LedSpec | None) -> wire.Led:
    """The LED command for ``spec`` (off when None)."""
    if spec is None or spec.pattern == "off":
        return wire.Led(wire.LED_OFF, 0, ())
    rgb = tuple(int(spec.colour[i : i + 2], 16) for i in (1, 3, 5))
    return wire.Led(LED_IDS[spec.pattern], spec.period_ms, (rgb,))


@dataclass
class Running:
    """A behaviour being played."""

    behaviour: Behaviour
    timeline: Timeline
    start_ms: int
    start_pose: dict[str, float]
    intensity: float = 1.0
    sounds_done_ms: float = -1.0


@dataclass
class FrameOutput:
    """Everything one frame asks of the body besides servo targets."""

    sounds: list[SoundSpec] = field(default_factory=list)
    led: wire.Led | None = None
    started: list[str] = field(default_factory=list)


class Executor:
    """Plays one behaviour at a time and produces servo, vibration, LED and sound commands."""

    def __init__(
        self,
        robot: RobotConfig,
        library: BehaviourLibrary,
        period_ms: int = 20,
        return_to_rest_ms: int = 1200,
        seed: int = 0,
    ) -> None:
        self.robot = robot
        self.period_ms = period_ms
        self.return_to_rest_ms = return_to_rest_ms
        self.pose: dict[str, float] = robot.rest_pose()
        self.running: Running | None = None
        self.queue: deque[tuple[Behaviour, float]] = deque()
        self.output = FrameOutput()
        self._timelines: dict[str, Timeline] = {}
        self._library = library
        self._rng = random.Random(seed)
        self._ended_ms: int | None = None
        self._ended_pose: dict[str, float] = dict(self.pose)
        self._vibration_sent: tuple[VibrateSpec, int] | None = None
        self._led_sent: LedSpec | None = None
        self._shown: dict[str, float] | None = None
        self._last_frame_ms: int | None = None
        self.vibration: VibrateSpec | None = None
        self.idle = IdleLife(seed)
        # The pet's state as idle life shows it (the runtime sets these from the mood).
        self.arousal = 0.0
        self.energy = 0.0

    def set_library(self, library: BehaviourLibrary) -> None:
        """Swap in a new library; what is playing finishes with its compiled timeline."""
        self._library = library
        self._timelines.clear()

    def timeline(self, behaviour: Behaviour, intensity: float = 1.0) -> Timeline:
        """The compiled timeline of ``behaviour`` (cached when it has no randomness)."""
        random_steps = any(isinstance(s, ChooseStep) for s in walk_steps(behaviour.do))
        if random_steps or intensity < 1.0:
            rest = self.robot.rest_pose()
            return compile_timeline(behaviour, self._library.poses, self._rng, intensity, rest)
        timeline = self._timelines.get(behaviour.name)
        if timeline is None:
            timeline = compile_timeline(behaviour, self._library.poses)
            self._timelines[behaviour.name] = timeline
        return timeline

    def start(self, behaviour: Behaviour, now_ms: int, intensity: float = 1.0) -> Timeline:
        """Begin ``behaviour`` now, from wherever the body is; returns its timeline."""
        timeline = self.timeline(behaviour, intensity)
        self.running = Running(behaviour, timeline, now_ms, dict(self.pose), intensity)
        self.output.started.append(behaviour.name)
        return timeline

    def enqueue(self, behaviour: Behaviour, intensity: float = 1.0) -> bool:
        """Play ``behaviour`` again after the running one; False when its queue is full."""
        waiting = sum(1 for b, _ in self.queue if b.name == behaviour.name)
        if waiting >= behaviour.max_queued:
            return False
        self.queue.append((behaviour, intensity))
        return True

    def stop(self, now_ms: int) -> None:
        """Drop what is playing and queued; the body drifts back to rest."""
        self.running = None
        self.queue.clear()
        self._ended_ms = now_ms
        self._ended_pose = dict(self.pose)

    def take_output(self) -> FrameOutput:
        """Sounds, LED change and starts accumulated since the last call."""
        out, self.output = self.output, FrameOutput()
        return out

    def frame(self, now_ms: int) -> tuple[wire.ServoTargets, wire.Vibrate | None]:
        """Servo targets for ``now_ms``, and a VIBRATE message when the motor must change."""
        base: dict[str, float]
        vibration: VibrateSpec | None = None
        vib_start: int | None = None
        led: LedSpec | None = None
        running = self.running
        if running is not None and now_ms - running.start_ms >= running.timeline.duration_ms:
            self._collect_sounds(running, running.timeline.duration_ms)
            self.stop_running(now_ms)
            running = self.running
        if running is not None:
            t = now_ms - running.start_ms
            state = running.timeline.evaluate(t, running.start_pose)
            base = dict(running.start_pose)
            base.update(state.joints_deg)
            vibration, led = state.vibration, state.led
            if state.vibration_started_ms is not None:
                vib_start = running.start_ms + state.vibration_started_ms
            self._collect_sounds(running, t)
        else:
            rest = self.robot.rest_pose()
            since = now_ms - (self._ended_ms if self._ended_ms is not None else now_ms)
            x = ease("ease_in_out", since / self.return_to_rest_ms)
            base = {
                j: self._ended_pose.get(j, rest[j])
                + (rest[j] - self._ended_pose.get(j, rest[j])) * x
                for j in rest
            }
        self._led_change(led)
        # Idle life sits underneath: always on, so the pet never freezes.
        offsets = self.idle.offsets(now_ms, self.arousal, self.energy)
        dt_s = (now_ms - self._last_frame_ms) / 1000.0 if self._last_frame_ms is not None else 0.0
        self._last_frame_ms = now_ms
        shown_now: dict[str, float] = {}
        targets = []
        for joint in self.robot.joints:
            angle = joint.clamp(base.get(joint.name, joint.rest_deg))
            self.pose[joint.name] = angle
            shown = joint.clamp(angle + offsets.get(joint.name, 0.0))
            if self._shown is not None and dt_s > 0:
                # Never a snap: no faster than the joint's own speed cap.
                step = joint.max_speed_deg_per_s * dt_s
                last = self._shown[joint.name]
                shown = max(last - step, min(last + step, shown))
            shown_now[joint.name] = shown
            targets.append((joint.channel, round(shown * 100), self.period_ms * 2))
        self._shown = shown_now
        self.vibration = vibration
        return wire.ServoTargets(tuple(targets)), self._vibration_change(
            vibration, vib_start, now_ms
        )

    def stop_running(self, now_ms: int) -> None:
        """The running behaviour ended: start the next queued one or drift to rest."""
        self.running = None
        if self.queue:
            behaviour, intensity = self.queue.popleft()
            self.start(behaviour, now_ms, intensity)
            return
        self._ended_ms = now_ms
        self._ended_pose = dict(self.pose)

    def _collect_sounds(self, running: Running, t_ms: float) -> None:
        self.output.sounds.extend(running.timeline.sounds_between(running.sounds_done_ms, t_ms))
        running.sounds_done_ms = t_ms

    def _led_change(self, led: LedSpec | None) -> None:
        if led != self._led_sent:
            self._led_sent = led
            self.output.led = led_message(led)

    def _vibration_change(
        self, spec: VibrateSpec | None, start_ms: int | None, now_ms: int
    ) -> wire.Vibrate | None:
        current = None if spec is None or start_ms is None else (spec, start_ms)
        if current == self._vibration_sent:
            return None
        self._vibration_sent = current
        if spec is None or start_ms is None:
            return wire.Vibrate(wire.VIBE_OFF, 0, 0, 0)
        remaining = max(0, start_ms + spec.duration_ms - now_ms)
        return wire.Vibrate(
            VIBE_IDS[spec.pattern],
            round(spec.intensity * 255),
            min(remaining, 65535),
            spec.period_ms,
        )
