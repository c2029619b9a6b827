"""Scenario files: a timeline of what happens to the pet, in YAML (see docs/simulator.md).

    name: demo
    duration_ms: 6000
    events:
      - at_ms: 500
        touch: {gesture: stroke, zone: back, direction: with_fur, speed_mm_per_s: 250}
      - at_ms: 2500
        voice: {file: voices/hello.wav}

Each event has exactly one action: ``touch``, ``touch_trace``, ``face``,
``voice``, ``sound``, ``handling``, ``owner``, ``cable``, ``battery`` or
``note``. Media paths are
relative to the scenario file. Errors are reported as
``file:line:col: path: message`` like behaviour files, and a missing media
file is an error before the run starts.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from behaviors.yamlfile import YamlError, load_yaml, locate, validation_messages
from brain.clock import DEFAULT_SIM_START
from brain.errors import UserError
from sensors.touch.layout import ZONE_GROUPS, ZONES

PACKAGE_DIR = Path(__file__).resolve().parent
SCENARIO_DIR = PACKAGE_DIR / "scenarios"
DEMO_SCENARIO = SCENARIO_DIR / "demo.yaml"
FACES_DIR = PACKAGE_DIR / "faces"  # bundled expression photos: <expression>.<jpg|png>

ZoneName = Literal[(*ZONES, *ZONE_GROUPS)]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TouchAction(_Strict):
    """A scripted hand on the body; the real classifier decides what it was."""

    # grab, squeeze and hug need a taxel grid on the zone (a robot with touch.grids).
    gesture: Literal[
        "stroke", "pat", "hold", "hit", "poke", "tickle", "scratch", "grab", "squeeze", "hug"
    ]
    zone: ZoneName = "back"
    direction: Literal["with_fur", "against_fur"] = "with_fur"  # strokes
    # Unset: the gesture's typical value (a stroke at 250 mm/s, a pat of 150 ms...).
    speed_mm_per_s: float | None = Field(None, gt=0, le=3000)
    pressure: float | None = Field(None, gt=0, le=1.0)  # 1.0 = a firm palm
    duration_ms: int | None = Field(None, gt=0, le=60_000)


class TouchTraceAction(_Strict):
    """Touch frames recorded from a real robot (JSONL, the touch issue's format)."""

    file: Path


class FaceAction(_Strict):
    """A face in front of the camera: an image, a video, or a bundled expression."""

    image: Path | None = None
    video: Path | None = None
    expression: str | None = None
    duration_ms: int = Field(3000, gt=0, le=600_000)

    @model_validator(mode="after")
    def _one_source(self) -> FaceAction:
        given = [n for n in ("image", "video", "expression") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("a face needs exactly one of image, video or expression")
        return self


class VoiceAction(_Strict):
    """Someone speaks: a wav file played into the microphone."""

    file: Path


class SoundAction(_Strict):
    """A non-speech sound: a loud bang by default, or a wav file."""

    kind: Literal["loud", "file"] = "loud"
    level_db: float = Field(100.0, ge=30, le=130)  # SPL at the pet (a door slammed nearby)
    duration_ms: int = Field(150, gt=0, le=10_000)
    file: Path | None = None

    @model_validator(mode="after")
    def _file_when_file(self) -> SoundAction:
        if (self.kind == "file") != (self.file is not None):
            raise ValueError("kind 'file' needs 'file', and only it takes one")
        return self


class HandlingAction(_Strict):
    """The pet is picked up, shaken, put down, dropped or turned over (felt by the IMU)."""

    action: Literal["pick_up", "shake", "put_down", "drop", "turn_over"]


class CableAction(_Strict):
    """The serial cable between brain and body is pulled out or plugged back in."""

    plugged: bool


class BatteryAction(_Strict):
    """The body's battery voltage changes (a low battery makes the body rest)."""

    mv: int = Field(ge=2500, le=5000)


class OwnerAction(_Strict):
    """The owner arrives in the room or leaves it."""

    present: bool


ACTIONS = (
    "touch",
    "touch_trace",
    "face",
    "voice",
    "sound",
    "handling",
    "owner",
    "cable",
    "battery",
    "note",
)
# Fields naming a file that must exist before the run starts.
MEDIA_FIELDS = {
    "touch_trace": ("file",),
    "face": ("image", "video"),
    "voice": ("file",),
    "sound": ("file",),
}


class ScenarioEvent(_Strict):
    """One scripted happening at ``at_ms`` of simulated time."""

    at_ms: int = Field(ge=0)
    touch: TouchAction | None = None
    touch_trace: TouchTraceAction | None = None
    face: FaceAction | None = None
    voice: VoiceAction | None = None
    sound: SoundAction | None = None
    handling: HandlingAction | None = None
    owner: OwnerAction | None = None
    cable: CableAction | None = None
    battery: BatteryAction | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_action(self) -> ScenarioEvent:
        given = [name for name in ACTIONS if getattr(self, name) is not None]
        if len(given) != 1:
            what = ", ".join(given) if given else "none"
            raise ValueError(f"an event needs exactly one action of {ACTIONS} (got {what})")
        return self

    @property
    def action(self) -> str:
        """Which action this event holds."""
        return next(name for name in ACTIONS if getattr(self, name) is not None)


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
    # The home's local date and time when the scenario starts (simulated: the
    # host's clock and time zone never matter). Default: DEFAULT_SIM_START,
    # Saturday 2026-03-14 14:00.
    start: datetime = DEFAULT_SIM_START
    owner_present: bool = False  # the owner's face in view of the camera at the start
    events: list[ScenarioEvent] = Field(default_factory=list)
    expect: list[Expectation] = Field(default_factory=list)

    def actions_used(self) -> set[str]:
        """The kinds of action the events use."""
        return {event.action for event in self.events}


def _media_problems(path: Path, document: Any, scenario: Scenario) -> tuple[list[str], Scenario]:
    """Missing media as located messages; the scenario with media paths made absolute."""
    problems: list[str] = []
    data = scenario.model_dump(mode="python", exclude_none=True)
    for i, event in enumerate(scenario.events):
        action = event.action
        for name in MEDIA_FIELDS.get(action, ()):
            value = getattr(getattr(event, action), name)
            if value is None:
                continue
            resolved = value if value.is_absolute() else (path.parent / value)
            problem = (
                f"file not found: {resolved}"
                if not resolved.is_file()
                else _content_problem(action, name, resolved)
            )
            if problem is not None:
                line, col, dotted = locate(document, ["events", i, action, name])
                problems.append(f"{path}:{line}:{col}: {dotted}: {problem}")
            data["events"][i][action][name] = resolved.resolve()
        if action == "face" and event.face is not None and event.face.expression is not None:
            found = bundled_face(event.face.expression)
            if found is None:
                line, col, dotted = locate(document, ["events", i, "face", "expression"])
                known = ", ".join(bundled_expressions()) or "none bundled yet"
                problems.append(
                    f"{path}:{line}:{col}: {dotted}: no bundled face "
                    f"'{event.face.expression}' (known: {known})"
                )
    return problems, Scenario.model_validate(data)


# Media a scenario plays are read whole before the run; larger files are refused.
MAX_MEDIA_BYTES = 32 * 1024 * 1024


def _content_problem(action: str, field_name: str, path: Path) -> str | None:
    """Why ``path`` cannot be played as this event's media (checked before the run)."""
    if field_name == "video":
        return None  # decoded by ffmpeg while it plays; an outage is reported once
    if path.stat().st_size > MAX_MEDIA_BYTES:
        return f"{path} is over the {MAX_MEDIA_BYTES} byte limit"
    try:
        if action == "touch_trace":
            from sensors.touch.trace import read_trace

            read_trace(path)
        elif action == "face":
            from sim.media import decode_image

            decode_image(path.read_bytes())
        else:
            from sim.media import decode_wav

            decode_wav(path.read_bytes())
    except UserError as error:
        return f"{path}: {error}"
    except (OSError, ValueError, KeyError, TypeError, UnicodeError) as error:
        # read_trace's TraceError is a ValueError; garbage JSON raises ValueError too.
        return f"{path}: {error}"
    return None


def _plan_problems(
    path: Path, document: Any, scenario: Scenario, behaviours: Collection[str] | None
) -> list[str]:
    """Events after the end, and expectations no run could meet, as located messages."""
    problems: list[str] = []
    end = scenario.duration_ms
    for i, event in enumerate(scenario.events):
        if event.at_ms >= end:
            line, col, dotted = locate(document, ["events", i, "at_ms"])
            problems.append(
                f"{path}:{line}:{col}: {dotted}: {event.at_ms} ms is not before the "
                f"scenario's end (duration_ms {end})"
            )
    for i, expect in enumerate(scenario.expect):
        if expect.after_ms >= end:
            line, col, dotted = locate(document, ["expect", i, "after_ms"])
            problems.append(
                f"{path}:{line}:{col}: {dotted}: {expect.after_ms} ms is not before the "
                f"scenario's end (duration_ms {end})"
            )
        if behaviours is not None and expect.behaviour not in behaviours:
            line, col, dotted = locate(document, ["expect", i, "behaviour"])
            close = get_close_matches(expect.behaviour, list(behaviours), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(
                f"{path}:{line}:{col}: {dotted}: no behaviour '{expect.behaviour}' "
                f"in the library{hint}"
            )
    return problems


def bundled_expressions() -> list[str]:
    """Names of the bundled face photos (``sim/faces/<name>.jpg``)."""
    if not FACES_DIR.is_dir():
        return []
    return sorted(p.stem for p in FACES_DIR.iterdir() if p.suffix in (".jpg", ".png"))


def bundled_face(expression: str) -> Path | None:
    """The bundled photo for ``expression``, if there is one."""
    for suffix in (".jpg", ".png"):
        candidate = FACES_DIR / f"{expression}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def shipped_scenarios() -> list[str]:
    """Names of the scenarios that ship in ``sim/scenarios``."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def load_scenario(path: Path, behaviours: Collection[str] | None = None) -> Scenario:
    """Load and validate ``path`` (or a shipped scenario's name); problems raise UserError.

    With ``behaviours`` (the library's names) an expectation naming another
    behaviour is an error too, before anything runs.
    """
    if not path.exists() and path.suffix == "" and (SCENARIO_DIR / f"{path}.yaml").exists():
        path = SCENARIO_DIR / f"{path}.yaml"
    if not path.exists():
        raise UserError(f"scenario file not found: {path}")
    try:
        document = load_yaml(path)
        if document is None:
            raise YamlError([f"{path}:1:1: (document): the file is empty"])
        try:
            scenario = Scenario.model_validate(document)
        except ValidationError as error:
            raise YamlError(validation_messages(path, document, error)) from error
        problems, scenario = _media_problems(path, document, scenario)
        problems += _plan_problems(path, document, scenario, behaviours)
        if problems:
            raise YamlError(problems)
    except YamlError as error:
        raise UserError("\n".join(error.messages)) from error
    return scenario
