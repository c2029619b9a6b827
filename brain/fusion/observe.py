"""Routing sensor observations into fusion, by observation type.

Dispatch is by the observation's class name, so fusion needs no import of
the camera, audio or touch packages (each optional on a given build) and a
kind fusion does not use is simply declined. Each handler reads the fields
documented on that observation type.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from brain.fusion.owner import OwnerFusion

Handler = Callable[[Any, float], None]
log = logging.getLogger(__name__)


class ObservationRouter:
    """Maps observation types to the fusion's typed ``update_*`` methods."""

    def __init__(self, fusion: OwnerFusion) -> None:
        self.fusion = fusion
        self._handlers: dict[str, Handler] = {
            "FaceObservation": self._face,
            "BodyObservation": self._body,
            "VisionObservation": self._vision,
            "VoiceObservation": self._voice,
            "SoundEvent": self._sound,
            "TouchGesture": self._touch,
        }

    def route(self, observation: Any, now_ms: float) -> bool:
        """Hand ``observation`` to fusion; False when its kind is not used or it is malformed."""
        handler = self._handlers.get(type(observation).__name__)
        if handler is None:
            return False
        try:
            handler(observation, now_ms)
        except (ValueError, TypeError, AttributeError) as error:
            # A malformed observation is dropped, never a crash: the last good one stays.
            log.warning("fusion ignored a %s: %s", type(observation).__name__, error)
            return False
        return True

    def _face(self, obs: Any, now_ms: float) -> None:
        if obs.present and obs.expression:
            self.fusion.update_face(dict(obs.expression), float(obs.t_ms))
        # An absent face is no evidence: the last one fades out by its age.

    def _body(self, obs: Any, now_ms: float) -> None:
        if obs.present:
            self.fusion.update_body(
                motion=float(obs.motion),
                upright=float(obs.upright),
                lean=float(obs.lean),
                arms_crossed=bool(obs.arms_crossed),
                arms_open=bool(obs.arms_open),
                end_ms=float(obs.t_ms) - float(getattr(obs, "stale_ms", 0)),
            )

    def _vision(self, obs: Any, now_ms: float) -> None:
        self._face(obs.face, now_ms)
        self._body(obs.body, now_ms)

    def _voice(self, obs: Any, now_ms: float) -> None:
        if obs.arousal is None or obs.valence is None or not obs.emotion:
            return  # speech without an emotion estimate (model unavailable)
        self.fusion.update_voice(
            dict(obs.emotion),
            float(obs.arousal),
            float(obs.valence),
            end_ms=float(obs.t_ms) + float(obs.duration_ms),
            confidence=float(obs.confidence),
        )

    def _sound(self, obs: Any, now_ms: float) -> None:
        if getattr(obs, "kind", None) == "startle":
            self.fusion.update_startle(float(obs.t_ms))

    def _touch(self, obs: Any, now_ms: float) -> None:
        self.fusion.update_touch(
            gesture=str(obs.gesture),
            intensity=float(obs.intensity),
            direction=obs.direction,
            speed_mm_per_s=float(obs.speed_mm_per_s),
            duration_ms=float(obs.duration_ms),
            end_ms=float(obs.t_ms),
        )
