"""How much to trust each sense *now*: agreement with the other senses over recent minutes.

A modality's accuracy on its training corpus says little about this owner in
this room: a voice model built on actors can misread one person's voice for
weeks while the face is read well. So each time a new observation of a
modality meets at least one other fresh modality, the fusion measures how far
that modality's own reading agrees with the fused reading: the probability
it gives the emotion the fusion concluded (a vague reading earns little, a
confident contrary one nothing). With two senses a
pairwise comparison could not say which one is off; against the fused
reading, which leans on the sense the model found more reliable, the one
that keeps pulling away loses trust, and as it does the fused reading leans
further on the others. The
running, time-weighted mean of those agreements, relative to the agreement
that modality typically reached on the fusion's training pairs (stored with
the model), becomes a trust factor in ``[floor, 1]`` that scales its weight.

A sense that keeps contradicting the others fades towards ``floor`` (never to
zero: it may be the one that is right); one that agrees as usual keeps full
weight. Old evidence fades with ``tau_ms``, so a trust lost in a noisy room
comes back once the senses agree again. The prior (``prior_weight`` pseudo
observations at the typical agreement) keeps one odd moment from mattering.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_TYPICAL = 0.5  # used when the model does not say (older fusion models)


@dataclass(frozen=True)
class TrustConfig:
    """Time constant and bounds of the agreement-based trust."""

    tau_ms: float = 180_000.0  # agreement older than a few minutes fades out
    prior_weight: float = 3.0  # pseudo observations at the typical agreement
    floor: float = 0.35  # the least trust a modality keeps


class AgreementTracker:
    """Running agreement of each modality with the others, and the trust it earns."""

    def __init__(self, typical: Mapping[str, float], config: TrustConfig | None = None) -> None:
        self.config = config or TrustConfig()
        self.typical = {m: min(1.0, max(0.05, v)) for m, v in typical.items()}
        self._sum: dict[str, float] = {}
        self._count: dict[str, float] = {}
        self._last_ms: dict[str, float] = {}

    def observe(self, modality: str, agreement: float, now_ms: float) -> None:
        """One new observation of ``modality`` agreed this much (0..1) with the others."""
        last = self._last_ms.get(modality)
        decay = 1.0 if last is None else math.exp(-max(0.0, now_ms - last) / self.config.tau_ms)
        self._sum[modality] = self._sum.get(modality, 0.0) * decay + min(1.0, max(0.0, agreement))
        self._count[modality] = self._count.get(modality, 0.0) * decay + 1.0
        self._last_ms[modality] = now_ms

    def agreement(self, modality: str) -> float:
        """The modality's recent mean agreement, shrunk towards its typical value."""
        typical = self.typical.get(modality, DEFAULT_TYPICAL)
        k = self.config.prior_weight
        total = self._sum.get(modality, 0.0) + k * typical
        return total / (self._count.get(modality, 0.0) + k)

    def trust(self, modality: str) -> float:
        """Weight factor in ``[floor, 1]``: recent agreement relative to the typical one."""
        typical = self.typical.get(modality, DEFAULT_TYPICAL)
        ratio = self.agreement(modality) / typical
        if ratio >= 1.0 - 1e-9:  # as usual (or better): full trust, exactly
            return 1.0
        return max(self.config.floor, ratio)

    def reset(self) -> None:
        """Forget every modality's history (a new owner)."""
        self._sum.clear()
        self._count.clear()
        self._last_ms.clear()
