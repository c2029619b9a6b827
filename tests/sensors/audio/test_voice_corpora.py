import numpy as np
import pytest

from sensors.audio.corpora import corpus_rows
from sensors.audio.emotion import EmotionEstimate
from sensors.audio.evaluation import LabelledClip, four_class_scores
from sensors.audio.sources import AudioFileError, load_wav


def _touch(folder, *names):
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")


def test_each_corpus_naming_gives_label_and_speaker(tmp_path) -> None:
    _touch(tmp_path / "emodb", "03a01Wa.wav", "16b10Lb.wav", "notes.wav")
    _touch(tmp_path / "tess", "OAF/OA_bite_neutral.flac", "YAF/YAF_back_ps.flac",
           "YAF/YAF_dog_sad.flac", "YAF/readme.flac")  # fmt: skip
    _touch(tmp_path / "emovo", "m2/rab-m2-l3.flac", "f1/gio-f1-b1.flac", "f1/xyz-f1-b1.flac")
    rows = {c: [(p.name, lab, who) for p, lab, who in corpus_rows(c, tmp_path / c)]
            for c in ("emodb", "tess", "emovo")}  # fmt: skip
    assert rows["emodb"] == [("03a01Wa.wav", "anger", "emodb-03"),
                             ("16b10Lb.wav", "boredom", "emodb-16")]  # fmt: skip
    assert rows["tess"] == [
        ("OA_bite_neutral.flac", "neutral", "tess-OAF"),  # misspelt name: speaker from folder
        ("YAF_back_ps.flac", "surprise", "tess-YAF"),
        ("YAF_dog_sad.flac", "sadness", "tess-YAF"),
    ]
    assert rows["emovo"] == [("gio-f1-b1.flac", "happiness", "emovo-f1"),
                             ("rab-m2-l3.flac", "anger", "emovo-m2")]  # fmt: skip
    with pytest.raises(ValueError, match="unknown corpus"):
        corpus_rows("ravdess", tmp_path)


def test_flac_is_read_and_resampled(tmp_path) -> None:
    soundfile = pytest.importorskip("soundfile")
    t = np.arange(48000) / 48000
    soundfile.write(tmp_path / "a.flac", np.stack([np.sin(2 * np.pi * 440 * t)] * 2, 1) * 0.5,
                    48000)  # fmt: skip
    x = load_wav(tmp_path / "a.flac")
    assert x.dtype == np.float32 and x.size == 16000
    assert np.max(np.abs(x[100:-100])) == pytest.approx(0.5, abs=0.01)
    (tmp_path / "bad.flac").write_bytes(b"fLaC not really")
    with pytest.raises(AudioFileError, match=r"not a readable \.flac file"):
        load_wav(tmp_path / "bad.flac")


def test_four_class_score_ignores_afraid_and_balances_classes(tmp_path) -> None:
    def est(**p: float) -> EmotionEstimate:
        probs = dict.fromkeys(("angry", "happy", "sad", "afraid", "calm"), 0.0) | p
        return EmotionEstimate(0.0, 0.0, probs)

    clips = [LabelledClip(tmp_path / f"{i}.wav", label, "s") for i, label in
             enumerate(("anger", "anger", "anger", "sadness", "fear", "neutral"))]  # fmt: skip
    estimates = [est(angry=0.6), est(angry=0.2, afraid=0.7, happy=0.1), est(happy=0.9),
                 est(sad=0.5), est(afraid=1.0), est(afraid=0.8, calm=0.2)]  # fmt: skip
    four = four_class_scores(clips, estimates)
    assert four["scored"] == 5  # the fear clip is not scored
    assert four["recall"] == {"angry": pytest.approx(2 / 3), "happy": None, "sad": 1.0,
                              "calm": 1.0}  # fmt: skip
    assert four["balanced_accuracy"] == pytest.approx((2 / 3 + 1 + 1) / 3)
    assert four["confusion"]["rows_true"][0] == [2, 1, 0, 0]
