"""A source and the pipeline together, polled from the brain's loop without blocking."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sensors.audio.observations import AudioObservation
from sensors.audio.pipeline import AudioPerception
from sensors.audio.source import CHUNK_MS, AudioSource

log = logging.getLogger(__name__)


class AudioStream:
    """Reads every ready chunk from ``source``, stamps it, and runs the pipeline on it.

    Chunks are stamped on the brain's clock: a live source's chunks follow
    each other 32 ms apart and are re-anchored to ``clock_ms()`` after a gap
    (a vanished microphone, a stalled driver), when the pipeline also starts a
    new stream (keeping what it learnt of the speaker). A file or simulator
    source is stamped by its own sample count from the first chunk's time.
    """

    def __init__(
        self,
        source: AudioSource,
        perception: AudioPerception,
        clock_ms: Callable[[], float],
        max_chunks_per_poll: int = 16,  # bounds one poll's work (16 chunks = 0.5 s of audio)
        resync_ms: float = 200.0,  # a live stream this far behind the clock had a gap
    ) -> None:
        self.source = source
        self.perception = perception
        self.clock_ms = clock_ms
        self.max_chunks_per_poll = max_chunks_per_poll
        self.resync_ms = resync_ms
        self.chunks = 0
        self.gaps = 0
        self._next_t_ms: float | None = None

    def start(self) -> None:
        """Connect the source (a missing microphone is fine: it is looked for later)."""
        self.source.connect()

    def stop(self) -> list[AudioObservation]:
        """Report any open speech stretch and disconnect."""
        out = self.perception.flush()
        self.source.disconnect()
        return out

    def poll(self) -> list[AudioObservation]:
        """Process the chunks that are ready now; never waits for audio."""
        out: list[AudioObservation] = []
        for _ in range(self.max_chunks_per_poll):
            chunk = self.source.read()
            if chunk is None:
                break
            t_ms = self._stamp(out)
            out.extend(self.perception.process(chunk, t_ms))
            self.chunks += 1
        return out

    def _stamp(self, out: list[AudioObservation]) -> float:
        now = self.clock_ms()
        if self._next_t_ms is None:
            t_ms = now - CHUNK_MS  # the chunk just read ended about now
        elif self.source.info.live and now - CHUNK_MS - self._next_t_ms > self.resync_ms:
            self.gaps += 1
            log.info("audio gap of %.0f ms: starting a new stream", now - self._next_t_ms)
            out.extend(self.perception.flush())  # an open stretch ends at the gap
            self.perception.reset(keep_speaker=True)
            t_ms = now - CHUNK_MS
        else:
            t_ms = self._next_t_ms
        self._next_t_ms = t_ms + CHUNK_MS
        return t_ms
