"""Owner-emotion fusion: the latest face, posture, voice and touch observations -> ``OwnerEmotion``.

The runtime calls :meth:`OwnerFusion.update` with every observation and
:meth:`OwnerFusion.estimate` at 10 Hz or more (both take the brain's
monotonic ``now_ms``). How it behaves, and why:

* **Freshness.** Each modality keeps only its latest observation. Its weight
  is 1 for ``hold_ms`` after the observation ends, then fades exponentially
  (``fade_ms`` time constant) and is dropped below ``min_weight``. Faces
  arrive at camera rate, so they hold briefly; an utterance or a gesture is
  a discrete event whose meaning lasts a few seconds.
* **The learned part.** Face, voice and touch go through one small ONNX model
  (``models/fusion.onnx``) trained on real unimodal data with modalities
  dropped and faded at random, so a missing modality is something it has
  seen, not a failure. Reliability is learned: the model weighs each cue by
  how well it predicted the emotion on training pairs.
* **Posture** has no labelled data offline, so it is a bounded rule on
  valence and arousal (movement raises arousal, a slump or crossed arms
  lower valence), reported as the ``body`` contribution.
* **Conflict** (a smile over a sobbing voice) is handled deliberately: each
  sense's own reading (face and voice through the fixed label map onto the
  owner's emotions; touch as the model reads it alone, in the same call) is
  compared, confident disagreement between two of them is measured
  (Bhattacharyya distance x how decisive both readings are: a vague cue is
  weak evidence, not a conflict) and reported (``conflict``,
  ``conflict_between``). Past ``conflict_start`` the fused probabilities are
  blended towards a mixture of those readings, each weighted by how often
  that modality is right about that emotion (per-class precision stored
  with the model), so a smile over a sob stays "happy or sad, unsure"
  instead of being averaged into a bland "calm" that neither cue showed.
* **Smoothing.** The published estimate follows the instantaneous one with a
  ``smooth_tau_ms`` time constant, except that a strong cue (a shout, a hit,
  a startle) switches to ``fast_tau_ms`` for ``fast_window_ms``, so it gets
  through within a frame or two.
* **Confidence** = coverage (how much of a full view is present, weighted by
  each modality's held-out quality) x certainty (1 - normalised entropy); a
  conflict lowers it through the mixture it leaves in the estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from brain.events import OwnerEmotion
from brain.fusion.baseline import BaselineTracker, OwnerBaseline
from brain.fusion.config import Freshness, FusionConfig
from brain.fusion.estimate import Evidence, full_coverage, instant_estimate
from brain.fusion.features import (
    EMOTIONS,
    LEARNED_MODALITIES,
    MODALITIES,
    assemble,
    encode_face,
    encode_touch_fields,
    encode_voice,
)
from brain.fusion.model import FusionModel
from brain.fusion.observe import ObservationRouter
from brain.fusion.reliability import AgreementTracker, TrustConfig


@dataclass
class _Slot:
    """The latest usable observation of one modality."""

    block: npt.NDArray[np.float32] | None
    end_ms: float
    reliability: float = 1.0
    extra: dict[str, float] = field(default_factory=dict)
    scored: bool = False  # its agreement with the other senses has been measured


class OwnerFusion:
    """One owner's emotion estimate, updated from observations and read at >= 10 Hz."""

    def __init__(
        self,
        model: FusionModel,
        config: FusionConfig | None = None,
        baseline: OwnerBaseline | None = None,
        trust: TrustConfig | None = None,
    ) -> None:
        self.model = model
        self.config = config or FusionConfig()
        self.tracker = BaselineTracker()
        self.trust = AgreementTracker(model.agreement, trust)
        self._baseline = baseline or OwnerBaseline()
        self._face_factor = self._baseline.face_correction(model.face_population_mean)
        self._slots: dict[str, _Slot] = {}
        self._fast_until_ms = -math.inf
        self._startle_ms = -math.inf
        self._state: OwnerEmotion | None = None
        self._router = ObservationRouter(self)
        self._full_coverage = full_coverage(model)

    # -- calibration --------------------------------------------------------

    @property
    def baseline(self) -> OwnerBaseline:
        """The baseline in use (what owner memory stores)."""
        return self._baseline

    def set_baseline(self, baseline: OwnerBaseline) -> None:
        """Use this owner's baseline from now on (owner memory restores it at start)."""
        self._baseline = baseline
        self._face_factor = baseline.face_correction(self.model.face_population_mean)

    def learned_baseline(self) -> OwnerBaseline:
        """The face baseline learned from what this fusion has seen, for owner memory to store."""
        return self.tracker.baseline(self._baseline)

    # -- input --------------------------------------------------------------

    def update(self, observation: Any, now_ms: float) -> bool:
        """Take any sensor observation; returns False for kinds fusion does not use."""
        return self._router.route(observation, now_ms)

    def update_face(self, expression: dict[str, float], end_ms: float) -> None:
        """A face's expression probabilities (EXPRESSIONS classes)."""
        raw = encode_face(expression)
        self.tracker.add_face(raw)
        corrected = raw * self._face_factor
        self._store("face", _Slot(corrected / corrected.sum(), end_ms))

    def update_voice(
        self,
        probabilities: dict[str, float],
        arousal: float,
        valence: float,
        end_ms: float,
        confidence: float = 1.0,
    ) -> None:
        """One utterance's voice-emotion estimate; ``confidence`` 0..1 scales its weight."""
        block = encode_voice(probabilities, arousal, valence)
        reliability = 0.5 + 0.5 * min(1.0, max(0.0, confidence))
        if not self._store("voice", _Slot(block, end_ms, reliability)):
            return
        if arousal >= self.config.shout_arousal and max(probabilities.values()) >= 0.5:
            self._fast_until_ms = end_ms + self.config.fast_window_ms

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
        block = encode_touch_fields(gesture, intensity, direction, speed_mm_per_s, duration_ms)
        if not self._store("touch", _Slot(block, end_ms)):
            return
        if gesture in ("hit", "poke") and intensity >= self.config.hit_intensity:
            self.update_startle(end_ms)  # a slap jolts like a bang, whatever the face says

    def update_body(
        self,
        motion: float,
        upright: float,
        lean: float,
        arms_crossed: bool,
        arms_open: bool,
        end_ms: float,
    ) -> None:
        """Posture cues (see ``sensors.camera`` BodyObservation for their scales)."""
        extra = {
            "motion": motion,
            "upright": upright,
            "lean": lean,
            "arms_crossed": float(arms_crossed),
            "arms_open": float(arms_open),
        }
        self._store("body", _Slot(None, end_ms, extra=extra))

    def _store(self, modality: str, slot: _Slot) -> bool:
        """Keep ``slot`` unless a newer observation is already held (late arrivals lose)."""
        held = self._slots.get(modality)
        if held is not None and slot.end_ms < held.end_ms:
            return False
        self._slots[modality] = slot
        return True

    def update_startle(self, end_ms: float) -> None:
        """A sudden loud sound: arousal jumps at once."""
        self._startle_ms = end_ms
        self._fast_until_ms = end_ms + self.config.fast_window_ms

    def unscored(self) -> set[str]:
        """Learned modalities whose latest observation has not yet been compared with the others."""
        return {m for m in LEARNED_MODALITIES if (s := self._slots.get(m)) and not s.scored}

    def note_agreement(self, modality: str, agreement: float, now_ms: float) -> None:
        """Record how well the latest observation of ``modality`` agreed with the others."""
        slot = self._slots.get(modality)
        if slot is not None and not slot.scored:
            slot.scored = True
            self.trust.observe(modality, agreement, now_ms)

    def drop(self, modalities: tuple[str, ...]) -> None:
        """Forget these modalities now (their source is gone): their weight is 0 at once."""
        for modality in modalities:
            self._slots.pop(modality, None)

    def forget(self) -> None:
        """Drop every observation and the smoothed state (a new owner, a new session)."""
        self._slots.clear()
        self.trust.reset()
        self._state = None
        self._fast_until_ms = self._startle_ms = -math.inf

    # -- output -------------------------------------------------------------

    def weights(self, now_ms: float) -> dict[str, float]:
        """Each modality's current weight (freshness x reliability x trust), 0 when absent.

        Trust is the modality's recent agreement with the other senses
        (:class:`~brain.fusion.reliability.AgreementTracker`): a sense that keeps
        contradicting the others over the last minutes counts for less.
        """
        out = {}
        for m in MODALITIES:
            slot = self._slots.get(m)
            w = 0.0
            if slot is not None:
                w = self.config.freshness(m).weight(now_ms - slot.end_ms) * slot.reliability
                if m in LEARNED_MODALITIES:
                    w *= self.trust.trust(m)
            out[m] = w if w >= self.config.min_weight else 0.0
        return out

    def instant(self, now_ms: float) -> OwnerEmotion:
        """The unsmoothed estimate from the current observations."""
        evidence = Evidence(
            weights=self.weights(now_ms),
            blocks=self.blocks(),
            body_cues=self.body_cues(),
            startle_age_ms=self.startle_age_ms(now_ms),
            unscored=frozenset(self.unscored()),
        )
        agreements: dict[str, float] = {}
        estimate = instant_estimate(
            evidence, self.model, self.config, self._baseline, now_ms, agreements
        )
        for modality, agreement in agreements.items():
            self.note_agreement(modality, agreement, now_ms)
        return estimate

    def estimate(self, now_ms: float) -> OwnerEmotion:
        """The published, smoothed estimate at ``now_ms`` (call at >= 10 Hz)."""
        new = self.instant(now_ms)
        old = self._state
        if old is None or now_ms <= old.t_ms:
            self._state = new
            return new
        tau = (
            self.config.fast_tau_ms if now_ms <= self._fast_until_ms else self.config.smooth_tau_ms
        )
        a = 1.0 - math.exp(-(now_ms - old.t_ms) / tau)
        emotion = {e: (1 - a) * old.emotion[e] + a * new.emotion[e] for e in EMOTIONS}
        total = sum(emotion.values())
        self._state = OwnerEmotion(
            t_ms=int(now_ms),
            valence=(1 - a) * old.valence + a * new.valence,
            arousal=(1 - a) * old.arousal + a * new.arousal,
            emotion={e: p / total for e, p in emotion.items()},
            confidence=(1 - a) * old.confidence + a * new.confidence,
            contributions=new.contributions,
            weights=new.weights,
            conflict=new.conflict,
            conflict_between=new.conflict_between,
        )
        return self._state

    # -- what one estimate reads (brain.fusion.estimate.Evidence) -------------

    def blocks(self) -> dict[str, npt.NDArray[np.float32] | None]:
        """The learned modalities' current blocks (None when never seen)."""
        return {m: (s.block if (s := self._slots.get(m)) else None) for m in LEARNED_MODALITIES}

    def body_cues(self) -> dict[str, float]:
        """The latest posture cues (empty when never seen)."""
        slot = self._slots.get("body")
        return dict(slot.extra) if slot else {}

    def startle_age_ms(self, now_ms: float) -> float:
        """How long ago the last startle was (inf when none)."""
        return now_ms - self._startle_ms

    def full_coverage(self) -> float:
        """Coverage of all learned modalities fresh, the normaliser of ``coverage``."""
        return self._full_coverage


def load_for_memory_bench() -> OwnerFusion:
    """The fusion with its model loaded, as the running brain holds it."""
    return OwnerFusion(FusionModel())


__all__ = [
    "Freshness",
    "FusionConfig",
    "OwnerBaseline",
    "OwnerEmotion",
    "OwnerFusion",
    "assemble",
    "load_for_memory_bench",
]
