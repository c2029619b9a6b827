"""Sensor sources in worker threads: open, read, perceive, and reopen when they fail.

A camera or microphone source is built through its registry by a factory.
The worker keeps the frames and audio chunks in RAM only: it hands each to a
perception function and passes on the typed observations it returns. Any
failure (missing device, unplugged device, a source that goes silent) is
reported once through :class:`brain.app.health.DeviceHealth`, and the worker
tries again every ``retry_ms`` until the device is back. A file source (a
recorded room, for tests and demos) plays again from the start when it ends.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from brain.app.health import DeviceHealth

log = logging.getLogger(__name__)


class Source(Protocol):
    """What every sensor source offers (camera and audio sources alike)."""

    def connect(self) -> None:
        """Open the device or file."""
        ...

    def read(self) -> Any:
        """The next frame or chunk, or None when none is ready."""
        ...

    def disconnect(self) -> None:
        """Release the device; safe twice."""
        ...


# Turns one frame or chunk (and its time) into typed observations.
Perceive = Callable[[Any, float], list[Any]]


@dataclass(frozen=True)
class Observation:
    """One typed observation from a worker, stamped on the brain's clock."""

    source: str
    t_ms: float
    value: Any


def one_line(error: BaseException) -> str:
    """An exception as one short line for the journal."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


class SourceWorker(threading.Thread):
    """Runs one source in its own thread until :meth:`stop`."""

    def __init__(
        self,
        name: str,
        factory: Callable[[], Source],
        health: DeviceHealth,
        out: queue.Queue[Observation],
        clock_ms: Callable[[], float],
        period_ms: float,
        make_perceive: Callable[[], Perceive | None] | None = None,
        retry_ms: int = 2000,  # how often a missing device is looked for
        stale_ms: int = 3000,  # a source that gives nothing this long is reopened
    ) -> None:
        super().__init__(name=f"petbrain-{name}", daemon=True)
        self.source_name = name
        self._factory = factory
        self._health = health
        self._out = out
        self._clock_ms = clock_ms
        self.period_ms = period_ms
        self._make_perceive = make_perceive
        self.retry_ms = retry_ms
        self.stale_ms = stale_ms
        self._stop_event = threading.Event()
        self._source: Source | None = None  # connected and being read
        # One instance per worker, reconnected after each failure: sources that keep
        # their own state (a microphone saying once that it is missing) stay quiet.
        self._instance: Source | None = None
        self.items = 0
        self.observations = 0
        self.dropped = 0
        self.opens = 0
        self.loops = 0  # times a file source ended and was started again

    def stop(self) -> None:
        """Ask the thread to finish; it releases the device on its way out."""
        self._stop_event.set()

    def run(self) -> None:
        """Open, read and perceive until stopped; never raises."""
        perceive = self._load_perceive()
        next_ms = 0.0
        last_item_ms = 0.0
        while not self._stop_event.is_set():
            if self._source is None:
                if not self._open():
                    self._stop_event.wait(self.retry_ms / 1000.0)
                    continue
                last_item_ms = self._clock_ms()
            now = self._clock_ms()
            if now < next_ms:
                self._stop_event.wait((next_ms - now) / 1000.0)
                continue
            try:
                item = self._source_read()
            except Exception as error:  # a driver failing must never stop the pet
                self._fail(f"read failed ({one_line(error)})")
                continue
            now = self._clock_ms()
            if item is None:
                if not self._live:
                    # A file ended: play it again from the start (quietly) after one period.
                    self._close()
                    self.loops += 1
                    next_ms = now + self.period_ms
                elif now - last_item_ms > self.stale_ms:
                    self._fail(f"nothing for {self.stale_ms} ms")
                else:
                    self._stop_event.wait(0.005)
                continue
            last_item_ms = now
            self.items += 1
            if self._health.state(self.source_name).ok is not True:
                self._health.up(self.source_name, self._describe())
            # File sources give items as fast as asked: pace them at their own rate.
            next_ms = (max(next_ms, now - self.period_ms) + self.period_ms) if not self._live else 0
            if perceive is not None:
                self._perceive(perceive, item, now)
        self._close()

    # -- internals -------------------------------------------------------

    @property
    def _live(self) -> bool:
        info = getattr(self._source, "info", None)
        return bool(getattr(info, "live", False))

    def _describe(self) -> str:
        info = getattr(self._source, "info", None)
        name = getattr(info, "name", None)
        kind = getattr(info, "kind", None)
        if name is not None:
            return f"{kind or self.source_name} {name}".strip()
        return type(self._source).__name__

    def _load_perceive(self) -> Perceive | None:
        if self._make_perceive is None:
            return None
        try:
            return self._make_perceive()
        except Exception as error:  # a broken model disables perception, not the device
            log.error("%s perception unavailable (%s)", self.source_name, one_line(error))
            return None

    def _open(self) -> bool:
        try:
            if self._instance is None:
                self._instance = self._factory()
            source = self._instance
            source.connect()
        except Exception as error:  # any driver or file problem: reported, retried
            self._health.down(self.source_name, one_line(error), self.retry_ms / 1000.0)
            return False
        self._source = source
        self.opens += 1
        return True

    def _source_read(self) -> Any:
        assert self._source is not None
        return self._source.read()

    def _perceive(self, perceive: Perceive, item: Any, now_ms: float) -> None:
        try:
            values = perceive(item, now_ms)
        except Exception as error:  # one bad frame is dropped, not fatal
            log.debug("%s perception failed on one item: %s", self.source_name, one_line(error))
            return
        for value in values:
            self.observations += 1
            try:
                self._out.put_nowait(Observation(self.source_name, now_ms, value))
            except queue.Full:
                self.dropped += 1

    def _fail(self, why: str) -> None:
        self._health.down(self.source_name, why, self.retry_ms / 1000.0)
        self._close()
        self._stop_event.wait(self.retry_ms / 1000.0)

    def _close(self) -> None:
        source, self._source = self._source, None
        if source is None:
            return
        try:
            source.disconnect()
        except Exception as error:  # a vanished device may fail to close; it is gone anyway
            log.debug("%s disconnect: %s", self.source_name, one_line(error))


def wait_all(workers: list[SourceWorker], timeout_s: float) -> list[str]:
    """Stop and join ``workers``; the names of any still running after ``timeout_s``."""
    for worker in workers:
        worker.stop()
    deadline = time.monotonic() + timeout_s
    for worker in workers:
        if worker.ident is not None:  # never started: nothing to join
            worker.join(max(0.0, deadline - time.monotonic()))
    return [w.source_name for w in workers if w.is_alive()]
