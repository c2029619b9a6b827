import numpy as np
import pytest
from audio_signals import chunk_features_of, tone

from sensors.audio.features import block_levels_db, chunk_features, level_db, yin_pitch
from sensors.audio.observations import SoundEvent
from sensors.audio.prosody import FEATURE_NAMES, syllable_rate_hz, utterance_features
from sensors.audio.startle import StartleDetector


@pytest.mark.parametrize("f0_hz", [65.0, 98.0, 147.0, 220.0, 311.0, 440.0, 620.0])
def test_yin_finds_the_fundamental_of_harmonic_tones(f0_hz: float) -> None:
    x = tone(f0_hz, 0.2)
    f0, aperiodicity = yin_pitch(x[1000:2024])
    assert f0 == pytest.approx(f0_hz, rel=0.005)
    assert aperiodicity < 0.1


def test_yin_is_not_fooled_by_a_missing_fundamental_octave() -> None:
    # Strong second harmonic: a classic octave-error trap for plain autocorrelation.
    t = np.arange(2048) / 16000
    x = (0.2 * np.sin(2 * np.pi * 150 * t) + 0.5 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    f0, _ = yin_pitch(x[:1024])
    assert f0 == pytest.approx(150.0, rel=0.01)


def test_noise_and_silence_have_no_pitch() -> None:
    rng = np.random.default_rng(1)
    noise = (0.1 * rng.normal(size=1024)).astype(np.float32)
    assert np.isnan(chunk_features(noise[512:], noise[:512]).f0_hz)
    silence = np.zeros(512, dtype=np.float32)
    features = chunk_features(silence, silence)
    assert np.isnan(features.f0_hz) and features.level_db == -100.0


@pytest.mark.parametrize("amplitude", [1.0, 0.1, 0.01])
def test_level_of_a_sine_is_its_rms_in_dbfs(amplitude: float) -> None:
    t = np.arange(512) / 16000
    x = (amplitude * np.sin(2 * np.pi * 500 * t)).astype(np.float32)
    assert level_db(x) == pytest.approx(20 * np.log10(amplitude / np.sqrt(2)), abs=0.05)
    assert np.allclose(block_levels_db(x), level_db(x), atol=0.3)


def test_brighter_voice_has_higher_alpha_ratio_and_centroid() -> None:
    t = np.arange(1024) / 16000
    dull = sum(np.sin(2 * np.pi * k * 150 * t) / k**2 for k in range(1, 30))
    bright = sum(np.sin(2 * np.pi * k * 150 * t) / k**0.5 for k in range(1, 30))
    fd = chunk_features(dull[512:].astype(np.float32), dull[:512].astype(np.float32))
    fb = chunk_features(bright[512:].astype(np.float32), bright[:512].astype(np.float32))
    assert fb.alpha_db > fd.alpha_db + 10 and fb.centroid_hz > fd.centroid_hz


def test_utterance_features_measure_pitch_range_and_syllable_rate() -> None:
    t = np.arange(32000) / 16000
    f0 = 150 * 2 ** (np.sin(2 * np.pi * 0.5 * t) * 6 / 12)  # +-6 semitones
    phase = 2 * np.pi * np.cumsum(f0) / 16000
    envelope = (0.5 + 0.5 * np.sin(2 * np.pi * 5.0 * t)) ** 2  # 5 "syllables" a second
    signal = 0.3 * sum(np.sin(k * phase) / k for k in range(1, 6)) * (0.05 + envelope)
    frames = chunk_features_of(signal.astype(np.float32))
    stats = utterance_features(frames, [True] * len(frames))
    assert set(stats) == set(FEATURE_NAMES)
    assert 9.0 < stats["f0_range_st"] < 12.5
    assert stats["f0_median_st"] == pytest.approx(12 * np.log2(150 / 100), abs=1.0)
    assert stats["rate_hz"] == pytest.approx(5.0, abs=0.6)
    assert stats["pause_fraction"] == 0.0 and stats["voiced_fraction"] > 0.9


def test_syllable_rate_of_a_flat_envelope_is_zero() -> None:
    assert syllable_rate_hz(np.full(200, -20.0), 800.0) == 0.0


def _clap_in_noise(onset: int, rng: np.random.Generator, peak: float = 0.5) -> np.ndarray:
    signal = (0.001 * rng.normal(size=32000)).astype(np.float32)
    burst = rng.normal(size=1600) * np.exp(-np.arange(1600) / 300.0)
    signal[onset : onset + 1600] += (peak * burst).astype(np.float32)
    return signal


def _run_startle(signal: np.ndarray) -> list[SoundEvent]:
    detector = StartleDetector()
    events = []
    for i in range(signal.size // 512):
        event = detector.process(block_levels_db(signal[i * 512 : (i + 1) * 512]), i * 32.0)
        if event is not None:
            events.append(event)
    return events


@pytest.mark.parametrize("onset", [16000, 16100, 16383, 20001])
def test_a_clap_is_a_startle_within_50_ms_of_its_onset(onset: int) -> None:
    events = _run_startle(_clap_in_noise(onset, np.random.default_rng(onset)))
    assert len(events) == 1
    onset_ms = onset / 16.0
    assert abs(events[0].t_ms - onset_ms) <= 4.0
    assert 0 <= events[0].detected_t_ms - onset_ms <= 50.0
    assert events[0].background_db == pytest.approx(-60, abs=3)


def test_quiet_sounds_and_steady_loud_noise_are_not_startles() -> None:
    rng = np.random.default_rng(3)
    assert _run_startle(_clap_in_noise(16000, rng, peak=0.01)) == []
    steady = (0.3 * rng.normal(size=32000)).astype(np.float32)
    assert _run_startle(steady) == []


def test_a_soft_voice_rising_from_silence_is_not_a_startle() -> None:
    signal = np.zeros(32000, dtype=np.float32)
    voice = tone(180.0, 1.0, amplitude=0.05)
    ramp = np.minimum(1.0, np.arange(voice.size) / 800.0)  # 50 ms attack, as speech has
    signal[8000 : 8000 + voice.size] = voice * ramp
    assert _run_startle(signal) == []


def test_words_at_the_usual_voice_level_stop_being_startles_once_speech_was_heard() -> None:
    rng = np.random.default_rng(5)
    signal = (0.0005 * rng.normal(size=16000 * 6)).astype(np.float32)
    word = tone(160.0, 0.3, amplitude=0.25)  # abrupt onset, about -15 dBFS
    detector = StartleDetector()
    onsets = [4000 + k * 11000 for k in range(6)]
    for onset in onsets:
        signal[onset : onset + word.size] += word
    clap_at = 16000 * 5 + 200
    signal[clap_at : clap_at + 1600] += (
        0.9 * rng.normal(size=1600) * np.exp(-np.arange(1600) / 300)
    ).astype(np.float32)
    events = []
    for i in range(signal.size // 512):
        chunk = signal[i * 512 : (i + 1) * 512]
        blocks = block_levels_db(chunk)
        event = detector.process(blocks, i * 32.0)
        if event is not None:
            events.append(event.t_ms)
        if np.max(blocks) > -30:  # what the pipeline does when the VAD says speech
            detector.speech.update(blocks)
    assert events[0] == pytest.approx(onsets[0] / 16.0, abs=4.0)  # no voice heard yet: startle
    assert len(events) == 2  # later words, as loud as the first, are not startles
    assert events[-1] == pytest.approx(clap_at / 16.0, abs=4.0)  # a louder bang still is one


def test_spectral_envelope_features_follow_the_tilt() -> None:
    # A steeper spectral tilt: lower slope 500-1500 Hz, larger Hammarberg index, and a
    # different cepstrum; the same tilt at another level gives the same cepstrum 1-4.
    t = np.arange(1024) / 16000
    dull = sum(np.sin(2 * np.pi * k * 150 * t) / k**2 for k in range(1, 30)).astype(np.float32)
    bright = sum(np.sin(2 * np.pi * k * 150 * t) / k**0.5 for k in range(1, 30))
    bright = (bright / np.max(np.abs(bright))).astype(np.float32)
    fd = chunk_features(dull[512:], dull[:512])
    fb = chunk_features(bright[512:], bright[:512])
    assert fb.hammarberg_db < fd.hammarberg_db - 10
    assert fb.slope_mid_db_per_khz > fd.slope_mid_db_per_khz
    assert fd.mfcc.shape == (4,) and np.all(np.isfinite(fd.mfcc))
    quiet = chunk_features(0.1 * bright[512:], 0.1 * bright[:512])
    assert np.allclose(quiet.mfcc, fb.mfcc, atol=1e-3)  # gain moves only coefficient 0
    assert np.linalg.norm(fb.mfcc - fd.mfcc) > 1.0
