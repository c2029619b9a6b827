"""Per-pad conditioning: residual baseline, noise-aware thresholds, stuck and dead pads.

The body already subtracts a tracked baseline, but what reaches the brain
still wanders (humidity, temperature, a baseline frozen under a long touch)
and each pad has its own sensitivity. :class:`PadConditioner` keeps a slow
floor per pad while it is free, estimates the sensor noise from the free
pads, sets touch/release thresholds above that noise, and decides when a pad
is faulty:

* **stuck**: reads touched and flat (no living hand is that steady) for
  ``stuck_startup_ms`` when it was already touched at start-up, or for
  ``stuck_after_ms`` otherwise. Its flat reading becomes its floor, so it
  reads free and a hand pressing on top of the offset is still felt (a pad
  pinned at the top of its range is ignored outright); ``recovered`` when
  the offset goes away.
* **dead**: stays silent while strokes pass right over it, ``dead_after_misses``
  times in a row (reported by :meth:`stroke_passed`); it recovers on any touch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sensors.touch.events import TouchPadFault
from sensors.touch.layout import PadLayout


@dataclass(frozen=True)
class PadThresholds:
    """Thresholds in the body's delta counts; noise-derived ones win when larger."""

    touch_counts: float = 60.0  # a pad above floor + this is touched ...
    touch_noise_sigmas: float = 5.0  # ... or above floor + this many noise sigmas
    release_fraction: float = 0.6  # free again below this fraction of the touch threshold
    floor_time_constant_ms: float = 1500.0  # how fast the floor follows a free pad
    noise_time_constant_ms: float = 3000.0
    stuck_startup_ms: int = 1000
    stuck_after_ms: int = 10_000
    stuck_flat_counts: float = 2.5  # a block std below max(this, 1.5 sigma) is "flat"
    dead_after_misses: int = 3
    saturated_counts: float = 60_000.0  # a stuck pad this high cannot feel a hand at all


@dataclass
class _PadState:
    floor: float = 0.0
    free_frames: int = 0  # free frames seen so far (the floor starts as their plain mean)
    touched: bool = False
    suspect: bool = False  # touched at start-up: proven a hand or stuck within a second
    stuck: bool = False
    dead: bool = False
    misses: int = 0
    touched_ms: int = 0
    flat_ms: int = 0
    block_n: int = 0
    block_sum: float = 0.0
    block_sq: float = 0.0


