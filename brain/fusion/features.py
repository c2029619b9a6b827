"""What the fusion model reads: the input layout, shared by runtime and training.

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

import numpy as np
import numpy.typing as npt

from behaviors.vocabulary import OWNER_EMOTIONS
from sensors.classes import EXPRESSIONS as _EXPRESSIONS
from sensors.classes import VOICE_EMOTIONS
from sensors.touch.events import GESTURES

EMOTIONS: tuple[str, ...] = OWNER_EMOTIONS
"""The owner's emotion classes (``behaviors.vocabulary.OWNER_EMOTIONS``), in the model's order."""

# The face and voice models' classes come from sensors/classes.py, not from the
# camera or audio package: importing those loads OpenCV or PortAudio (about
# 50 MiB), which a brain without a camera or microphone must not pay.
EXPRESSIONS: tuple[str, ...] = _EXPRESSIONS
"""The facial-expression model's classes (``sensors.classes.EXPRESSIONS``)."""

VOICE_CLASSES: tuple[str, ...] = VOICE_EMOTIONS
"""The voice-emotion model's classes (``sensors.classes.VOICE_EMOTIONS``)."""

# Skin gestures the fusion model was not trained on enter as their nearest pad
# gesture: all three are a whole hand resting firmly on the body.
SKIN_GESTURE_AS = {"grab": "hold", "squeeze": "hold", "hug": "hold"}

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

FACE_TO_EMOTION: dict[str, str] = {
    "angry": "angry",
    "disgust": "angry",
    "fear": "afraid",
    "happy": "happy",
    "neutral": "calm",
    "sad": "sad",
    "surprise": "surprised",
}
"""Which owner emotion each facial expression reads as (the fixed label map of face and voice)."""


def own_reading(modality: str, block: Vector) -> Vector | None:
    """A modality's own reading over :data:`EMOTIONS`, before any fusion.

    The face's expression probabilities and the voice model's class
    probabilities go through the fixed label map (:data:`FACE_TO_EMOTION`;
    the voice classes are owner emotions already). Touch has no emotion
    reading of its own: ``None``.
    """
    reading = np.zeros(len(EMOTIONS), np.float32)
    if modality == "face":
        for c, p in zip(EXPRESSIONS, block[: len(EXPRESSIONS)], strict=True):
            reading[EMOTIONS.index(FACE_TO_EMOTION[c])] += p
    elif modality == "voice":
        for c, p in zip(VOICE_CLASSES, block[: len(VOICE_CLASSES)], strict=True):
            reading[EMOTIONS.index(c)] += p
    else:
        return None
    total = float(reading.sum())
    return reading / total if total > 0.0 else None


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
    gesture = SKIN_GESTURE_AS.get(gesture, gesture)
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
