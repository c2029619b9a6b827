"""Mood relaxes to the temperament; the sound library is synthesised, small and valid."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from behaviors.library import DEFAULT_SOUNDS_DIR
from behaviors.schema import MoodEffect, Temperament
from brain.behave.mood import Mood
from brain.body.sound import RecordingSoundPlayer, SoundBank, SoundError, read_wav


def test_mood_is_bounded_and_decays_to_the_baseline_with_its_half_life() -> None:
    temperament = Temperament.model_validate(
        {
            "baseline": {"valence": 0.2, "affection": 0.3},
            "half_life_ms": 10_000,
            "half_life_overrides_ms": {"affection": 100_000},
        }
    )
    mood = Mood.from_temperament(temperament)
    mood.update(0)
    mood.apply(MoodEffect(valence=1.0, affection=-1.0))
    assert mood.values["valence"] == 1.0  # bounded
    assert mood.values["affection"] == pytest.approx(-0.7)
    mood.update(10_000)
    assert mood.values["valence"] == pytest.approx(0.2 + 0.8 / 2)
    assert mood.values["affection"] == pytest.approx(0.3 - 1.0 * 0.5**0.1)  # trust heals slowly


def test_sensitivity_and_habituation_scale_mood_effects() -> None:
    touchy = Mood.from_temperament(Temperament(sensitivity=2.0))
    touchy.apply(MoodEffect(arousal=0.1), scale=0.5)
    assert touchy.values["arousal"] == pytest.approx(0.1)


def test_every_sound_is_16khz_mono_and_short() -> None:
    bank = SoundBank()
    names = bank.names()
    assert {"purr", "purr_soft", "trill", "meow", "meow_short", "hiss", "chirp"} <= set(names)
    for name in names:
        samples = bank.samples(name)
        assert 0.1 < len(samples) / 16_000 <= 2.5
        assert 1000 < int(abs(samples.astype(int)).max()) <= 32767
        assert (DEFAULT_SOUNDS_DIR / f"{name}.wav").stat().st_size < 80_000


def test_the_committed_sounds_are_what_the_script_makes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_sounds", DEFAULT_SOUNDS_DIR / "make_sounds.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(tmp_path) == 0
    for made in sorted(tmp_path.glob("*.wav")):
        assert made.read_bytes() == (DEFAULT_SOUNDS_DIR / made.name).read_bytes(), made.name


def test_a_purr_has_its_25_hz_rhythm() -> None:
    import numpy as np

    samples = read_wav(DEFAULT_SOUNDS_DIR / "purr.wav").astype(float)
    envelope = np.abs(samples).reshape(-1, 80).mean(axis=1)  # 200 Hz envelope
    spectrum = np.abs(np.fft.rfft(envelope - envelope.mean()))
    freqs = np.fft.rfftfreq(len(envelope), 1 / 200)
    assert 20 <= freqs[int(np.argmax(spectrum[1:])) + 1] <= 30


def test_bad_sound_files_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "noise.wav").write_bytes(b"RIFF nonsense")
    with pytest.raises(SoundError, match=r"noise\.wav: cannot read"):
        SoundBank(tmp_path).samples("noise")
    with pytest.raises(SoundError, match=r"missing\.wav"):
        SoundBank(tmp_path).samples("missing")


def test_recording_player_remembers_requests() -> None:
    player = RecordingSoundPlayer()
    player.play("trill", 0.8, 1200)
    player.stop()
    assert player.played == [(1200, "trill", 0.8)] and player.stops == 1


def _pitch_track(name: str) -> list[float]:
    import numpy as np

    x = read_wav(DEFAULT_SOUNDS_DIR / f"{name}.wav").astype(float)
    track = []
    for start in range(0, len(x) - 640, 640):  # 40 ms windows, autocorrelation pitch
        w = x[start : start + 640] * np.hanning(640)
        if np.abs(w).max() < 500:
            continue
        ac = np.correlate(w, w, "full")[639:]
        lo, hi = 16_000 // 1200, 16_000 // 250
        track.append(16_000 / (lo + int(np.argmax(ac[lo:hi]))))
    return track


def _centroid_hz(name: str) -> float:
    import numpy as np

    x = read_wav(DEFAULT_SOUNDS_DIR / f"{name}.wav").astype(float)
    spectrum = np.abs(np.fft.rfft(x))
    return float((spectrum * np.fft.rfftfreq(len(x), 1 / 16_000)).sum() / spectrum.sum())


def test_the_sounds_sound_like_what_they_are_called() -> None:
    meow = _pitch_track("meow")
    peak = meow.index(max(meow))
    assert 0 < peak < len(meow) - 1 and meow[0] < max(meow) > meow[-1]  # mee-ow
    trill = _pitch_track("trill")
    assert trill[-1] > trill[0] * 1.3  # rising "prrrt?"
    assert _centroid_hz("hiss") > 3000  # breathy, bright noise
    assert _centroid_hz("purr") < 700  # low rumble
