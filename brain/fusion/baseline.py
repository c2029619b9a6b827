"""Per-owner calibration of fusion: someone who rarely smiles, someone who always sounds tense.

An :class:`OwnerBaseline` holds what is *usual* for this owner: their typical
expression distribution (a resting face that the expression model reads as
"sad" or "neutral" more than most people's) and valence/arousal offsets.
Fusion divides the owner's usual out of each face observation and multiplies
the population's usual back in (a prior correction, shrunk towards the
population while little is known), so the same small smile means more on a
face that rarely smiles. :class:`BaselineTracker` learns the face baseline
online; the owner-memory work stores and restores it through
``OwnerFusion.baseline`` / ``OwnerFusion.set_baseline``. (The voice has its
own per-speaker normalisation upstream in ``sensors.audio``.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from brain.fusion.features import EXPRESSIONS

PRIOR_COUNT = 200.0  # face observations the population reference is worth (shrinkage)
MAX_RATIO = 4.0  # the correction never multiplies a class by more than this (or divides)


@dataclass(frozen=True)
class OwnerBaseline:
    """What is usual for one owner (everything optional: an empty baseline changes nothing)."""

    face_expression: dict[str, float] = field(default_factory=dict)  # usual expression mix
    face_count: float = 0.0  # face observations behind it; shrinks it towards the population
    valence_offset: float = 0.0  # added to the fused valence (e.g. -0.1: reads too gloomy)
    arousal_offset: float = 0.0  # added to the fused arousal

    def face_correction(self, population: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Per-expression factors population / owner (shrunk, bounded); ones when unknown."""
        if not self.face_expression or self.face_count <= 0:
            return np.ones(len(EXPRESSIONS), np.float32)
        own = np.array([max(0.0, self.face_expression.get(c, 0.0)) for c in EXPRESSIONS])
        if own.sum() <= 0 or not math.isfinite(float(own.sum())):
            return np.ones(len(EXPRESSIONS), np.float32)
        own = own / own.sum()
        pop = population.astype(np.float64) / max(1e-9, float(population.sum()))
        shrunk = (self.face_count * own + PRIOR_COUNT * pop) / (self.face_count + PRIOR_COUNT)
        ratio: npt.NDArray[np.float32] = np.clip(
            pop / np.maximum(shrunk, 1e-6), 1.0 / MAX_RATIO, MAX_RATIO
        ).astype(np.float32)
        return ratio

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (what owner memory stores)."""
        return {
            "face_expression": {k: round(v, 5) for k, v in self.face_expression.items()},
            "face_count": self.face_count,
            "valence_offset": self.valence_offset,
            "arousal_offset": self.arousal_offset,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OwnerBaseline:
        """Back from :meth:`to_json`; a malformed field raises ValueError."""
        face = data.get("face_expression") or {}
        if not isinstance(face, Mapping):
            raise ValueError("face_expression must be a mapping")
        return cls(
            face_expression={str(k): float(v) for k, v in face.items()},
            face_count=float(data.get("face_count", 0.0)),
            valence_offset=float(data.get("valence_offset", 0.0)),
            arousal_offset=float(data.get("arousal_offset", 0.0)),
        )


class BaselineTracker:
    """Running mean of the owner's face expression, forgetting slowly (``horizon`` observations)."""

    def __init__(self, horizon: float = 5000.0) -> None:
        self.horizon = horizon
        self._sum = np.zeros(len(EXPRESSIONS), np.float64)
        self._count = 0.0

    def add_face(self, probabilities: npt.NDArray[np.float32]) -> None:
        """One face observation's raw expression probabilities."""
        if self._count >= self.horizon:
            scale = (self.horizon - 1.0) / self._count
            self._sum *= scale
            self._count *= scale
        self._sum += probabilities
        self._count += 1.0

    def baseline(self, base: OwnerBaseline | None = None) -> OwnerBaseline:
        """The learned face baseline, keeping ``base``'s offsets."""
        base = base or OwnerBaseline()
        if self._count == 0:
            return base
        mean = self._sum / self._count
        return OwnerBaseline(
            face_expression={c: float(v) for c, v in zip(EXPRESSIONS, mean, strict=True)},
            face_count=self._count,
            valence_offset=base.valence_offset,
            arousal_offset=base.arousal_offset,
        )
