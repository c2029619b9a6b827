"""eGeMAPS-style functionals of a speech stretch, beyond the basic prosody.

:mod:`sensors.audio.prosody` holds the original 29 functionals; this module
adds what the eGeMAPS parameter set (Eyben et al., 2016) has and they lacked:
percentiles and rising/falling slopes of pitch and of a psychoacoustic
loudness; voice quality
(HNR, jitter, shimmer); formants F1-F3 with bandwidths and levels; H1-H2 and
H1-A3; spectral shape split over voiced and unvoiced chunks; spectral flux;
and the lengths of voiced and unvoiced segments. All come from the per-chunk
:class:`~sensors.audio.features.ChunkFeatures` the runtime already computes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from sensors.audio.features import ChunkFeatures
from sensors.audio.source import CHUNK_MS
from sensors.audio.voice_quality import FORMANTS

EXTRA_FEATURE_NAMES = (
    "f0_p20_st",  # 20th percentile of pitch, semitones re 100 Hz
    "f0_p80_st",  # 80th percentile
    "f0_rise_st_per_s",  # mean slope of the rising stretches of the pitch contour
    "f0_fall_st_per_s",  # mean slope of the falling stretches (positive number)
    "loudness_sone",  # psychoacoustic loudness of speech chunks: mean (gain-dependent)
    "loudness_cv",  # its coefficient of variation (gain-invariant)
    "loudness_p20_sone",  # its percentiles
    "loudness_p50_sone",
    "loudness_p80_sone",
    "loudness_rise_per_s",  # mean slope of the rising stretches of the loudness contour
    "loudness_rise_std_per_s",
    "loudness_fall_per_s",
    "loudness_fall_std_per_s",
    "hnr_db",  # harmonics-to-noise ratio of voiced chunks
    "hnr_std_db",
    "jitter",  # relative cycle-to-cycle period change
    "jitter_std",
    "shimmer_db",  # cycle-to-cycle amplitude change
    "shimmer_std_db",
    *(f"f{i}_hz" for i in range(1, FORMANTS + 1)),  # formant centre frequencies (mean)
    *(f"f{i}_std_hz" for i in range(1, FORMANTS + 1)),
    *(f"bw{i}_hz" for i in range(1, FORMANTS + 1)),  # formant bandwidths (mean)
    *(f"a{i}_rel_db" for i in range(1, FORMANTS + 1)),  # harmonic level at Fi re H1 (a3: -H1-A3)
    "h1_h2_db",  # first over second harmonic
    "h1_h2_std_db",
    "alpha_voiced_db",  # spectral shape over voiced chunks only
    "hammarberg_voiced_db",
    "slope_low_voiced_db_per_khz",
    "slope_mid_voiced_db_per_khz",
    *(f"mfcc{i}_voiced" for i in range(1, 5)),
    "flux_voiced",
    "alpha_unvoiced_db",  # and over unvoiced speech chunks (fricatives, breath)
    "hammarberg_unvoiced_db",
    "slope_low_unvoiced_db_per_khz",
    "slope_mid_unvoiced_db_per_khz",
    "flux_unvoiced",
    "flux",  # spectral flux over all speech chunks: mean and spread
    "flux_std",
    "voiced_segment_ms",  # mean length of runs of voiced chunks
    "voiced_segment_std_ms",
    "unvoiced_segment_ms",  # mean length of runs of unvoiced chunks between them
    "unvoiced_segment_std_ms",
    "voiced_segments_per_s",  # voiced runs per second of the stretch
)


def runs(flags: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(start, end) index pairs of the runs of True in ``flags`` (end exclusive)."""
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))


def contour_slopes(
    pieces: Sequence[npt.NDArray[np.float64]], step_s: float
) -> tuple[list[float], list[float]]:
    """Slopes (units per second) of the monotone rising and falling stretches of a contour.

    ``pieces`` are the contour's unbroken parts (a stretch never spans a gap);
    a stretch is a maximal run of steps of one sign; falling slopes are
    returned as positive numbers.
    """
    rising: list[float] = []
    falling: list[float] = []
    for piece in pieces:
        if piece.size < 2:
            continue
        steps = np.diff(piece)
        signs = np.sign(steps)
        nonzero = signs != 0
        steps, signs = steps[nonzero], signs[nonzero]
        if steps.size == 0:
            continue
        change = np.flatnonzero(np.diff(signs)) + 1
        bounds = np.concatenate(([0], change, [steps.size]))
        for lo, hi in pairwise(bounds.tolist()):
            slope = float(np.sum(steps[lo:hi])) / ((hi - lo) * step_s)
            (rising if slope > 0 else falling).append(abs(slope))
    return rising, falling


def _mean(values: Sequence[float] | npt.NDArray[np.float64]) -> float:
    a = np.asarray(values, dtype=np.float64)
    a = a[np.isfinite(a)]
    return float(np.mean(a)) if a.size else float("nan")


def _std(values: Sequence[float] | npt.NDArray[np.float64]) -> float:
    a = np.asarray(values, dtype=np.float64)
    a = a[np.isfinite(a)]
    return float(np.std(a)) if a.size else float("nan")


