"""The voice-emotion training recipe agrees with the runtime it trains for."""

from pathlib import Path

import numpy as np
import pytest

from models import train_voice_emotion as recipe
from models.voice_loco import (
    CLASSES,
    L2_GRID,
    Heads,
    arousal_target,
    class_index,
    fit_heads,
    scores,
)
from sensors.audio.emotion import SessionNormaliser, VoiceEmotionModel
from sensors.audio.prosody import FEATURE_NAMES

D = len(FEATURE_NAMES)


def test_training_normalisation_is_the_runtime_rule() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, D))
    x[2, 0] = np.nan  # an utterance without a voiced chunk
    speakers = np.array(["a"] * 6)
    pop, within = rng.normal(size=D), rng.uniform(0.5, 2.0, size=D)
    z, index = recipe.training_rows(x, speakers, pop, within, seed=1)
    assert len(z) == 6 * len(recipe.SESSION_SIZES)
    # The "all other utterances" row of utterance 0 equals the runtime normaliser's output.
    norm = SessionNormaliser(pop, within, recipe.PRIOR_WEIGHT, recipe.MAX_COUNT)
    for j in range(1, 6):
        norm.update(x[j].astype(np.float32))
    runtime = norm.normalise(x[0].astype(np.float32))
    row = np.flatnonzero(index == 0)[recipe.SESSION_SIZES.index(-1)]
    assert z[row] == pytest.approx(runtime, abs=1e-5)
    first = np.flatnonzero(index == 0)[recipe.SESSION_SIZES.index(0)]  # a stranger
    assert z[first] == pytest.approx(np.clip((x[0] - pop) / within, -4, 4), abs=1e-6)


def test_labels_and_scores_follow_the_card() -> None:
    labels = np.array(["anger", "happiness", "sadness", "neutral", "boredom", "fear", "disgust"])
    assert list(class_index(labels)) == [0, 1, 2, 4, 4, 3, -1]
    assert list(arousal_target(labels)) == [1, 1, 0, 0, 0, 1, -1]  # disgust not scored
    assert arousal_target(labels, disgust_high=True)[-1] == 1
    # A model that always says "afraid" first and "angry" second scores angry on 4-class.
    w = np.zeros((D, len(CLASSES)))
    b = np.array([1.0, 0.0, 0.0, 2.0, 0.0])
    heads = Heads(w, b, np.zeros(D), 1.0, np.zeros(D), 0.0)
    s = scores(heads, np.zeros((len(labels), D)), labels)
    assert s["four_recall"] == [1.0, 0.0, 0.0, 0.0] and s["four"] == pytest.approx(0.25)
    assert s["arousal"] == pytest.approx(0.5)  # always "high": recall 1 and 0


def test_fitted_heads_separate_and_the_exported_onnx_computes_them(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    kinds = np.array(["anger", "sadness", "happiness", "neutral"] * 40)
    corpus = np.array(["a", "b"] * 80)
    centre = {"anger": 2.0, "happiness": 1.0, "neutral": -1.0, "sadness": -2.0}
    z = rng.normal(size=(len(kinds), D)) * 0.3
    z[:, 0] += [centre[k] for k in kinds]
    z[:, 1] += [1.5 if k in ("happiness", "neutral") else -1.5 for k in kinds]
    heads = fit_heads(z, kinds, corpus, l2=1.0)
    s = scores(heads, z, kinds)
    assert s["four"] > 0.9 and s["arousal"] > 0.9
    path = tmp_path / "voice.onnx"
    model = {"pop": np.zeros(D), "within": np.ones(D), "heads": heads}
    recipe.export(model, path)
    runtime = VoiceEmotionModel(path)
    estimates = runtime.predict(z[:5].astype(np.float32))
    for row, estimate in zip(z[:5], estimates, strict=True):
        probs = heads.classes(row[None])[0]
        assert [estimate.probabilities[c] for c in CLASSES] == pytest.approx(probs, abs=1e-5)
        p_high = 1.0 / (1.0 + np.exp(-heads.arousal_logit(row[None])[0]))
        assert estimate.arousal == pytest.approx(2 * p_high - 1, abs=1e-5)


def test_the_inner_choice_never_looks_at_the_held_out_corpus() -> None:
    rng = np.random.default_rng(5)
    kinds = np.array(["anger", "sadness", "happiness", "neutral"] * 12)
    n = len(kinds)
    corpus = np.repeat(["a", "b", "c"], n)
    speaker = np.array([f"{c}{i % 2}" for c in ("a", "b", "c") for i in range(n)])
    labels = np.tile(kinds, 3)
    centre = {"anger": 2.0, "happiness": 1.0, "neutral": -1.0, "sadness": -2.0}
    x = rng.normal(size=(3 * n, D))
    x[:, 0] += [centre[k] for k in labels]
    meta = {"corpus": corpus, "speaker": speaker, "label": labels}
    train = corpus != "c"
    first = recipe.ours_l2(x, meta, train)
    x[~train] = rng.normal(size=(n, D)) * 10.0  # anything at all in the held-out corpus
    assert recipe.ours_l2(x, meta, train) == first
    assert first in L2_GRID
