"""Turns the running behaviour into actuator commands, over a layer of idle life.

Every ``period_ms`` (50 Hz) the executor evaluates the running timeline from
the pose the body held when the behaviour started, so switching behaviours
never snaps. With nothing running the pet breathes, blinks and flicks an ear,
and drifts back to rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from behaviors.library import BehaviourLibrary
from behaviors.schema import Behaviour, VibrateSpec
from brain.robot import RobotConfig
from brain.timeline import Timeline, compile_timeline, ease
from firmware import wire

VIBE_IDS = {
    "off": wire.VIBE_OFF,
    "purr": wire.VIBE_PURR,
    "pulse": wire.VIBE_PULSE,
    "twitch": wire.VIBE_TWITCH,
    "constant": wire.VIBE_CONSTANT,
}


def idle_offsets(t_ms: int) -> dict[str, float]:
    """Idle life added on top of whatever pose: breathing, a slow blink, an ear flick."""
    breath = 1.5 * math.sin(2 * math.pi * t_ms / 4000.0)
    offsets = {"spine": breath, "tail_swish": 4.0 * math.sin(2 * math.pi * t_ms / 9000.0)}
    blink_phase = t_ms % 6000
    if blink_phase < 300:
        offsets["eyelids"] = 60.0 * math.sin(math.pi * blink_phase / 300.0)
    flick_phase = t_ms % 11_000
    if flick_phase < 180:
        offsets["ear_left"] = 12.0 * math.sin(math.pi * flick_phase / 180.0)
    return offsets


@dataclass
class Running:
    """A behaviour being played."""

    behaviour: Behaviour
    timeline: Timeline
    start_ms: int
    start_pose: dict[str, float]


class Executor:
    """Plays one behaviour at a time and produces servo and vibration commands."""

    def __init__(
        self,
        robot: RobotConfig,
        library: BehaviourLibrary,
        period_ms: int = 20,
        return_to_rest_ms: int = 1200,
    ) -> None:
        self.robot = robot
        self.period_ms = period_ms
        self.return_to_rest_ms = return_to_rest_ms
        self.pose: dict[str, float] = robot.rest_pose()
        self.running: Running | None = None
        self._timelines: dict[str, Timeline] = {}
        self._library = library
        self._ended_ms: int | None = None
        self._ended_pose: dict[str, float] = dict(self.pose)
        self._vibration_sent: tuple[VibrateSpec, int] | None = None
        self.vibration: VibrateSpec | None = None

    def set_library(self, library: BehaviourLibrary) -> None:
        """Swap in a new library (compiled timelines are rebuilt on demand)."""
        self._library = library
        self._timelines.clear()

    def timeline(self, behaviour: Behaviour) -> Timeline:
        """The compiled timeline of ``behaviour`` (cached)."""
        timeline = self._timelines.get(behaviour.name)
        if timeline is None:
            timeline = compile_timeline(behaviour, self._library.poses)
            self._timelines[behaviour.name] = timeline
        return timeline

    def start(self, behaviour: Behaviour, now_ms: int) -> None:
        """Begin ``behaviour`` now, from wherever the body is."""
        self.running = Running(behaviour, self.timeline(behaviour), now_ms, dict(self.pose))

    def frame(self, now_ms: int) -> tuple[wire.ServoTargets, wire.Vibrate | None]:
        """Servo targets for ``now_ms``, and a VIBRATE message when the motor must change."""
        base: dict[str, float]
        vibration: VibrateSpec | None = None
        vib_start: int | None = None
        running = self.running
        if running is not None and now_ms - running.start_ms >= running.timeline.duration_ms:
            self.running = running = None
            self._ended_ms = now_ms
            self._ended_pose = dict(self.pose)
        if running is not None:
            t = now_ms - running.start_ms
            state = running.timeline.evaluate(t, running.start_pose)
            base = dict(running.start_pose)
            base.update(state.joints_deg)
            vibration = state.vibration
            if state.vibration_started_ms is not None:
                vib_start = running.start_ms + state.vibration_started_ms
        else:
            rest = self.robot.rest_pose()
            since = now_ms - (self._ended_ms if self._ended_ms is not None else now_ms)
            x = ease("ease_in_out", since / self.return_to_rest_ms)
            base = {
                j: self._ended_pose.get(j, rest[j])
                + (rest[j] - self._ended_pose.get(j, rest[j])) * x
                for j in rest
            }
        # Idle life sits underneath: always on, so the pet never freezes.
        offsets = idle_offsets(now_ms)
        targets = []
        for joint in self.robot.joints:
            angle = joint.clamp(base.get(joint.name, joint.rest_deg))
            self.pose[joint.name] = angle
            shown = joint.clamp(angle + offsets.get(joint.name, 0.0))
            targets.append((joint.channel, round(shown * 100), self.period_ms * 2))
        self.vibration = vibration
        return wire.ServoTargets(tuple(targets)), self._vibration_change(
            vibration, vib_start, now_ms
        )

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
