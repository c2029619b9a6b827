"""Voice quality of one chunk: HNR, jitter, shimmer, LPC formants, harmonic levels, flux.

The eGeMAPS parameter set (Eyben et al., 2016) describes a voice by more
than pitch and level: how periodic it is (harmonics-to-noise ratio), how
regular its glottal cycles are (jitter: period, shimmer: amplitude), where
the vocal tract resonates (formants F1-F3 with their bandwidths and levels)
and how steep the glottal source is (H1-H2, H1-A3). These are our own
numpy versions of those descriptors, computed from what each 32 ms chunk
already has: the YIN period and the 64 ms pitch frame, the chunk's windowed
power spectrum. They are not openSMILE's numbers (different windows and
estimators); the emotion model only needs them to move the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sensors.audio.source import SAMPLE_RATE_HZ

FORMANTS = 3  # F1..F3, as eGeMAPS
LPC_ORDER = 14  # poles: ~ 2 + fs/1 kHz minus two (formants above 5 kHz are not used)
PRE_EMPHASIS = 0.97  # first-order high-pass before LPC: flattens the glottal tilt
FORMANT_MIN_HZ = 90.0  # poles below are the glottal source, not the tract
FORMANT_MAX_HZ = 5000.0
FORMANT_MAX_BW_HZ = 600.0  # wider poles are spectral shaping, not resonances
HNR_LIMIT_DB = (-10.0, 40.0)
MAX_PERIODS = 32  # jitter and shimmer look at most this many glottal cycles per frame
MAX_JITTER = 0.2  # a larger cycle-to-cycle period change is a tracking error, not jitter

_HARM_SIZE = 1024  # the 64 ms pitch frame's spectrum: 15.6 Hz bins resolve H1 and H2
_HARM_WINDOW = np.hanning(_HARM_SIZE)
_HARM_FREQS = np.fft.rfftfreq(_HARM_SIZE, 1.0 / SAMPLE_RATE_HZ)


@dataclass(frozen=True, slots=True)
class VoiceQuality:
    """Voice-quality descriptors of one voiced chunk (NaN where not measurable)."""

    hnr_db: float  # harmonics-to-noise ratio from the normalised autocorrelation at the period
    jitter: float  # mean |T_i - T_i-1| / mean T over the frame's glottal cycles
    shimmer_db: float  # mean |20 log10(A_i / A_i-1)| over the same cycles
    formant_hz: npt.NDArray[np.float64]  # F1..F3 centre frequencies
    bandwidth_hz: npt.NDArray[np.float64]  # their bandwidths
    formant_rel_db: npt.NDArray[np.float64]  # harmonic level at Fi relative to H1
    h1_h2_db: float  # first over second harmonic level (glottal open quotient, breathiness)
    h1_a3_db: float  # first harmonic over the harmonic at F3 (spectral tilt of the source)


def unvoiced_quality() -> VoiceQuality:
    """The all-NaN descriptors of a chunk without pitch."""
    nan = float("nan")
    empty = np.full(FORMANTS, nan)
    return VoiceQuality(nan, nan, nan, empty, empty, empty, nan, nan)


def hnr_db(correlation: float) -> float:
    """HNR in dB from the normalised autocorrelation r at the period: 10 log10(r / (1 - r))."""
    r = min(max(correlation, 1e-4), 1.0 - 1e-4)
    low, high = HNR_LIMIT_DB
    return float(np.clip(10.0 * np.log10(r / (1.0 - r)), low, high))


_TOEPLITZ = np.abs(np.subtract.outer(np.arange(LPC_ORDER), np.arange(LPC_ORDER)))
_SHIFT = np.eye(LPC_ORDER, k=-1)  # companion matrix below its first row


def lpc(autocorrelation: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Predictor [1, a1 .. a_p] (p = LPC_ORDER) from r[0 .. p] by the normal equations."""
    r = autocorrelation
    try:
        a = np.linalg.solve(r[_TOEPLITZ], -r[1 : LPC_ORDER + 1])
    except np.linalg.LinAlgError:  # silence: no predictor
        a = np.zeros(LPC_ORDER)
    return np.concatenate(([1.0], a))


def lpc_roots(a: npt.NDArray[np.float64]) -> npt.NDArray[np.complex128]:
    """Roots of the predictor polynomial (eigenvalues of its companion matrix)."""
    companion = _SHIFT.copy()
    companion[0] = -a[1:] / a[0]
    roots = np.linalg.eigvals(companion).astype(np.complex128)
    return roots


_FREQ_RAD = np.linspace(0.0, np.pi, 257)
_EMPHASIS_GAIN = 1.0 + PRE_EMPHASIS**2 - 2.0 * PRE_EMPHASIS * np.cos(_FREQ_RAD)


