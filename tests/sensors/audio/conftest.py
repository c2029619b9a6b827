"""Shared fixtures for the audio tests: synthetic signals and espeak-ng speech."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from audio_signals import tone, write_wav

__all__ = ["tone", "write_wav"]

EMODB = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "emodb"


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
