"""What the robot's dashboard shows, taken from the running app on its main thread.

The brain only knows what it commands and what the body reports, so the
view is built from those: :class:`ObservedLink` notes the vibration it sent,
the last touch frame and the body's STATUS as they cross the link; joints
are the executor's commanded pose. The document has the simulator
dashboard's shape, plus ``devices`` (health) and ``body`` (battery, faults).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from brain.behave.executor import VIBE_NAMES
from brain.body.link import BodyLink
from brain.dashboard.document import (
    brain_panels,
    calendar_panel,
    describe_event,
    owner_panel,
    pad_points,
    touch_panel,
    vision_panel,
)
from brain.dashboard.grids import GridHeatMaps, grids_config
from firmware import wire
from sensors.audio.observations import VoiceObservation
from sensors.camera.observations import VisionObservation
from sensors.touch.layout import PadLayout
from sensors.touch.skin import TaxelGrid

if TYPE_CHECKING:
    from brain.app.pet import PetApp
    from brain.app.runtime import BrainEvent


@dataclass
class _Vibration:
    pattern: int = wire.VIBE_OFF
    intensity: float = 0.0
    until_ms: int = 0


class ObservedLink(BodyLink):
    """A :class:`BodyLink` that remembers what crossed it, for the dashboard."""

    def __init__(self, url: str, **options: Any) -> None:
        super().__init__(url, **options)
        self.last_touch: tuple[int, ...] = ()
        self.last_status: wire.Status | None = None
        self.vibration = _Vibration()

    def poll(self, now_ms: int) -> list[wire.Message]:
        """As :meth:`BodyLink.poll`, noting the latest touch frame and status."""
        messages = super().poll(now_ms)
        for message in messages:
            if isinstance(message, wire.TouchFrame):
                self.last_touch = tuple(message.values)
            elif isinstance(message, wire.Status):
                self.last_status = message
        return messages

    def send_stream(self, message: wire.Message, now_ms: int) -> bool:
        """As :meth:`BodyLink.send_stream`, noting the vibration asked for."""
        sent = super().send_stream(message, now_ms)
        if sent and isinstance(message, wire.Vibrate):
            self.vibration = _Vibration(
                message.pattern, message.intensity / 255.0, now_ms + message.duration_ms
            )
        return sent


def dashboard_config(
    name: str,
    robot_layout: PadLayout,
    joints: list[dict[str, Any]],
    grids: Sequence[TaxelGrid] = (),
) -> Any:
    """The dashboard's ``/config`` document: joints, where each pad and taxel grid is drawn."""
    points = pad_points(robot_layout)
    return {
        "scenario": name,
        "robot": True,
        "joints": joints,
        "pads": [
            {"index": p.index, "name": p.name, "zone": p.zone, "x": x, "y": y}
            for p, (x, y) in zip(robot_layout.pads, points, strict=True)
        ],
        "grids": grids_config(grids),
        "hand_radius": 0,
    }


class RobotView:
    """Collects events and builds the state document."""

    def __init__(self, log_size: int = 60, grids: Sequence[TaxelGrid] = ()) -> None:
        self.log: deque[dict[str, Any]] = deque(maxlen=log_size)
        self.heard: dict[str, Any] | None = None  # the latest voice (features, never samples)
        self.seen: dict[str, Any] | None = None  # the latest camera frame's numbers
        self.touch: dict[str, Any] | None = None  # the latest touch gesture (the drawing shows it)
        self.grids = GridHeatMaps(grids)  # each taxel grid's newest frame, as a heat map

    def note(self, value: Any, owner_present: bool) -> None:
        """Keep the latest voice and vision observations for the dashboard's panels."""
        if isinstance(value, VoiceObservation):
            self.heard = {"t_ms": int(value.t_ms), **value.to_json()}
        elif isinstance(value, VisionObservation):
            self.seen = vision_panel(value, owner_present)

    def on_event(self, event: BrainEvent) -> None:
        """Brain listener: keep a short log of what happened."""
        self.touch = touch_panel(event) or self.touch
        self.grids.on_event(event)
        self.log.append({"t_ms": event.t_ms, "kind": event.kind, "text": describe_event(event)})

    def snapshot(self, app: PetApp, now_ms: int) -> dict[str, Any]:
        """The state document at ``now_ms``."""
        brain = app.brain
        link = app.link
        full_scale = float(app.config.touch.full_scale_counts)
        vibe = link.vibration if isinstance(link, ObservedLink) else _Vibration()
        on = vibe.pattern != wire.VIBE_OFF and now_ms < vibe.until_ms
        touch = link.last_touch if isinstance(link, ObservedLink) else ()
        status = link.last_status if isinstance(link, ObservedLink) else None
        return {
            "t_ms": now_ms,
            **brain_panels(brain),
            "calendar": calendar_panel(brain, now_ms),
            "joints": {k: round(v, 2) for k, v in brain.executor.pose.items()},
            "vibration": {
                "level": round(vibe.intensity, 3) if on else 0.0,
                "pattern": VIBE_NAMES.get(vibe.pattern, str(vibe.pattern)),
                "on": on,
            },
            "leds": None,
            "pads": [round(min(1.0, v / full_scale), 3) for v in touch],
            "events": list(self.log),
            "owner": owner_panel(brain, "fusion not loaded (yet)"),
            "heard": self.heard,
            "seen": self.seen,
            "touch": self.touch,
            "grids": self.grids.snapshot(brain.grid_touch.latest, now_ms),
            "sounds": [],  # the robot's sounds play on its speaker, not in the browser
            "inputs": None,  # read-only: no simulated hand, handling or uploads
            "battery_mv": 0 if status is None else status.battery_mv,
            "cable": link.port is not None,  # the port is open: the body's USB is plugged in
            "devices": app.health.snapshot(),
            "body": None
            if status is None
            else {
                "battery_mv": status.battery_mv,
                "faults": status.faults,
                "resting": bool(status.resting),
            },
        }
