"""What the dashboard shows, taken from a running session on the simulator's own thread.

The simulator calls :class:`StatePublisher` after every tick; every
``period_ms`` of simulated time it turns the body's physical state and the
brain's state into one JSON document. Web clients wait for the next document
(:meth:`StatePublisher.wait`), so they never touch the brain from their threads.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from typing import Any

from brain.event_stream import StateBoard
from brain.runtime import BrainEvent
from firmware import wire
from sensors.audio.observations import AudioObservation
from sim.runner import SimSession

VIBE_NAMES = {
    wire.VIBE_OFF: "off",
    wire.VIBE_PURR: "purr",
    wire.VIBE_PULSE: "pulse",
    wire.VIBE_TWITCH: "twitch",
    wire.VIBE_CONSTANT: "constant",
}

# Shown in their own panel, too frequent for the log.
QUIET_KINDS = ("owner_emotion",)

# Extra panels (owner emotion, inputs) plug in here: name -> function of the session.
PanelSource = Callable[[SimSession], dict[str, Any] | None]


def describe_event(event: BrainEvent) -> str:
    """One line for the event log."""
    data = event.data
    if event.kind == "touch":
        kind = data.get("type")
        if kind == "onset":
            return f"touch onset on {data.get('zone')}"
        if kind == "gesture":
            zones = data.get("zones") or ["?"]
            extra = f" {data['direction']}" if data.get("direction") else ""
            speed = data.get("speed_mm_per_s") or 0
            pace = f" {speed:.0f} mm/s" if speed else ""
            live = " (ongoing)" if data.get("ongoing") else ""
            return f"{data.get('gesture')} on {zones[0]}{extra}{pace}{live}"
        if kind == "release":
            return f"hand lifted after {data.get('duration_ms')} ms"
    if event.kind == "decision":
        return f"-> {data.get('behaviour')} ({data.get('trigger')})"
    if event.kind == "held_back":
        return f"held back {data.get('behaviour')}: {data.get('reason')}"
    if event.kind == "sound":
        return f"sound {data.get('name')} at volume {data.get('volume')}"
    if event.kind == "owner_emotion":
        probabilities: dict[str, float] = data.get("probabilities") or {}
        label = max(probabilities.items(), key=lambda item: item[1])[0] if probabilities else "?"
        return (
            f"owner seems {label} (valence {data.get('valence', 0):+.2f}, "
            f"arousal {data.get('arousal', 0):+.2f}, confidence {data.get('confidence', 0):.2f})"
        )
    parts = ", ".join(f"{k}={v}" for k, v in data.items())
    return f"{event.kind} {parts}".strip()


IMU_EVENT_NAMES = {
    wire.IMU_PICKED_UP: "picked up",
    wire.IMU_PUT_DOWN: "put down",
    wire.IMU_SHAKEN: "shaken",
    wire.IMU_FALLING: "falling",
    wire.IMU_UPSIDE_DOWN: "upside down",
    wire.IMU_IMPACT: "impact",
}


def leds_state(session: SimSession) -> list[list[int]] | None:
    """The colour each LED of the body shows now (what the firmware latched)."""
    strip = getattr(session.body, "led_strip", None)
    if strip is None:
        return None
    return [[int(c) for c in pixel] for pixel in strip.shown]


def owner_state(session: SimSession) -> dict[str, Any]:
    """The fused owner-emotion estimate with each modality's contribution, or why there is none."""
    brain = session.brain
    if brain.fusion is None:
        return {"available": False, "reason": "the fusion model could not be loaded"}
    if brain.owner_emotion is None:
        return {
            "available": False,
            "reason": "no opinion: nothing fresh from face, voice or touch",
        }
    return {"available": True, **brain.owner_emotion.to_json()}


def seen_state(session: SimSession) -> dict[str, Any] | None:
    """What the vision pipeline made of the last frame (numbers only), if the camera is on."""
    camera = session.camera
    if camera is None or camera.perception.latest is None:
        return None
    latest = camera.perception.latest
    face, body = latest.face, latest.body
    return {
        "t_ms": latest.t_ms,
        "face": face.present,
        "expression": {k: round(v, 3) for k, v in face.expression.items()},
        "looking_at_pet": face.looking_at_pet,
        "distance_m": face.distance_m,
        "body": body.present,
        "lean": round(body.lean, 2),
        "owner_present": camera.presence.present,
    }


def describe_imu(events: int) -> str:
    """Names of the IMU event bits set in ``events``."""
    return ", ".join(name for bit, name in IMU_EVENT_NAMES.items() if events & bit)


