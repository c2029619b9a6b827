"""What the fusion model reads and what it says: the input layout and ``OwnerEmotion``.

The layout is shared by the runtime (``brain.fusion.owner``) and the training script
(``models/train_fusion.py``), so the two cannot drift apart; the model file
stores it in its metadata and loading checks it.

Input row (float32, :data:`INPUT_SIZE` values)::

    face   7  expression probabilities (EXPRESSIONS order)     x face weight
    voice  7  probabilities (VOICE_CLASSES order), arousal, valence  x voice weight
    touch 12  gesture one-hot (GESTURES order), intensity, with/against fur,
              speed / 500 mm/s, duration / 2 s                 x touch weight
    presence 3  face, voice, touch weights in 0..1 (0 = absent)

A weight below 1 (a stale or unsure observation) scales that modality's
block towards the all-zero "absent" block, which the model learned as
"no evidence".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from brain import events

EMOTIONS = ("happy", "sad", "angry", "afraid", "surprised", "calm")
"""The owner's emotion classes, in the order of the model's probabilities."""

EXPRESSIONS = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")
"""The facial-expression model's classes (``sensors.camera.observations.EXPRESSIONS``)."""

VOICE_CLASSES = ("angry", "happy", "sad", "afraid", "calm")
"""The voice-emotion model's classes (``sensors.audio.emotion.CLASSES``)."""

GESTURES = ("stroke", "pat", "scratch", "hold", "poke", "hit", "tickle")
"""Touch gestures (``sensors.touch.events.GESTURES``)."""

LEARNED_MODALITIES = ("face", "voice", "touch")
"""Modalities the ONNX model reads, in block order."""

MODALITIES = ("face", "body", "voice", "touch")
"""Every modality fusion reports on (``body`` posture is a rule, not learned: see docs)."""

FACE_SIZE, VOICE_SIZE, TOUCH_SIZE = len(EXPRESSIONS), len(VOICE_CLASSES) + 2, len(GESTURES) + 5
BLOCKS = {
    "face": slice(0, FACE_SIZE),
    "voice": slice(FACE_SIZE, FACE_SIZE + VOICE_SIZE),
    "touch": slice(FACE_SIZE + VOICE_SIZE, FACE_SIZE + VOICE_SIZE + TOUCH_SIZE),
}
PRESENCE_OFFSET = FACE_SIZE + VOICE_SIZE + TOUCH_SIZE
INPUT_SIZE = PRESENCE_OFFSET + len(LEARNED_MODALITIES)

# Where each class sits on the circumplex (valence, arousal), Russell 1980;
# the training targets of the model's valence/arousal head.
VALENCE_AROUSAL = {
    "happy": (0.8, 0.5),
    "sad": (-0.7, -0.5),
    "angry": (-0.6, 0.8),
    "afraid": (-0.7, 0.6),
    "surprised": (0.1, 0.7),
    "calm": (0.3, -0.4),
}

Vector = npt.NDArray[np.float32]


def encode_face(expression: Mapping[str, float]) -> Vector:
    """Expression probabilities as a block; unknown classes count as 0, the rest renormalised."""
    block = np.array([max(0.0, float(expression.get(c, 0.0))) for c in EXPRESSIONS], np.float32)
    total = float(block.sum())
    if total <= 0.0 or not math.isfinite(total):
        raise ValueError("a face observation without expression probabilities")
    return block / total


def encode_voice(probabilities: Mapping[str, float], arousal: float, valence: float) -> Vector:
    """Voice-model probabilities, then arousal and valence clipped to [-1, 1]."""
    probs = [max(0.0, float(probabilities.get(c, 0.0))) for c in VOICE_CLASSES]
    total = sum(probs)
    if total <= 0.0 or not math.isfinite(total):
        raise ValueError("a voice observation without emotion probabilities")
    if not (math.isfinite(arousal) and math.isfinite(valence)):
        raise ValueError("a voice observation without arousal/valence")
    return np.array(
        [p / total for p in probs] + [min(1.0, max(-1.0, arousal)), min(1.0, max(-1.0, valence))],
        np.float32,
    )


def encode_touch_fields(
    gesture: str,
    intensity: float,
    direction: str | None,
    speed_mm_per_s: float,
    duration_ms: float,
) -> Vector:
    """One classified gesture as a block (the fields of ``TouchGesture``)."""
    if gesture not in GESTURES:
        raise ValueError(f"unknown touch gesture {gesture!r}")
    block = np.zeros(TOUCH_SIZE, np.float32)
    block[GESTURES.index(gesture)] = 1.0
    tail = len(GESTURES)
    block[tail] = min(1.0, max(0.0, intensity))
    block[tail + 1] = 1.0 if direction == "with_fur" else 0.0
    block[tail + 2] = 1.0 if direction == "against_fur" else 0.0
    block[tail + 3] = min(1.5, max(0.0, speed_mm_per_s / 500.0))
    block[tail + 4] = min(2.0, max(0.0, duration_ms / 2000.0))
    return block


def assemble(blocks: Mapping[str, Vector | None], weights: Mapping[str, float]) -> Vector:
    """One model input row from the blocks present and their weights in 0..1."""
    row = np.zeros(INPUT_SIZE, np.float32)
    for index, name in enumerate(LEARNED_MODALITIES):
        block = blocks.get(name)
        weight = min(1.0, max(0.0, float(weights.get(name, 0.0))))
        if block is None or weight <= 0.0:
            continue
        row[BLOCKS[name]] = block * weight
        row[PRESENCE_OFFSET + index] = weight
    return row


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class OwnerEmotion:
    """The pet's estimate of how its owner feels, and how sure it is.

    ``contributions`` says how much each modality moved the estimate (shares
    summing to 1 over the modalities that were heard; all 0 when nothing
    was). ``weights`` are each modality's freshness x reliability in 0..1
    (0 = absent or faded out). ``conflict`` in 0..1 is the strongest
    confident disagreement between two modalities, named in ``conflict_between``.
    """

    t_ms: int
    valence: float  # -1 unpleasant .. +1 pleasant
    arousal: float  # -1 sleepy/calm .. +1 agitated/excited
    emotion: dict[str, float]  # EMOTIONS -> probability, sums to 1
    confidence: float  # 0 no idea .. 1 sure
    contributions: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    conflict: float = 0.0
    conflict_between: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The most probable emotion."""
        return max(self.emotion, key=self.emotion.__getitem__)

    def to_event(self) -> events.OwnerEmotion:
        """The runtime's event (``brain.events.OwnerEmotion``) for ``Brain.observe``."""
        return events.OwnerEmotion(
            t_ms=self.t_ms,
            valence=self.valence,
            arousal=self.arousal,
            probabilities=dict(self.emotion),
            confidence=self.confidence,
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (rounded floats)."""
        return {
            "t_ms": self.t_ms,
            "valence": round(self.valence, 4),
            "arousal": round(self.arousal, 4),
            "emotion": _rounded(dict(self.emotion)),
            "label": self.label,
            "confidence": round(self.confidence, 4),
            "contributions": _rounded(dict(self.contributions)),
            "weights": _rounded(dict(self.weights)),
            "conflict": round(self.conflict, 4),
            "conflict_between": list(self.conflict_between),
        }
