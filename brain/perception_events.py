"""Sensor observations -> the brain's events: owner presence and loud sounds.

The camera thread reports, frame by frame, whether a person is in view;
:class:`brain.presence.PresenceTracker` debounces that into arrivals and
departures. The audio pipeline reports startles in dBFS; a loud-sound
trigger is written in dB SPL, so the microphone's ``spl_offset_db`` (the SPL
of a full-scale sample) converts one into the other.
"""

from __future__ import annotations

from typing import Any

from brain.events import LoudSound, OwnerPresence
from brain.presence import PresenceTracker
from sensors.audio.observations import SoundEvent
from sensors.camera.observations import VisionObservation


class PerceptionEvents:
    """Turns worker observations into events for ``Brain.observe``."""

    def __init__(self, spl_offset_db: float, presence: PresenceTracker | None = None) -> None:
        self.spl_offset_db = spl_offset_db
        self.presence = presence or PresenceTracker()

    def translate(self, value: Any) -> list[LoudSound | OwnerPresence]:
        """The events one observation completes (often none)."""
        if isinstance(value, VisionObservation):
            seen = value.face.present or value.body.present
            change = self.presence.feed(int(value.t_ms), seen)
            return [] if change is None else [change]
        if isinstance(value, SoundEvent) and value.kind == "startle":
            return [LoudSound(int(value.t_ms), value.level_dbfs + self.spl_offset_db)]
        return []
