"""Which devices work right now, each problem said once and each recovery said once.

An owner reading the journal sees "camera unavailable: ..." one time when it
goes, and "camera back" when it returns, not a line per retry.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("petbrain")


@dataclass
class DeviceState:
    """One device's current health."""

    name: str
    ok: bool | None = None  # None: not tried yet
    detail: str = ""
    failures: int = 0
    recoveries: int = 0

    def to_json(self) -> dict[str, object]:
        """Plain dict for the dashboard and status output."""
        return {
            "ok": self.ok,
            "detail": self.detail,
            "failures": self.failures,
            "recoveries": self.recoveries,
        }


class DeviceHealth:
    """Thread-safe health board: worker threads report, the main loop and dashboard read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._states: dict[str, DeviceState] = {}
        self.listeners: list[Callable[[DeviceState], None]] = []

    def state(self, name: str) -> DeviceState:
        """The state of ``name`` (created on first use)."""
        with self._lock:
            return self._states.setdefault(name, DeviceState(name))

    def up(self, name: str, detail: str) -> None:
        """``name`` works; logged only when it did not before."""
        with self._lock:
            state = self._states.setdefault(name, DeviceState(name))
            changed = state.ok is not True
            if state.ok is False:
                state.recoveries += 1
            state.ok, state.detail = True, detail
        if changed:
            back = " back" if state.recoveries else ""
            log.info("%s%s: %s", name, back, detail)
            self._notify(state)

    def down(self, name: str, detail: str, retry_s: float | None = None) -> None:
        """``name`` is missing or failed; logged only on the transition, with what happens next."""
        with self._lock:
            state = self._states.setdefault(name, DeviceState(name))
            changed = state.ok is not False
            state.ok, state.detail = False, detail
            if changed:
                state.failures += 1
        if changed:
            then = f"; looking again every {retry_s:g} s" if retry_s else ""
            log.warning("%s unavailable: %s; the pet carries on without it%s", name, detail, then)
            self._notify(state)

    def off(self, name: str, why: str) -> None:
        """``name`` is switched off in the configuration (said once at start)."""
        with self._lock:
            self._states[name] = DeviceState(name, None, why)
        log.info("%s: %s", name, why)

    def snapshot(self) -> dict[str, dict[str, object]]:
        """Every device's state as plain dicts."""
        with self._lock:
            return {name: s.to_json() for name, s in sorted(self._states.items())}

    def _notify(self, state: DeviceState) -> None:
        for listener in list(self.listeners):
            listener(state)
