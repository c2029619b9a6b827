"""Session recordings as MCAP: JSON messages with JSON schemas, so Foxglove opens them.

What is kept: the hand's contact on each pad and the actions done to the body
(handling, the cable) and what the audio and vision pipelines perceived
(observations, never samples or pixels): the input a replay needs; the touch frames and other
reports the body sent (observations), every command the brain sent, the
brain's events and decisions, and the body's physical state. Never a camera
frame or an audio sample. Times are the simulator's clock
(``log_time`` = ``t_ms`` in nanoseconds).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from brain.app.runtime import BrainEvent
from brain.errors import UserError
from brain.events import OwnerPresence
from firmware import wire
from sensors.audio.observations import AudioObservation
from sensors.camera.observations import VisionObservation
from sim.camera import vision_to_json
from sim.runner import SimReport, SimSession
from sim.scenario import ScenarioEvent

FORMAT_VERSION = "1"
METADATA_NAME = "petbrain.session"

_NUMBERS = {"type": "array", "items": {"type": "number"}}
_T = {"t_ms": {"type": "integer", "description": "simulated time, ms"}}
_MESSAGE = {
    "type": "object",
    "properties": {**_T, "type": {"type": "string"}, "fields": {"type": "object"}},
}
SCHEMAS: dict[str, tuple[str, dict[str, Any]]] = {
    "/sim/actions": (
        "petbrain.Action",
        {"type": "object", "properties": {**_T, "event": {"type": "object"}}},
    ),
    "/perception/audio": (
        "petbrain.AudioObservation",
        {"type": "object", "properties": {**_T, "observation": {"type": "object"}}},
    ),
    "/perception/vision": (
        "petbrain.VisionObservation",
        {"type": "object", "properties": {**_T, "observation": {"type": "object"}}},
    ),
    "/perception/presence": (
        "petbrain.OwnerPresence",
        {"type": "object", "properties": {**_T, "present": {"type": "boolean"}}},
    ),
    "/sim/contact": (
        "petbrain.Contact",
        {"type": "object", "properties": {**_T, "pads": _NUMBERS}},
    ),
    "/body/touch_frame": (
        "petbrain.TouchFrame",
        {
            "type": "object",
            "properties": {**_T, "body_t_ms": {"type": "integer"}, "values": _NUMBERS},
        },
    ),
    "/body/report": (
        "petbrain.BodyReport",
        _MESSAGE,
    ),
    "/brain/commands": (
        "petbrain.Command",
        _MESSAGE,
    ),
    "/brain/events": (
        "petbrain.BrainEvent",
        {"type": "object", "properties": {**_T, "kind": {"type": "string"}}},
    ),
    "/brain/decisions": (
        "petbrain.Decision",
        {
            "type": "object",
            "properties": {
                **_T,
                "behaviour": {"type": "string"},
                "trigger": {"type": "string"},
                "priority": {"type": "number"},
                "lost": {"type": "array"},
            },
        },
    ),
    "/body/state": (
        "petbrain.BodyState",
        {
            "type": "object",
            "properties": {**_T, "joints_deg": {"type": "object"}, "vibration": {"type": "number"}},
        },
    ),
}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


def message_fields(message: wire.Message) -> dict[str, Any]:
    """A link message's fields as plain JSON values."""
    return {name: _plain(getattr(message, name, None)) for name in message.FIELDS}


