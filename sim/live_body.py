"""A virtual body on the wall clock, behind a stable port name, that can be unplugged.

:class:`LiveBody` runs :class:`sim.body.VirtualBody` (the real firmware code)
in a thread at real time and keeps a symlink (like ``/dev/petbody`` from the
udev rule) pointing at its pseudo-terminal. :meth:`LiveBody.unplug` closes the
pty and removes the link, as a yanked USB cable removes the device node;
:meth:`LiveBody.plug` boots a fresh body (torque off, as after a power cycle)
on a new pty and points the link at it. ``petbrain run`` tests and the
start-up benchmark drive a separate ``petbrain run`` process against it.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sensors.touch.layout import DEFAULT_LAYOUT, PadLayout
from sensors.touch.skin import TaxelGrid
from sim.body import SimBody, VirtualBody, make_body
from sim.mp_body import MicroPythonBody
from sim.taxel_mat import GridPressureFunction


class LiveBody:
    """A real-time virtual body reachable at ``link_path``."""

    def __init__(
        self,
        link_path: Path,
        layout: PadLayout = DEFAULT_LAYOUT,
        servo_count: int = 8,
        tick_ms: float = 2.0,
        seed: int = 0,
        kind: str = "cpython",
        grids: Sequence[TaxelGrid] = (),
    ) -> None:
        self.link_path = link_path
        # Taxel grids the body scans (a board profile with grids, e.g. pico_grid), and the
        # hands on each; a freshly plugged body feels the same hands.
        self.grids = tuple(grids)
        self._grid_pressure: list[GridPressureFunction | None] = [None] * len(self.grids)
        # "cpython" (firmware classes ticked here) or "micropython" (main.py in its process).
        self.kind = kind
        self.layout = layout
        self.servo_count = servo_count
        self.tick_ms = tick_ms
        self.seed = seed
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = time.monotonic()
        self._contact: Callable[[int], Sequence[float]] | None = None
        self.body: SimBody | None = None
        self.boots = 0
        # Wall-clock time (time.monotonic()) of the first brain message of each kind.
        self.first_seen_s: dict[str, float] = {}
        self.received: dict[str, int] = {}

    @property
    def now_ms(self) -> int:
        """Milliseconds since this object was made (the body's clock)."""
        return int((time.monotonic() - self._start) * 1000)

    def start(self) -> LiveBody:
        """Boot the body and start ticking."""
        self.plug()
        self._thread = threading.Thread(target=self._run, name="live-body", daemon=True)
        self._thread.start()
        return self

    def plug(self) -> None:
        """Boot a fresh body on a new pty and point ``link_path`` at it."""
        body = make_body(
            self.kind,
            self.layout.pad_count,
            self.servo_count,
            self._contact_now,
            self.seed,
            grids=self.grids,
            grid_pressure=[self._grid_now(i) for i in range(len(self.grids))],
        )
        if isinstance(body, VirtualBody):
            self._watch(body)
        tmp = self.link_path.with_name(self.link_path.name + ".new")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(body.path, tmp)
        os.replace(tmp, self.link_path)
        with self._lock:
            self.body = body
            self.boots += 1

    def unplug(self) -> None:
        """Remove the port and close the pty: the brain's reads fail, as with a yanked cable."""
        with self._lock:
            body, self.body = self.body, None
        with contextlib.suppress(FileNotFoundError):
            self.link_path.unlink()
        if body is not None:
            body.close()

    def set_contact(self, contact: Callable[[int], Sequence[float]] | None) -> None:
        """What the virtual hand does, as a function of the body's ``now_ms``."""
        self._contact = contact

    def set_grid_pressure(self, index: int, pressure: GridPressureFunction | None) -> None:
        """What the hands do on taxel grid ``index`` (0..1 per taxel), by the body's ``now_ms``."""
        self._grid_pressure[index] = pressure

    def _grid_now(self, index: int) -> GridPressureFunction:
        idle = np.zeros(self.grids[index].shape)

        def pressure(t_ms: int) -> Any:
            hand = self._grid_pressure[index]
            return idle if hand is None else hand(t_ms)

        return pressure

    def stop(self) -> None:
        """Stop ticking and unplug."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
        self.unplug()

    def __enter__(self) -> LiveBody:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- what the body feels and does -----------------------------------

    def servo_angles_deg(self) -> dict[int, float | None]:
        """Current servo angles by channel (None when limp or unplugged)."""
        with self._lock:
            body = self.body
            return {} if body is None else body.servo_angles_deg()

    def vibration_peak(self) -> float:
        """Strongest vibration since this body booted (0..1)."""
        with self._lock:
            return 0.0 if self.body is None else self.body.motor.peak_level

    def torque(self) -> bool:
        """True while the current body's servos hold torque."""
        with self._lock:
            return self.body is not None and self.body.torque_on()

    def last_brain_frame_s(self) -> float | None:
        """Wall-clock time (``time.monotonic()``) of the last frame the body took from the brain."""
        with self._lock:
            body = self.body
        if isinstance(body, VirtualBody):
            last_ms = body.firmware.last_rx_ms
            return None if last_ms is None else self._start + last_ms / 1000
        if isinstance(body, MicroPythonBody):
            return body.last_brain_bytes_s
        return None

    # -- internals -------------------------------------------------------

    def _contact_now(self, t_ms: int) -> Sequence[float]:
        contact = self._contact
        return [0.0] * self.layout.pad_count if contact is None else contact(t_ms)

    def _watch(self, body: VirtualBody) -> None:
        """Record which messages the brain sends, and when they first arrive."""
        link: Any = body.firmware.link
        receive = link.receive

        def counted() -> list[Any]:
            messages: list[Any] = receive()
            for message in messages:
                name = str(message.NAME)
                self.received[name] = self.received.get(name, 0) + 1
                self.first_seen_s.setdefault(name, time.monotonic())
            return messages

        link.receive = counted

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                body = self.body
                if body is not None:
                    body.tick(self.now_ms)
                    fd = body.port.fileno()
                else:
                    fd = None
            if fd is None:
                self._stop.wait(self.tick_ms / 1000.0)
                continue
            # Sleep until the brain writes or the next tick is due; a hung-up pty
            # reads as always ready, so never spin faster than once a millisecond.
            before = time.monotonic()
            with contextlib.suppress(OSError, ValueError):
                select.select([fd], [], [], self.tick_ms / 1000.0)
            if time.monotonic() - before < 0.0005:
                self._stop.wait(0.001)
