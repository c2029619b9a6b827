"""Shared fixtures for the audio tests: synthetic signals and espeak-ng speech."""

from __future__ import annotations

import shutil
import subprocess
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

EMODB = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "emodb"


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


@pytest.fixture
def espeak(tmp_path: Path) -> Callable[..., Path]:
    """Make speech with Debian's espeak-ng: ``espeak(text, rate_wpm=175, pitch=50)``."""
    binary = shutil.which("espeak-ng")
    if binary is None:
        pytest.skip("espeak-ng is not installed (bash dev.sh setup installs it)")

    def speak(text: str, rate_wpm: int = 175, pitch: int = 50, name: str | None = None) -> Path:
        out = tmp_path / (name or f"say_{rate_wpm}_{pitch}_{abs(hash(text)) % 10000}.wav")
        subprocess.run(
            [binary, "-w", str(out), "-s", str(rate_wpm), "-p", str(pitch), text],
            check=True,
            capture_output=True,
        )
        return out

    return speak
