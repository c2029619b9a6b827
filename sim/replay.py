"""Re-run the brain on a recorded session and check that it decides the same things.

The recording holds the contact the hand made on every pad at every scan,
every action done to the body (handling, the cable) and the session's seed,
so the virtual body produces byte-identical touch frames and an unchanged
brain must reproduce every decision at the same simulated millisecond. A
difference is a behaviour regression (or a deliberate change, which then
needs a new recording).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from behaviors.library import BehaviourLibrary
from brain.app.runtime import BrainEvent
from brain.errors import UserError
from brain.events import OwnerPresence
from sensors.audio.observations import AudioObservation
from sensors.camera.observations import VisionObservation
from sim.audio import deliver, observation_from_json
from sim.camera import vision_from_json
from sim.hands import PlayedContact
from sim.record import FORMAT_VERSION, METADATA_NAME
from sim.runner import SimReport, SimSession
from sim.scenario import Scenario, ScenarioEvent


@dataclass
class Recording:
    """What a replay needs from an MCAP recording."""

    path: Path
    scenario: Scenario
    tick_ms: int
    pad_count: int
    contact: list[tuple[int, list[float]]] = field(default_factory=list)
    actions: list[ScenarioEvent] = field(default_factory=list)
    heard: list[tuple[int, AudioObservation]] = field(default_factory=list)
    seen: list[tuple[int, VisionObservation]] = field(default_factory=list)
    presence: list[tuple[int, OwnerPresence]] = field(default_factory=list)
    decisions: list[tuple[int, str]] = field(default_factory=list)


def load_recording(path: Path) -> Recording:
    """Read ``path``; a file that is not a petbrain recording is a UserError."""
    from mcap.exceptions import McapError
    from mcap.reader import make_reader

    if not path.exists():
        raise UserError(f"recording not found: {path}")
    try:
        with path.open("rb") as stream:
            reader = make_reader(stream)
            meta: dict[str, str] | None = None
            for record in reader.iter_metadata():
                if record.name == METADATA_NAME:
                    meta = dict(record.metadata)
            if meta is None:
                raise UserError(f"{path}: not a petbrain session recording (no {METADATA_NAME})")
            if meta.get("format") != FORMAT_VERSION:
                raise UserError(f"{path}: recording format {meta.get('format')} is not supported")
            scenario_data: dict[str, Any] = json.loads(meta["scenario"])
            scenario_data["duration_ms"] = int(meta["duration_ms"])
            recording = Recording(
                path,
                Scenario.model_validate(scenario_data),
                int(meta["tick_ms"]),
                int(meta["pad_count"]),
            )
            topics = [
                "/sim/contact",
                "/sim/actions",
                "/perception/audio",
                "/perception/vision",
                "/perception/presence",
                "/brain/decisions",
            ]
            for _schema, channel, message in reader.iter_messages(topics=topics):
                data = json.loads(message.data)
                if channel.topic == "/sim/contact":
                    recording.contact.append((int(data["t_ms"]), list(data["pads"])))
                elif channel.topic == "/sim/actions":
                    recording.actions.append(ScenarioEvent.model_validate(data["event"]))
                elif channel.topic == "/perception/audio":
                    heard = observation_from_json(data["observation"])
                    if heard is not None:
                        recording.heard.append((int(data["t_ms"]), heard))
                elif channel.topic == "/perception/vision":
                    seen = vision_from_json(data["observation"])
                    recording.seen.append((int(data["t_ms"]), seen))
                elif channel.topic == "/perception/presence":
                    t_ms = int(data["t_ms"])
                    away = data.get("away_ms")
                    presence = OwnerPresence(t_ms, bool(data["present"]), away)
                    recording.presence.append((t_ms, presence))
                else:
                    recording.decisions.append((int(data["t_ms"]), str(data["behaviour"])))
    except (McapError, OSError, ValueError, KeyError, ValidationError) as error:
        raise UserError(f"{path}: unreadable recording: {error}") from error
    return recording


class RecordedPerception:
    """Tick callback: what the pipelines perceived, back to the brain at the tick it came."""

    def __init__(
        self,
        heard: list[tuple[int, AudioObservation]],
        seen: list[tuple[int, VisionObservation]],
        presence: list[tuple[int, OwnerPresence]],
    ) -> None:
        items: list[tuple[int, int, object]] = [(t, 0, o) for t, o in heard]
        items += [(t, 1, o) for t, o in seen]
        items += [(t, 2, o) for t, o in presence]
        self._due = sorted(items, key=lambda item: (item[0], item[1]))

    def __call__(self, session: SimSession, events: list[BrainEvent]) -> None:
        """Deliver every recorded observation whose tick has come, in the original order."""
        while self._due and self._due[0][0] <= session.now_ms:
            _, kind, item = self._due.pop(0)
            if kind == 0:
                deliver(session, [], item)  # type: ignore[arg-type]
            elif kind == 1:
                # Fusion only: presence comes from the recording's own presence events.
                session.brain.perceive(item)
            else:
                session.brain.observe(item)  # type: ignore[arg-type]


@dataclass
class ReplayResult:
    """The replayed run and how its decisions compare with the recorded ones."""

    report: SimReport
    recorded: list[tuple[int, str]]
    replayed: list[tuple[int, str]]
    differences: list[str]

    @property
    def matches(self) -> bool:
        """True when every decision was reproduced at the same time."""
        return not self.differences


def compare_decisions(
    recorded: list[tuple[int, str]], replayed: list[tuple[int, str]]
) -> list[str]:
    """Human lines for every decision that differs (empty when identical)."""
    out: list[str] = []
    for i in range(max(len(recorded), len(replayed))):
        a = recorded[i] if i < len(recorded) else None
        b = replayed[i] if i < len(replayed) else None
        if a == b:
            continue
        if a is None and b is not None:
            out.append(f"#{i}: extra decision {b[1]} at {b[0]} ms")
        elif b is None and a is not None:
            out.append(f"#{i}: recorded {a[1]} at {a[0]} ms, replay decided nothing")
        elif a is not None and b is not None:
            out.append(f"#{i}: recorded {a[1]} at {a[0]} ms, replay chose {b[1]} at {b[0]} ms")
    return out


def replay(recording: Recording, library: BehaviourLibrary | None = None) -> ReplayResult:
    """Run the brain again on the recorded contact, headless."""
    contact = PlayedContact(recording.pad_count, recording.contact)
    # Touches come back as contact; everything else done to the body as it was done.
    scenario = recording.scenario.model_copy(update={"events": recording.actions})
    session = SimSession(scenario, library=library, tick_ms=recording.tick_ms, contact=contact)
    session.on_tick.append(RecordedPerception(recording.heard, recording.seen, recording.presence))
    if session.robot.layout.pad_count != recording.pad_count:
        session.close()
        raise UserError(
            f"{recording.path}: recorded body has {recording.pad_count} pads, "
            f"this robot has {session.robot.layout.pad_count}"
        )
    report = session.run()
    replayed = report.decisions()
    return ReplayResult(
        report, recording.decisions, replayed, compare_decisions(recording.decisions, replayed)
    )
