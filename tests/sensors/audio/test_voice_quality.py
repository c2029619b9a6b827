"""Voice-quality descriptors (HNR, jitter, shimmer, formants) and the eGeMAPS-style functionals."""

import numpy as np
import pytest
from audio_signals import chunk_features_of

from sensors.audio.features import chunk_features
from sensors.audio.functionals import EXTRA_FEATURE_NAMES, contour_slopes, runs
from sensors.audio.prosody import FEATURE_NAMES, utterance_features
from sensors.audio.voice_quality import cycles, formants, hnr_db, lpc, lpc_roots

RATE = 16000


def _vowel(
    f0_hz: float,
    formants_hz: list[tuple[float, float]],
    seconds: float = 0.5,
    period_jitter: float = 0.0,
    amp_jitter: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """Glottal pulses (optionally irregular) through two-pole resonators."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    source = np.zeros(n)
    t = 0.0
    while t < n:
        period = RATE / f0_hz * (1.0 + period_jitter * rng.uniform(-1, 1))
        source[int(t)] = 1.0 + amp_jitter * rng.uniform(-1, 1)
        t += period
    y = source
    for freq, bw in formants_hz:
        r = np.exp(-np.pi * bw / RATE)
        a1, a2 = -2 * r * np.cos(2 * np.pi * freq / RATE), r * r
        out = np.zeros_like(y)
        for i in range(n):  # direct form: no scipy at run time or in these tests
            out[i] = y[i] - a1 * (out[i - 1] if i else 0.0) - a2 * (out[i - 2] if i > 1 else 0.0)
        y = out
    return (0.3 * y / np.max(np.abs(y))).astype(np.float32)


def test_lpc_formants_find_the_resonances_of_a_synthetic_vowel() -> None:
    x = _vowel(120.0, [(700.0, 80.0), (1200.0, 90.0), (2600.0, 120.0)])
    f = chunk_features(x[4096:4608], x[3584:4096])
    assert f.quality.formant_hz == pytest.approx([700.0, 1200.0, 2600.0], rel=0.06)
    assert np.all(f.quality.bandwidth_hz < 300.0)
    assert f.quality.formant_rel_db[0] > f.quality.formant_rel_db[2]  # the spectrum falls


def test_lpc_polynomial_roots_reproduce_a_known_predictor() -> None:
    r = np.exp(-np.pi * 100.0 / RATE)
    theta = 2 * np.pi * 1000.0 / RATE
    a = np.array([1.0, -2 * r * np.cos(theta), r * r])
    x = np.random.default_rng(4).normal(size=40000)  # white noise through the resonator
    for i in range(2, x.size):
        x[i] += -a[1] * x[i - 1] - a[2] * x[i - 2]
    autocorr = np.array([np.dot(x[: x.size - k], x[k:]) for k in range(15)])
    roots = lpc_roots(lpc(autocorr))
    assert np.min(np.abs(roots - r * np.exp(1j * theta))) < 0.01
    power = np.abs(np.fft.rfft(x[8000:8512] * np.hanning(512))) ** 2 + 1e-14
    f, _ = formants(power)
    assert f[0] == pytest.approx(1000.0, rel=0.1)


def test_jitter_and_shimmer_grow_with_cycle_irregularity() -> None:
    steady = _vowel(140.0, [(600.0, 100.0)], period_jitter=0.0, amp_jitter=0.0)
    rough = _vowel(140.0, [(600.0, 100.0)], period_jitter=0.04, amp_jitter=0.3, seed=2)
    js, ss = cycles(steady[2000:3024].astype(np.float64), RATE / 140.0)
    jr, sr = cycles(rough[2000:3024].astype(np.float64), RATE / 140.0)
    assert js < 0.01 and jr > 2 * js + 0.01
    assert sr > ss + 0.5


def test_hnr_falls_as_noise_is_added_and_is_nan_without_a_pitch() -> None:
    x = _vowel(180.0, [(800.0, 100.0), (1500.0, 120.0)])
    noise = np.random.default_rng(1).normal(size=x.size).astype(np.float32)
    clean = chunk_features(x[4096:4608], x[3584:4096]).quality.hnr_db
    noisy_x = x + 0.02 * noise
    noisy = chunk_features(noisy_x[4096:4608], noisy_x[3584:4096]).quality.hnr_db
    assert clean > noisy + 5.0
    assert hnr_db(0.5) == pytest.approx(0.0) and hnr_db(0.99) > 19.0
    assert np.isnan(chunk_features(0.1 * noise[:512], 0.1 * noise[512:1024]).quality.hnr_db)


def test_flux_is_zero_for_a_steady_sound_and_large_at_a_change() -> None:
    steady = _vowel(150.0, [(700.0, 80.0)], seconds=0.2)
    t = np.arange(512) / RATE
    other = (0.3 * np.sin(2 * np.pi * 3000 * t)).astype(np.float32)
    periodic = steady[1200 : 1200 + 512]  # 150 Hz pulses repeat every 320 samples
    assert chunk_features(periodic, periodic).flux < 0.2
    assert chunk_features(other, periodic).flux > 1.0


def test_runs_and_contour_slopes() -> None:
    assert runs(np.array([True, True, False, True])) == [(0, 2), (3, 4)]
    assert runs(np.array([False])) == []
    up_down = np.array([0.0, 1.0, 2.0, 3.0, 1.0])  # rises 3 in 3 steps, falls 2 in 1
    rising, falling = contour_slopes([up_down, np.array([5.0])], step_s=0.5)
    assert rising == [2.0] and falling == [4.0]


def test_functionals_of_a_steady_vowel_and_of_silence() -> None:
    x = _vowel(150.0, [(700.0, 80.0), (1200.0, 90.0), (2600.0, 120.0)], seconds=1.0)
    frames = chunk_features_of(x)[1:]
    stats = utterance_features(frames, [True] * len(frames))
    assert set(EXTRA_FEATURE_NAMES) <= set(stats) and set(stats) == set(FEATURE_NAMES)
    assert stats["f0_p20_st"] == pytest.approx(12 * np.log2(1.5), abs=0.3)
    assert stats["f1_hz"] == pytest.approx(700.0, rel=0.08)
    assert stats["jitter"] < 0.01 and stats["hnr_db"] > 15.0
    assert stats["voiced_segments_per_s"] == pytest.approx(1000.0 / (len(frames) * 32), rel=0.01)
    assert stats["unvoiced_segment_ms"] == 0.0  # one voiced run: no gap inside
    assert np.isnan(stats["alpha_unvoiced_db"])  # no unvoiced chunk
    silent = utterance_features(frames, [False] * len(frames))
    assert all(np.isnan(v) for v in silent.values())
