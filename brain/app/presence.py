"""Owner presence from per-frame sightings: debounced arrivals and departures.

Vision says, frame by frame, whether a person is in view. A cat does not
greet every blink of the detector: the owner *appears* after being seen
for ``appear_after_ms`` and *leaves* after going unseen for
``leave_after_ms``. Each change becomes one :class:`OwnerPresence` event for
``Brain.observe``, with how long the owner was away.
"""

from __future__ import annotations

from dataclasses import dataclass

from brain.events import OwnerPresence


@dataclass
class PresenceTracker:
    """Feed it ``(t_ms, seen)`` for every frame; it returns an event when presence changes."""

    appear_after_ms: int = 800  # seen this long (with short gaps) before it counts
    leave_after_ms: int = 20_000  # unseen this long before the owner has left
    gap_ms: int = 500  # dropouts shorter than this do not restart the arrival count
    present: bool = False
    _seen_since_ms: int | None = None
    _last_seen_ms: int | None = None
    _left_ms: int | None = None

    def feed(self, t_ms: int, seen: bool) -> OwnerPresence | None:
        """The presence change that ``seen`` at ``t_ms`` completes, if any."""
        if seen:
            gap = None if self._last_seen_ms is None else t_ms - self._last_seen_ms
            if self._seen_since_ms is None or (gap is not None and gap > self.gap_ms):
                self._seen_since_ms = t_ms
            self._last_seen_ms = t_ms
            if not self.present and t_ms - self._seen_since_ms >= self.appear_after_ms:
                self.present = True
                away = None if self._left_ms is None else t_ms - self._left_ms
                return OwnerPresence(t_ms, True, away)
            return None
        last = self._last_seen_ms
        if self.present and last is not None and t_ms - last >= self.leave_after_ms:
            self.present = False
            self._left_ms = last
            self._seen_since_ms = None
            return OwnerPresence(t_ms, False)
        return None