class SessionRecorder:
    """Writes one session to an MCAP file as it runs; ``close`` ends the file."""

    def __init__(self, session: SimSession, path: Path) -> None:
        from mcap.writer import Writer

        self.path = path
        self.session = session
        try:
            self._stream: IO[bytes] = path.open("wb")
        except OSError as error:
            raise UserError(f"cannot write recording {path}: {error}") from error
        self._writer = Writer(self._stream)
        self._writer.start(profile="", library="petbrain")
        self._channels: dict[str, int] = {}
        self._sequence = 0
        for topic, (name, schema) in SCHEMAS.items():
            schema_id = self._writer.register_schema(
                name=name, encoding="jsonschema", data=json.dumps(schema).encode()
            )
            self._channels[topic] = self._writer.register_channel(
                topic=topic, message_encoding="json", schema_id=schema_id
            )
        session.contact.listeners.append(self._on_contact)
        session.action_listeners.append(self._on_action)
        if session.audio is not None:
            session.audio.listeners.append(self._on_audio)
        if session.camera is not None:
            session.camera.listeners.append(self._on_vision)
            session.camera.presence_listeners.append(self._on_presence)
        session.tap.listeners.append(self._on_message)
        session.on_tick.append(self._on_tick)
        self.messages = 0

    def write(self, topic: str, t_ms: int, data: dict[str, Any]) -> None:
        """Add one JSON message on ``topic`` at simulated ``t_ms``."""
        self._sequence += 1
        stamp = max(0, t_ms) * 1_000_000
        self._writer.add_message(
            channel_id=self._channels[topic],
            log_time=stamp,
            data=json.dumps({"t_ms": t_ms, **data}).encode(),
            publish_time=stamp,
            sequence=self._sequence,
        )
        self.messages += 1

    def _on_audio(self, t_ms: int, observation: AudioObservation) -> None:
        self.write("/perception/audio", t_ms, {"observation": observation.to_json()})

    def _on_vision(self, t_ms: int, observation: VisionObservation) -> None:
        self.write("/perception/vision", t_ms, {"observation": vision_to_json(observation)})

    def _on_presence(self, t_ms: int, presence: OwnerPresence) -> None:
        self.write(
            "/perception/presence", t_ms, {"present": presence.present, "away_ms": presence.away_ms}
        )

    def _on_action(self, event: ScenarioEvent) -> None:
        data = event.model_dump(mode="json", exclude_none=True)
        self.write("/sim/actions", event.at_ms, {"event": data})

    def _on_contact(self, t_ms: int, values: tuple[float, ...]) -> None:
        self.write("/sim/contact", t_ms, {"pads": list(values)})

    def _on_message(self, t_ms: int, direction: str, message: wire.Message) -> None:
        if direction == "down":
            fields = message_fields(message)
            self.write("/brain/commands", t_ms, {"type": message.NAME, "fields": fields})
        elif isinstance(message, wire.TouchFrame):
            values = list(message.values)
            self.write("/body/touch_frame", t_ms, {"body_t_ms": message.t_ms, "values": values})
        elif not isinstance(message, wire.Heartbeat):
            fields = message_fields(message)
            self.write("/body/report", t_ms, {"type": message.NAME, "fields": fields})

    def _on_tick(self, session: SimSession, events: list[BrainEvent]) -> None:
        for event in events:
            data = event.to_json()
            data.pop("t_ms", None)
            # Stamped with the tick that produced it (the brain stamps a few session
            # events with 0), so the channel stays in time order.
            self.write("/brain/events", session.now_ms, data)
            if event.kind == "decision":
                self.write("/brain/decisions", event.t_ms, dict(event.data))
        if session.now_ms % session.sample_every_ms == 0:
            sample = session.sample()
            self.write(
                "/body/state",
                sample.t_ms,
                {"joints_deg": sample.joints_deg, "vibration": sample.vibration},
            )

    def close(self, report: SimReport) -> None:
        """Write what a replay needs to rebuild the session, and end the file."""
        scenario = self.session.scenario.model_dump(mode="json")
        self._writer.add_metadata(
            METADATA_NAME,
            {
                "format": FORMAT_VERSION,
                "scenario": json.dumps(scenario),
                "tick_ms": str(self.session.tick_ms),
                "duration_ms": str(report.duration_ms),
                "pad_count": str(self.session.robot.layout.pad_count),
            },
        )
        self._writer.finish()  # type: ignore[no-untyped-call]
        self._stream.close()
