"""The behaviour language: pydantic models are the source of truth.

A library file holds ``behaviors:`` (a list of behaviours) and optionally
``templates:`` (parameterised behaviours or step lists, used with ``use:`` and
``with:``). A behaviour has triggers (``when``), conditions (``unless``,
``only_if``), a ``priority``, a ``cooldown_ms``, a retrigger ``mode``,
``habituation``, a ``mood_effect`` and a timeline (``do``). Triggers and
conditions live in :mod:`behaviors.triggers`, steps in :mod:`behaviors.steps`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Discriminator, Field, Tag, model_validator

from behaviors.steps import (
    STEP_KINDS,
    ChooseStep,
    Easing,
    Joint,
    LedPattern,
    LedSpec,
    LedStep,
    ParallelStep,
    PoseAngles,
    PoseSpec,
    PoseStep,
    SequenceStep,
    SoundSpec,
    SoundStep,
    Step,
    UseStep,
    Variant,
    VibrateSpec,
    VibrateStep,
    VibrationPattern,
    WaitSpec,
    WaitStep,
    walk_steps,
)
from behaviors.triggers import (
    Condition,
    Direction,
    Gesture,
    HandlingTrigger,
    IdleTrigger,
    LoudSoundTrigger,
    MoodSpec,
    OnsetTrigger,
    OwnerEmotionChange,
    OwnerEmotionSpec,
    OwnerTrigger,
    Range,
    RecentSpec,
    RhythmSpec,
    RhythmTrigger,
    Strict,
    TimeOfDay,
    TouchTrigger,
    Trigger,
    WelcomeSpec,
    Zone,
)
from behaviors.vocabulary import RETRIGGER_MODES

__all__ = [
    "STEP_KINDS",
    "Behaviour",
    "ChooseStep",
    "Condition",
    "Direction",
    "Easing",
    "Entry",
    "Gesture",
    "Habituation",
    "HandlingTrigger",
    "IdleTrigger",
    "Joint",
    "LedPattern",
    "LedSpec",
    "LedStep",
    "LibraryFile",
    "LoudSoundTrigger",
    "MoodEffect",
    "MoodSpec",
    "MoodValues",
    "OnsetTrigger",
    "OwnerEmotionChange",
    "OwnerEmotionSpec",
    "OwnerTrigger",
    "ParallelStep",
    "PoseAngles",
    "PoseSpec",
    "PoseStep",
    "PosesFile",
    "Range",
    "RecentSpec",
    "RhythmSpec",
    "RhythmTrigger",
    "RhythmWindow",
    "SequenceStep",
    "SoundSpec",
    "SoundStep",
    "Step",
    "Strict",
    "Temperament",
    "Template",
    "TemplateParam",
    "TemplatedBehaviour",
    "TimeOfDay",
    "TouchTrigger",
    "Trigger",
    "UseStep",
    "Variant",
    "VibrateSpec",
    "VibrateStep",
    "VibrationPattern",
    "WaitSpec",
    "WaitStep",
    "WelcomeSpec",
    "Zone",
    "walk_steps",
]

Mode = Literal[RETRIGGER_MODES]  # type: ignore[valid-type]
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
# Trigger kinds by which the pet acts on its own initiative (welcome learning applies).
PROACTIVE_TRIGGERS = ("idle", "mood", "time_of_day", "rhythm")


class MoodEffect(Strict):
    """How much the pet's own mood shifts when the behaviour starts (each -1..1)."""

    valence: float = Field(0.0, ge=-1.0, le=1.0)
    arousal: float = Field(0.0, ge=-1.0, le=1.0)
    energy: float = Field(0.0, ge=-1.0, le=1.0)
    affection: float = Field(0.0, ge=-1.0, le=1.0)
    curiosity: float = Field(0.0, ge=-1.0, le=1.0)


class Habituation(Strict):
    """Repeats within ``window_ms`` excite less: response x 0.5 every ``half_after`` repeats.

    The factor (never below ``floor``) scales the behaviour's score, its
    movements, vibration and sound volume, and its mood effect.
    """

    window_ms: int = Field(60_000, ge=1000, le=3_600_000)
    half_after: float = Field(4.0, gt=0.0, le=100.0)
    floor: float = Field(0.2, ge=0.0, le=1.0)

    def factor(self, repeats: int) -> float:
        """Response factor after ``repeats`` earlier starts inside the window."""
        return max(self.floor, float(0.5 ** (repeats / self.half_after)))


