"""The gesture learners: boosted stumps fit, and both kinds export to the same ONNX answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sensors.touch.learn import fit, fit_stumps


def _three_classes(seed: int, n: int = 90) -> tuple[np.ndarray, list[str]]:
    """Three classes told apart by thresholds on two of five features (the rest noise)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, (n, 5))
    y = ["a" if v < -0.5 else "b" if v < 0.7 else "c" for v in x[:, 1]]
    x[:, 3] += np.array([{"a": 0.0, "b": 0.0, "c": 3.0}[v] for v in y])
    return x, y


def test_stumps_learn_thresholds_on_the_right_features() -> None:
    x, y = _three_classes(0)
    model = fit_stumps(x, y, rounds=150)
    assert model.classes == ("a", "b", "c")
    assert set(model.features.tolist()) <= {0, 1, 2, 3, 4}
    assert np.mean(np.asarray(model.features) == 1) > 0.5  # most stumps ask the telling feature
    test_x, test_y = _three_classes(1, 300)
    right = np.mean(np.array(model.predict(test_x)) == np.array(test_y))
    assert right >= 0.9
    again = fit_stumps(x, y, rounds=150)
    assert np.array_equal(again.thresholds, model.thresholds)  # deterministic
    p = model.scores(test_x)
    assert p.shape == (300, 3) and np.allclose(p.sum(axis=1), 1.0)


def test_stumps_never_ask_a_skipped_feature() -> None:
    x, y = _three_classes(5)
    model = fit_stumps(x, y, rounds=80, skip=(1,))
    assert 1 not in set(model.features.tolist())
    assert 3 in set(model.features.tolist())  # it falls back on what else tells the classes


def test_stumps_weigh_a_rare_class_like_a_common_one() -> None:
    x, y = _three_classes(2, 400)
    keep = [i for i, v in enumerate(y) if v != "a" or i % 6 == 0]  # few a's left
    model = fit_stumps(x[keep], [y[i] for i in keep], rounds=150)
    test_x, test_y = _three_classes(3, 400)
    guesses = np.array(model.predict(test_x))
    truth = np.array(test_y)
    assert np.mean(guesses[truth == "a"] == "a") >= 0.8


@pytest.mark.parametrize("kind", ["stumps", "softmax", "mlp"])
def test_onnx_export_answers_like_the_fitted_model(kind: str, tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    from models.train_touch import to_onnx
    from sensors.touch.features import FEATURE_NAMES
    from sensors.touch.skin_classifier import OnnxGestureModel

    rng = np.random.default_rng(4)
    x = rng.normal(0.0, 1.0, (120, len(FEATURE_NAMES)))
    y = ["hug" if v > 0.3 else "pat" if v > -0.4 else "stroke" for v in x[:, 7]]
    if kind == "stumps":
        model = fit_stumps(x, y, rounds=60)
    else:
        model = fit(x, y, hidden=8 if kind == "mlp" else 0, epochs=100)  # type: ignore[assignment]
    path = tmp_path / "m.onnx"
    path.write_bytes(to_onnx(model, 0.15, ["abc"]))
    loaded = OnnxGestureModel(path)
    got = loaded.scores(x)
    assert loaded.classes == model.classes and loaded.touch_level == 0.15
    assert loaded.trained_on == frozenset({"abc"})
    assert np.allclose(got, model.scores(x), atol=1e-4)


def test_training_rows_add_the_recordings_read_at_other_gains(tmp_path: Path) -> None:
    from skin_fakes import write_folder

    from sensors.touch.features import FEATURE_NAMES
    from sensors.touch.realeval import instance_features, training_rows
    from sensors.touch.recording import load_folder

    write_folder(tmp_path, subjects=("s1",), per_subject=1)
    folder = load_folder(tmp_path)
    recording = folder.recordings[0]
    plain = instance_features(recording, folder.surface(), 0.15)
    samples = instance_features(recording, folder.surface(), 0.15, gains=(0.5, 2.0))
    assert all(s.augmented is None for s in plain)
    peak = FEATURE_NAMES.index("total_max_log")
    for p, s in zip(plain, samples, strict=True):
        assert np.array_equal(p.windows, s.windows)  # the recording as it is is unchanged
        assert s.augmented is not None and len(s.augmented) == 2 * len(s.windows)
        half = s.augmented[: len(s.windows)]
        assert np.all(half[:, peak] < s.windows[:, peak])  # read half as sensitive
    x, y = training_rows(samples)
    n = sum(len(s.windows) for s in samples)
    assert x.shape[0] == len(y) == 2 * 3 * n  # as recorded and at two gains, each mirrored
