"""``petbrain perceive --together``: each modality's record and one fused estimate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sensors.touch.synthetic import generate_trace
from sensors.touch.trace import write_trace

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"
EMODB_ANGRY = SHARED / "emodb" / "03a01Wa.wav"
FER_HAPPY = SHARED / "fer2013" / "publictest" / "happy"


def together(*paths: str, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "brain.cli", "perceive", "--together", *paths, "--json", *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def hit_trace(tmp_path: Path) -> Path:
    path = tmp_path / "hit.jsonl"
    write_trace(path, generate_trace("hit", seed=3))
    return path


def test_missing_files_lower_confidence_but_never_break_the_estimate(
    tmp_path: Path, hit_trace: Path
) -> None:
    done = together(str(tmp_path / "no-face.png"), str(tmp_path / "no-voice.wav"), str(hit_trace))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["face"]["error"] == "no such file"
    assert out["voice"]["error"] == "no such file"
    gestures = [e["gesture"] for e in out["touch"]["touch"]["events"] if e["type"] == "gesture"]
    assert "hit" in gestures
    emotion = out["owner_emotion"]
    assert set(emotion) >= {"valence", "arousal", "emotion", "confidence", "contributions"}
    assert emotion["contributions"]["touch"] == 1.0
    assert 0.0 < emotion["confidence"] < 0.6
    assert abs(sum(emotion["emotion"].values()) - 1.0) < 1e-3


def test_every_input_failing_exits_1_with_the_records_printed(tmp_path: Path) -> None:
    done = together(str(tmp_path / "no-face.png"), str(tmp_path / "no-voice.wav"))
    assert done.returncode == 1
    out = json.loads(done.stdout)
    assert out["face"]["error"] == "no such file"
    assert out["voice"]["error"] == "no such file"
    assert out["owner_emotion"]["confidence"] == 0.0
    assert not any(out["owner_emotion"]["contributions"].values())


def test_wrong_number_of_files_is_one_clear_line(hit_trace: Path) -> None:
    done = together(str(hit_trace))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "petbrain: error: --together takes FACE_IMAGE VOICE_WAV [TOUCH_TRACE]"
    )


@pytest.mark.skipif(not EMODB_ANGRY.exists(), reason=f"EmoDB not found at {EMODB_ANGRY.parent}")
def test_real_voice_and_touch_fuse(hit_trace: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "face.txt"
    wrong.write_text("not an image")
    done = together(str(wrong), str(EMODB_ANGRY), str(hit_trace))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert "error" in out["face"]
    assert out["voice"]["voice"]["emotion"]
    emotion = out["owner_emotion"]
    assert emotion["contributions"]["voice"] > 0 and emotion["contributions"]["touch"] > 0
    assert emotion["label"] == "angry"
    assert emotion["arousal"] > 0.3 and emotion["valence"] < 0


@pytest.mark.skipif(not FER_HAPPY.is_dir(), reason=f"FER2013 not found at {FER_HAPPY}")
def test_real_face_crop_is_used_when_the_camera_is_built(hit_trace: Path) -> None:
    crop = sorted(FER_HAPPY.glob("*.jpg"))[0]
    done = together(str(crop), str(EMODB_ANGRY), extra=("--crops",))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["face"]["face"]["expression"]
    assert out["owner_emotion"]["contributions"]["face"] > 0


def test_records_in_the_perceivers_shapes_reach_every_modality() -> None:
    from brain.fusion.model import FusionModel
    from brain.fusion.owner import OwnerFusion
    from brain.fusion.together import feed_records

    fusion = OwnerFusion(FusionModel())
    records = {
        "face": {
            "path": "f.jpg",
            "face": {"present": True, "expression": {"sad": 0.8, "neutral": 0.2}},
            "body": {"present": True, "upright": 0.2, "motion": 0.0, "lean": 0.0},
        },
        "voice": {
            "path": "v.wav",
            "voice": {
                "emotion": {"sad": 0.7, "calm": 0.3},
                "arousal": -0.5,
                "valence": -0.6,
                "segments": [{"confidence": 0.6}],
                "startles": [],
            },
        },
        "touch": {
            "path": "t.jsonl",
            "touch": {
                "events": [
                    {"type": "onset", "t_ms": 10},
                    {"type": "gesture", "gesture": "hold", "intensity": 0.5, "duration_ms": 2500},
                ]
            },
        },
    }
    feed_records(fusion, records, 0.0)
    estimate = fusion.estimate(0.0)
    assert estimate.weights == {"face": 1.0, "body": 1.0, "voice": 0.8, "touch": 1.0}
    assert all(share > 0 for share in estimate.contributions.values())
    assert estimate.label == "sad" and estimate.valence < -0.3
