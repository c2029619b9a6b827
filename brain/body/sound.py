"""Playing the pet's sounds: an interface, a sound bank, and players for sim and tests.

``SoundPlayer`` is what the runtime calls. ``NullSoundPlayer`` drops sounds
(the default), ``RecordingSoundPlayer`` remembers what was asked (simulator,
tests, dashboard). Real playback on the robot's speaker (through the
``robot`` extra's audio stack) is not written yet; it will implement the same
protocol and take its samples from :class:`SoundBank`.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from behaviors.library import DEFAULT_SOUNDS_DIR

SAMPLE_RATE_HZ = 16_000


class SoundPlayer(Protocol):
    """Something that can play a named sound now."""

    def play(self, name: str, volume: float, t_ms: int) -> None:
        """Start sound ``name`` at ``volume`` (0..1); must not block."""

    def stop(self) -> None:
        """Silence whatever plays."""


class NullSoundPlayer:
    """Plays nothing (a body without a speaker, or sound switched off)."""

    def play(self, name: str, volume: float, t_ms: int) -> None:
        """Ignore the sound."""

    def stop(self) -> None:
        """Nothing to stop."""


@dataclass
class RecordingSoundPlayer:
    """Remembers every sound asked for: ``(t_ms, name, volume)``."""

    played: list[tuple[int, str, float]] = field(default_factory=list)
    stops: int = 0

    def play(self, name: str, volume: float, t_ms: int) -> None:
        """Record the request."""
        self.played.append((t_ms, name, round(volume, 3)))

    def stop(self) -> None:
        """Record the stop."""
        self.stops += 1


class SoundError(Exception):
    """A sound file is missing or not 16 kHz mono 16-bit PCM."""


@dataclass
class SoundBank:
    """The sound library's samples, loaded lazily from ``folder`` (``NAME.wav``)."""

    folder: Path = DEFAULT_SOUNDS_DIR
    _cache: dict[str, npt.NDArray[np.int16]] = field(default_factory=dict)

    def names(self) -> list[str]:
        """Every sound in the folder."""
        return sorted(p.stem for p in self.folder.glob("*.wav"))

    def samples(self, name: str) -> npt.NDArray[np.int16]:
        """The 16 kHz mono samples of ``name``; raises :class:`SoundError`."""
        if name not in self._cache:
            self._cache[name] = read_wav(self.folder / f"{name}.wav")
        return self._cache[name]

    def duration_ms(self, name: str) -> int:
        """Length of ``name`` in milliseconds."""
        return len(self.samples(name)) * 1000 // SAMPLE_RATE_HZ


def read_wav(path: Path) -> npt.NDArray[np.int16]:
    """Samples of a 16 kHz mono 16-bit WAV file; raises :class:`SoundError` otherwise."""
    try:
        with wave.open(str(path), "rb") as source:
            shape = (source.getnchannels(), source.getsampwidth(), source.getframerate())
            if shape != (1, 2, SAMPLE_RATE_HZ):
                raise SoundError(
                    f"{path}: want mono 16-bit {SAMPLE_RATE_HZ} Hz, got "
                    f"{shape[0]} channel(s), {8 * shape[1]}-bit, {shape[2]} Hz"
                )
            data = source.readframes(source.getnframes())
    except (OSError, EOFError, wave.Error) as error:
        raise SoundError(f"{path}: cannot read: {error}") from error
    return np.frombuffer(data, dtype="<i2").astype(np.int16)