class Behaviour(Strict):
    """One thing the pet can do, and when."""

    name: str = Field(pattern=NAME_PATTERN)
    description: str = ""
    when: list[Trigger] = Field(min_length=1)
    unless: list[Condition] = Field(default_factory=list)
    only_if: list[Condition] = Field(default_factory=list)
    priority: int = Field(50, ge=0, le=100)
    reflex: bool = False
    cooldown_ms: int = Field(0, ge=0, le=86_400_000)
    mode: Mode = "single"
    max_queued: int = Field(1, ge=1, le=10)
    interruptible: bool = True
    habituation: Habituation | None = None
    mood_effect: MoodEffect = Field(default_factory=MoodEffect)
    # Started on the pet's own initiative: owner memory learns how welcome it is and may
    # hold it back. Unset: derived from the triggers (idle, mood, time_of_day, rhythm, or
    # a persisting owner_emotion). Reflexes and answers to the owner are never held back.
    proactive: bool | None = None
    do: list[Step] = Field(min_length=1)

    @property
    def is_proactive(self) -> bool:
        """Whether owner memory judges this behaviour (see ``proactive``)."""
        if self.reflex:
            return False
        if self.proactive is not None:
            return self.proactive
        return all(
            t.kind() in PROACTIVE_TRIGGERS
            or (t.owner_emotion is not None and t.owner_emotion.for_ms > 0)
            for t in self.when
        )


class TemplatedBehaviour(Strict):
    """A behaviour made from a template: ``use:`` it ``with:`` parameters; other fields override."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)

    name: str = Field(pattern=NAME_PATTERN)
    use: str
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")
    description: str | None = None
    when: list[Trigger] | None = None
    unless: list[Condition] | None = None
    only_if: list[Condition] | None = None
    priority: int | None = Field(None, ge=0, le=100)
    reflex: bool | None = None
    cooldown_ms: int | None = Field(None, ge=0, le=86_400_000)
    mode: Mode | None = None
    max_queued: int | None = Field(None, ge=1, le=10)
    interruptible: bool | None = None
    habituation: Habituation | None = None
    mood_effect: MoodEffect | None = None
    proactive: bool | None = None
    do: list[Step] | None = None


class TemplateParam(Strict):
    """A template parameter; it is required unless it has a ``default``."""

    description: str = ""
    default: Any = None

    @property
    def required(self) -> bool:
        """True when no default was given."""
        return "default" not in self.model_fields_set


class Template(Strict):
    """A reusable ``behaviour`` (minus its name) or list of ``steps``, with ``${param}`` holes."""

    description: str = ""
    params: dict[str, TemplateParam] = Field(default_factory=dict)
    behaviour: dict[str, Any] | None = None
    steps: list[Any] | None = None

    @model_validator(mode="after")
    def _one_body(self) -> Template:
        if (self.behaviour is None) == (self.steps is None):
            raise ValueError("a template has exactly one of 'behaviour' or 'steps'")
        return self


def _entry_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "template" if "use" in value else "behaviour"
    return "template" if isinstance(value, TemplatedBehaviour) else "behaviour"


Entry = Annotated[
    Annotated[Behaviour, Tag("behaviour")] | Annotated[TemplatedBehaviour, Tag("template")],
    Discriminator(_entry_kind),
]


class LibraryFile(Strict):
    """A behaviour file: ``behaviors:`` and/or ``templates:``."""

    templates: dict[Annotated[str, Field(pattern=NAME_PATTERN)], Template] = Field(
        default_factory=dict
    )
    behaviors: list[Entry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> LibraryFile:
        if not self.templates and not self.behaviors:
            raise ValueError("a library file needs 'behaviors' or 'templates'")
        return self


class PosesFile(Strict):
    """``poses.yaml``: named poses, each a mapping of joint to degrees."""

    poses: dict[str, PoseAngles]


class MoodValues(Strict):
    """A value for each mood dimension, each -1..1."""

    valence: float = Field(0.0, ge=-1.0, le=1.0)
    arousal: float = Field(0.0, ge=-1.0, le=1.0)
    energy: float = Field(0.0, ge=-1.0, le=1.0)
    affection: float = Field(0.0, ge=-1.0, le=1.0)
    curiosity: float = Field(0.0, ge=-1.0, le=1.0)


class RhythmWindow(TimeOfDay):
    """A daily window (``after``..``before``, may wrap midnight) that shifts the baseline."""

    shift: MoodEffect


class Temperament(Strict):
    """``temperament.yaml``: the pet's character, the mood it returns to."""

    baseline: MoodValues = Field(default_factory=MoodValues)
    # Daily rhythm: baseline shifts in time windows (sleepy at night, lively at dawn).
    rhythm: list[RhythmWindow] = Field(default_factory=list)
    # Time for a displaced mood to come half way back to the baseline.
    half_life_ms: int = Field(60_000, ge=1000, le=86_400_000)
    # Per-dimension half-lives that override half_life_ms (affection heals slowly).
    half_life_overrides_ms: dict[
        Literal["valence", "arousal", "energy", "affection", "curiosity"], int
    ] = Field(default_factory=dict)
    # Multiplies every behaviour's mood_effect: 0.5 a placid cat, 1.5 a touchy one.
    sensitivity: float = Field(1.0, ge=0.0, le=3.0)
