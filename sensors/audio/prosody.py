"""Prosody of a voiced stretch: functionals over its chunks' features.

The same function feeds the runtime (per segment) and the voice-emotion
model's training script, so the model sees exactly what the pet computes.
Features were chosen to transfer across microphones and speakers: no absolute
level (gain differs per set-up), pitch in semitones, spectral balance in dB
ratios; speaker differences are removed later by session normalisation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from sensors.audio.features import BLOCK_SAMPLES, ChunkFeatures
from sensors.audio.functionals import EXTRA_FEATURE_NAMES, extra_features
from sensors.audio.source import CHUNK_MS, SAMPLE_RATE_HZ

BASE_FEATURE_NAMES = (
    "f0_median_st",  # pitch level, semitones re 100 Hz
    "f0_range_st",  # 90th - 10th percentile of pitch, semitones
    "f0_std_st",  # pitch variability, semitones
    "f0_delta_st",  # mean |change| of pitch between voiced chunks, semitones
    "f0_slope_st_per_s",  # overall rise or fall of the pitch
    "voiced_fraction",  # share of speech chunks with a pitch
    "loudness_range_db",  # 90th - 10th percentile of chunk level, dB
    "loudness_delta_db",  # mean |change| of level between speech chunks, dB
    "alpha_db",  # spectral balance 1-5 kHz vs 50 Hz-1 kHz (vocal effort)
    "centroid_oct",  # spectral centroid, octaves re 1 kHz
    "flatness",  # spectral flatness (noisy vs tonal)
    "aperiodicity",  # YIN aperiodicity of voiced chunks (breathy, rough voice)
    "rate_hz",  # loudness peaks per second of speech (syllable-rate proxy)
    "pause_fraction",  # share of non-speech inside the stretch
    "loudness_mean_db",  # mean chunk level, dBFS: gain-dependent, only meaningful per speaker
    "loudness_std_db",  # spread of chunk level, dB
    "alpha_std_db",  # spread of the spectral balance, dB
    "mfcc1_mean",  # spectral envelope: cepstral coefficients 1-4 of the log mel spectrum
    "mfcc2_mean",
    "mfcc3_mean",
    "mfcc4_mean",
    "mfcc1_std",
    "mfcc2_std",
    "mfcc3_std",
    "mfcc4_std",
    "slope_low_db_per_khz",  # spectral slope 0-500 Hz
    "slope_mid_db_per_khz",  # spectral slope 500-1500 Hz
    "hammarberg_db",  # strongest peak 0-2 kHz over 2-5 kHz (vocal effort)
    "spectral_change",  # mean chunk-to-chunk change of the cepstrum (articulation, flux)
)
FEATURE_NAMES = BASE_FEATURE_NAMES + EXTRA_FEATURE_NAMES  # what the emotion model reads

ENVELOPE_PEAK_DB = 3.0  # a syllable nucleus rises this much over the dip before it
ENVELOPE_RANGE_DB = 25.0  # peaks further below the loudest are ignored
MIN_SYLLABLE_MS = 100  # at most 10 syllables per second


def semitones(f0_hz: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Pitch in semitones re 100 Hz."""
    out: npt.NDArray[np.float64] = 12.0 * np.log2(f0_hz / 100.0)
    return out


