"""``robot.yaml``'s camera, microphone and speaker sections.

The camera and the microphone are each built through their source registry
(``sensors.camera.CAMERAS``, ``sensors.audio.AUDIO_SOURCES``) by ``type``; a
``type`` of ``none`` runs the pet without that sense. ``docs/robot.md`` is the
reference for every field.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ROTATIONS_DEG = (0, 90, 180, 270)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_type(name: str, module: str, registry: str) -> str:
    """``name`` must be registered in ``module.registry`` (or be ``none``)."""
    if name == "none":
        return name
    import importlib

    try:
        names: list[str] = getattr(importlib.import_module(module), registry).names()
    except (ImportError, AttributeError):
        return name  # that sensor package is not installed here: checked when it starts
    if name not in names:
        raise ValueError(f"unknown type '{name}' (known: none, {', '.join(names)})")
    return name


class CameraSection(_Strict):
    """The camera, built through the camera source registry by ``type``."""

    # opencv (a device), picamera2 (the Pi's camera port), video (a file), images (a
    # folder), still (one picture); "none" runs without a camera.
    type: str = "opencv"
    index: int | None = Field(None, ge=0)  # /dev/videoN for type opencv
    path: str | None = None  # a device path for opencv; the file or folder for the others
    width: int = Field(640, ge=32, le=4096)
    height: int = Field(480, ge=32, le=4096)
    fps: float = Field(15.0, gt=0, le=120)  # asked of a device; the pace of a file
    rotation_deg: int = 0  # how the camera is mounted: 0, 90, 180, 270 (clockwise)
    hfov_deg: float = Field(70.0, gt=10, lt=180)  # horizontal field of view, for distances
    retry_ms: int = Field(2000, ge=50, le=600_000)  # how often a missing camera is looked for
    stale_ms: int = Field(3000, ge=100, le=600_000)  # no frame this long: reopen the camera

    @field_validator("rotation_deg")
    @classmethod
    def _quarter_turns(cls, rotation: int) -> int:
        if rotation not in ROTATIONS_DEG:
            raise ValueError("rotation_deg must be 0, 90, 180 or 270")
        return rotation

    @field_validator("type")
    @classmethod
    def _registered(cls, name: str) -> str:
        return _check_type(name, "sensors.camera", "CAMERAS")

    @model_validator(mode="after")
    def _files_need_a_path(self) -> CameraSection:
        if self.type in ("video", "images", "still") and not self.path:
            raise ValueError(f"type {self.type} needs a path")
        return self

    @property
    def enabled(self) -> bool:
        """False when the pet should run without a camera."""
        return self.type != "none"

    def source_config(self) -> dict[str, Any]:
        """The dict the camera registry builds a source from."""
        out: dict[str, Any] = {"type": self.type}
        if self.type == "opencv":
            device: int | str = self.index if self.index is not None else (self.path or 0)
            out.update(device=device, width=self.width, height=self.height, fps=self.fps)
        elif self.type == "picamera2":
            out.update(width=self.width, height=self.height)
        elif self.path is not None:
            out["path"] = self.path
        return out


class MicrophoneSection(_Strict):
    """The microphone, built through the audio source registry by ``type``."""

    type: str = "pyaudio"  # pyaudio (a device), wav (a file); "none" runs without
    device: int | str | None = None  # PortAudio index or part of its name; None: default
    path: str | None = None  # the file for type wav
    # dB SPL of a full-scale sample: turns the pipeline's dBFS into the dB SPL that
    # loud-sound triggers use. 120 suits most USB and MEMS microphones (-26 dBFS at 94 dB SPL).
    spl_offset_db: float = Field(120.0, ge=60.0, le=160.0)
    retry_ms: int = Field(2000, ge=50, le=600_000)  # how often a missing microphone is looked for
    stale_ms: int = Field(3000, ge=100, le=600_000)  # no audio this long: reopen the microphone

    @field_validator("type")
    @classmethod
    def _registered(cls, name: str) -> str:
        return _check_type(name, "sensors.audio", "AUDIO_SOURCES")

    @model_validator(mode="after")
    def _wav_needs_path(self) -> MicrophoneSection:
        if self.type == "wav" and not self.path:
            raise ValueError("type wav needs a path")
        return self

    @property
    def enabled(self) -> bool:
        """False when the pet should run without a microphone."""
        return self.type != "none"

    def source_config(self) -> dict[str, Any]:
        """The dict the audio registry builds a source from."""
        if self.type == "pyaudio":
            return {"type": "pyaudio", "device": self.device}
        out: dict[str, Any] = {"type": self.type}
        if self.path is not None:
            out["path"] = self.path
        return out


class SpeakerSection(_Strict):
    """Where the pet's sounds play."""

    enabled: bool = True
    device: int | str | None = None  # PortAudio output index or part of its name
    volume: float = Field(0.8, ge=0.0, le=1.0)  # 1.0 = the sound files' own level
