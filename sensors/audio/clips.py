"""Whole-clip analysis shared by ``petbrain perceive``, ``petbrain eval voice`` and training."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from sensors.audio.features import ChunkFeatures
from sensors.audio.pipeline import analyse_samples, clip_speech
from sensors.audio.prosody import feature_vector, utterance_features
from sensors.audio.sources import load_wav
from sensors.audio.vad import VoiceActivity


@dataclass(frozen=True)
class ClipAnalysis:
    """A clip's speech span and its utterance feature vector (NaN when no speech)."""

    frames: list[ChunkFeatures]  # first to last speech chunk
    speech: list[bool]
    vector: npt.NDArray[np.float32]
    speech_ms: float

    @property
    def has_speech(self) -> bool:
        """True when the VAD found any speech."""
        return bool(self.speech)


def analyse_clip(samples: npt.NDArray[np.float32], vad: VoiceActivity) -> ClipAnalysis:
    """VAD and features over a 16 kHz clip, then functionals over its speech span."""
    frames, probs = analyse_samples(samples, vad)
    span, speech = clip_speech(frames, probs)
    vector = feature_vector(utterance_features(span, speech))
    return ClipAnalysis(span, speech, vector, float(sum(speech) * 32))


def analyse_file(path: Path, vad: VoiceActivity) -> ClipAnalysis:
    """:func:`analyse_clip` of a wav file (any rate, resampled)."""
    return analyse_clip(load_wav(path), vad)
