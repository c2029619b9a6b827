"""Camera perception: sources (devices, files, stills) and the vision pipeline.

Importing this package registers every camera source in :data:`CAMERAS`;
the pipeline (MediaPipe, onnxruntime) is imported only where it is used.
"""

from sensors.camera import sources as _sources  # noqa: F401  (registers the sources)
from sensors.camera.resilient import ResilientCamera
from sensors.camera.source import (
    CAMERAS,
    CameraError,
    CameraInfo,
    CameraSource,
    Frame,
    TimedFrame,
    monotonic_ms,
)

__all__ = [
    "CAMERAS",
    "CameraError",
    "CameraInfo",
    "CameraSource",
    "Frame",
    "ResilientCamera",
    "TimedFrame",
    "monotonic_ms",
]