def formants(power: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], ...]:
    """F1..F3 and their bandwidths (Hz) from a chunk's windowed power spectrum (257 bins).

    The autocorrelation for LPC is the inverse FFT of the pre-emphasised
    power spectrum (the Hann window makes the circular wrap negligible).
    """
    r = np.fft.irfft(power * _EMPHASIS_GAIN)[: LPC_ORDER + 1]
    r[1:] *= np.exp(-0.5 * (2.0 * np.pi * 40.0 * np.arange(1, LPC_ORDER + 1) / SAMPLE_RATE_HZ) ** 2)
    roots = lpc_roots(lpc(r))
    roots = roots[np.imag(roots) > 0]
    freq = np.angle(roots) * SAMPLE_RATE_HZ / (2.0 * np.pi)
    bw = -np.log(np.maximum(np.abs(roots), 1e-9)) * SAMPLE_RATE_HZ / np.pi
    keep = (freq > FORMANT_MIN_HZ) & (freq < FORMANT_MAX_HZ) & (bw < FORMANT_MAX_BW_HZ)
    order = np.argsort(freq[keep])[:FORMANTS]
    f = np.full(FORMANTS, np.nan)
    b = np.full(FORMANTS, np.nan)
    f[: order.size] = freq[keep][order]
    b[: order.size] = bw[keep][order]
    return f, b


def _harmonic_db(spectrum_db: npt.NDArray[np.float64], centre_hz: float, f0_hz: float) -> float:
    """Level of the strongest bin within half a harmonic spacing of ``centre_hz``."""
    lo = np.searchsorted(_HARM_FREQS, centre_hz - 0.5 * f0_hz)
    hi = np.searchsorted(_HARM_FREQS, centre_hz + 0.5 * f0_hz)
    if hi <= lo or hi > _HARM_FREQS.size:
        return float("nan")
    return float(np.max(spectrum_db[lo:hi]))


def cycles(frame: npt.NDArray[np.float64], period: float) -> tuple[float, float]:
    """Jitter (relative) and shimmer (dB) from peak picking, one peak per glottal cycle."""
    x = frame if np.max(frame) >= -np.min(frame) else -frame  # follow the stronger polarity
    p = int(np.argmax(x[: int(period) + 1]))
    lo_step, hi_step = int(0.75 * period), int(np.ceil(1.25 * period))
    peaks = [p]
    while len(peaks) <= MAX_PERIODS and p + hi_step < x.size:
        p = p + lo_step + int(np.argmax(x[p + lo_step : p + hi_step + 1]))
        peaks.append(p)
    if len(peaks) < 4:  # three periods: two period differences
        return float("nan"), float("nan")
    idx = np.array(peaks)
    periods = np.diff(idx).astype(np.float64)
    jitter = float(np.mean(np.abs(np.diff(periods))) / np.mean(periods))
    amplitude = np.maximum(
        np.maximum.reduceat(x, idx[:-1]) - np.minimum.reduceat(x, idx[:-1]), 1e-9
    )
    shimmer = float(np.mean(np.abs(np.diff(20.0 * np.log10(amplitude)))))
    if jitter > MAX_JITTER:
        return float("nan"), shimmer
    return jitter, shimmer


def voice_quality(
    frame: npt.NDArray[np.float64],
    f0_hz: float,
    correlation: float,
    power: npt.NDArray[np.float64],
) -> VoiceQuality:
    """Descriptors of a voiced chunk.

    ``frame``: the 64 ms pitch frame (previous chunk + this one, mean removed);
    ``f0_hz``: its YIN pitch; ``correlation``: YIN's normalised
    autocorrelation at the period; ``power``: this chunk's Hann-windowed
    power spectrum.
    """
    period = SAMPLE_RATE_HZ / f0_hz
    jitter, shimmer = cycles(frame, period)
    f, b = formants(power)
    spectrum_db = 10.0 * np.log10(np.abs(np.fft.rfft(frame * _HARM_WINDOW)) ** 2 + 1e-14)
    h1 = _harmonic_db(spectrum_db, f0_hz, f0_hz)
    h2 = _harmonic_db(spectrum_db, 2.0 * f0_hz, f0_hz)
    rel = np.array(
        [_harmonic_db(spectrum_db, fi, f0_hz) - h1 if np.isfinite(fi) else np.nan for fi in f]
    )
    return VoiceQuality(
        hnr_db(correlation), jitter, shimmer, f, b, rel, h1 - h2, float(-rel[FORMANTS - 1])
    )


def spectral_flux(
    magnitude: npt.NDArray[np.float64], previous_magnitude: npt.NDArray[np.float64]
) -> float:
    """Squared distance between the two unit-norm magnitude spectra (0 = same shape, max 2)."""
    a = magnitude / max(float(np.linalg.norm(magnitude)), 1e-12)
    b = previous_magnitude / max(float(np.linalg.norm(previous_magnitude)), 1e-12)
    d = a - b
    return float(np.dot(d, d))
