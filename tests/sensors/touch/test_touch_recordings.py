"""Labelled recordings: loading any skin through skin.yaml/labels.yaml, bad input, evaluation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from skin_fakes import write_folder

from brain.cli import main
from sensors.touch.realeval import Recording, fingerprint, folds_for
from sensors.touch.recording import instances, load_folder, write_recording

SOFTROBOT7 = Path(__file__).resolve().parents[4] / "shared" / "data" / "softrobot7"
if not SOFTROBOT7.is_dir():
    SOFTROBOT7 = Path("/work/shared/data/softrobot7")


def test_instances_are_runs_of_one_label_and_slips_are_dropped() -> None:
    labels = ("none", "hug", "hug", "none", "pat", "none", "pat", "pat", "pat", "stroke", "stroke")
    recording = Recording("r", np.zeros((len(labels), 1, 1)), 10.0, labels)
    runs = [(i.start, i.stop, i.gesture) for i in instances(recording)]
    assert runs == [(1, 3, "hug"), (6, 9, "pat"), (9, 11, "stroke")]  # the one-frame pat is a slip
    whole = Recording("w", np.zeros((5, 1, 1)), 10.0, ("hug",) * 5, whole=True)
    assert [(i.start, i.stop) for i in instances(whole)] == [(0, 5)]


def test_a_grid_never_seen_loads_through_its_own_skin_and_label_files(tmp_path: Path) -> None:
    grid = write_folder(tmp_path, rows=6, cols=9, rate_hz=40.0, full_scale=4095.0)
    folder = load_folder(tmp_path)
    assert folder.errors == []
    assert len(folder.recordings) == 18 and folder.skin is not None and folder.skin.grid == grid
    first = folder.recordings[0]
    assert first.frames.shape[1:] == (6, 9) and first.subject == "s1"
    assert {i.gesture for r in folder.recordings for i in instances(r)} == {"stroke", "hug", "pat"}


def test_subjects_give_leave_one_subject_out_and_no_recording_straddles_folds(
    tmp_path: Path,
) -> None:
    write_folder(tmp_path)
    recordings = load_folder(tmp_path).recordings
    protocol, groups = folds_for(recordings)
    assert protocol == "leave-one-subject-out" and len(groups) == 3
    for group in groups:
        assert len({r.subject for r in recordings if r.name in group}) == 1
    anonymous = [Recording(r.name, r.frames, r.rate_hz, r.labels) for r in recordings]
    protocol, groups = folds_for(anonymous, k=4)
    assert protocol == "leave-recordings-out" and len(groups) == 4
    names = [n for g in groups for n in g]
    assert sorted(names) == sorted(r.name for r in recordings)  # each exactly once


def test_eval_touch_cross_validates_an_other_geometry_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_folder(tmp_path / "skin_b", rows=6, cols=9, rate_hz=40.0, full_scale=4095.0)
    plot = tmp_path / "confusion.png"
    code = main(["eval", "touch", str(tmp_path), "--protocol", "cv", "--json", "--plot", str(plot)])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["protocol"] == "leave-one-subject-out" and report["recordings"] == 18
    learned = report["learned"]
    assert set(learned["recall"]) == {"stroke", "hug", "pat"}
    assert learned["balanced_accuracy"] >= 0.9  # three gestures nothing alike
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_files_are_one_line_each_and_the_rest_is_evaluated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good"
    write_folder(good, subjects=("s1", "s2"), per_subject=1)
    frames = np.zeros((20, 8, 10))
    write_recording(good / "wrong_shape.npz", np.zeros((20, 8, 9)), 50.0, label="Klaps")
    nan = frames.copy()
    nan[3, 2, 1] = np.nan
    write_recording(good / "has_nan.npz", nan, 50.0, label="Klaps")
    write_recording(good / "unknown_label.npz", frames, 50.0, labels=["Winken"] * 20)
    write_recording(good / "wrong_rate.npz", frames, 25.0, label="Klaps")
    (good / "not_npz.npz").write_text("hello")
    orphan = tmp_path / "no_skin"
    orphan.mkdir()
    write_recording(orphan / "lonely.npz", frames, 50.0, label="pat")
    assert main(["eval", "touch", str(tmp_path), "--protocol", "cv", "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["recordings"] == 6  # every good recording was scored
    lines = [line for line in captured.err.splitlines() if line.startswith("petbrain eval touch:")]
    expected = {
        "wrong_shape.npz: frames have shape (20, 8, 9), skin.yaml says [T, 8, 10]",
        "has_nan.npz: 1 non-finite value(s), first at frame 3 row 2 col 1",
        "unknown_label.npz: unknown label(s) 'Winken' (not in labels.yaml)",
        "wrong_rate.npz: rate_hz 25.0 differs from skin.yaml's 50.0",
        "not_npz.npz: not a readable .npz",
        "no_skin/skin.yaml: missing (skin.yaml is required beside the recordings); 1 recording(s)",
    }
    for fragment in expected:
        assert sum(fragment in line for line in lines) == 1, (fragment, lines)
    assert len(lines) == len(expected)


def test_eval_touch_scores_the_shipped_model_only_on_recordings_it_never_saw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_folder(tmp_path, subjects=("s1",), per_subject=1)
    assert main(["eval", "touch", str(tmp_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["protocol"].startswith("held-out")
    assert report["learned"]["instances"] == 9


@pytest.mark.skipif(not SOFTROBOT7.is_dir(), reason="softrobot7 not present in ../shared/data")
def test_softrobot7_imports_and_the_shipped_model_knows_it_trained_on_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sensors.touch.skin_classifier import OnnxGestureModel

    assert main(["touch", "import", "softrobot7", str(SOFTROBOT7), "--out", str(tmp_path)]) == 0
    folder = load_folder(tmp_path)
    assert folder.errors == [] and len(folder.recordings) == 37
    gestures = {i.gesture for r in folder.recordings for i in instances(r)}
    assert gestures == {"grab", "hit", "squeeze", "stroke", "tickle", "hug", "pat"}
    model = OnnxGestureModel()
    assert all(fingerprint(r) in model.trained_on for r in folder.recordings)
    assert main(["eval", "touch", str(tmp_path), "--protocol", "shipped"]) == 1
    assert "trained on 37 of these 37 recordings" in capsys.readouterr().err
