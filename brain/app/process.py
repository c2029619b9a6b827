"""Perception in its own process, so the touch → servo path never waits behind it.

In one process, the camera's and microphone's Python work (MediaPipe's
landmark lists, the audio features, pickling observations) holds the GIL in
slices of up to the interpreter's switch interval (5 ms): the main loop,
woken by a touch frame, then waits for the GIL before it can answer. In a
separate process the two share nothing but the CPU, and the OS scheduler
decides who runs; the perception process lowers its own priority
(``nice +10``), so a woken reaction path preempts it at once.

:class:`PerceptionProcess` starts one child early, while the parent is still
single-threaded, by ``fork`` (it then shares the parent's imported modules
copy-on-write; ``gc.freeze()`` first, so the collector does not touch and
copy them), or by ``spawn`` when other threads already run (forking a
threaded process can deadlock the child). The child waits until :meth:`go`
(after the body's handshake, so contact with the body comes first), then
builds exactly the workers the threaded design builds (the ``build``
callable, :func:`brain.app.integrations.build_workers`) and sends their observations and
device-health changes back over one pipe. The parent applies health changes to its own
:class:`~brain.app.health.DeviceHealth` (so each is logged once, by the
parent) and drains observations in its main loop without ever blocking.

Clock: the child gets the brain's own :class:`~brain.clock.SystemClock`
(milliseconds since its start on the system-wide monotonic clock), so the
observations it stamps are on the brain's clock.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from brain.app.health import DeviceHealth
from brain.app.workers import Observation, SourceWorker, wait_all
from brain.clock import SystemClock

log = logging.getLogger("petbrain")

PERCEPTION_NICE = 10  # the perception process yields the CPU to the reaction path
POLL_S = 0.05  # how often the child looks at its stop flag while idle


class RelayHealth(DeviceHealth):
    """The child's health board: keeps state for its workers, says nothing, relays changes."""

    def __init__(self, send: Callable[[tuple[Any, ...]], None]) -> None:
        super().__init__()
        self._send = send

    def up(self, name: str, detail: str) -> None:
        """Mark ``name`` working and tell the parent."""
        state = self.state(name)
        changed = state.ok is not True
        state.ok, state.detail = True, detail
        if changed:
            self._send(("up", name, detail))

    def down(self, name: str, detail: str, retry_s: float | None = None) -> None:
        """Mark ``name`` failed and tell the parent."""
        state = self.state(name)
        changed = state.ok is not False
        state.ok, state.detail = False, detail
        if changed:
            self._send(("down", name, detail, retry_s))

    def off(self, name: str, why: str) -> None:
        """The parent says this itself at start."""


# Builds the workers in the child: (health, out queue, clock) -> workers.
WorkerBuild = Callable[[DeviceHealth, "queue.Queue[Observation]", SystemClock], list[SourceWorker]]


def _child_main(
    build: WorkerBuild,
    clock: SystemClock,
    conn: Connection,
    events: tuple[Any, Any],
    log_level: int,
) -> None:
    """The perception process: run the workers, forward what they say, stop when told."""
    go, stop = events
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when perception stops
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not logging.getLogger().handlers:  # spawned: a fresh interpreter
        logging.basicConfig(level=log_level, format="petbrain: %(levelname)s: %(message)s")
    with contextlib.suppress(OSError):  # nice can only fail in odd sandboxes
        os.nice(PERCEPTION_NICE)
    while not go.wait(POLL_S):
        if stop.is_set():
            conn.send(("stopped", []))
            return

    def send(message: tuple[Any, ...]) -> None:
        try:
            conn.send(message)
        except (BrokenPipeError, EOFError, OSError):
            stop.set()  # the parent is gone: stop too

    out: queue.Queue[Observation] = queue.Queue(maxsize=256)
    health = RelayHealth(send)
    workers = build(health, out, clock)
    for worker in workers:
        worker.start()
    while not stop.is_set():
        try:
            item = out.get(timeout=POLL_S)
        except queue.Empty:
            continue
        send(("obs", item))
    stuck = wait_all(workers, timeout_s=2.0)
    send(("stopped", stuck))
    conn.close()


class PerceptionProcess:
    """The parent's handle on the perception process."""

    def __init__(self, build: WorkerBuild, clock: SystemClock, health: DeviceHealth) -> None:
        # fork only while this process has no other Python thread (see the module doc).
        self.method = "fork" if threading.active_count() == 1 else "spawn"
        context: Any = mp.get_context(self.method)
        self._receive, send = context.Pipe(duplex=False)
        self._go = context.Event()
        self._stop = context.Event()
        self._health = health
        level = logging.getLogger().getEffectiveLevel()
        self._process = context.Process(
            target=_child_main,
            args=(build, clock, send, (self._go, self._stop), level),
            name="petbrain-perception",
            daemon=True,
        )
        self._send_end = send
        self.stuck: list[str] = []
        self.received = 0

    @property
    def pid(self) -> int | None:
        """The child's process id once started."""
        pid: int | None = self._process.pid
        return pid

    def start(self) -> None:
        """Start the child; it waits for :meth:`go` before it opens or loads anything."""
        if self.method == "fork":
            gc.freeze()  # shared pages stay shared: the collector no longer writes to them
        self._process.start()
        self._send_end.close()  # the child holds the sending end now

    def go(self) -> None:
        """Let the child build its workers, open the devices and load the models."""
        self._go.set()

    def drain(self, limit: int) -> list[Observation]:
        """Up to ``limit`` observations waiting now (never blocks); applies health changes."""
        found: list[Observation] = []
        try:
            while len(found) < limit and self._receive.poll():
                message = self._receive.recv()
                self.received += 1
                kind = message[0]
                if kind == "obs":
                    found.append(message[1])
                elif kind == "up":
                    self._health.up(message[1], message[2])
                elif kind == "down":
                    self._health.down(message[1], message[2], message[3])
                elif kind == "stopped":
                    self.stuck = list(message[1])
        except (EOFError, OSError):
            pass  # the child ended; stop() reports it
        return found

    def stop(self, timeout_s: float = 3.0) -> list[str]:
        """Stop the child; the names of workers (or the process) that did not stop in time."""
        if self._process.pid is None:
            return []
        self._stop.set()
        deadline = time.monotonic() + timeout_s
        while self._process.is_alive() and time.monotonic() < deadline:
            self.drain(1000)
            self._process.join(0.05)
        self.drain(1000)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(1.0)
            return [*self.stuck, "perception process"]
        return self.stuck
