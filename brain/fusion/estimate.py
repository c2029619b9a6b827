"""One instantaneous owner-emotion estimate: one batched model call, then posture and confidence.

The batch holds the full input row and, when two or more learned modalities
are present, a row without each of them (their *contribution*: how much the
estimate moves when that modality is taken away) and a row with each alone
(their own reading, for *conflict*). Seven rows at most, one ONNX call.

It reads what fusion holds as plain :class:`Evidence` and the model, config
and baseline it is given: it never imports ``brain.fusion.owner``, its caller.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import numpy.typing as npt

from brain.events import OwnerEmotion
from brain.fusion.baseline import OwnerBaseline
from brain.fusion.config import FusionConfig
from brain.fusion.features import EMOTIONS, LEARNED_MODALITIES, MODALITIES, assemble, own_reading
from brain.fusion.model import FusionModel

UNIFORM = {e: 1.0 / len(EMOTIONS) for e in EMOTIONS}


@dataclass(frozen=True)
class Evidence:
    """What fusion holds at one instant: the input of one estimate.

    ``weights`` are each modality's freshness x reliability (0 = absent);
    ``blocks`` the learned modalities' encoded observations (None = never
    seen); ``body_cues`` the latest posture cues (empty = never seen);
    ``startle_age_ms`` how long ago the last startle was (inf = none);
    ``unscored`` the modalities whose latest observation has not yet been
    compared with the fused reading (see ``brain/fusion/reliability.py``).
    """

    weights: Mapping[str, float]
    blocks: Mapping[str, npt.NDArray[np.float32] | None]
    body_cues: Mapping[str, float] = field(default_factory=dict)
    startle_age_ms: float = math.inf
    unscored: frozenset[str] = frozenset()  # new observations to score for agreement


def full_coverage(model: FusionModel) -> float:
    """Coverage with every learned modality fresh: the normaliser of ``coverage``."""
    missing = 1.0
    for m in LEARNED_MODALITIES:
        missing *= 1.0 - model.quality[m]
    return 1.0 - missing


def _influence(
    p: npt.NDArray[np.float32], q: npt.NDArray[np.float32], dva: npt.NDArray[np.float32]
) -> float:
    """How far two estimates are apart: total variation + (|d valence| + |d arousal|) / 4."""
    return 0.5 * float(np.abs(p - q).sum()) + 0.25 * float(np.abs(dva).sum())


def _bhattacharyya(p: npt.NDArray[np.float32], q: npt.NDArray[np.float32]) -> float:
    return max(0.0, 1.0 - float(np.sum(np.sqrt(np.maximum(p, 0.0) * np.maximum(q, 0.0)))))


def _decisiveness(p: npt.NDArray[np.float32]) -> float:
    """0 for a flat reading .. 1 for a reading sure of one emotion."""
    chance = 1.0 / len(EMOTIONS)
    return max(0.0, (float(p.max()) - chance) / (1.0 - chance))


def _conflict(
    a: npt.NDArray[np.float32], b: npt.NDArray[np.float32], weight_a: float, weight_b: float
) -> float:
    """Confident disagreement of two single readings, 0..1.

    The Bhattacharyya distance of the two distributions, scaled by how decisive
    both are: a vague reading beside a clear one is weak evidence, not a conflict.
    """
    decisive = math.sqrt(_decisiveness(a) * _decisiveness(b))
    return math.sqrt(weight_a * weight_b) * _bhattacharyya(a, b) * decisive


def _reading(
    modality: str,
    block: npt.NDArray[np.float32] | None,
    alone: npt.NDArray[np.float32],
) -> npt.NDArray[np.float32]:
    """The modality's own reading over the emotions, else the model's reading of it alone."""
    own = own_reading(modality, block) if block is not None else None
    return alone if own is None else own


def _posture(cues: Mapping[str, float], weight: float, limit: float) -> tuple[float, float]:
    """(valence, arousal) nudges from posture, bounded by ``limit`` (``body_limit``)."""
    if weight <= 0.0:
        return 0.0, 0.0
    slump = 1.0 - min(1.0, max(0.0, cues.get("upright", 1.0)))
    motion = min(1.0, max(0.0, cues.get("motion", 0.0)))
    lean = min(1.0, max(-1.0, cues.get("lean", 0.0)))
    valence = -0.2 * slump - 0.15 * cues.get("arms_crossed", 0.0)
    valence += 0.1 * cues.get("arms_open", 0.0) + 0.1 * lean
    arousal = 0.3 * motion - 0.1 * slump
    return (
        min(limit, max(-limit, valence * weight)),
        min(limit, max(-limit, arousal * weight)),
    )


def _resolve_conflict(
    model: FusionModel,
    config: FusionConfig,
    present: list[str],
    weights: Mapping[str, float],
    probs: npt.NDArray[np.float32],
    va: npt.NDArray[np.float32],
    readings: list[npt.NDArray[np.float32]],
    conflict: float,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """The model's reading, blended towards the single readings' reliability-weighted mixture.

    Past ``conflict_start`` the fused probabilities move (fully at
    ``conflict_full``) towards sum_m weight_m x precision_m(c) x p_m(c), with
    p_m the modality's own reading (``readings``): each modality votes for what
    it saw, as much as it is usually right about that emotion, so two
    confident, opposite readings stay two hypotheses instead of meeting in a
    class neither of them saw.
    """
    span = config.conflict_full - config.conflict_start
    k = min(1.0, max(0.0, (conflict - config.conflict_start) / span))
    if k <= 0.0:
        return probs[0], va[0]
    n = len(present)
    votes = np.zeros(len(EMOTIONS), np.float32)
    va_sum = np.zeros(2, np.float32)
    weight_sum = 0.0
    for i, m in enumerate(present):
        votes += weights[m] * model.precision[m] * readings[i]
        w = weights[m] * model.quality[m]
        va_sum += w * va[1 + n + i]
        weight_sum += w
    mixture = votes / max(1e-9, float(votes.sum()))
    blended = (1.0 - k) * probs[0] + k * mixture
    blended_va = (1.0 - k) * va[0] + k * va_sum / max(1e-9, weight_sum)
    return blended.astype(np.float32), blended_va.astype(np.float32)


def instant_estimate(
    evidence: Evidence,
    model: FusionModel,
    config: FusionConfig,
    baseline: OwnerBaseline,
    now_ms: float,
    agreements: dict[str, float] | None = None,
) -> OwnerEmotion:
    """The unsmoothed estimate at ``now_ms`` from ``evidence``, by ``model`` and ``config``.

    When ``agreements`` is given, it receives, for each modality in
    ``evidence.unscored`` that met another present modality, the probability
    its own reading gives the fused conclusion (0..1).
    """
    weights = dict(evidence.weights)
    blocks = evidence.blocks
    present = [m for m in LEARNED_MODALITIES if weights[m] > 0.0 and blocks[m] is not None]
    contributions = dict.fromkeys(MODALITIES, 0.0)
    conflict = 0.0
    between: tuple[str, ...] = ()
    if present:
        rows = [assemble(blocks, weights)]
        if len(present) > 1:
            rows += [assemble(blocks, {**weights, m: 0.0}) for m in present]
            rows += [assemble(blocks, {m: weights[m]}) for m in present]
        probs, va = model.run(np.stack(rows))
        p, fused_va = probs[0], va[0]
        if len(present) == 1:
            contributions[present[0]] = 1.0
        else:
            n = len(present)
            for i, m in enumerate(present):
                contributions[m] = _influence(p, probs[1 + i], va[0] - va[1 + i])
                if agreements is not None and m in evidence.unscored:
                    # A new observation: what its own reading gives the fused conclusion.
                    agreements[m] = float(probs[1 + n + i][int(np.argmax(probs[0]))])
            # Conflict is judged on what each sense itself reads (face and voice
            # through the fixed label map; touch, which reads no emotion, as the
            # model reads it alone): the model's single-block reading of an
            # out-of-corpus voice is deliberately tempered, which would hide a
            # clash the owner shows plainly.
            readings = [_reading(m, blocks[m], probs[1 + n + i]) for i, m in enumerate(present)]
            for (i, a), (j, b) in combinations(enumerate(present), 2):
                amount = _conflict(readings[i], readings[j], weights[a], weights[b])
                if amount > conflict:
                    conflict, between = amount, (a, b)
            p, fused_va = _resolve_conflict(
                model, config, present, weights, probs, va, readings, conflict
            )
        valence, arousal = float(fused_va[0]), float(fused_va[1])
        emotion = {e: float(v) for e, v in zip(EMOTIONS, p, strict=True)}
        entropy = -float(np.sum(p * np.log(np.maximum(p, 1e-9))))
        certainty = 1.0 - entropy / math.log(len(EMOTIONS))
    else:
        emotion, valence, arousal, certainty = dict(UNIFORM), 0.0, 0.0, 0.0
    d_valence, d_arousal = _posture(evidence.body_cues, weights["body"], config.body_limit)
    contributions["body"] = 0.25 * (abs(d_valence) + abs(d_arousal))
    valence += d_valence + baseline.valence_offset
    arousal += d_arousal + baseline.arousal_offset
    startle = config.voice.weight(evidence.startle_age_ms)
    if startle >= config.min_weight:
        arousal = max(arousal, config.startle_arousal * startle)
    total = sum(contributions.values())
    if total > 0:
        contributions = {m: c / total for m, c in contributions.items()}
    missing = 1.0
    for m in present:
        missing *= 1.0 - weights[m] * model.quality[m]
    coverage = min(1.0, (1.0 - missing) / full_coverage(model))
    # A conflict lowers confidence through the mixture it leaves in the estimate
    # (two hypotheses are less certain than one); a further penalty counted it
    # twice and left the reported confidence too low (models/fusion.md).
    confidence = coverage * (0.3 + 0.7 * certainty)
    return OwnerEmotion(
        t_ms=int(now_ms),
        valence=min(1.0, max(-1.0, valence)),
        arousal=min(1.0, max(-1.0, arousal)),
        emotion=emotion,
        confidence=min(1.0, max(0.0, confidence)),
        contributions=contributions,
        weights=weights,
        conflict=conflict,
        conflict_between=between,
    )
