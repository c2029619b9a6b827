"""The camera and microphone workers a ``robot.yaml`` asks for, wherever they run.

:class:`brain.app.pet.PetApp` builds them in its own process (threads) or the
perception process builds them (:mod:`brain.app.process`); this module keeps
the child's imports small: no behaviour library, dashboard or brain.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import TYPE_CHECKING

from brain.app.health import DeviceHealth
from brain.app.integrations import Integrations, load_integrations
from brain.app.workers import Observation, SourceWorker
from brain.clock import SystemClock

if TYPE_CHECKING:
    from brain.setup.config import RobotFile


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
    """:func:`build_workers` inside the perception process (its own integrations)."""
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
