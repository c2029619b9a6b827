"""How fusion weighs time: each modality's freshness, smoothing and conflict thresholds.

A leaf module: ``owner`` (the running fusion) and ``estimate`` (one
instantaneous estimate) both read it, neither imports the other's caller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Freshness:
    """How long an observation counts fully, then how fast it fades."""

    hold_ms: float  # full weight for this long after the observation ends
    fade_ms: float  # then exp(-(age - hold) / fade)

    def weight(self, age_ms: float) -> float:
        """0..1 weight of an observation ``age_ms`` old."""
        if age_ms < 0:
            age_ms = 0.0
        if age_ms <= self.hold_ms:
            return 1.0
        return math.exp(-(age_ms - self.hold_ms) / self.fade_ms)


@dataclass(frozen=True)
class FusionConfig:
    """Time constants and thresholds (all times in ms of the brain's monotonic clock)."""

    face: Freshness = Freshness(hold_ms=300, fade_ms=1200)  # camera at >= 15 Hz
    body: Freshness = Freshness(hold_ms=500, fade_ms=1500)  # pose runs at a reduced rate
    voice: Freshness = Freshness(hold_ms=3000, fade_ms=3000)  # one utterance colours a while
    touch: Freshness = Freshness(hold_ms=1500, fade_ms=2500)  # one gesture, a few seconds
    min_weight: float = 0.05  # below this a modality counts as absent
    smooth_tau_ms: float = 600.0  # normal following of new evidence
    fast_tau_ms: float = 30.0  # after a strong cue
    fast_window_ms: float = 400.0  # how long a strong cue keeps the fast time constant
    startle_arousal: float = 0.6  # a startle or a slap lifts arousal at least this high
    shout_arousal: float = 0.5  # voice arousal above this with a clear class is a strong cue
    hit_intensity: float = 0.8  # a hit or poke at least this firm is a strong cue
    body_limit: float = 0.3  # posture moves valence/arousal by at most this much
    conflict_start: float = 0.3  # above this conflict the readings start to stay apart ...
    conflict_full: float = 0.6  # ... and from this one on they are a reliability-weighted mixture

    def freshness(self, modality: str) -> Freshness:
        """The freshness of ``modality`` (face, body, voice or touch)."""
        fresh = getattr(self, modality, None)
        if not isinstance(fresh, Freshness):
            raise KeyError(modality)
        return fresh
