"""The pet's camera in the simulated room, seen through the real vision pipeline.

What is in front of the camera is a picture on the vision work's ``still``
source: a face image or video frames from a scenario, a photo uploaded on
the dashboard, or the owner (a bundled portrait) while the scenario says the
owner is in the room; nothing at all otherwise. Every ``period_ms`` of
simulated time :class:`SimCamera` polls a ``CameraPerception`` over that
source (MediaPipe face mesh, expression model, pose) exactly as the robot
polls its camera; the observation goes through the assembly's one sensor
path (:meth:`brain.app.assembly.Pet.sense`): to fusion, and a face or a body
in view to the presence tracker whose arrivals and departures reach the
behaviours as ``OwnerPresence``. With ``live`` a real camera is used instead,
through the vision work's source registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from brain.errors import UserError
from brain.events import OwnerPresence, PetEvent

if TYPE_CHECKING:
    from brain.app.runtime import BrainEvent
    from sensors.camera.observations import VisionObservation
    from sim.runner import SimSession

Frame = npt.NDArray[np.uint8]
VisionListener = Callable[[int, "VisionObservation"], None]
CAMERA_PERIOD_MS = 100  # 10 frames per simulated second


def read_face(path: Path) -> Frame:
    """An image file as a BGR frame, or one clear error."""
    from sensors.camera.source import CameraError
    from sensors.camera.sources import read_image

    try:
        return read_image(path)
    except (CameraError, OSError, ValueError) as error:
        raise UserError(f"{path}: {error}") from error


class _Restamped:
    """A live camera whose frames are stamped on the simulator's clock."""

    def __init__(self, camera: Any, clock: Callable[[], int]) -> None:
        self.camera = camera
        self.clock = clock

    @property
    def info(self) -> Any:
        return self.camera.info

    def connect(self) -> None:
        self.camera.connect()

    def read(self) -> tuple[int, Frame] | None:
        item = self.camera.read()
        return None if item is None else (self.clock(), item[1])

    def disconnect(self) -> None:
        self.camera.disconnect()


class SimCamera:
    """Tick callback: what is in view, through the real vision pipeline, to the brain."""

    def __init__(
        self, live: dict[str, object] | None = None, period_ms: int = CAMERA_PERIOD_MS
    ) -> None:
        import sensors.camera.sources  # noqa: F401  (registers the camera types)
        from sensors.camera.pipeline import VisionConfig, build_vision
        from sensors.camera.source import CAMERAS
        from sensors.camera.sources import StillCamera
        from sensors.camera.stream import CameraPerception

        self.period_ms = period_ms
        self._now_ms = 0
        self.still = StillCamera(clock=lambda: self._now_ms)
        self.live = live is not None
        source: Any = self.still
        if live is not None:
            source = _Restamped(CAMERAS.create(live), lambda: self._now_ms)
        self.perception = CameraPerception(source, build_vision(VisionConfig()))
        self.perception.connect()
        self.listeners: list[VisionListener] = []
        # Told of each owner arrival or departure the tracker saw (recordings keep them).
        self.presence_listeners: list[Callable[[int, OwnerPresence], None]] = []
        self.owner_frame: Frame | None = None  # the owner, while in the room
        self._shown: Frame | None = None  # a face shown on purpose, until _shown_until_ms
        self._shown_until_ms = 0
        self._video: Any = None
        self._next_ms = 0

    @property
    def enabled(self) -> bool:
        """Whether the vision models loaded."""
        return self.perception.enabled

    def show(self, frame: Frame, now_ms: int, duration_ms: int) -> None:
        """Hold ``frame`` in front of the camera for ``duration_ms``."""
        self._video = None
        self._shown, self._shown_until_ms = frame, now_ms + duration_ms

    def play_video(self, path: Path, now_ms: int, duration_ms: int) -> None:
        """Play a video file's frames in front of the camera, one per camera period."""
        from sensors.camera.source import CAMERAS

        video = CAMERAS.create({"type": "video", "path": str(path)})
        try:
            video.connect()
        except Exception as error:  # the video source's own errors: one clear line
            raise UserError(f"{path}: {error}") from error
        self._video, self._shown_until_ms = video, now_ms + duration_ms

    def _in_view(self, now_ms: int) -> Frame | None:
        if now_ms < self._shown_until_ms:
            if self._video is not None:
                item = self._video.read()
                if item is not None:
                    self._shown = item[1]
                else:
                    self._video, self._shown_until_ms = None, now_ms
            if self._shown is not None and now_ms < self._shown_until_ms:
                return self._shown
        return self.owner_frame

    def __call__(self, session: SimSession, events: list[BrainEvent]) -> None:
        """Every camera period: perceive what is in view and tell the brain."""
        now = session.now_ms
        if now < self._next_ms:
            return
        self._next_ms = now + self.period_ms
        self._now_ms = now
        if not self.live:
            self.still.show(self._in_view(now))
        observation = self.perception.poll()
        if observation is not None:
            completed = deliver_vision(session, self.listeners, observation)
        else:
            completed = session.pet.sense_nothing(now)
        for event in completed:
            if isinstance(event, OwnerPresence):
                for listener in self.presence_listeners:
                    listener(now, event)

    def close(self) -> None:
        """Release the camera and the models."""
        self.perception.close()


def deliver_vision(
    session: SimSession, listeners: list[VisionListener], observation: VisionObservation
) -> list[PetEvent]:
    """Hand a vision observation to the listeners and to the pet, as on the robot.

    The assembly's one sensor path gives it to fusion and derives the owner's
    presence (a face or a body in view); the events it completed are returned.
    """
    for listener in listeners:
        listener(session.now_ms, observation)
    return session.pet.sense(observation)


def vision_to_json(observation: VisionObservation) -> dict[str, Any]:
    """A vision observation as plain JSON (what recordings keep: numbers, never pixels)."""
    data = asdict(observation)
    if data["face"].get("box") is not None:
        data["face"]["box"] = list(data["face"]["box"])
    return data


def vision_from_json(data: dict[str, Any]) -> VisionObservation:
    """Rebuild a recorded vision observation."""
    from sensors.camera.observations import (
        BodyObservation,
        FaceCues,
        FaceObservation,
        VisionObservation,
    )

    face = dict(data["face"])
    face["cues"] = FaceCues(**face.get("cues", {}))
    if face.get("box") is not None:
        face["box"] = tuple(face["box"])
    return VisionObservation(
        t_ms=int(data["t_ms"]),
        face=FaceObservation(**face),
        body=BodyObservation(**data["body"]),
        compute_ms=float(data.get("compute_ms", 0.0)),
    )
