"""What a developer can do to the pet from the dashboard besides touching it.

Each input says whether it is available and, when it is not, why: an input
only works through the robot's real path (the IMU behind the firmware, the
camera and audio pipelines), never by inventing what the pet perceives.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from brain.app.runtime import BrainEvent
from brain.errors import UserError
from sim.actions import HANDLING_MOTIONS, perform
from sim.runner import SimSession
from sim.scenario import ScenarioEvent

HANDLING_ACTIONS = tuple(HANDLING_MOTIONS)
FACE_SHOWN_MS = 6000  # how long an uploaded photo stays in front of the camera


@dataclass(frozen=True)
class InputStatus:
    """Availability of one dashboard input."""

    available: bool
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        """Plain dict for the page."""
        return {"available": self.available, "reason": self.reason}


class DashboardInputs:
    """Handling (through the virtual IMU), faces (camera) and voices (audio)."""

    def __init__(self, session: SimSession) -> None:
        self.session = session
        # Web threads queue actions; the simulator's thread runs them between ticks.
        self._pending: queue.SimpleQueue[Callable[[SimSession], None]] = queue.SimpleQueue()

    def drain(self, session: SimSession, events: list[BrainEvent]) -> None:
        """Tick callback: apply what the web threads queued."""
        while True:
            try:
                action = self._pending.get_nowait()
            except queue.Empty:
                return
            action(session)

    def handling_status(self) -> InputStatus:
        """Handling needs a virtual IMU on the body that can be moved by hand."""
        imu = getattr(self.session.body, "imu", None)
        if imu is None or not callable(getattr(imu, "play", None)):
            return InputStatus(False, "the virtual body has no IMU")
        return InputStatus(True)

    def face_status(self) -> InputStatus:
        """Faces need the simulated camera and the vision pipeline."""
        camera = self.session.camera
        if camera is None:
            return InputStatus(False, "this session runs without the camera")
        if camera.live:
            return InputStatus(False, "a real camera is watching: show it your face")
        return InputStatus(True)

    def voice_status(self) -> InputStatus:
        """Voices need the simulated microphone and the audio pipeline."""
        if self.session.audio is None:
            return InputStatus(False, "this session runs without the microphone")
        if self.session.audio.live:
            return InputStatus(False, "a real microphone is listening: speak to it")
        return InputStatus(True)

    def status(self) -> dict[str, Any]:
        """Every input's availability."""
        return {
            "handling": self.handling_status().to_json(),
            "face": self.face_status().to_json(),
            "voice": self.voice_status().to_json(),
        }

    def handle(self, action: str) -> dict[str, Any]:
        """Pick the pet up, shake it or put it down (through the virtual IMU)."""
        if action not in HANDLING_ACTIONS:
            raise UserError(f"unknown handling action '{action}' (one of {HANDLING_ACTIONS})")
        status = self.handling_status()
        if not status.available:
            raise UserError(f"handling not available: {status.reason}")
        event = ScenarioEvent.model_validate({"at_ms": 0, "handling": {"action": action}})
        self._pending.put(lambda session: perform(session, event))
        return {"ok": True, "action": action}

    def cable(self, plugged: bool) -> dict[str, Any]:
        """Pull the serial cable between brain and body out, or plug it back in."""
        event = ScenarioEvent.model_validate({"at_ms": 0, "cable": {"plugged": plugged}})
        self._pending.put(lambda session: perform(session, event))
        return {"ok": True, "plugged": plugged}

    def show_face(self, data: bytes, content_type: str) -> dict[str, Any]:
        """Hold an image in front of the pet's camera (seen by the real vision pipeline)."""
        status = self.face_status()
        if not status.available:
            raise UserError(f"faces not available: {status.reason}")
        from sim.media import decode_image

        frame = decode_image(data)  # in memory only, never written anywhere

        def show(session: SimSession) -> None:
            assert session.camera is not None
            session.camera.show(frame, session.now_ms, FACE_SHOWN_MS)

        self._pending.put(show)
        return {"ok": True, "shown_ms": FACE_SHOWN_MS}

    def play_voice(self, data: bytes, content_type: str) -> dict[str, Any]:
        """Play a wav file into the pet's microphone (heard by the real audio pipeline)."""
        status = self.voice_status()
        if not status.available:
            raise UserError(f"voices not available: {status.reason}")
        from sim.audio import SAMPLES_PER_MS
        from sim.media import decode_wav

        samples = decode_wav(data)

        def play(session: SimSession) -> None:
            assert session.audio is not None
            session.audio.microphone.queue(samples, session.now_ms)

        self._pending.put(play)
        return {"ok": True, "duration_ms": samples.size // SAMPLES_PER_MS}
