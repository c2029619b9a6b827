"""Sensor observations -> the brain's events: owner emotion, owner presence, loud sounds.

* Every camera, audio and touch observation goes to :class:`brain.fusion.OwnerFusion`;
  its estimate is handed to the brain at ``estimate_period_ms`` (10 Hz) as an
  ``OwnerEmotion`` event. The fusion model loads on a background thread, so
  the main loop never stalls (the body rests after 300 ms without traffic);
  observations before it is ready are simply not fused.
* The camera thread reports, frame by frame, whether a person is in view;
  :class:`brain.presence.PresenceTracker` debounces that into arrivals and
  departures.
* The audio pipeline reports startles in dBFS; a loud-sound trigger is
  written in dB SPL, so the microphone's ``spl_offset_db`` (the SPL of a
  full-scale sample) converts one into the other.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from brain.events import LoudSound, PetEvent
from brain.presence import PresenceTracker
from sensors.audio.observations import SoundEvent
from sensors.camera.observations import VisionObservation
from sensors.touch.classifier import TouchClassifier
from sensors.touch.events import TouchEvent, TouchGesture

log = logging.getLogger("petbrain")


class TappedClassifier(TouchClassifier):
    """The runtime's touch classifier, keeping the gestures it finds for fusion."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gestures: list[tuple[int, TouchGesture]] = []

    def feed(self, t_ms: int, values: tuple[int, ...] | list[int]) -> list[TouchEvent]:
        """As :meth:`TouchClassifier.feed`, noting each gesture (bounded)."""
        events = super().feed(t_ms, values)
        for event in events:
            if isinstance(event, TouchGesture):
                self.gestures.append((t_ms, event))
        del self.gestures[:-32]
        return events

    def take_gestures(self) -> list[tuple[int, TouchGesture]]:
        """The gestures since the last call."""
        out, self.gestures = self.gestures, []
        return out


class PerceptionEvents:
    """Turns worker observations into events for ``Brain.observe``."""

    def __init__(
        self,
        spl_offset_db: float,
        presence: PresenceTracker | None = None,
        estimate_period_ms: int = 100,
    ) -> None:
        self.spl_offset_db = spl_offset_db
        self.presence = presence or PresenceTracker()
        self.estimate_period_ms = estimate_period_ms
        self.fusion: Any = None  # brain.fusion.OwnerFusion once loaded
        self.fused = 0  # observations fusion took
        self._next_estimate_ms = 0.0
        self._loader: threading.Thread | None = None

    def load_fusion_in_background(self) -> None:
        """Start loading the fusion model; a broken one leaves owner emotion off (said once)."""

        def load() -> None:
            try:
                from brain.fusion import OwnerFusion
                from brain.fusion_model import FusionModel

                self.fusion = OwnerFusion(FusionModel())
            except Exception as error:  # a corrupt model file must not stop the pet
                log.error("owner-emotion fusion is off (%s); the pet carries on", error)

        self._loader = threading.Thread(target=load, name="petbrain-fusion-load", daemon=True)
        self._loader.start()

    def translate(self, value: Any, now_ms: float) -> list[PetEvent]:
        """The events one observation completes (often none); fusion takes it too."""
        fusion = self.fusion
        if fusion is not None and fusion.update(value, now_ms):
            self.fused += 1
        if isinstance(value, VisionObservation):
            seen = value.face.present or value.body.present
            change = self.presence.feed(int(value.t_ms), seen)
            return [] if change is None else [change]
        if isinstance(value, SoundEvent) and value.kind == "startle":
            return [LoudSound(int(value.t_ms), value.level_dbfs + self.spl_offset_db)]
        return []

    def estimate(self, now_ms: float) -> list[PetEvent]:
        """The owner-emotion event when one is due (10 Hz) and fusion has seen something."""
        fusion = self.fusion
        if fusion is None or self.fused == 0 or now_ms < self._next_estimate_ms:
            return []
        self._next_estimate_ms = now_ms + self.estimate_period_ms
        event: PetEvent = fusion.estimate(now_ms).to_event()
        return [event]