def extra_features(frames: Sequence[ChunkFeatures], speech: Sequence[bool]) -> dict[str, float]:
    """The :data:`EXTRA_FEATURE_NAMES` functionals of a stretch (NaN where not measurable)."""
    out = dict.fromkeys(EXTRA_FEATURE_NAMES, float("nan"))
    flags = np.array(speech, dtype=bool)
    talk = [f for f, s in zip(frames, speech, strict=True) if s]
    if not talk:
        return out
    chunk_s = CHUNK_MS / 1000.0
    voiced_flags = np.array([s and f.voiced for f, s in zip(frames, speech, strict=True)])
    voiced = [f for f in talk if f.voiced]
    unvoiced = [f for f in talk if not f.voiced]
    loud = np.array([f.loudness for f in talk])
    out["loudness_sone"] = float(np.mean(loud))
    out["loudness_cv"] = float(np.std(loud) / max(float(np.mean(loud)), 1e-9))
    for p in (20, 50, 80):
        out[f"loudness_p{p}_sone"] = float(np.percentile(loud, p))
    pieces = [np.array([f.loudness for f in frames[a:b]]) for a, b in runs(flags)]
    rise, fall = contour_slopes(pieces, chunk_s)
    out["loudness_rise_per_s"], out["loudness_rise_std_per_s"] = _mean(rise), _std(rise)
    out["loudness_fall_per_s"], out["loudness_fall_std_per_s"] = _mean(fall), _std(fall)
    spans = runs(voiced_flags)
    if voiced:
        st = 12.0 * np.log2(np.array([f.f0_hz for f in voiced]) / 100.0)
        out["f0_p20_st"] = float(np.percentile(st, 20))
        out["f0_p80_st"] = float(np.percentile(st, 80))
        contour = [
            12.0 * np.log2(np.array([f.f0_hz for f in frames[a:b]]) / 100.0) for a, b in spans
        ]
        rise, fall = contour_slopes(contour, chunk_s)
        out["f0_rise_st_per_s"], out["f0_fall_st_per_s"] = _mean(rise), _mean(fall)
        quality: tuple[tuple[str, Callable[[ChunkFeatures], float]], ...] = (
            ("hnr", lambda f: f.quality.hnr_db),
            ("jitter", lambda f: f.quality.jitter),
            ("shimmer", lambda f: f.quality.shimmer_db),
            ("h1_h2", lambda f: f.quality.h1_h2_db),
        )
        for name, get in quality:
            values = [get(f) for f in voiced]
            unit = "" if name == "jitter" else "_db"
            out[f"{name}{unit}"], out[f"{name}_std{unit}"] = _mean(values), _std(values)
        fm = np.array([f.quality.formant_hz for f in voiced])
        bw = np.array([f.quality.bandwidth_hz for f in voiced])
        rel = np.array([f.quality.formant_rel_db for f in voiced])
        for i in range(FORMANTS):
            out[f"f{i + 1}_hz"], out[f"f{i + 1}_std_hz"] = _mean(fm[:, i]), _std(fm[:, i])
            out[f"bw{i + 1}_hz"] = _mean(bw[:, i])
            out[f"a{i + 1}_rel_db"] = _mean(rel[:, i])
        _shape(out, voiced, "voiced")
        mfcc = np.array([f.mfcc for f in voiced])
        for i in range(4):
            out[f"mfcc{i + 1}_voiced"] = float(np.mean(mfcc[:, i]))
    if unvoiced:
        _shape(out, unvoiced, "unvoiced")
    flux = [f.flux for f in talk]
    out["flux"], out["flux_std"] = _mean(flux), _std(flux)
    inside = np.flatnonzero(flags)
    lengths = [(b - a) * CHUNK_MS for a, b in spans]
    gaps = [(a - b) * CHUNK_MS for (_, b), (a, _) in pairwise(spans)]
    out["voiced_segment_ms"], out["voiced_segment_std_ms"] = _mean(lengths), _std(lengths)
    if lengths:  # unvoiced stretches between voiced ones (none: a single voiced run)
        out["unvoiced_segment_ms"] = _mean(gaps) if gaps else 0.0
        out["unvoiced_segment_std_ms"] = _std(gaps) if gaps else 0.0
    out["voiced_segments_per_s"] = len(spans) / ((inside[-1] + 1 - inside[0]) * chunk_s)
    return out


def _shape(out: dict[str, float], frames: Sequence[ChunkFeatures], kind: str) -> None:
    """Spectral balance and flux means over ``frames`` (voiced or unvoiced chunks)."""
    out[f"alpha_{kind}_db"] = _mean([f.alpha_db for f in frames])
    out[f"hammarberg_{kind}_db"] = _mean([f.hammarberg_db for f in frames])
    out[f"slope_low_{kind}_db_per_khz"] = _mean([f.slope_low_db_per_khz for f in frames])
    out[f"slope_mid_{kind}_db_per_khz"] = _mean([f.slope_mid_db_per_khz for f in frames])
    out[f"flux_{kind}"] = _mean([f.flux for f in frames])
