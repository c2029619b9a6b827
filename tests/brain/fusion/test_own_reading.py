"""Each sense's own reading over the owner's emotions (the conflict policy's label map)."""

from __future__ import annotations

import numpy as np
import pytest

from brain.fusion.features import (
    EMOTIONS,
    EXPRESSIONS,
    FACE_TO_EMOTION,
    encode_face,
    encode_touch_fields,
    encode_voice,
    own_reading,
)


def test_every_expression_maps_onto_an_owner_emotion() -> None:
    assert set(FACE_TO_EMOTION) == set(EXPRESSIONS)
    assert set(FACE_TO_EMOTION.values()) <= set(EMOTIONS)


def test_face_classes_pool_into_their_emotions() -> None:
    block = encode_face({"disgust": 0.3, "angry": 0.3, "neutral": 0.4})
    reading = own_reading("face", block)
    assert reading is not None
    assert reading[EMOTIONS.index("angry")] == pytest.approx(0.6)
    assert reading[EMOTIONS.index("calm")] == pytest.approx(0.4)
    assert float(reading.sum()) == pytest.approx(1.0)


def test_voice_reading_ignores_its_arousal_and_valence_heads() -> None:
    block = encode_voice({"sad": 0.85, "calm": 0.1, "afraid": 0.05}, -0.9, -0.9)
    reading = own_reading("voice", block)
    assert reading is not None
    assert reading[EMOTIONS.index("sad")] == pytest.approx(0.85)
    assert reading[EMOTIONS.index("surprised")] == 0.0
    assert float(reading.sum()) == pytest.approx(1.0)


def test_touch_has_no_emotion_reading_of_its_own() -> None:
    block = encode_touch_fields("stroke", 0.5, "with_fur", 200.0, 800.0)
    assert own_reading("touch", block) is None


def test_an_all_zero_block_has_no_reading() -> None:
    assert own_reading("face", np.zeros(len(EXPRESSIONS), np.float32)) is None
