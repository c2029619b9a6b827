"""Per-chunk acoustic features: level, YIN pitch, spectral shape, 4 ms block levels.

Voice quality (HNR, jitter, shimmer, formants) is in :mod:`sensors.audio.voice_quality`.

Everything here is a pure function of the samples, allocation-light, and
cheap enough to run on every 32 ms chunk (see ``petbrain bench --only audio``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sensors.audio.source import CHUNK_SAMPLES, SAMPLE_RATE_HZ
from sensors.audio.voice_quality import (
    VoiceQuality,
    spectral_flux,
    unvoiced_quality,
    voice_quality,
)

F0_MIN_HZ = 60.0  # lowest voice pitch tracked (deep male voice)
F0_MAX_HZ = 800.0  # highest (a child's or an excited squeal)
YIN_THRESHOLD = 0.2  # cumulative-mean-normalised difference below which a lag is periodic
VOICED_MAX_APERIODICITY = 0.35  # above this, the best lag is noise, not a pitch
SILENCE_DBFS = -55.0  # no pitch is looked for below this level
BLOCK_SAMPLES = 64  # 4 ms: the resolution of the startle detector and the envelope
FLOOR_DB = -100.0

_TAU_MIN = int(SAMPLE_RATE_HZ / F0_MAX_HZ)
_TAU_MAX = int(np.ceil(SAMPLE_RATE_HZ / F0_MIN_HZ))
_WINDOW = np.hanning(CHUNK_SAMPLES).astype(np.float32)
_FREQS = np.fft.rfftfreq(CHUNK_SAMPLES, 1.0 / SAMPLE_RATE_HZ)
_LOW_BAND = (_FREQS >= 50) & (_FREQS < 1000)
_HIGH_BAND = (_FREQS >= 1000) & (_FREQS < 5000)
_CENTROID_BAND = (_FREQS >= 50) & (_FREQS < 8000)
_SLOPE_LOW = (_FREQS > 0) & (_FREQS <= 500)
_SLOPE_MID = (_FREQS > 500) & (_FREQS <= 1500)
_HAMMARBERG_LOW = (_FREQS > 0) & (_FREQS <= 2000)
_HAMMARBERG_HIGH = (_FREQS > 2000) & (_FREQS <= 5000)
MEL_BANDS = 24  # triangular bands, 50 Hz - 8 kHz, for the cepstral coefficients
MFCC_COUNT = 4  # cepstral coefficients 1..4 (as eGeMAPS): the coarse spectral envelope
MEL_RANGE = 1e-6  # mel bands are floored 60 dB below the strongest: empty bands do not dominate


def _mel(hz: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out: npt.NDArray[np.float64] = 2595.0 * np.log10(1.0 + hz / 700.0)
    return out


def _mel_filterbank() -> npt.NDArray[np.float64]:
    """[MEL_BANDS, bins] triangular weights on the rfft bins of one chunk."""
    edges_mel = np.linspace(_mel(np.array(50.0)), _mel(np.array(8000.0)), MEL_BANDS + 2)
    edges = 700.0 * (10.0 ** (edges_mel / 2595.0) - 1.0)
    bank = np.zeros((MEL_BANDS, _FREQS.size))
    for b in range(MEL_BANDS):
        lo, mid, hi = edges[b], edges[b + 1], edges[b + 2]
        rise = (_FREQS - lo) / (mid - lo)
        fall = (hi - _FREQS) / (hi - mid)
        bank[b] = np.clip(np.minimum(rise, fall), 0.0, None)
    return bank


_MEL_BANK = _mel_filterbank()


def _equal_loudness() -> npt.NDArray[np.float64]:
    """Hermansky's (1990) equal-loudness weight at each mel band's centre, peak 1."""
    edges_mel = np.linspace(_mel(np.array(50.0)), _mel(np.array(8000.0)), MEL_BANDS + 2)
    w2 = (2.0 * np.pi * 700.0 * (10.0 ** (edges_mel[1:-1] / 2595.0) - 1.0)) ** 2
    e = (w2 + 56.8e6) * w2**2 / ((w2 + 6.3e6) ** 2 * (w2 + 0.38e9))
    out: npt.NDArray[np.float64] = e / np.max(e)
    return out


_LOUDNESS_WEIGHT = _equal_loudness()
LOUDNESS_EXPONENT = 0.33  # Stevens' power law: intensity to loudness, as eGeMAPS
_DCT = np.cos(
    np.pi / MEL_BANDS * np.outer(np.arange(1, MFCC_COUNT + 1), np.arange(MEL_BANDS) + 0.5)
)  # DCT-II rows 1..MFCC_COUNT (row 0, the overall level, is left out: gain-dependent)


def _slope_db_per_khz(power_db: npt.NDArray[np.float64], band: npt.NDArray[np.bool_]) -> float:
    """Least-squares slope of the log power spectrum over ``band``, dB per kHz."""
    f = _FREQS[band] / 1000.0
    y = power_db[band]
    fc = f - f.mean()
    return float(np.dot(fc, y - y.mean()) / np.dot(fc, fc))


def level_db(samples: npt.NDArray[np.float32]) -> float:
    """RMS level in dB re full scale (a full-scale sine is -3 dBFS), floored at -100."""
    power = float(np.dot(samples, samples)) / max(1, samples.size)
    return max(FLOOR_DB, 10.0 * float(np.log10(power + 1e-12)))


def block_levels_db(samples: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """RMS level of each 4 ms block, in dBFS."""
    blocks = samples[: samples.size // BLOCK_SAMPLES * BLOCK_SAMPLES].reshape(-1, BLOCK_SAMPLES)
    power = np.einsum("ij,ij->i", blocks, blocks, dtype=np.float64) / BLOCK_SAMPLES
    levels: npt.NDArray[np.float64] = np.maximum(FLOOR_DB, 10.0 * np.log10(power + 1e-12))
    return levels


def yin_pitch(frame: npt.NDArray[np.float32]) -> tuple[float, float]:
    """YIN (de Cheveigné & Kawahara, 2002) on one frame: (f0 in Hz or NaN, aperiodicity 0..1).

    The difference function is computed through one FFT cross-correlation; the
    frame must be longer than the longest lag (1024 samples is used here:
    the previous chunk and the current one).
    """
    f0, aperiodicity, _ = _yin(frame.astype(np.float64) - float(np.mean(frame)))
    return f0, aperiodicity


def _yin(x: npt.NDArray[np.float64]) -> tuple[float, float, float]:
    """YIN on a mean-free frame: f0 (NaN when unvoiced), aperiodicity, normalised correlation.

    The correlation is r(T) / sqrt(E(0) E(T)) at the chosen period T: the
    harmonics-to-noise ratio's input.
    """
    width = x.size - _TAU_MAX
    if width < _TAU_MAX:
        raise ValueError(f"pitch frame of {x.size} samples is too short")
    size = 1 << int(np.ceil(np.log2(x.size + width)))
    spectrum = np.fft.rfft(x, size)
    head = np.fft.rfft(x[:width], size)
    corr = np.fft.irfft(spectrum * np.conj(head), size)[: _TAU_MAX + 1]
    squares = np.concatenate(([0.0], np.cumsum(x * x)))
    energy_lag = squares[width : width + _TAU_MAX + 1] - squares[: _TAU_MAX + 1]
    diff = np.maximum(squares[width] + energy_lag - 2.0 * corr, 0.0)
    cumulative = np.cumsum(diff[1:])
    cmnd = np.ones_like(diff)
    lags = np.arange(1, diff.size)
    cmnd[1:] = diff[1:] * lags / np.maximum(cumulative, 1e-12)
    search = cmnd[_TAU_MIN : _TAU_MAX + 1]
    below = np.flatnonzero(search < YIN_THRESHOLD)
    if below.size:
        tau = int(below[0]) + _TAU_MIN
        while tau + 1 <= _TAU_MAX and cmnd[tau + 1] < cmnd[tau]:
            tau += 1
    else:
        tau = int(np.argmin(search)) + _TAU_MIN
    aperiodicity = float(min(1.0, cmnd[tau]))
    if aperiodicity > VOICED_MAX_APERIODICITY:
        return float("nan"), aperiodicity, float("nan")
    correlation = float(corr[tau] / np.sqrt(max(squares[width] * energy_lag[tau], 1e-24)))
    shift = 0.0
    if _TAU_MIN < tau < _TAU_MAX:  # parabolic interpolation between lags
        a, b, c = cmnd[tau - 1], cmnd[tau], cmnd[tau + 1]
        denom = a - 2.0 * b + c
        if denom > 0:
            shift = float(np.clip(0.5 * (a - c) / denom, -0.5, 0.5))
    return SAMPLE_RATE_HZ / (tau + shift), aperiodicity, correlation


@dataclass(frozen=True, slots=True)
class ChunkFeatures:
    """What one 32 ms chunk sounds like."""

    level_db: float  # RMS, dBFS
    block_db: npt.NDArray[np.float64]  # eight 4 ms block levels, dBFS
    f0_hz: float  # NaN when unvoiced
    aperiodicity: float  # YIN's dip: 0 = perfectly periodic, 1 = noise
    centroid_hz: float  # spectral centroid, 50 Hz - 8 kHz
    alpha_db: float  # energy 1-5 kHz over 50 Hz-1 kHz: vocal effort, gain-invariant
    flatness: float  # spectral flatness 0..1: tonal vs noisy
    mfcc: npt.NDArray[np.float64]  # cepstral coefficients 1..4 of the log mel spectrum
    slope_low_db_per_khz: float  # spectral slope 0-500 Hz
    slope_mid_db_per_khz: float  # spectral slope 500-1500 Hz
    hammarberg_db: float  # strongest peak 0-2 kHz over strongest 2-5 kHz
    flux: float  # spectral change from the previous chunk (unit-norm magnitude spectra)
    loudness: float  # psychoacoustic: sum of equal-loudness-weighted mel band energies ^ 0.33
    quality: VoiceQuality  # HNR, jitter, shimmer, formants, harmonic levels (NaN if unvoiced)

    @property
    def voiced(self) -> bool:
        """True when a pitch was found."""
        return not np.isnan(self.f0_hz)


def chunk_features(
    chunk: npt.NDArray[np.float32], previous: npt.NDArray[np.float32]
) -> ChunkFeatures:
    """Features of ``chunk``; ``previous`` (the chunk before) extends the pitch frame."""
    if chunk.size != CHUNK_SAMPLES:
        raise ValueError(f"chunk has {chunk.size} samples, not {CHUNK_SAMPLES}")
    level = level_db(chunk)
    blocks = block_levels_db(chunk)
    frame = np.concatenate((previous, chunk)).astype(np.float64)
    frame -= float(np.mean(frame))
    if level > SILENCE_DBFS:
        f0, aperiodicity, correlation = _yin(frame)
    else:
        f0, aperiodicity, correlation = float("nan"), 1.0, float("nan")
    magnitude = np.abs(np.fft.rfft(chunk * _WINDOW))
    power = magnitude**2 + 1e-14
    flux = spectral_flux(magnitude, np.abs(np.fft.rfft(previous * _WINDOW)))
    voiced = not np.isnan(f0)
    quality = voice_quality(frame, f0, correlation, power) if voiced else unvoiced_quality()
    band = power[_CENTROID_BAND]
    centroid = float(np.dot(_FREQS[_CENTROID_BAND], band) / np.sum(band))
    alpha = 10.0 * float(np.log10(np.sum(power[_HIGH_BAND]) / np.sum(power[_LOW_BAND])))
    flatness = float(np.exp(np.mean(np.log(band))) / np.mean(band))
    power_db = 10.0 * np.log10(power)
    mel = _MEL_BANK @ power
    loudness = float(np.sum((_LOUDNESS_WEIGHT * mel) ** LOUDNESS_EXPONENT))
    mfcc = _DCT @ np.log(np.maximum(mel, MEL_RANGE * float(np.max(mel))))
    return ChunkFeatures(
        level,
        blocks,
        f0,
        aperiodicity,
        centroid,
        alpha,
        flatness,
        mfcc,
        _slope_db_per_khz(power_db, _SLOPE_LOW),
        _slope_db_per_khz(power_db, _SLOPE_MID),
        float(np.max(power_db[_HAMMARBERG_LOW]) - np.max(power_db[_HAMMARBERG_HIGH])),
        flux,
        loudness,
        quality,
    )
