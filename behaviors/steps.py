"""Timeline steps (``do:``): pose, vibrate, led, sound, wait, parallel, sequence, choose, use."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Discriminator, Field, Tag, model_validator

from behaviors.triggers import Strict
from behaviors.vocabulary import EASINGS, LED_PATTERNS, VIBRATION_PATTERNS

Easing = Literal[EASINGS]  # type: ignore[valid-type]
VibrationPattern = Literal[VIBRATION_PATTERNS]  # type: ignore[valid-type]
LedPattern = Literal[LED_PATTERNS]  # type: ignore[valid-type]
# Spelled out so type checkers see it; tests check it equals vocabulary.JOINTS.
Joint = Literal[
    "head_yaw", "head_pitch", "ear_left", "ear_right", "tail_swish", "tail_lift", "spine", "eyelids"
]


class PoseAngles(Strict):
    """Joint angles in degrees; each joint only within the range a designer may ask for.

    The robot's calibration narrows these further and the body clamps again.
    """

    head_yaw: float | None = Field(None, ge=-60.0, le=60.0)  # + turns left
    head_pitch: float | None = Field(None, ge=-30.0, le=40.0)  # + looks up
    ear_left: float | None = Field(None, ge=-60.0, le=30.0)  # + pricked, - flattened
    ear_right: float | None = Field(None, ge=-60.0, le=30.0)
    tail_swish: float | None = Field(None, ge=-50.0, le=50.0)  # side to side
    tail_lift: float | None = Field(None, ge=-20.0, le=70.0)  # + raised
    spine: float | None = Field(None, ge=-25.0, le=25.0)  # + arched into the hand
    eyelids: float | None = Field(None, ge=0.0, le=100.0)  # 0 open .. 100 closed

    def angles(self) -> dict[str, float]:
        """The joints given, in degrees."""
        return {j: a for j in type(self).model_fields if (a := getattr(self, j)) is not None}


class PoseSpec(Strict):
    """Move joints (degrees) over ``duration_ms``: a named pose, explicit joints, or both."""

    name: str | None = None
    joints: PoseAngles = Field(default_factory=PoseAngles)
    duration_ms: int = Field(300, ge=0, le=60_000)
    easing: Easing = "ease_in_out"

    @model_validator(mode="after")
    def _check(self) -> PoseSpec:
        if self.name is None and not self.joints.angles():
            raise ValueError("a pose needs a 'name' or 'joints'")
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
    """Play a named cat sound from the sound library (``behaviors/sounds/NAME.wav``)."""

    name: str
    volume: float = Field(0.8, ge=0.0, le=1.0)


class WaitSpec(Strict):
    """Do nothing new for ``duration_ms`` (up to ten minutes: a nap is a long wait)."""

    duration_ms: int = Field(ge=0, le=600_000)


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


class Variant(Strict):
    """One option of a ``choose`` step, picked with probability proportional to ``weight``."""

    weight: float = Field(1.0, gt=0.0, le=1000.0)
    do: list[Step] = Field(min_length=1)


class ChooseStep(Strict):
    """Timeline step ``choose:``: one variant at random (seeded), weighted."""

    choose: list[Variant] = Field(min_length=1)


class UseStep(Strict):
    """Timeline step ``use: TEMPLATE`` with parameters ``with:`` (expanded when loading)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)

    use: str
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")


STEP_KINDS = ("pose", "vibrate", "led", "sound", "wait", "parallel", "sequence", "choose", "use")


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
    | Annotated[SequenceStep, Tag("sequence")]
    | Annotated[ChooseStep, Tag("choose")]
    | Annotated[UseStep, Tag("use")],
    Discriminator(
        _step_kind,
        custom_error_type="step_kind",
        custom_error_message="a step is exactly one of: " + ", ".join(STEP_KINDS),
    ),
]
ParallelStep.model_rebuild()
SequenceStep.model_rebuild()
Variant.model_rebuild()
ChooseStep.model_rebuild()


def walk_steps(steps: list[Step]) -> list[Step]:
    """Every step in ``steps``, depth first, including those nested in groups and variants."""
    out: list[Step] = []
    for step in steps:
        out.append(step)
        if isinstance(step, ParallelStep):
            out.extend(walk_steps(step.parallel))
        elif isinstance(step, SequenceStep):
            out.extend(walk_steps(step.sequence))
        elif isinstance(step, ChooseStep):
            for variant in step.choose:
                out.extend(walk_steps(variant.do))
    return out
