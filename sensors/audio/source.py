"""The audio source interface, its registry and the bounded RAM ring buffer.

Every source delivers the same thing: 32 ms chunks of 512 float32 samples in
[-1, 1] at 16 kHz mono, or ``None`` when nothing is ready. Sources are built
from config dicts by their ``type`` key through :data:`AUDIO_SOURCES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from sensors.registry import Registry

SAMPLE_RATE_HZ = 16_000
CHUNK_SAMPLES = 512
CHUNK_MS = CHUNK_SAMPLES * 1000 // SAMPLE_RATE_HZ  # 32 ms

Chunk = npt.NDArray[np.float32]


@dataclass(frozen=True)
class AudioSourceInfo:
    """What a source delivers, known before it connects."""

    kind: str  # registry type name: "pyaudio", "wav", "buffer"
    name: str  # device name, file path or buffer label
    sample_rate_hz: int = SAMPLE_RATE_HZ
    chunk_samples: int = CHUNK_SAMPLES
    live: bool = False  # True for a real microphone (chunks arrive in real time)


@runtime_checkable
class AudioSource(Protocol):
    """A source of 32 ms, 16 kHz mono float32 chunks."""

    @property
    def info(self) -> AudioSourceInfo:
        """What this source delivers; usable before :meth:`connect`."""
        ...

    def connect(self) -> None:
        """Open the device or file. A missing microphone is not an error (see the source)."""
        ...

    def read(self) -> Chunk | None:
        """The next chunk of ``CHUNK_SAMPLES`` samples, or None when none is ready."""
        ...

    def disconnect(self) -> None:
        """Release the device or file; safe to call twice."""
        ...


AUDIO_SOURCES: Registry[AudioSource] = Registry("audio source")


class RingBuffer:
    """A fixed-size float32 ring in RAM: the only place raw audio lives.

    Writing never allocates; the oldest samples are overwritten. Nothing here
    ever touches the disk.
    """

    def __init__(self, capacity_samples: int) -> None:
        if capacity_samples < 1:
            raise ValueError("ring buffer capacity must be at least one sample")
        self._data = np.zeros(capacity_samples, dtype=np.float32)
        self._start = 0  # index of the oldest sample
        self._size = 0

    @property
    def capacity(self) -> int:
        """Most samples held at once."""
        return int(self._data.size)

    def __len__(self) -> int:
        return self._size

    def write(self, samples: npt.ArrayLike) -> int:
        """Append samples, dropping the oldest beyond capacity; returns how many were dropped."""
        values = np.asarray(samples, dtype=np.float32).ravel()
        cap = self.capacity
        dropped = max(0, self._size + values.size - cap)
        if values.size >= cap:
            self._data[:] = values[-cap:]
            self._start, self._size = 0, cap
            return dropped
        end = (self._start + self._size) % cap
        first = min(values.size, cap - end)
        self._data[end : end + first] = values[:first]
        self._data[: values.size - first] = values[first:]
        self._size += values.size
        if self._size > cap:
            self._start = (self._start + self._size - cap) % cap
            self._size = cap
        return dropped

    def read(self, count: int) -> Chunk | None:
        """Remove and return the oldest ``count`` samples, or None if fewer are held."""
        if count > self._size:
            return None
        cap = self.capacity
        idx = (self._start + np.arange(count)) % cap
        out: Chunk = self._data[idx].copy()
        self._start = (self._start + count) % cap
        self._size -= count
        return out

    def clear(self) -> None:
        """Forget every sample (and zero them, so nothing lingers in RAM)."""
        self._data[:] = 0.0
        self._start = self._size = 0
