import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from sensors.audio.emotion import (
    CLASSES,
    EMOTION_PATH,
    SessionNormaliser,
    VoiceEmotionModel,
    normalise_group,
)
from sensors.audio.prosody import FEATURE_NAMES


def _normaliser(k: float = 4.0, max_count: float = 60.0) -> SessionNormaliser:
    return SessionNormaliser(np.array([10.0, 0.0]), np.array([2.0, 1.0]), k, max_count)


def test_a_new_speaker_is_judged_against_the_population() -> None:
    norm = _normaliser()
    z = norm.normalise(np.array([14.0, np.nan], dtype=np.float32))
    assert z.tolist() == [2.0, 0.0]  # NaN: treated as average


def test_the_baseline_moves_to_the_speaker_with_shrinkage() -> None:
    norm = _normaliser(k=4.0)
    for _ in range(4):
        norm.update(np.array([20.0, 1.0], dtype=np.float32))
    assert norm.baseline().tolist() == pytest.approx([15.0, 0.5])  # half way after k utterances
    for _ in range(400):
        norm.update(np.array([20.0, 1.0], dtype=np.float32))
    assert norm.baseline()[0] == pytest.approx((60 * 20 + 4 * 10) / 64)  # capped at 60
    assert norm.count <= 60.0  # old utterances fade
    assert norm.normalise(np.array([100.0, 1.0], dtype=np.float32))[0] == 4.0  # clipped
    norm.reset()
    assert norm.baseline().tolist() == [10.0, 0.0]


def test_normalise_group_modes() -> None:
    norm = _normaliser(k=1.0)
    x = np.array([[12.0, 0.0], [16.0, 0.0]], dtype=np.float32)
    utterance = normalise_group(x, norm, "utterance")
    online = normalise_group(x, norm, "online")
    session = normalise_group(x, norm, "session")
    assert utterance[:, 0].tolist() == [1.0, 3.0]
    assert online[:, 0].tolist() == [1.0, pytest.approx((16 - 11) / 2)]
    assert session[:, 0].tolist() == pytest.approx([(12 - 38 / 3) / 2, (16 - 38 / 3) / 2])
    with pytest.raises(ValueError, match="unknown normalisation"):
        normalise_group(x, norm, "speaker")


def test_the_model_file_is_small_and_matches_its_own_weights() -> None:
    assert EMOTION_PATH.stat().st_size < 100_000
    model = VoiceEmotionModel()
    graph = onnx.load(str(EMOTION_PATH)).graph
    weights = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    rng = np.random.default_rng(0)
    z = rng.normal(size=(8, len(FEATURE_NAMES))).astype(np.float32)
    estimates = model.predict(z)
    logits = z @ weights["W"] + weights["B"]
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    arousal_valence = np.tanh(z @ weights["WAV"] + weights["BAV"])
    for estimate, row, av in zip(estimates, expected, arousal_valence, strict=True):
        assert list(estimate.probabilities) == list(CLASSES)
        assert [estimate.probabilities[c] for c in CLASSES] == pytest.approx(row, abs=1e-5)
        assert estimate.arousal == pytest.approx(av[0], abs=1e-5)
        assert estimate.valence == pytest.approx(av[1], abs=1e-5)
        assert -1.0 <= estimate.valence <= 1.0


def test_a_high_bright_effortful_voice_sounds_more_aroused_than_a_low_dull_one() -> None:
    model = VoiceEmotionModel()
    excited = np.zeros(len(FEATURE_NAMES), dtype=np.float32)
    # Higher pitch, more high-frequency energy, louder and more dynamic: vocal effort.
    raised = ("f0_median_st", "f0_p20_st", "f0_p80_st", "alpha_db", "alpha_voiced_db")
    raised += ("loudness_delta_db", "loudness_sone", "loudness_p50_sone", "loudness_p80_sone")
    for name in raised:
        excited[FEATURE_NAMES.index(name)] = 2.0
    for name in ("hammarberg_db", "hammarberg_voiced_db"):  # a flatter spectrum
        excited[FEATURE_NAMES.index(name)] = -2.0
    high, low = model.predict(np.stack([excited, -excited]))
    assert high.arousal > 0.2 > -0.2 > low.arousal
    assert high.probabilities["angry"] > low.probabilities["angry"]
    assert low.probabilities["sad"] + low.probabilities["calm"] > 0.5