def syllable_rate_hz(block_db: npt.NDArray[np.float64], speech_ms: float) -> float:
    """Peaks of the smoothed 8 ms loudness envelope per second of speech."""
    if speech_ms <= 0 or block_db.size < 4:
        return 0.0
    pairs = block_db[: block_db.size // 2 * 2].reshape(-1, 2)
    env = 10.0 * np.log10(np.mean(10.0 ** (pairs / 10.0), axis=1))
    if env.size >= 3:
        env = np.convolve(env, np.ones(3) / 3.0, mode="same")
    step_ms = 2 * BLOCK_SAMPLES * 1000.0 / SAMPLE_RATE_HZ
    top = float(np.max(env))
    peaks = 0
    last_peak = -1e9
    dip = env[0]
    for i in range(1, env.size - 1):
        dip = min(dip, env[i])
        is_peak = env[i] >= env[i - 1] and env[i] > env[i + 1]
        if (
            is_peak
            and env[i] - dip >= ENVELOPE_PEAK_DB
            and env[i] >= top - ENVELOPE_RANGE_DB
            and (i - last_peak) * step_ms >= MIN_SYLLABLE_MS
        ):
            peaks += 1
            last_peak = i
            dip = env[i]
    return peaks * 1000.0 / speech_ms


def utterance_features(frames: Sequence[ChunkFeatures], speech: Sequence[bool]) -> dict[str, float]:
    """Functionals over a stretch of chunks; ``speech[i]`` says whether chunk i is speech.

    F0 features are NaN when no chunk was voiced (the model then treats them
    as average).
    """
    if len(frames) != len(speech):
        raise ValueError("frames and speech flags differ in length")
    voiced_speech = [f for f, s in zip(frames, speech, strict=True) if s]
    if not voiced_speech:
        return dict.fromkeys(FEATURE_NAMES, float("nan"))
    f0 = np.array([f.f0_hz for f in voiced_speech if f.voiced])
    levels = np.array([f.level_db for f in voiced_speech])
    nan = float("nan")
    out = dict.fromkeys(FEATURE_NAMES, nan)
    if f0.size:
        st = semitones(f0)
        out["f0_median_st"] = float(np.median(st))
        out["f0_range_st"] = float(np.percentile(st, 90) - np.percentile(st, 10))
        out["f0_std_st"] = float(np.std(st))
        out["f0_delta_st"] = float(np.mean(np.abs(np.diff(st)))) if st.size > 1 else 0.0
        if st.size > 2:
            seconds = np.arange(st.size) * CHUNK_MS / 1000.0
            out["f0_slope_st_per_s"] = float(np.polyfit(seconds, st, 1)[0])
        else:
            out["f0_slope_st_per_s"] = 0.0
    out["voiced_fraction"] = f0.size / len(voiced_speech)
    out["loudness_range_db"] = float(np.percentile(levels, 90) - np.percentile(levels, 10))
    out["loudness_delta_db"] = float(np.mean(np.abs(np.diff(levels)))) if levels.size > 1 else 0.0
    out["alpha_db"] = float(np.mean([f.alpha_db for f in voiced_speech]))
    out["centroid_oct"] = float(np.mean([np.log2(f.centroid_hz / 1000.0) for f in voiced_speech]))
    out["flatness"] = float(np.mean([f.flatness for f in voiced_speech]))
    periodic = [f.aperiodicity for f in voiced_speech if f.voiced]
    out["aperiodicity"] = float(np.mean(periodic)) if periodic else nan
    speech_ms = len(voiced_speech) * CHUNK_MS
    blocks = np.concatenate([f.block_db for f in voiced_speech])
    out["rate_hz"] = syllable_rate_hz(blocks, speech_ms)
    flags = np.array(speech, dtype=bool)
    inside = np.flatnonzero(flags)
    span = flags[inside[0] : inside[-1] + 1]
    out["pause_fraction"] = float(1.0 - np.mean(span))
    out["loudness_mean_db"] = float(np.mean(levels))
    out["loudness_std_db"] = float(np.std(levels))
    out["alpha_std_db"] = float(np.std([f.alpha_db for f in voiced_speech]))
    mfcc = np.array([f.mfcc for f in voiced_speech])
    for i in range(mfcc.shape[1]):
        out[f"mfcc{i + 1}_mean"] = float(np.mean(mfcc[:, i]))
        out[f"mfcc{i + 1}_std"] = float(np.std(mfcc[:, i]))
    out["slope_low_db_per_khz"] = float(np.mean([f.slope_low_db_per_khz for f in voiced_speech]))
    out["slope_mid_db_per_khz"] = float(np.mean([f.slope_mid_db_per_khz for f in voiced_speech]))
    out["hammarberg_db"] = float(np.mean([f.hammarberg_db for f in voiced_speech]))
    change = np.linalg.norm(np.diff(mfcc, axis=0), axis=1) if len(mfcc) > 1 else np.zeros(1)
    out["spectral_change"] = float(np.mean(change))
    out.update(extra_features(frames, speech))
    return out


def feature_vector(features: dict[str, float]) -> npt.NDArray[np.float32]:
    """The features in :data:`FEATURE_NAMES` order, as the emotion model expects."""
    return np.array([features[name] for name in FEATURE_NAMES], dtype=np.float32)
