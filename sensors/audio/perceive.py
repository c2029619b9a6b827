"""``petbrain perceive clip.wav``: the voice pipeline over an audio file, one JSON line per file.

The clip is streamed through the live pipeline chunk by chunk (segments,
startles, background level) and, for the file-level estimate, its whole
speech span is summarised at once. Each file is judged alone (the per-file
mode): its speaker is unknown, so the file-level emotion uses the population
baseline, while the per-segment estimates adapt to the speaker over the
file's segments as the live pipeline does (a running baseline started fresh
for each file). See ``petbrain eval voice --normalise`` for per-speaker
normalisation over many clips.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sensors.audio.clips import analyse_clip
from sensors.audio.emotion import VoiceEmotionModel
from sensors.audio.observations import Prosody, SoundEvent, VoiceObservation, json_safe
from sensors.audio.pipeline import AudioPerception, load_emotion, load_vad, prosody_of
from sensors.audio.source import CHUNK_MS, CHUNK_SAMPLES
from sensors.audio.sources import load_wav
from sensors.audio.vad import VoiceActivity

SUFFIXES = (".wav", ".flac", ".ogg")


@cache
def _models() -> tuple[VoiceActivity, VoiceEmotionModel | None]:
    return load_vad(), load_emotion()


def _segment_json(obs: VoiceObservation) -> dict[str, Any]:
    out = obs.to_json()
    out.pop("kind", None)
    return out


def perceive_samples(samples: npt.NDArray[np.float32]) -> dict[str, Any]:
    """The ``"voice"`` record of a 16 kHz mono clip."""
    vad, emotion = _models()
    perception = AudioPerception(vad, emotion)
    perception.reset(keep_speaker=False)
    padded = np.pad(samples, (0, (-samples.size) % CHUNK_SAMPLES)).astype(np.float32)
    segments: list[VoiceObservation] = []
    startles: list[SoundEvent] = []
    for index in range(padded.size // CHUNK_SAMPLES):
        chunk = padded[index * CHUNK_SAMPLES : (index + 1) * CHUNK_SAMPLES]
        for obs in perception.process(chunk, float(index * CHUNK_MS)):
            if isinstance(obs, VoiceObservation):
                segments.append(obs)
            elif isinstance(obs, SoundEvent):
                startles.append(obs)
    segments.extend(o for o in perception.flush() if isinstance(o, VoiceObservation))
    background = perception.background_db
    clip = analyse_clip(samples, vad)
    voice: dict[str, Any] = {
        "speech": clip.has_speech,
        "speech_ms": clip.speech_ms,
        "duration_ms": round(samples.size * 1000.0 / 16000.0, 1),
        "arousal": None,
        "valence": None,
        "emotion": {},
        "label": None,
    }
    if clip.has_speech:
        prosody: Prosody = prosody_of(clip.frames, clip.speech)
        voice["prosody"] = json_safe(asdict(prosody))
        if emotion is not None:
            estimate = emotion.predict(emotion.new_session().normalise(clip.vector))[0]
            voice["arousal"] = round(estimate.arousal, 4)
            voice["valence"] = round(estimate.valence, 4)
            voice["emotion"] = {k: round(v, 4) for k, v in estimate.probabilities.items()}
            voice["label"] = estimate.label
        else:
            voice["emotion_error"] = "voice-emotion model unavailable"
    voice["segments"] = [_segment_json(s) for s in segments]
    voice["startles"] = [s.to_json() for s in startles]
    voice["background_db"] = json_safe(background)
    return voice


def perceive_file(path: Path, args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    """One JSON-ready dict for ``path``; an unreadable file yields a dict with ``"error"``."""
    del args  # no audio-specific options yet
    try:
        samples = load_wav(path)
    except (OSError, ValueError) as error:
        yield {"path": str(path), "error": str(error)}
        return
    yield {"path": str(path), "voice": perceive_samples(samples)}
