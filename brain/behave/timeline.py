"""Behaviour timelines as pure functions of time.

``compile_timeline`` flattens a behaviour's steps into keyframes and cues;
``Timeline.evaluate(t_ms, start_pose)`` gives the joint angles, vibration and
LED state at any time, without a clock, so tests can sample any instant.
Randomness (``choose``) is resolved once at compile time from a seeded
generator, so the compiled timeline itself stays a pure function of time.
``intensity`` below 1 (habituation) shrinks movements towards ``neutral`` and
scales vibration and sound.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from behaviors.schema import (
    Behaviour,
    ChooseStep,
    LedSpec,
    LedStep,
    ParallelStep,
    PoseStep,
    SequenceStep,
    SoundSpec,
    SoundStep,
    Step,
    VibrateSpec,
    VibrateStep,
    WaitStep,
)

SpecT = TypeVar("SpecT")


def ease(kind: str, x: float) -> float:
    """Easing curve value at ``x`` in 0..1."""
    x = max(0.0, min(1.0, x))
    if kind == "ease_in":
        return x * x
    if kind == "ease_out":
        return 1.0 - (1.0 - x) * (1.0 - x)
    if kind == "ease_in_out":
        return x * x * (3.0 - 2.0 * x)
    return x


@dataclass(frozen=True)
class Keyframe:
    """``joint`` moves to ``target_deg`` from ``start_ms`` over ``duration_ms``."""

    joint: str
    start_ms: int
    duration_ms: int
    target_deg: float
    easing: str


@dataclass(frozen=True)
class Cue(Generic[SpecT]):
    """A one-off event at ``at_ms`` (a vibration, LED change or sound)."""

    at_ms: int
    spec: SpecT


@dataclass(frozen=True)
class Frame:
    """The state of the body at one instant of a timeline."""

    joints_deg: dict[str, float]
    vibration: VibrateSpec | None
    vibration_started_ms: int | None
    led: LedSpec | None


@dataclass(frozen=True)
class Timeline:
    """A compiled behaviour: keyframes per joint and timed cues."""

    name: str
    duration_ms: int
    keyframes: tuple[Keyframe, ...]
    vibrations: tuple[Cue[VibrateSpec], ...] = ()
    leds: tuple[Cue[LedSpec], ...] = ()
    sounds: tuple[Cue[SoundSpec], ...] = ()
    choices: tuple[int, ...] = ()  # the variant picked by each ``choose``, in order
    _by_joint: dict[str, tuple[Keyframe, ...]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        by_joint: dict[str, list[Keyframe]] = {}
        for kf in sorted(self.keyframes, key=lambda k: k.start_ms):
            by_joint.setdefault(kf.joint, []).append(kf)
        self._by_joint.update({j: tuple(kfs) for j, kfs in by_joint.items()})

    def joint_at(self, joint: str, t_ms: float, start_deg: float) -> float:
        """Angle of ``joint`` at ``t_ms`` when it stood at ``start_deg`` at time 0."""
        value = start_deg
        for kf in self._by_joint.get(joint, ()):
            if t_ms < kf.start_ms:
                break
            if kf.duration_ms <= 0 or t_ms >= kf.start_ms + kf.duration_ms:
                value = kf.target_deg
            else:
                x = (t_ms - kf.start_ms) / kf.duration_ms
                value = value + (kf.target_deg - value) * ease(kf.easing, x)
                break
        return value

    def evaluate(self, t_ms: float, start_pose: Mapping[str, float]) -> Frame:
        """The body's state ``t_ms`` after the start, from ``start_pose``."""
        joints = {j: self.joint_at(j, t_ms, start_pose.get(j, 0.0)) for j in self._by_joint}
        vibration: VibrateSpec | None = None
        vib_start: int | None = None
        for cue in self.vibrations:
            if cue.at_ms <= t_ms:
                vibration, vib_start = cue.spec, cue.at_ms
        if (
            vibration is not None
            and vib_start is not None
            and t_ms >= vib_start + vibration.duration_ms
        ):
            vibration, vib_start = None, None
        led: LedSpec | None = None
        for led_cue in self.leds:
            if led_cue.at_ms <= t_ms:
                led = led_cue.spec
        return Frame(joints, vibration, vib_start, led)

    def sounds_between(self, after_ms: float, until_ms: float) -> list[SoundSpec]:
        """Sounds whose cue time falls in (after_ms, until_ms]."""
        return [c.spec for c in self.sounds if after_ms < c.at_ms <= until_ms]


