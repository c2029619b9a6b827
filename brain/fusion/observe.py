"""Routing sensor observations into fusion, by observation type.

Dispatch is on the observation's class (and its subclasses), never on its
name: a look-alike class from elsewhere is declined. The observation types
are the sensors' own (``sensors.camera.observations``,
``sensors.audio.observations``, ``sensors.touch.events``), but the router
does not import the camera or audio packages to know them: importing those
packages loads OpenCV and PortAudio bindings (about 50 MiB), which a build
without a camera or microphone must not pay. An observation can only exist
once its class's module is loaded, so the router matches a new observation
type against the known classes of the modules already loaded, and caches the
answer per type.

The router feeds a :class:`FusionInputs` (the typed ``update_*`` methods of
``OwnerFusion``); it does not import ``brain.fusion.owner``, its caller.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sensors.audio.observations import SoundEvent, VoiceObservation
    from sensors.camera.observations import BodyObservation, FaceObservation, VisionObservation
    from sensors.touch.events import TouchGesture

Handler = Callable[[Any, float], None]
log = logging.getLogger(__name__)


class FusionInputs(Protocol):
    """What the router feeds: one typed method per modality (``OwnerFusion`` has them)."""

    def update_face(self, expression: dict[str, float], end_ms: float) -> None:
        """A face's expression probabilities."""

    def update_body(
        self,
        motion: float,
        upright: float,
        lean: float,
        arms_crossed: bool,
        arms_open: bool,
        end_ms: float,
    ) -> None:
        """Posture cues."""

    def update_voice(
        self,
        probabilities: dict[str, float],
        arousal: float,
        valence: float,
        end_ms: float,
        confidence: float = 1.0,
    ) -> None:
        """One utterance's voice-emotion estimate."""

    def update_touch(
        self,
        gesture: str,
        intensity: float,
        direction: str | None,
        speed_mm_per_s: float,
        duration_ms: float,
        end_ms: float,
    ) -> None:
        """One classified touch gesture."""

    def update_startle(self, end_ms: float) -> None:
        """A sudden loud sound."""


def _loaded_class(module: str, name: str) -> type | None:
    """The class ``module.name`` when its module is loaded, else None (nothing is imported)."""
    loaded = sys.modules.get(module)
    found = getattr(loaded, name, None) if loaded is not None else None
    return found if isinstance(found, type) else None


class ObservationRouter:
    """Maps observation types to the typed ``update_*`` methods of a :class:`FusionInputs`."""

    def __init__(self, fusion: FusionInputs) -> None:
        self.fusion = fusion
        camera, audio = "sensors.camera.observations", "sensors.audio.observations"
        # (module, class, handler) of every observation type fusion uses, in the order tried.
        self._routes: tuple[tuple[str, str, Handler], ...] = (
            (camera, "VisionObservation", self._vision),
            (camera, "FaceObservation", self._face),
            (camera, "BodyObservation", self._body),
            (audio, "VoiceObservation", self._voice),
            (audio, "SoundEvent", self._sound),
            ("sensors.touch.events", "TouchGesture", self._touch),
        )
        self._modules = tuple(dict.fromkeys(module for module, _, _ in self._routes))
        self._by_type: dict[type, Handler | None] = {}
        self._loaded = 0

    def handler_for(self, kind: type) -> Handler | None:
        """The handler of observations of class ``kind``; None for a kind fusion does not use."""
        loaded = sum(module in sys.modules for module in self._modules)
        if loaded != self._loaded:  # a newly loaded module may own a class missed before
            self._by_type = {k: h for k, h in self._by_type.items() if h is not None}
            self._loaded = loaded
        if kind not in self._by_type:
            self._by_type[kind] = next(
                (
                    handler
                    for module, name, handler in self._routes
                    if (known := _loaded_class(module, name)) is not None
                    and issubclass(kind, known)
                ),
                None,
            )
        return self._by_type[kind]

    def route(self, observation: Any, now_ms: float) -> bool:
        """Hand ``observation`` to fusion; False when its kind is not used or it is malformed."""
        handler = self.handler_for(type(observation))
        if handler is None:
            return False
        try:
            handler(observation, now_ms)
        except (ValueError, TypeError, AttributeError) as error:
            # A malformed observation is dropped, never a crash: the last good one stays.
            log.warning("fusion ignored a %s: %s", type(observation).__name__, error)
            return False
        return True

    def _face(self, obs: FaceObservation, now_ms: float) -> None:
        if obs.present and obs.expression:
            self.fusion.update_face(dict(obs.expression), float(obs.t_ms))
        # An absent face is no evidence: the last one fades out by its age.

    def _body(self, obs: BodyObservation, now_ms: float) -> None:
        if obs.present:
            self.fusion.update_body(
                motion=float(obs.motion),
                upright=float(obs.upright),
                lean=float(obs.lean),
                arms_crossed=bool(obs.arms_crossed),
                arms_open=bool(obs.arms_open),
                end_ms=float(obs.t_ms) - float(obs.stale_ms),
            )

    def _vision(self, obs: VisionObservation, now_ms: float) -> None:
        self._face(obs.face, now_ms)
        self._body(obs.body, now_ms)

    def _voice(self, obs: VoiceObservation, now_ms: float) -> None:
        if obs.arousal is None or obs.valence is None or not obs.emotion:
            return  # speech without an emotion estimate (model unavailable)
        self.fusion.update_voice(
            dict(obs.emotion),
            float(obs.arousal),
            float(obs.valence),
            end_ms=float(obs.t_ms) + float(obs.duration_ms),
            confidence=float(obs.confidence),
        )

    def _sound(self, obs: SoundEvent, now_ms: float) -> None:
        if obs.kind == "startle":
            self.fusion.update_startle(float(obs.t_ms))

    def _touch(self, obs: TouchGesture, now_ms: float) -> None:
        self.fusion.update_touch(
            gesture=str(obs.gesture),
            intensity=float(obs.intensity),
            direction=obs.direction,
            speed_mm_per_s=float(obs.speed_mm_per_s),
            duration_ms=float(obs.duration_ms),
            end_ms=float(obs.t_ms),
        )