class PadConditioner:
    """Turns raw deltas into per-pad contact and touched flags, and watches pad health."""

    BLOCK_FRAMES = 50

    def __init__(self, layout: PadLayout, thresholds: PadThresholds | None = None) -> None:
        self.layout = layout
        self.thresholds = thresholds or PadThresholds()
        self.period_ms = 1000.0 / layout.frame_rate_hz
        self.noise_sigma = 2.0
        self._pads = [_PadState() for _ in layout.pads]
        self._previous: list[float] | None = None
        self._last_t_ms: int | None = None
        self._noise_frames = 0
        th = self.thresholds
        self._floor_alpha = min(1.0, self.period_ms / th.floor_time_constant_ms)
        self._noise_alpha = min(1.0, self.period_ms / th.noise_time_constant_ms)

    @property
    def touch_threshold(self) -> float:
        """Counts above the floor that make a pad touched, given the noise seen so far."""
        th = self.thresholds
        return max(th.touch_counts, th.touch_noise_sigmas * self.noise_sigma)

    def faulty(self, index: int) -> str | None:
        """``stuck``, ``dead`` or None for pad ``index``."""
        pad = self._pads[index]
        return "stuck" if pad.stuck else "dead" if pad.dead else None

    def condition(
        self, t_ms: int, raw: list[float], contact: list[float], touched: list[bool]
    ) -> list[TouchPadFault]:
        """Fill ``contact`` (counts above floor, 0 for ignored pads) and ``touched`` in place."""
        th = self.thresholds
        on = self.touch_threshold
        off = on * th.release_fraction
        step_ms = self.period_ms if self._last_t_ms is None else t_ms - self._last_t_ms
        first = self._previous is None
        faults: list[TouchPadFault] = []
        noise_sum = 0.0
        noise_n = 0
        previous = self._previous
        for i, value in enumerate(raw):
            pad = self._pads[i]
            if first and value < th.touch_counts:
                pad.floor = value  # start from where the pad sits, not from 0
            if pad.stuck:
                if value < pad.floor - off:  # well below where it stuck: the offset has gone
                    pad.stuck = False
                    pad.floor = value
                    pad.free_frames = 1
                    faults.append(self._fault(t_ms, i, "recovered", value))
                elif value >= th.saturated_counts:
                    contact[i] = 0.0  # pinned at the top: it cannot feel anything
                    touched[i] = False
                    continue
            above = value - pad.floor
            is_touched = above >= (off if pad.touched or pad.suspect else on)
            if first and is_touched:
                pad.suspect = True
            if not is_touched:
                pad.suspect = False
                pad.touched_ms = 0
                pad.flat_ms = 0
                pad.block_n = 0
                pad.free_frames += 1
                alpha = max(self._floor_alpha, 1.0 / pad.free_frames)
                pad.floor += (value - pad.floor) * alpha
                if previous is not None:
                    noise_sum += abs(value - previous[i])
                    noise_n += 1
            else:
                pad.touched_ms += int(step_ms)
                if self._flat_block(pad, value):
                    pad.flat_ms += self.BLOCK_FRAMES * int(self.period_ms)
                limit = th.stuck_startup_ms if pad.suspect else th.stuck_after_ms
                if pad.suspect and pad.touched_ms >= limit and pad.flat_ms < limit:
                    pad.suspect = False  # a living hand that was there first: it counts now
                if pad.flat_ms >= limit and not pad.stuck:
                    # Re-based: the flat reading becomes the floor, so the pad reads free
                    # and a hand pressing on top of the offset is still felt.
                    pad.stuck = True
                    pad.suspect = False
                    pad.touched = False
                    pad.floor = value
                    pad.touched_ms = pad.flat_ms = pad.block_n = 0
                    faults.append(self._fault(t_ms, i, "stuck", value))
                    contact[i] = 0.0
                    touched[i] = False
                    continue
                if pad.dead:
                    pad.dead = False
                    pad.misses = 0
                    faults.append(self._fault(t_ms, i, "recovered", value))
            pad.touched = is_touched
            touched[i] = is_touched and not pad.suspect
            contact[i] = max(0.0, above) if touched[i] else 0.0
        if noise_n:
            # Mean |difference| of successive Gaussian samples is 1.128 sigma.
            frame_sigma = noise_sum / noise_n / 1.128
            self._noise_frames += 1
            alpha = max(self._noise_alpha, 1.0 / self._noise_frames)
            self.noise_sigma += (frame_sigma - self.noise_sigma) * alpha
        self._previous = list(raw)
        self._last_t_ms = t_ms
        return faults

    def _flat_block(self, pad: _PadState, value: float) -> bool:
        """Accumulate a block of touched readings; True when a full block was flat."""
        pad.block_n += 1
        pad.block_sum += value
        pad.block_sq += value * value
        if pad.block_n < self.BLOCK_FRAMES:
            return False
        n = pad.block_n
        mean = pad.block_sum / n
        variance = max(0.0, pad.block_sq / n - mean * mean)
        pad.block_n = 0
        pad.block_sum = pad.block_sq = 0.0
        flat = math.sqrt(variance) <= max(self.thresholds.stuck_flat_counts, 1.5 * self.noise_sigma)
        if not flat:
            pad.flat_ms = 0
        return flat

    def stroke_passed(
        self, t_ms: int, low_mm: float, high_mm: float, seen: set[int]
    ) -> list[TouchPadFault]:
        """Count a miss for each pad a stroke crossed in silence; enough misses make it dead.

        The stroke's contact went from ``low_mm`` to ``high_mm``; ``seen`` are
        the pads that read touched during it.
        """
        faults: list[TouchPadFault] = []
        for index in self.layout.indices(("neck", "back")):
            pad = self._pads[index]
            position = self.layout.pads[index].position_mm
            if not low_mm + 15.0 <= position <= high_mm - 15.0 or pad.stuck:
                continue
            if index in seen:
                pad.misses = 0
                continue
            pad.misses += 1
            if not pad.dead and pad.misses >= self.thresholds.dead_after_misses:
                pad.dead = True
                faults.append(self._fault(t_ms, index, "dead", 0))
        return faults

    def _fault(self, t_ms: int, index: int, fault: str, value: float) -> TouchPadFault:
        return TouchPadFault(t_ms, index, self.layout.zone_of(index), fault, int(value))
