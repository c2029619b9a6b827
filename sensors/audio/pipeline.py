"""The per-chunk audio pipeline: VAD, features, startle, speech segments, voice emotion.

:class:`AudioPerception` takes 32 ms chunks and returns observations. It
keeps only the current speech stretch's *features* (never its samples), up to
``max_segment_ms``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sensors.audio.emotion import VoiceEmotionModel
from sensors.audio.features import ChunkFeatures, chunk_features
from sensors.audio.observations import (
    AmbientLevel,
    AudioObservation,
    Prosody,
    SoundEvent,
    VoiceObservation,
)
from sensors.audio.prosody import feature_vector, utterance_features
from sensors.audio.source import CHUNK_MS, CHUNK_SAMPLES, Chunk
from sensors.audio.startle import StartleConfig, StartleDetector
from sensors.audio.vad import EnergyVad, ModelLoadError, SileroVad, VoiceActivity

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SegmentConfig:
    """When a stretch of speech starts and ends."""

    speech_on: float = 0.5  # VAD probability that starts (and continues) speech
    speech_off: float = 0.35  # below this for hangover_ms ends it
    hangover_ms: float = 320.0  # pauses shorter than this stay inside one stretch
    min_speech_ms: float = 96.0  # shorter stretches are clicks, not speech
    max_segment_ms: float = 8000.0  # a longer monologue is reported in pieces
    ambient_every_ms: float = 1000.0  # how often the background level is reported


@dataclass
class _Frame:
    t_ms: float
    probability: float
    features: ChunkFeatures


def load_vad() -> VoiceActivity:
    """Silero VAD, or the energy fallback (said once, loudly) when the model cannot load."""
    try:
        return SileroVad()
    except ModelLoadError as error:
        log.error("%s: voice activity falls back to a crude energy detector", error)
        return EnergyVad()


def load_emotion() -> VoiceEmotionModel | None:
    """The voice-emotion model, or None (said once) when it cannot load."""
    try:
        return VoiceEmotionModel()
    except ModelLoadError as error:
        log.error("%s: voice emotion is disabled", error)
        return None


def prosody_of(frames: Sequence[ChunkFeatures], speech: Sequence[bool]) -> Prosody:
    """The human-readable prosody summary of a stretch."""
    stats = utterance_features(frames, speech)
    spoken = [f for f, s in zip(frames, speech, strict=True) if s] or list(frames)
    power = np.mean([10.0 ** (f.level_db / 10.0) for f in spoken]) if spoken else 0.0
    f0 = [f.f0_hz for f in spoken if f.voiced]
    return Prosody(
        loudness_dbfs=float(10.0 * np.log10(power + 1e-12)),
        loudness_range_db=stats["loudness_range_db"],
        f0_hz=float(np.median(f0)) if f0 else float("nan"),
        f0_range_st=stats["f0_range_st"],
        f0_std_st=stats["f0_std_st"],
        speaking_rate_hz=stats["rate_hz"],
        voiced_fraction=stats["voiced_fraction"],
        aperiodicity=stats["aperiodicity"],
        alpha_db=stats["alpha_db"],
    )


class AudioPerception:
    """Chunks in, :data:`AudioObservation` values out."""

    def __init__(
        self,
        vad: VoiceActivity,
        emotion: VoiceEmotionModel | None,
        segments: SegmentConfig | None = None,
        startle: StartleConfig | None = None,
    ) -> None:
        self.vad = vad
        self.emotion = emotion
        self.config = segments or SegmentConfig()
        self.startle = StartleDetector(startle)
        self.session = emotion.new_session() if emotion is not None else None
        self._previous = np.zeros(CHUNK_SAMPLES, dtype=np.float32)
        self._frames: list[_Frame] = []
        self._quiet_ms = 0.0
        self._last_ambient_ms = -1e12

    @classmethod
    def load(cls) -> AudioPerception:
        """With the shipped models (or their fallbacks)."""
        return cls(load_vad(), load_emotion())

    def reset(self, keep_speaker: bool = True) -> None:
        """A new stream (clip or reconnected microphone); optionally forget the speaker too."""
        self.vad.reset()
        self._previous[:] = 0.0
        self._frames.clear()
        self._quiet_ms = 0.0
        speech = self.startle.speech
        self.startle = StartleDetector(self.startle.config)
        if keep_speaker:
            self.startle.speech = speech  # the owner's voice is as loud as it was
        if not keep_speaker and self.session is not None:
            self.session.reset()

    @property
    def background_db(self) -> float:
        """Current background noise level, dBFS."""
        return self.startle.background.db

    def process(self, chunk: Chunk, t_ms: float) -> list[AudioObservation]:
        """One 32 ms chunk starting at ``t_ms``."""
        out: list[AudioObservation] = []
        probability = self.vad(chunk)
        features = chunk_features(chunk, self._previous)
        self._previous = chunk.copy()  # the caller may reuse its buffer
        event: SoundEvent | None = self.startle.process(features.block_db, t_ms)
        if event is not None:
            out.append(event)
        cfg = self.config
        speaking = probability >= cfg.speech_on
        if speaking:
            self.startle.speech.update(features.block_db)
        if self._frames or speaking:
            self._frames.append(_Frame(t_ms, probability, features))
            self._quiet_ms = 0.0 if probability >= cfg.speech_off else self._quiet_ms + CHUNK_MS
            span_ms = len(self._frames) * CHUNK_MS
            if self._quiet_ms >= cfg.hangover_ms or span_ms >= cfg.max_segment_ms:
                out.extend(self._close())
        if t_ms - self._last_ambient_ms >= cfg.ambient_every_ms:
            self._last_ambient_ms = t_ms
            out.append(AmbientLevel(t_ms, self.background_db, bool(self._frames)))
        return out

    def flush(self) -> list[AudioObservation]:
        """End of stream: report the open stretch, if any."""
        return self._close()

    def _close(self) -> list[AudioObservation]:
        frames, self._frames, self._quiet_ms = self._frames, [], 0.0
        speech = [f.probability >= self.config.speech_on for f in frames]
        while frames and not speech[-1]:  # drop the trailing hangover
            frames.pop()
            speech.pop()
        if sum(speech) * CHUNK_MS < self.config.min_speech_ms:
            return []
        return [self.voice_observation(frames, speech)]

    def voice_observation(
        self, frames: Sequence[_Frame], speech: Sequence[bool]
    ) -> VoiceObservation:
        """Summarise a stretch and estimate its emotion (updating the speaker's baseline)."""
        feats = [f.features for f in frames]
        arousal = valence = None
        emotion: dict[str, float] = {}
        speech_ms = sum(speech) * CHUNK_MS
        mean_probability = float(np.mean([f.probability for f in frames]))
        confidence = 0.0
        if self.emotion is not None and self.session is not None:
            vector = feature_vector(utterance_features(feats, speech))
            estimate = self.emotion.predict(self.session.normalise(vector))[0]
            self.session.update(vector)
            arousal, valence, emotion = estimate.arousal, estimate.valence, estimate.probabilities
            # Longer speech and a speaker the session already knows make a surer estimate.
            familiarity = self.session.count / (self.session.count + self.session.prior_weight)
            confidence = min(1.0, speech_ms / 1500.0) * (0.5 + 0.5 * familiarity)
            confidence *= mean_probability
        return VoiceObservation(
            t_ms=frames[0].t_ms,
            duration_ms=len(frames) * CHUNK_MS,
            speech_probability=mean_probability,
            prosody=prosody_of(feats, speech),
            arousal=arousal,
            valence=valence,
            emotion=emotion,
            confidence=float(confidence),
            background_db=self.background_db,
        )


def analyse_samples(
    samples: npt.NDArray[np.float32], vad: VoiceActivity
) -> tuple[list[ChunkFeatures], list[float]]:
    """Chunk features and VAD probabilities of a whole clip (16 kHz mono)."""
    vad.reset()
    previous = np.zeros(CHUNK_SAMPLES, dtype=np.float32)
    padded = np.pad(samples, (0, (-samples.size) % CHUNK_SAMPLES)).astype(np.float32)
    frames: list[ChunkFeatures] = []
    probs: list[float] = []
    for start in range(0, padded.size, CHUNK_SAMPLES):
        chunk = padded[start : start + CHUNK_SAMPLES]
        probs.append(vad(chunk))
        frames.append(chunk_features(chunk, previous))
        previous = chunk
    return frames, probs


def clip_speech(
    frames: Sequence[ChunkFeatures], probs: Sequence[float], speech_on: float = 0.5
) -> tuple[list[ChunkFeatures], list[bool]]:
    """The span from the first to the last speech chunk of a clip, with its speech flags."""
    flags = [p >= speech_on for p in probs]
    idx = [i for i, s in enumerate(flags) if s]
    if not idx:
        return [], []
    return list(frames[idx[0] : idx[-1] + 1]), flags[idx[0] : idx[-1] + 1]
