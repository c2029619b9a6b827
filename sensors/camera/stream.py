"""Camera + vision pipeline as one object the brain polls: the owner's face and body, or None.

    vision = CameraPerception.from_config({"type": "opencv", "device": 0})
    observation = vision.poll()   # VisionObservation, or None (no new frame / vision off)

Nothing here raises for a missing camera or a broken model: vision is then
off (said once in the log) and ``poll`` returns None; the camera is picked up
again when it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sensors.camera.observations import VisionObservation
from sensors.camera.pipeline import VisionConfig, VisionPipeline, build_vision
from sensors.camera.resilient import ResilientCamera
from sensors.camera.source import CAMERAS, CameraSource


class CameraPerception:
    """Reads the newest frame and perceives it; frames are dropped right after."""

    def __init__(self, camera: CameraSource, pipeline: VisionPipeline | None) -> None:
        self.camera = camera if isinstance(camera, ResilientCamera) else ResilientCamera(camera)
        self.pipeline = pipeline
        self.latest: VisionObservation | None = None  # the last observation made

    @classmethod
    def from_config(
        cls, camera: Mapping[str, Any], vision: VisionConfig | None = None
    ) -> CameraPerception:
        """Build the camera by ``type`` and the pipeline; a broken model leaves vision off."""
        import sensors.camera.sources  # noqa: F401  (registers the camera types)

        return cls(CAMERAS.create(camera), build_vision(vision))

    @property
    def enabled(self) -> bool:
        """Whether vision can work at all (the models loaded)."""
        return self.pipeline is not None

    def connect(self) -> None:
        """Open the camera if it is there; never raises."""
        if self.pipeline is not None:
            self.camera.connect()

    def poll(self) -> VisionObservation | None:
        """Perceive the newest frame, or None when there is none or vision is off."""
        if self.pipeline is None:
            return None
        item = self.camera.read()
        if item is None:
            return None
        t_ms, frame = item
        self.latest = self.pipeline.process(t_ms, frame)
        return self.latest

    def close(self) -> None:
        """Release the camera and the pipeline."""
        self.camera.disconnect()
        if self.pipeline is not None:
            self.pipeline.close()
