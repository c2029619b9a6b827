"""Voice and sound perception: sources, VAD, prosody, startle and voice emotion.

Importing this package registers the audio sources (``pyaudio``, ``wav``,
``buffer``) in :data:`AUDIO_SOURCES`.
"""

from sensors.audio import microphone, sources
from sensors.audio.source import (
    AUDIO_SOURCES,
    CHUNK_MS,
    CHUNK_SAMPLES,
    SAMPLE_RATE_HZ,
    AudioSource,
    AudioSourceInfo,
    RingBuffer,
)

__all__ = [
    "AUDIO_SOURCES",
    "CHUNK_MS",
    "CHUNK_SAMPLES",
    "SAMPLE_RATE_HZ",
    "AudioSource",
    "AudioSourceInfo",
    "RingBuffer",
    "microphone",
    "sources",
]
