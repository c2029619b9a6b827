"""What the dashboard shows, taken from a running session on the simulator's own thread.

The simulator calls :class:`StatePublisher` after every tick; every
``period_ms`` of simulated time it turns the body's physical state and the
brain's state into one JSON document. Web clients wait for the next document
(:meth:`StatePublisher.wait`), so they never touch the brain from their threads.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from brain.app.runtime import BrainEvent
from brain.behave.executor import VIBE_NAMES
from brain.dashboard.document import (
    brain_panels,
    calendar_panel,
    describe_event,
    describe_imu,
    owner_panel,
    touch_panel,
    vision_panel,
)
from brain.dashboard.event_stream import StateBoard
from brain.dashboard.grids import GridHeatMaps
from brain.dashboard.history import SessionHistory
from firmware import wire
from sensors.audio.observations import AudioObservation
from sensors.touch.skin import TaxelGrid
from sim.runner import SimSession

# Shown in their own panel, too frequent for the log.
QUIET_KINDS = ("owner_emotion",)

# Extra panels (owner emotion, inputs) plug in here: name -> function of the session.
PanelSource = Callable[[SimSession], dict[str, Any] | None]


def leds_state(session: SimSession) -> list[list[int]] | None:
    """The colour each LED of the body shows now (what the firmware latched)."""
    strip = getattr(session.body, "led_strip", None)
    if strip is None:
        return None
    return [[int(c) for c in pixel] for pixel in strip.shown]


def owner_state(session: SimSession) -> dict[str, Any]:
    """The fused owner-emotion estimate with each modality's contribution, or why there is none."""
    return dict(owner_panel(session.brain))


def handling_state(session: SimSession) -> dict[str, Any] | None:
    """How the body is being handled: the virtual IMU's motion and how long it has played.

    The drawing lifts, shakes or drops the cat from this; it is the same
    motion the body's accelerometer feels, not a guess from the brain.
    """
    imu = getattr(session.body, "imu", None)
    if imu is None or not hasattr(imu, "motion"):
        return None
    return {"motion": imu.motion, "since_ms": max(0, session.now_ms - imu.start_ms)}


def seen_state(session: SimSession) -> dict[str, Any] | None:
    """What the vision pipeline made of the last frame (numbers only), if the camera is on."""
    camera = session.camera
    if camera is None or camera.perception.latest is None:
        return None
    return vision_panel(camera.perception.latest, session.pet.owner_present)


class StatePublisher:
    """Tick callback that publishes the dashboard's state every ``period_ms``."""

    def __init__(
        self, period_ms: int = 40, log_size: int = 60, grids: Sequence[TaxelGrid] = ()
    ) -> None:
        self.period_ms = period_ms
        self.panels: dict[str, PanelSource] = {}
        self._log: deque[dict[str, Any]] = deque(maxlen=log_size)
        self.board = StateBoard()
        self._vibration_peak = 0.0
        self._next_ms = 0
        # The pet's sounds, numbered, for the page to play each once.
        self._sounds: deque[dict[str, Any]] = deque(maxlen=8)
        self.heard: dict[str, Any] | None = None  # the latest voice the pipeline heard
        self.touch: dict[str, Any] | None = None  # the latest touch gesture classified
        self.grids = GridHeatMaps(grids)  # each taxel grid's newest frame, at most 10 Hz
        self.history = SessionHistory()  # the timeline plot's rows
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
            self.touch = touch_panel(event) or self.touch
            self.grids.on_event(event)
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
            state = self.snapshot(session)
            self.history.note(state)
            document = json.dumps(state)
            self._vibration_peak = 0.0
            self.board.publish_document(document)

    def snapshot(self, session: SimSession) -> dict[str, Any]:
        """The state document (called on the simulator's thread)."""
        sample = session.sample()
        code = session.body.vibration_pattern()
        if code is None:  # not visible from outside the firmware: say what the motor does
            code = wire.VIBE_CONSTANT if sample.vibration > 0 else wire.VIBE_OFF
        pattern = VIBE_NAMES.get(code, str(code))
        state: dict[str, Any] = {
            "t_ms": session.now_ms,
            **brain_panels(session.brain),
            "calendar": calendar_panel(session.brain, session.now_ms),
            "joints": sample.joints_deg,
            "vibration": {
                "level": round(self._vibration_peak, 3),
                "pattern": pattern,
                "on": pattern != "off" and self._vibration_peak > 0.0,
            },
            "leds": leds_state(session),
            "battery_mv": session.body.battery.mv,
            "cable": session.body.port.connected,
            "pads": [round(v, 3) for v in session.contact.last],
            "events": list(self._log),
            "sounds": list(self._sounds),
            "heard": self.heard,
            "touch": self.touch,
            "grids": self.grids.snapshot(session.brain.grid_touch.latest, session.now_ms),
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
