"""Idle life: what the body does underneath every behaviour, so the pet never freezes.

Breathing (slower and deeper as the pet calms, quicker when it is aroused),
blinks at irregular intervals (slow, heavy blinks when it is tired), an ear
flick now and then and a lazy tail. Every offset starts and ends at zero and
the breathing phase is integrated over time, so a change of mood changes the
rhythm without a jump.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field


@dataclass
class IdleLife:
    """Offsets (degrees) to add to the pose; call :meth:`offsets` once per frame."""

    seed: int = 0
    breath_period_ms: float = 4000.0
    _rng: random.Random = field(init=False)
    _phase: float = 0.0  # breathing, in cycles
    _tail_phase: float = 0.0
    _arousal: float = 0.0  # smoothed
    _last_ms: int | None = None
    _blink: tuple[int, int] | None = None  # start, duration
    _next_blink_ms: int = 2500
    _flick: tuple[int, str] | None = None
    _next_flick_ms: int = 7000

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def offsets(self, now_ms: int, arousal: float = 0.0, energy: float = 0.0) -> dict[str, float]:
        """Offsets at ``now_ms`` for a pet with this ``arousal`` and ``energy`` (each -1..1)."""
        if self._last_ms is None:
            dt_ms, self._arousal = 0.0, arousal
        else:
            dt_ms = max(0.0, float(now_ms - self._last_ms))
        self._last_ms = now_ms
        # The body follows the mood over a couple of seconds, not in one frame.
        self._arousal += (arousal - self._arousal) * (1.0 - math.exp(-dt_ms / 2000.0))
        calm = self._arousal
        self._phase += dt_ms / (self.breath_period_ms * (1.0 - 0.35 * calm))
        self._tail_phase += dt_ms / 9000.0
        depth_deg = 1.5 * (1.0 + 0.5 * max(0.0, -calm))
        tail_deg = 4.0 * (1.0 + max(0.0, calm))
        out = {
            "spine": depth_deg * math.sin(2 * math.pi * self._phase),
            "tail_swish": tail_deg * math.sin(2 * math.pi * self._tail_phase),
        }
        blink = self._blink_offset(now_ms, energy)
        if blink:
            out["eyelids"] = blink
        flick = self._flick_offset(now_ms)
        if flick is not None:
            out[flick[0]] = flick[1]
        return out

    def _blink_offset(self, now_ms: int, energy: float) -> float:
        if self._blink is None and now_ms >= self._next_blink_ms:
            tired = max(0.0, -energy)
            self._blink = (now_ms, int(250 + 350 * tired))  # heavy lids blink slowly
            gap = self._rng.uniform(3000, 8000) * (1.0 + tired)
            self._next_blink_ms = now_ms + self._blink[1] + int(gap)
        if self._blink is None:
            return 0.0
        start, length = self._blink
        if now_ms >= start + length:
            self._blink = None
            return 0.0
        return 60.0 * math.sin(math.pi * (now_ms - start) / length)

    def _flick_offset(self, now_ms: int) -> tuple[str, float] | None:
        if self._flick is None and now_ms >= self._next_flick_ms:
            self._flick = (now_ms, self._rng.choice(("ear_left", "ear_right")))
            self._next_flick_ms = now_ms + int(self._rng.uniform(8000, 20000))
        if self._flick is None:
            return None
        start, ear = self._flick
        if now_ms >= start + 180:
            self._flick = None
            return None
        return ear, 12.0 * math.sin(math.pi * (now_ms - start) / 180.0)
