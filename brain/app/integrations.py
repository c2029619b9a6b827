"""Where ``petbrain run`` meets the optional parts: sensor registries, perception, sound, dashboard.

Each part is imported when present; one that is not in this build is listed
in :attr:`Integrations.missing` and said once at start, and the pet runs
without it. This is the one place that knows the other packages' entry points,
and where the camera and microphone workers a ``robot.yaml`` asks for are
built (:func:`build_workers`), in the brain's process or in the perception
process.
"""

from __future__ import annotations

import importlib
import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from brain.app.health import DeviceHealth
from brain.app.workers import Observation, Perceive, SourceWorker
from brain.clock import SystemClock
from brain.dashboard import STATIC_DIR
from sensors.registry import Registry

if TYPE_CHECKING:
    from brain.app.pet import PetApp
    from brain.setup.config import RobotFile
    from brain.setup.media import CameraSection

log = logging.getLogger("petbrain")


def _optional(module: str) -> Any:
    """``module`` imported, or None when it is not part of this build."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            return None
        raise


class Part(Protocol):
    """A part that lives with the app's main loop (the network of a split pet)."""

    def start(self, app: PetApp) -> None:
        """Called at the end of the app's start."""
        ...

    def step(self, app: PetApp, now_ms: int) -> None:
        """Called once per main-loop pass; must not block."""
        ...

    def stop(self, app: PetApp) -> None:
        """Called at shutdown."""
        ...


@dataclass
class Integrations:
    """The optional parts found in this build and how to call them."""

    camera_registry: Registry[Any] | None = None
    audio_registry: Registry[Any] | None = None
    audio_chunk_ms: float = 32.0
    audio_perceive: Callable[[], Perceive | None] | None = None
    missing: list[str] = field(default_factory=list)
    # The simulator dashboard's page, reused on the robot; None: a plain built-in page.
    dashboard_static: Path | None = None
    parts: list[Part] = field(default_factory=list)  # e.g. brain.net.roles.NetworkCore

    def camera_perceive(self, camera: CameraSection) -> Callable[[], Perceive | None] | None:
        """Factory of the per-frame vision function (built in the camera's thread)."""
        if self.camera_registry is None:
            return None

        def make() -> Perceive | None:
            pipeline_module = importlib.import_module("sensors.camera.pipeline")
            config = pipeline_module.VisionConfig(
                hfov_deg=camera.hfov_deg, frame_rate_hz=float(camera.fps)
            )
            pipeline = pipeline_module.build_vision(config)  # logs why when it is None
            if pipeline is None:
                return None
            turns = camera.rotation_deg // 90

            def perceive(item: Any, now_ms: float) -> list[Any]:
                t_ms, frame = item
                if turns:
                    # np.rot90 turns anticlockwise: undo a clockwise mount.
                    frame = np.ascontiguousarray(np.rot90(frame, k=turns))
                return [pipeline.process(int(t_ms), frame)]

            return perceive

        return make

    def make_speaker(self, app: PetApp) -> Any:
        """The speaker's sound player (started by the app), or None without sound support."""
        sound = _optional("brain.body.sound")
        speaker = app.config.speaker
        if sound is None:
            return None
        if not speaker.enabled:
            app.health.off("speaker", "off in robot.yaml (speaker.enabled: false)")
            return None
        from brain.body.speaker import SpeakerPlayer

        bank = sound.SoundBank()
        return SpeakerPlayer(bank.samples, app.health, speaker.device, speaker.volume)

    def start(self, app: PetApp) -> None:
        """Say once what this build lacks."""
        for missing in self.missing:
            app.health.off(missing, "not in this build yet")
        for part in self.parts:
            part.start(app)

    def step(self, app: PetApp, now_ms: int) -> None:
        """Per-loop work of the plugged-in parts."""
        for part in self.parts:
            part.step(app, now_ms)

    def stop(self, app: PetApp) -> None:
        """Release what :meth:`start` opened."""
        for part in self.parts:
            part.stop(app)


def load_integrations() -> Integrations:
    """Find the optional parts of this build."""
    found = Integrations()
    camera = _optional("sensors.camera")
    if camera is not None:
        found.camera_registry = camera.CAMERAS
    audio = _optional("sensors.audio")
    if audio is not None:
        found.audio_registry = audio.AUDIO_SOURCES
        found.audio_chunk_ms = float(audio.CHUNK_MS)
        pipeline = _optional("sensors.audio.pipeline")
        if pipeline is not None:
            found.audio_perceive = lambda: pipeline.AudioPerception.load().process
    if _optional("brain.body.sound") is None:
        found.missing.append("speaker")
    found.dashboard_static = STATIC_DIR
    return found


def build_workers(
    config: RobotFile,
    integrations: Integrations,
    health: DeviceHealth,
    out: queue.Queue[Observation],
    clock_ms: Callable[[], float],
) -> list[SourceWorker]:
    """The camera and microphone workers ``config`` asks for (not started).

    A device switched off or not in this build is said on ``health`` here.
    """
    workers = [
        _camera_worker(config, integrations, health, out, clock_ms),
        _microphone_worker(config, integrations, health, out, clock_ms),
    ]
    return [w for w in workers if w is not None]


def build_in_child(
    config: RobotFile, health: DeviceHealth, out: queue.Queue[Observation], clock: SystemClock
) -> list[SourceWorker]:
    """:func:`build_workers` inside the perception process (its own integrations).

    The child imports only this module's world (sensor registries, workers),
    not the brain, dashboard or behaviour library.
    """
    return build_workers(config, load_integrations(), health, out, clock.monotonic_ms)


def _camera_worker(
    config: RobotFile,
    integrations: Integrations,
    health: DeviceHealth,
    out: queue.Queue[Observation],
    clock_ms: Callable[[], float],
) -> SourceWorker | None:
    cam = config.camera
    if not cam.enabled:
        health.off("camera", "off in robot.yaml (type: none)")
        return None
    registry = integrations.camera_registry
    if registry is None:
        health.down("camera", "camera support (sensors.camera) is not in this build")
        return None

    def clock_int() -> int:
        return int(clock_ms())

    return SourceWorker(
        "camera",
        lambda: registry.create({**cam.source_config(), "clock": clock_int}),
        health,
        out,
        clock_ms,
        period_ms=1000.0 / cam.fps,
        make_perceive=integrations.camera_perceive(cam),
        retry_ms=cam.retry_ms,
        stale_ms=cam.stale_ms,
    )


def _microphone_worker(
    config: RobotFile,
    integrations: Integrations,
    health: DeviceHealth,
    out: queue.Queue[Observation],
    clock_ms: Callable[[], float],
) -> SourceWorker | None:
    mic = config.microphone
    if not mic.enabled:
        health.off("microphone", "off in robot.yaml (type: none)")
        return None
    registry = integrations.audio_registry
    if registry is None:
        health.down("microphone", "audio support (sensors.audio) is not in this build")
        return None
    return SourceWorker(
        "microphone",
        lambda: registry.create(mic.source_config()),
        health,
        out,
        clock_ms,
        period_ms=integrations.audio_chunk_ms,
        make_perceive=integrations.audio_perceive,
        retry_ms=mic.retry_ms,
        stale_ms=mic.stale_ms,
    )