class _Compiler:
    def __init__(
        self,
        poses: Mapping[str, Mapping[str, float]],
        rng: random.Random,
        intensity: float,
        neutral: Mapping[str, float],
    ) -> None:
        self.poses = poses
        self.rng = rng
        self.intensity = intensity
        self.neutral = neutral
        self.keyframes: list[Keyframe] = []
        self.vibrations: list[Cue[VibrateSpec]] = []
        self.leds: list[Cue[LedSpec]] = []
        self.sounds: list[Cue[SoundSpec]] = []
        self.choices: list[int] = []

    def steps(self, steps: Sequence[Step], t_ms: int) -> int:
        """Lay ``steps`` one after another from ``t_ms``; return the end time."""
        for step in steps:
            t_ms = self.step(step, t_ms)
        return t_ms

    def _angle(self, joint: str, angle: float) -> float:
        if self.intensity >= 1.0 or joint not in self.neutral:
            return angle
        rest = self.neutral[joint]
        return rest + (angle - rest) * self.intensity

    def step(self, step: Step, t_ms: int) -> int:
        if isinstance(step, PoseStep):
            spec = step.pose
            joints = dict(self.poses.get(spec.name, {})) if spec.name else {}
            joints.update(spec.joints.angles())
            for joint, angle in joints.items():
                target = self._angle(joint, angle)
                self.keyframes.append(Keyframe(joint, t_ms, spec.duration_ms, target, spec.easing))
            return t_ms + spec.duration_ms
        if isinstance(step, VibrateStep):
            vib = step.vibrate
            if self.intensity < 1.0:
                vib = vib.model_copy(update={"intensity": vib.intensity * self.intensity})
            self.vibrations.append(Cue(t_ms, vib))
            return t_ms
        if isinstance(step, LedStep):
            self.leds.append(Cue(t_ms, step.led))
            return t_ms
        if isinstance(step, SoundStep):
            sound = step.sound
            if self.intensity < 1.0:
                sound = sound.model_copy(update={"volume": sound.volume * self.intensity})
            self.sounds.append(Cue(t_ms, sound))
            return t_ms
        if isinstance(step, WaitStep):
            return t_ms + step.wait.duration_ms
        if isinstance(step, ParallelStep):
            end = t_ms
            for child in step.parallel:
                end = max(end, self.step(child, t_ms))
            return end
        if isinstance(step, SequenceStep):
            return self.steps(step.sequence, t_ms)
        if isinstance(step, ChooseStep):
            weights = [v.weight for v in step.choose]
            index = self.rng.choices(range(len(weights)), weights=weights)[0]
            self.choices.append(index)
            return self.steps(step.choose[index].do, t_ms)
        raise TypeError(f"cannot compile step {step!r} (templates must be expanded when loading)")


def compile_timeline(
    behaviour: Behaviour,
    poses: Mapping[str, Mapping[str, float]],
    rng: random.Random | None = None,
    intensity: float = 1.0,
    neutral: Mapping[str, float] | None = None,
) -> Timeline:
    """Flatten ``behaviour.do`` into a :class:`Timeline`.

    ``rng`` picks ``choose`` variants (default: seeded with 0); ``intensity``
    in 0..1 scales movement (around ``neutral``), vibration and volume.
    """
    compiler = _Compiler(poses, rng or random.Random(0), intensity, neutral or {})
    end = compiler.steps(behaviour.do, 0)
    for cue in compiler.vibrations:
        end = max(end, cue.at_ms + cue.spec.duration_ms)
    return Timeline(
        behaviour.name,
        end,
        tuple(compiler.keyframes),
        tuple(compiler.vibrations),
        tuple(compiler.leds),
        tuple(compiler.sounds),
        tuple(compiler.choices),
    )
