from pathlib import Path

import pytest

from sensors.audio.evaluation import LabelledClip, assign_speakers, csv_clips, emodb_clips


def test_emodb_names_give_speaker_and_label(tmp_path: Path) -> None:
    for name in ("03a01Fa.wav", "16b10Lb.wav", "notes.wav", "03a01Xa.wav"):
        (tmp_path / name).write_bytes(b"")
    clips = emodb_clips(tmp_path)
    assert [(c.speaker, c.label, c.target) for c in clips] == [
        ("03", "happiness", "happy"),
        ("16", "boredom", "calm"),
    ]
    assert clips[0].arousal_sign == 1 and clips[1].arousal_sign == -1


def test_labels_csv_maps_corpus_spellings(tmp_path: Path) -> None:
    labels = tmp_path / "l.csv"
    labels.write_text("path,label\n# comment\na.wav,Fearful\nsub/b.wav,DIS,spk2\nc.wav,a\n")
    clips = csv_clips(tmp_path, labels)
    assert [c.path for c in clips] == [
        tmp_path / "a.wav",
        tmp_path / "sub/b.wav",
        tmp_path / "c.wav",
    ]
    assert [c.target for c in clips] == ["afraid", None, None]
    assert [c.arousal_sign for c in clips] == [1, None, None]  # disgust: arousal ambiguous
    assert [c.speaker for c in clips] == [None, "spk2", None]


def test_speakers_from_regex_then_folder_then_one_group() -> None:
    ravdess = [
        LabelledClip(Path(f"x/03-01-05-01-02-01-{a}.wav"), "angry", None) for a in ("01", "12")
    ]
    named = assign_speakers(ravdess, r"-(\d\d)\.wav$")
    assert [c.speaker for c in named] == ["01", "12"]
    named = assign_speakers(ravdess, r"-(?P<speaker>\d\d)\.wav$")
    assert [c.speaker for c in named] == ["01", "12"]
    with pytest.raises(ValueError, match="does not match"):
        assign_speakers(ravdess, r"^nope")
    folders = [LabelledClip(Path(f"Actor_{a}/c.wav"), "sad", None) for a in ("01", "02")]
    assert [c.speaker for c in assign_speakers(folders)] == ["Actor_01", "Actor_02"]
    assert [c.speaker for c in assign_speakers(ravdess)] == [None, None]
    known = [LabelledClip(Path("a/x.wav"), "sad", "s9"), LabelledClip(Path("b/y.wav"), "sad", None)]
    assert [c.speaker for c in assign_speakers(known)] == ["s9", None]  # one unknown folder