class StatePublisher:
    """Tick callback that publishes the dashboard's state every ``period_ms``."""

    def __init__(self, period_ms: int = 40, log_size: int = 60) -> None:
        self.period_ms = period_ms
        self.panels: dict[str, PanelSource] = {}
        self._log: deque[dict[str, Any]] = deque(maxlen=log_size)
        self.board = StateBoard()
        self._vibration_peak = 0.0
        self._next_ms = 0
        # The pet's sounds, numbered, for the page to play each once.
        self._sounds: deque[dict[str, Any]] = deque(maxlen=8)
        self.heard: dict[str, Any] | None = None  # the latest voice the pipeline heard
        self._sound_seq = 0

    def on_audio(self, t_ms: int, observation: AudioObservation) -> None:
        """Audio listener: what the pipeline heard goes to the log and the voice panel."""
        data = observation.to_json()
        if data.get("kind") == "voice":
            self.heard = {"t_ms": t_ms, **data}
            emotion: dict[str, float] = data.get("emotion") or {}
            top = max(emotion.items(), key=lambda item: item[1])[0] if emotion else "?"
            text = (
                f"heard a voice: {top}, arousal {data.get('arousal')}, "
                f"valence {data.get('valence')}"
            )
            self._log.append({"t_ms": t_ms, "kind": "heard", "text": text})
        elif data.get("kind") == "startle":
            text = f"heard a sudden loud sound ({data.get('level_dbfs')} dBFS)"
            self._log.append({"t_ms": t_ms, "kind": "heard", "text": text})

    def on_body_message(self, t_ms: int, direction: str, message: wire.Message) -> None:
        """Tap listener: what the body itself reports (IMU events) goes to the log."""
        if direction == "up" and isinstance(message, wire.Imu) and message.events:
            text = f"body IMU: {describe_imu(message.events)}"
            self._log.append({"t_ms": t_ms, "kind": "body", "text": text})

    def __call__(self, session: SimSession, events: list[BrainEvent]) -> None:
        """Collect this tick's events; publish when a period has passed."""
        self._vibration_peak = max(self._vibration_peak, session.body.motor.level)
        for event in events:
            if event.kind in QUIET_KINDS:
                continue
            self._log.append(
                {"t_ms": session.now_ms, "kind": event.kind, "text": describe_event(event)}
            )
            if event.kind == "sound":
                self._sound_seq += 1
                self._sounds.append(
                    {
                        "seq": self._sound_seq,
                        "name": event.data.get("name"),
                        "volume": event.data.get("volume", 1.0),
                    }
                )
        if session.now_ms >= self._next_ms:
            self._next_ms = session.now_ms + self.period_ms
            document = json.dumps(self.snapshot(session))
            self._vibration_peak = 0.0
            self.board.publish_document(document)

    def snapshot(self, session: SimSession) -> dict[str, Any]:
        """The state document (called on the simulator's thread)."""
        brain = session.brain
        sample = session.sample()
        code = session.body.vibration_pattern()
        if code is None:  # not visible from outside the firmware: say what the motor does
            code = wire.VIBE_CONSTANT if sample.vibration > 0 else wire.VIBE_OFF
        pattern = VIBE_NAMES.get(code, str(code))
        running = brain.executor.running
        behaviour = None
        if running is not None:
            why = brain.last_decision.why() if brain.last_decision else {}
            if why.get("behaviour") != running.behaviour.name:
                why = {"behaviour": running.behaviour.name, "trigger": "started directly"}
            behaviour = {
                "name": running.behaviour.name,
                "description": running.behaviour.description,
                "started_ms": running.start_ms,
                "why": why,
            }
        state: dict[str, Any] = {
            "t_ms": session.now_ms,
            "torque": brain.torque,
            "joints": sample.joints_deg,
            "vibration": {
                "level": round(self._vibration_peak, 3),
                "pattern": pattern,
                "on": pattern != "off" and self._vibration_peak > 0.0,
            },
            "leds": leds_state(session),
            "battery_mv": session.body.battery.mv,
            "cable": session.body.port.connected,
            "link_ready": brain.link.ready,
            "pads": [round(v, 3) for v in session.contact.last],
            "behaviour": behaviour,
            "mood": brain.mood.as_json(),
            "events": list(self._log),
            "sounds": list(self._sounds),
            "heard": self.heard,
            "link": brain.link.stats.as_json(),
        }
        for name, source in self.panels.items():
            state[name] = source(session)
        return state

    def latest(self) -> tuple[int, str]:
        """(sequence number, JSON document) of the latest state."""
        return self.board.latest()

    def wait(self, after_seq: int, timeout_s: float) -> tuple[int, str]:
        """Block until a document newer than ``after_seq`` exists (or the timeout)."""
        return self.board.wait(after_seq, timeout_s)
