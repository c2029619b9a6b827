"""Startle: a sudden loud sound, found at 4 ms resolution inside each 32 ms chunk.

A block is a startle onset when it is loud in absolute terms, far above the
background, and far above the 32 ms before it (so speech rising out of
silence at a normal level, or a loud but steady noise, does not count). The
onset is known when its chunk is processed: at most 32 ms after it happened.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sensors.audio.features import BLOCK_SAMPLES, FLOOR_DB
from sensors.audio.observations import SoundEvent
from sensors.audio.source import CHUNK_MS, SAMPLE_RATE_HZ

BLOCK_MS = BLOCK_SAMPLES * 1000.0 / SAMPLE_RATE_HZ


@dataclass(frozen=True)
class StartleConfig:
    """Thresholds of the startle detector."""

    min_level_dbfs: float = -20.0  # a 4 ms block at least this loud (a clap near the mic)
    rise_db: float = 20.0  # ...and this much above the mean of the 32 ms before it
    above_background_db: float = 25.0  # ...and this much above the background level
    refractory_ms: float = 500.0  # one event per bang, not one per echo
    background_window_ms: float = 3000.0  # history for the background percentile


class BackgroundLevel:
    """The 20th percentile of recent chunk levels: the room's noise, ignoring speech and bangs."""

    def __init__(self, window_ms: float = 3000.0) -> None:
        self._levels = np.full(max(1, int(window_ms // CHUNK_MS)), np.nan)
        self._next = 0

    def update(self, level_db: float) -> None:
        """Add one chunk's level."""
        self._levels[self._next] = level_db
        self._next = (self._next + 1) % self._levels.size

    @property
    def db(self) -> float:
        """Background level in dBFS (NaN before the first chunk)."""
        seen = self._levels[np.isfinite(self._levels)]
        return float(np.percentile(seen, 20)) if seen.size else float("nan")


class StartleDetector:
    """Finds startle onsets in a stream of 4 ms block levels."""

    def __init__(self, config: StartleConfig | None = None) -> None:
        self.config = config or StartleConfig()
        self.background = BackgroundLevel(self.config.background_window_ms)
        self._history = np.full(int(CHUNK_MS / BLOCK_MS), FLOOR_DB)  # previous 32 ms of blocks
        self._last_event_ms = -1e12
        self._chunks_seen = 0  # no onset in the first chunk: nothing to compare it with

    def process(self, block_db: npt.NDArray[np.float64], chunk_t_ms: float) -> SoundEvent | None:
        """Check one chunk's block levels; ``chunk_t_ms`` is the chunk's start time."""
        cfg = self.config
        background = self.background.db
        floor = background if np.isfinite(background) else FLOOR_DB
        levels = np.concatenate((self._history, block_db))
        power = 10.0 ** (levels / 10.0)
        n = self._history.size
        event = None
        for i in range(block_db.size if self._chunks_seen else 0):
            level = levels[n + i]
            if level < cfg.min_level_dbfs or level < floor + cfg.above_background_db:
                continue
            before = 10.0 * np.log10(np.mean(power[i : n + i]) + 1e-12)
            onset_ms = chunk_t_ms + i * BLOCK_MS
            if (
                level - before >= cfg.rise_db
                and onset_ms - self._last_event_ms >= cfg.refractory_ms
            ):
                self._last_event_ms = onset_ms
                event = SoundEvent(
                    kind="startle",
                    t_ms=onset_ms,
                    detected_t_ms=chunk_t_ms + CHUNK_MS,
                    level_dbfs=float(np.max(block_db[i:])),
                    rise_db=float(level - before),
                    background_db=float(floor),
                )
                break
        self._history = levels[-n:]
        self._chunks_seen += 1
        self.background.update(float(10.0 * np.log10(np.mean(power[n:]) + 1e-12)))
        return event
