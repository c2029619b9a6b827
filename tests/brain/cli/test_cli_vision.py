from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import matplotlib
import pytest

from brain.cli import main

PORTRAIT = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
FER = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "fer2013"


def lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_perceive_a_folder_gives_one_line_per_image_and_survives_a_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(PORTRAIT, tmp_path / "a_portrait.jpg")
    (tmp_path / "b_broken.png").write_bytes(b"\x89PNG but not really")
    assert main(["perceive", str(tmp_path), "--json"]) == 0
    out = lines(capsys.readouterr().out)
    assert [Path(str(r["path"])).name for r in out] == ["a_portrait.jpg", "b_broken.png"]
    face = out[0]["face"]
    assert isinstance(face, dict) and face["present"] is True
    assert set(face["expression"]) == {
        "angry",
        "disgust",
        "fear",
        "happy",
        "neutral",
        "sad",
        "surprise",
    }
    assert isinstance(out[0]["body"], dict) and "present" in out[0]["body"]
    assert "error" in out[1] and "not a readable image" in str(out[1]["error"])


def test_perceive_video_samples_every_nth_frame(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image = cv2.resize(cv2.imread(str(PORTRAIT)), (320, 376))
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (320, 376))
    for _ in range(6):
        writer.write(image)
    writer.release()
    assert main(["perceive", str(path), "--every", "2"]) == 0
    out = lines(capsys.readouterr().out)
    assert [r["frame"] for r in out] == [0, 2, 4]
    assert all(isinstance(r["face"], dict) and r["face"]["present"] for r in out)


@pytest.mark.skipif(not (FER / "publictest").is_dir(), reason=f"FER2013 absent at {FER}")
def test_perceive_crops_and_eval_faces_on_fer2013(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("happy", "surprise", "sad"):
        (tmp_path / name).mkdir()
        for source in sorted((FER / "publictest" / name).iterdir())[:20]:
            shutil.copy(source, tmp_path / name / source.name)
    (tmp_path / "README").mkdir()  # not a class: skipped with a note
    happy = sorted((tmp_path / "happy").iterdir())[0]
    assert main(["perceive", str(happy), "--crops"]) == 0
    record = lines(capsys.readouterr().out)[0]
    assert record["face"]["present"] is True  # type: ignore[index]
    assert sum(record["face"]["expression"].values()) == pytest.approx(1, abs=1e-3)  # type: ignore[index]

    plot = tmp_path / "cm.png"
    assert main(["eval", "faces", str(tmp_path), "--plot", str(plot)]) == 0
    captured = capsys.readouterr()
    assert "accuracy" in captured.out and "confusion matrix" in captured.out
    assert "60/60" in captured.err and "README" in captured.err
    drawn = cv2.imread(str(plot))
    assert drawn is not None and drawn.shape[0] > 500

    assert main(["eval", "faces", str(tmp_path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["images"] == 60 and summary["crops"] == 60
    assert summary["recall"]["happy"] > 0.6
    assert sum(map(sum, summary["confusion"])) == 60


def test_eval_faces_rejects_a_folder_without_classes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cats").mkdir()
    assert main(["eval", "faces", str(tmp_path)]) == 1
    assert "no images in class folders" in capsys.readouterr().err


def test_camera_watch_prints_observations_and_records_frames_only_when_asked_loudly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["camera", "watch", "--images", str(PORTRAIT), "--seconds", "30"]) == 0
    captured = capsys.readouterr()
    assert lines(captured.out)[0]["face"]["present"] is True  # type: ignore[index]
    assert "DEBUG RECORDING" not in captured.err
    assert list(tmp_path.iterdir()) == []

    record = tmp_path / "frames"
    args = ["camera", "watch", "--images", str(PORTRAIT), "--debug-record-frames", str(record)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "DEBUG RECORDING ON" in err and "WRITTEN TO DISK" in err
    assert len(list(record.glob("*.jpg"))) == 1
