"""The session's timeline: mood, the owner's emotion and behaviours, sampled from state documents.

The dashboard's timeline plot and ``petbrain sim --plot`` draw the same rows,
taken from the same state document (or the brain parts of it) every
``period_ms`` of the session's own clock. Only numbers and names are kept:
never a frame or a sound.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from typing import Any

PERIOD_MS = 250  # one row per quarter second: smooth lines, ~14 k rows an hour
MAX_ROWS = 4 * 3600  # an hour of rows; older ones scroll away


def row_of(state: Mapping[str, Any]) -> dict[str, Any]:
    """One timeline row from a state document (``t_ms``, ``mood``, ``owner``, ``behaviour``)."""
    mood: Mapping[str, float] = state.get("mood") or {}
    owner: Mapping[str, Any] = state.get("owner") or {}
    behaviour: Mapping[str, Any] | None = state.get("behaviour")
    row: dict[str, Any] = {
        "t_ms": int(state.get("t_ms", 0)),
        "mood": {k: round(float(v), 3) for k, v in mood.items()},
        "behaviour": behaviour.get("name") if behaviour else None,
        "owner": None,
    }
    if owner.get("available"):
        row["owner"] = {
            "valence": round(float(owner.get("valence", 0.0)), 3),
            "arousal": round(float(owner.get("arousal", 0.0)), 3),
            "confidence": round(float(owner.get("confidence", 0.0)), 3),
            "label": owner.get("label"),
        }
    return row


class SessionHistory:
    """Rows every ``period_ms`` of the session's clock, at most ``max_rows`` of them."""

    def __init__(self, period_ms: int = PERIOD_MS, max_rows: int = MAX_ROWS) -> None:
        self.period_ms = period_ms
        self.rows: deque[dict[str, Any]] = deque(maxlen=max_rows)
        self._next_ms: int | None = None
        self._lock = threading.Lock()  # the simulator's thread notes, web threads read

    def due(self, t_ms: int) -> bool:
        """True when a row for ``t_ms`` is wanted (so callers build the state only then)."""
        return self._next_ms is None or t_ms >= self._next_ms

    def note(self, state: Mapping[str, Any]) -> None:
        """Keep a row of ``state`` when one is due."""
        t_ms = int(state.get("t_ms", 0))
        if not self.due(t_ms):
            return
        self._next_ms = t_ms + self.period_ms
        row = row_of(state)
        with self._lock:
            self.rows.append(row)

    def to_json(self) -> list[dict[str, Any]]:
        """The rows, oldest first."""
        with self._lock:
            return list(self.rows)
