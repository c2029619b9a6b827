import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

EMODB = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "emodb"


def petbrain(*args: str) -> subprocess.CompletedProcess[str]:
    # A subprocess, as a user runs it (and as tests/test_cli.py does).
    return subprocess.run(
        [sys.executable, "-m", "brain.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _espeak(folder: Path, name: str, text: str, *options: str) -> Path:
    binary = shutil.which("espeak-ng")
    if binary is None:
        pytest.skip("espeak-ng is not installed (bash dev.sh setup installs it)")
    out = folder / name
    subprocess.run([binary, "-w", str(out), *options, text], check=True, capture_output=True)
    return out


def test_eval_voice_with_a_labels_csv(tmp_path: Path) -> None:
    clips = tmp_path / "clips"
    clips.mkdir()
    _espeak(
        clips, "shout.wav", "Get off the table right now!", "-s", "260", "-p", "85", "-a", "200"
    )
    _espeak(
        clips, "soft.wav", "there you are, sleepy little cat", "-s", "110", "-p", "20", "-a", "60"
    )
    (clips / "silence.wav").write_bytes(b"")  # unreadable: skipped, not fatal
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "path,label,speaker\nshout.wav,anger,s1\nsoft.wav,neutral,s1\nsilence.wav,surprise,s1\n"
    )
    done = petbrain("eval", "voice", str(clips), "--labels", str(labels), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["clips"] == 3 and report["scored"] == 2
    assert list(report["skipped"]) == [str(clips / "silence.wav")]
    assert report["normalise"] == "session"
    rows = np.array(report["confusion"]["rows_true"])
    assert rows.sum() == 2 and rows[0].sum() == 1 and rows[4].sum() == 1
    assert 0.0 <= report["arousal_agreement"] <= 1.0 and report["arousal_scored"] == 2
    done = petbrain(
        "eval", "voice", str(clips), "--labels", str(labels), "--normalise", "utterance"
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "accuracy" in text and "confusion" in text


def test_eval_voice_user_mistakes_are_one_line(tmp_path: Path) -> None:
    done = petbrain("eval", "voice", str(tmp_path / "nope"))
    assert done.returncode == 1, done.stderr
    assert "is not a folder" in done.stderr
    done = petbrain("eval", "voice", str(tmp_path))
    assert done.returncode == 1, done.stderr
    assert "no EmoDB-named clips" in done.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("onlyone\n")
    done = petbrain("eval", "voice", str(tmp_path), "--labels", str(bad))
    assert done.returncode == 1, done.stderr
    assert "expected path,label" in done.stderr


def test_perceive_folder_gives_one_json_line_per_wav(tmp_path: Path) -> None:
    _espeak(tmp_path, "a.wav", "hello there")
    (tmp_path / "b.wav").write_bytes(b"RIFF....")
    done = petbrain("perceive", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [Path(r["path"]).name for r in lines] == ["a.wav", "b.wav"]
    assert lines[0]["voice"]["speech"] is True and "error" in lines[1]


@pytest.mark.skipif(not EMODB.is_dir(), reason=f"EmoDB not found at {EMODB}")
def test_emodb_two_speakers_beat_chance_by_far(tmp_path: Path) -> None:
    # Two speakers (one female, one male). The shipped model saw them in training;
    # the leave-speakers-out figures are in models/voice_emotion.md. This checks the
    # whole path (file names, VAD, features, normalisation, model, scoring) end to end.
    subset = tmp_path / "emodb"
    subset.mkdir()
    for path in sorted(EMODB.glob("0[38]*.wav")):
        (subset / path.name).symlink_to(path)
    done = petbrain("eval", "voice", str(subset), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["clips"] > 80 and not report["skipped"]
    assert report["accuracy"] > 0.45  # chance is 0.2
    assert report["arousal_agreement"] > 0.75


SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.mark.parametrize("corpus", ["tess", "emovo"])
def test_eval_voice_takes_a_shared_corpus_by_name_and_plots(tmp_path: Path, corpus: str) -> None:
    import os

    root = Path(os.environ.get("PETBRAIN_DATA", SHARED))
    if not (root / corpus).is_dir():
        pytest.skip(f"{corpus} not found under {root}")
    # A few clips per speaker (symlinks), so the by-name path runs in seconds.
    for speaker in sorted(p for p in (root / corpus).iterdir() if p.is_dir())[:2]:
        (tmp_path / corpus / speaker.name).mkdir(parents=True)
        for clip in sorted(speaker.glob("*.flac"))[::60][:8]:
            (tmp_path / corpus / speaker.name / clip.name).symlink_to(clip)
    png = tmp_path / "confusion.png"
    done = petbrain("eval", "voice", corpus, "--data", str(tmp_path), "--plot", str(png))
    assert done.returncode == 0, done.stderr
    assert "4-class balanced accuracy" in done.stdout and "arousal high/low" in done.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    done = petbrain("eval", "voice", corpus, "--data", str(tmp_path / "nowhere"))
    assert done.returncode == 1 and f"corpus {corpus} not found" in done.stderr
