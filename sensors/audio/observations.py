"""Typed observations the audio pipeline hands to fusion; each has ``to_json()``."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any


def json_safe(value: Any) -> Any:
    """JSON has no NaN: missing numbers become null, recursively."""
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


@dataclass(frozen=True)
class Prosody:
    """How a voiced stretch was spoken (a summary, never the audio)."""

    loudness_dbfs: float  # mean RMS level of the speech chunks
    loudness_range_db: float
    f0_hz: float  # median pitch; NaN when nothing was voiced
    f0_range_st: float  # 90th - 10th percentile, semitones
    f0_std_st: float  # variability, semitones
    speaking_rate_hz: float  # loudness peaks per second of speech (syllable-rate proxy)
    voiced_fraction: float
    aperiodicity: float  # 0 clear voice .. 1 breathy or rough
    alpha_db: float  # spectral balance; higher = more vocal effort


@dataclass(frozen=True)
class VoiceObservation:
    """One stretch of speech, with its prosody and the voice-emotion estimate."""

    t_ms: float  # start, brain monotonic clock
    duration_ms: float
    speech_probability: float  # mean VAD probability over the stretch
    prosody: Prosody
    arousal: float | None  # None when the emotion model is unavailable
    valence: float | None
    emotion: dict[str, float] = field(default_factory=dict)
    confidence: float = 0.0  # 0..1: longer, clearer speech is surer
    background_db: float = float("nan")  # noise level around the speech, dBFS

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (NaN as null)."""
        out: dict[str, Any] = json_safe(asdict(self))
        out["kind"] = "voice"
        return out


@dataclass(frozen=True)
class SoundEvent:
    """A sudden loud sound (a slam, a clap, a shout): what makes a cat jump."""

    kind: str  # "startle"
    t_ms: float  # onset, brain monotonic clock (4 ms resolution)
    detected_t_ms: float  # when the pipeline knew (end of the chunk holding the onset)
    level_dbfs: float  # peak 4 ms level
    rise_db: float  # jump over the preceding 32 ms
    background_db: float

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        out: dict[str, Any] = json_safe(asdict(self))
        return out


@dataclass(frozen=True)
class AmbientLevel:
    """The background noise level, reported about once a second."""

    t_ms: float
    background_db: float  # 20th percentile of recent chunk levels, dBFS
    speech_active: bool

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        out: dict[str, Any] = json_safe(asdict(self))
        out["kind"] = "ambient"
        return out


AudioObservation = VoiceObservation | SoundEvent | AmbientLevel
