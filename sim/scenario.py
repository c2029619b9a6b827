"""Scenario files: a timeline of what happens to the pet, in YAML.

    name: demo
    duration_ms: 6000
    events:
      - at_ms: 500
        touch: {gesture: stroke, zone: back, direction: with_fur, speed_mm_per_s: 250}

Errors are reported as ``file:line:col: path: message`` like behaviour files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from behaviors.yamlfile import YamlError, load_model
from brain.errors import UserError
from sensors.touch.layout import PadLayout
from sensors.touch.scripts import scripted_gesture
from sensors.touch.synthetic import Contact

PACKAGE_DIR = Path(__file__).resolve().parent
SCENARIO_DIR = PACKAGE_DIR / "scenarios"
DEMO_SCENARIO = SCENARIO_DIR / "demo.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TouchAction(_Strict):
    """A scripted hand on the body."""

    gesture: Literal["stroke", "pat", "hold", "hit", "poke"]
    zone: str = "back"
    direction: Literal["with_fur", "against_fur"] = "with_fur"
    speed_mm_per_s: float = Field(250.0, gt=0)
    pressure: float = Field(0.8, gt=0, le=1.5)
    duration_ms: int | None = Field(None, gt=0)


class ScenarioEvent(_Strict):
    """One scripted happening at ``at_ms`` of simulated time."""

    at_ms: int = Field(ge=0)
    touch: TouchAction | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_action(self) -> ScenarioEvent:
        if self.touch is None and self.note is None:
            raise ValueError("an event needs an action (touch) or a note")
        return self


class Expectation(_Strict):
    """What must happen for the scenario to pass (used by tests and ``--report``)."""

    behaviour: str
    within_ms: int = Field(gt=0)
    after_ms: int = Field(0, ge=0)


class Scenario(_Strict):
    """A whole scripted session."""

    name: str
    description: str = ""
    duration_ms: int = Field(gt=0, le=3_600_000)
    seed: int = 0
    events: list[ScenarioEvent] = Field(default_factory=list)
    expect: list[Expectation] = Field(default_factory=list)


def load_scenario(path: Path) -> Scenario:
    """Load and validate ``path``; problems raise UserError with located messages."""
    if not path.exists():
        raise UserError(f"scenario file not found: {path}")
    try:
        return load_model(path, Scenario)
    except YamlError as error:
        raise UserError("\n".join(error.messages)) from error


def touch_script(action: TouchAction, at_ms: int, layout: PadLayout) -> Contact:
    """The synthetic hand for one scripted touch: a typical hand that lands and lifts like one."""
    given = action.model_fields_set
    try:
        hand = scripted_gesture(
            layout,
            action.gesture,
            action.zone,
            at_ms,
            direction=action.direction,
            speed_mm_per_s=action.speed_mm_per_s,
            pressure=action.pressure if "pressure" in given else None,
            duration_ms=action.duration_ms,
        )
    except ValueError as error:
        raise UserError(str(error)) from None
    return hand.script


def contact_scripts(scenario: Scenario, layout: PadLayout) -> Sequence[Contact]:
    """Every scripted touch of ``scenario`` as a contact function."""
    return [
        touch_script(event.touch, event.at_ms, layout)
        for event in scenario.events
        if event.touch is not None
    ]
