"""Synthetic signals for the audio tests (own module: ``conftest`` is not a unique name)."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np


def write_wav(path: Path, samples: np.ndarray, rate_hz: int = 16000, channels: int = 1) -> Path:
    """16-bit PCM wav of float samples in [-1, 1] (interleaved when channels > 1)."""
    ints = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate_hz)
        wav.writeframes(ints.tobytes())
    return path


def tone(
    freq_hz: float, seconds: float, amplitude: float = 0.3, rate_hz: int = 16000
) -> np.ndarray:
    """A voice-like harmonic tone (fundamental plus decaying harmonics)."""
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    wave_ = sum(np.sin(2 * np.pi * k * freq_hz * t) / k for k in range(1, 6))
    return (amplitude * wave_ / np.max(np.abs(wave_))).astype(np.float32)


def chunk_features_of(signal: np.ndarray) -> list:
    """``chunk_features`` of every whole 512-sample chunk of ``signal``, in order."""
    from sensors.audio.features import chunk_features

    prev = np.zeros(512, dtype=np.float32)
    out = []
    for i in range(signal.size // 512):
        chunk = signal[i * 512 : (i + 1) * 512]
        out.append(chunk_features(chunk, prev))
        prev = chunk
    return out
