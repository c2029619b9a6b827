"""What ``petbrain run`` adds between the sensor threads and the brain.

Every observation goes to ``Brain.perceive`` (the brain's owner-emotion
fusion takes it there). Two more events come from the robot's own sensors:

* the camera reports, frame by frame, whether a person is in view;
  :class:`brain.app.presence.PresenceTracker` debounces that into the owner
  arriving and leaving;
* the audio pipeline reports startles in dBFS; a loud-sound trigger is
  written in dB SPL, so the microphone's ``spl_offset_db`` (the SPL of a
  full-scale sample) converts one into the other.

:func:`load_fusion_in_background` loads the fusion model off the main loop,
so the body (which rests after 300 ms without traffic) never waits for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from brain.app.presence import PresenceTracker
from brain.events import LoudSound, OwnerPresence
from sensors.audio.observations import SoundEvent
from sensors.camera.observations import VisionObservation

log = logging.getLogger("petbrain")


class PerceptionEvents:
    """Owner presence and loud sounds from worker observations."""

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
            level = round(value.level_dbfs + self.spl_offset_db, 1)
            return [LoudSound(int(value.t_ms), level)]
        return []

    def nothing_in_view(self, t_ms: int) -> list[OwnerPresence]:
        """A camera period passed without a frame (an empty simulated room): nobody is seen."""
        change = self.presence.feed(t_ms, False)
        return [] if change is None else [change]


def load_fusion_in_background(ready: Callable[[Any], None]) -> threading.Thread:
    """Load the owner-emotion fusion on a thread and hand it to ``ready``.

    A missing or corrupt model leaves owner emotion off, said once; the pet carries on.
    """

    def load() -> None:
        try:
            from brain.fusion.model import FusionModel
            from brain.fusion.owner import OwnerFusion

            fusion = OwnerFusion(FusionModel())
        except Exception as error:  # a broken model file must not stop the pet
            log.error("owner-emotion fusion is off (%s); the pet carries on", error)
            return
        ready(fusion)

    thread = threading.Thread(target=load, name="petbrain-fusion-load", daemon=True)
    thread.start()
    return thread
