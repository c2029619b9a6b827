"""The behaviour language: pydantic models are the source of truth.

A library file holds ``behaviors:``, a list of behaviours. Each has triggers
(``when``), a ``priority``, a ``cooldown_ms``, a ``mood_effect`` and a timeline
(``do``) of steps: ``pose``, ``vibrate``, ``led``, ``sound``, ``wait``,
``parallel`` and ``sequence``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from behaviors.vocabulary import (
    EASINGS,
    JOINT_RANGES_DEG,
    LED_PATTERNS,
    TOUCH_DIRECTIONS,
    TOUCH_GESTURES,
    TOUCH_ZONES,
    VIBRATION_PATTERNS,
)

Zone = Literal[TOUCH_ZONES]  # type: ignore[valid-type]
Gesture = Literal[TOUCH_GESTURES]  # type: ignore[valid-type]
Direction = Literal[TOUCH_DIRECTIONS]  # type: ignore[valid-type]
Easing = Literal[EASINGS]  # type: ignore[valid-type]
VibrationPattern = Literal[VIBRATION_PATTERNS]  # type: ignore[valid-type]
LedPattern = Literal[LED_PATTERNS]  # type: ignore[valid-type]
# Spelled out so type checkers see it; tests check it equals vocabulary.JOINTS.
Joint = Literal[
    "head_yaw", "head_pitch", "ear_left", "ear_right", "tail_swish", "tail_lift", "spine", "eyelids"
]


class Strict(BaseModel):
    """Unknown fields are errors: a typo must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# -- triggers -------------------------------------------------------------


class TouchTrigger(Strict):
    """A classified touch gesture, optionally narrowed by zone, direction, intensity."""

    gesture: Gesture | None = None
    zone: Zone | None = None
    direction: Direction | None = None
    min_intensity: float = Field(0.0, ge=0.0, le=1.0)
    max_intensity: float = Field(1.0, ge=0.0, le=1.0)


class OnsetTrigger(Strict):
    """The first instant of contact on a zone (the fastest reactions hang on it)."""

    zone: Zone | None = None


class Trigger(Strict):
    """One way a behaviour can start; exactly one kind per entry."""

    touch: TouchTrigger | None = None
    touch_onset: OnsetTrigger | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        kinds = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(kinds) != 1:
            raise ValueError("give exactly one trigger kind per entry (touch, touch_onset)")
        return self


# -- timeline steps -------------------------------------------------------


class PoseSpec(Strict):
    """Move joints (degrees) over ``duration_ms``: a named pose, explicit joints, or both."""

    name: str | None = None
    joints: dict[Joint, float] = Field(default_factory=dict)
    duration_ms: int = Field(300, ge=0, le=60_000)
    easing: Easing = "ease_in_out"

    @model_validator(mode="after")
    def _check(self) -> PoseSpec:
        if self.name is None and not self.joints:
            raise ValueError("a pose needs a 'name' or 'joints'")
        for joint, angle in self.joints.items():
            lo, hi = JOINT_RANGES_DEG[joint]
            if not lo <= angle <= hi:
                raise ValueError(f"{joint} = {angle} is outside {lo}..{hi} degrees")
        return self


class VibrateSpec(Strict):
    """Drive the vibration motor: a purr is ``pattern: purr``."""

    pattern: VibrationPattern
    intensity: float = Field(0.6, ge=0.0, le=1.0)
    duration_ms: int = Field(1000, ge=0, le=60_000)
    period_ms: int = Field(0, ge=0, le=10_000)


class LedSpec(Strict):
    """Light the LEDs: ``colour`` is ``#rrggbb``."""

    pattern: LedPattern
    colour: str = Field("#ffb060", pattern=r"^#[0-9a-fA-F]{6}$")
    period_ms: int = Field(1000, ge=0, le=60_000)


class SoundSpec(Strict):
    """Play a named cat sound from the sound library."""

    name: str
    volume: float = Field(0.8, ge=0.0, le=1.0)


class WaitSpec(Strict):
    """Do nothing new for ``duration_ms``."""

    duration_ms: int = Field(ge=0, le=60_000)


class PoseStep(Strict):
    """Timeline step ``pose:``."""

    pose: PoseSpec


class VibrateStep(Strict):
    """Timeline step ``vibrate:``."""

    vibrate: VibrateSpec


class LedStep(Strict):
    """Timeline step ``led:``."""

    led: LedSpec


class SoundStep(Strict):
    """Timeline step ``sound:``."""

    sound: SoundSpec


class WaitStep(Strict):
    """Timeline step ``wait:``."""

    wait: WaitSpec


class ParallelStep(Strict):
    """Timeline step ``parallel:``: all children start together."""

    parallel: list[Step] = Field(min_length=1)


class SequenceStep(Strict):
    """Timeline step ``sequence:``: children one after another."""

    sequence: list[Step] = Field(min_length=1)


STEP_KINDS = ("pose", "vibrate", "led", "sound", "wait", "parallel", "sequence")


def _step_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        keys = [k for k in value if k in STEP_KINDS]
        return keys[0] if len(keys) == 1 else None
    return next((k for k in STEP_KINDS if getattr(value, k, None) is not None), None)


Step = Annotated[
    Annotated[PoseStep, Tag("pose")]
    | Annotated[VibrateStep, Tag("vibrate")]
    | Annotated[LedStep, Tag("led")]
    | Annotated[SoundStep, Tag("sound")]
    | Annotated[WaitStep, Tag("wait")]
    | Annotated[ParallelStep, Tag("parallel")]
    | Annotated[SequenceStep, Tag("sequence")],
    Discriminator(
        _step_kind,
        custom_error_type="step_kind",
        custom_error_message="a step is exactly one of: " + ", ".join(STEP_KINDS),
    ),
]
ParallelStep.model_rebuild()
SequenceStep.model_rebuild()


# -- behaviours -----------------------------------------------------------


class MoodEffect(Strict):
    """How much the pet's own mood shifts when the behaviour starts (each -1..1)."""

    valence: float = Field(0.0, ge=-1.0, le=1.0)
    arousal: float = Field(0.0, ge=-1.0, le=1.0)
    energy: float = Field(0.0, ge=-1.0, le=1.0)
    affection: float = Field(0.0, ge=-1.0, le=1.0)
    curiosity: float = Field(0.0, ge=-1.0, le=1.0)


class Behaviour(Strict):
    """One thing the pet can do, and when."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = ""
    when: list[Trigger] = Field(min_length=1)
    priority: int = Field(50, ge=0, le=100)
    cooldown_ms: int = Field(0, ge=0)
    interruptible: bool = True
    mood_effect: MoodEffect = Field(default_factory=MoodEffect)
    do: list[Step] = Field(min_length=1)


class LibraryFile(Strict):
    """A behaviour file: ``behaviors:`` holds one or more behaviours."""

    behaviors: list[Behaviour] = Field(min_length=1)


class PosesFile(Strict):
    """``poses.yaml``: named poses, each a mapping of joint to degrees."""

    poses: dict[str, dict[Joint, float]]
