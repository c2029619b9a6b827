"""A contact episode (first touch until every pad has been free a while) and its features.

The classifier appends one frame at a time; :meth:`Episode.features` sums the
episode up in the handful of numbers the gesture rules read.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class EpisodeFeatures:
    """What the hand did during one episode, in physical units."""

    duration_ms: int
    peak: float  # firmest contact, 0..1 of full scale
    mean_level: float  # mean of the frame's strongest contact, 0..1
    rise_ms: int  # first touch to 80 % of the peak
    jump: float  # the largest rise from one frame to the next, as a fraction of the peak
    landing_ms: float  # the first rise from 20 % to 80 % of the peak, interpolated
    pads: int  # distinct pads touched
    max_simultaneous: int  # most pads touched in one frame
    second_pad_ratio: float  # the second-strongest pad's peak / the strongest's
    travel_mm: float  # contact centre, end minus start (positive = with the fur)
    path_mm: float  # total distance the contact centre moved
    low_mm: float  # lowest and highest contact centre along the spine
    high_mm: float
    retouches: int  # main pads touched again after letting go, within the episode
    pulses: int  # dips and returns of the total contact (rakes, taps, dabs)
    pulse_regularity: float  # std / mean of the intervals between pulses (0 = metronome)
    hops: int  # how often the strongest pad changed

    @property
    def retouch_rate_per_s(self) -> float:
        """Retouches per second of contact."""
        return self.retouches * 1000.0 / max(self.duration_ms, 1)


@dataclass
class Episode:
    """Frames of one contact episode, kept in compact per-frame summaries.

    At most ``2 * MAX_FRAMES`` frames are kept, so the cost of summing up a
    resting hand stays bounded however long it rests.
    """

    MAX_FRAMES = 400

    start_ms: int
    last_touch_ms: int
    period_ms: float = 10.0
    times: list[int] = field(default_factory=list)
    centres: list[float] = field(default_factory=list)
    totals: list[float] = field(default_factory=list)
    strongest: list[float] = field(default_factory=list)
    leaders: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    pad_peak: dict[int, float] = field(default_factory=dict)
    pad_touches: dict[int, int] = field(default_factory=dict)
    contact_by_zone: dict[str, float] = field(default_factory=dict)
    pad_contact: dict[int, float] = field(default_factory=dict)
    reported_ongoing: str | None = None
    next_check_ms: int = 0
    peak: float = 0.0
    first_centres: list[float] = field(default_factory=list)
    _touched_frames: int = 0
    _forgotten: int = 0

    def add(
        self,
        t_ms: int,
        centre_mm: float,
        total: float,
        strongest: float,
        leader: int,
        count: int,
    ) -> None:
        """One touched frame's summary (levels in 0..1 of full scale)."""
        if len(self.times) >= 2 * self.MAX_FRAMES:
            self._forget(len(self.times) - self.MAX_FRAMES)
        self.last_touch_ms = t_ms
        self.peak = max(self.peak, strongest)
        if len(self.first_centres) < 3:
            self.first_centres.append(centre_mm)
        self._touched_frames = len(self.times) + 1
        self.times.append(t_ms)
        self.centres.append(centre_mm)
        self.totals.append(total)
        self.strongest.append(strongest)
        self.leaders.append(leader)
        self.counts.append(count)

    def _forget(self, n: int) -> None:
        """Drop the oldest ``n`` frames: a long hold is summed up over its last seconds."""
        for series in (self.times, self.centres, self.totals, self.strongest):
            del series[:n]
        del self.leaders[:n]
        del self.counts[:n]
        self._touched_frames = max(0, self._touched_frames - n)
        self._forgotten += n

    def add_gap(self, t_ms: int) -> None:
        """A frame inside the episode with no pad touched (a finger lifted between dabs)."""
        self.times.append(t_ms)
        self.centres.append(self.centres[-1] if self.centres else 0.0)
        self.totals.append(0.0)
        self.strongest.append(0.0)
        self.leaders.append(-1)
        self.counts.append(0)

    def trim(self) -> None:
        """Drop the free frames after the last touch (the release wait)."""
        n = self._touched_frames
        for series in (self.times, self.centres, self.totals, self.strongest):
            del series[n:]
        del self.leaders[n:]
        del self.counts[n:]

    def touch_pad(self, index: int, level: float, new_touch: bool, zone: str) -> None:
        """Pad ``index`` reads ``level`` this frame; ``new_touch`` when it just went down."""
        if new_touch:
            self.pad_touches[index] = self.pad_touches.get(index, 0) + 1
        if level > self.pad_peak.get(index, 0.0):
            self.pad_peak[index] = level
        # A zone counts as much as its most-touched pad, so a zone with more
        # pads (both cheeks) does not outweigh the one the hand was on (head).
        total = self.pad_contact.get(index, 0.0) + level
        self.pad_contact[index] = total
        if total > self.contact_by_zone.get(zone, 0.0):
            self.contact_by_zone[zone] = total

    @property
    def duration_ms(self) -> int:
        """First to last touched frame."""
        return self.last_touch_ms - self.start_ms

    def travel_mm(self) -> float:
        """Contact centre at the end minus at the start, each averaged over 3 frames."""
        c = self.centres
        first = self.first_centres
        if not c or not first:
            return 0.0
        k = min(3, len(c))
        return sum(c[-k:]) / k - sum(first) / len(first)

    def features(self, window: int | None = None) -> EpisodeFeatures:
        """Sum the episode up; ``window`` limits the time series to the last frames (cheaper).

        Landing and rise describe the start, so they are measured only while
        the start is still kept (long episodes forget their oldest frames).
        """
        peak = self.peak
        n0 = 0 if window is None else max(0, len(self.times) - window)
        times = self.times[n0:]
        strongest = self.strongest[n0:]
        at_start = n0 == 0 and self._forgotten == 0
        rise_ms = 0
        landing = 0.0
        if at_start:
            for t, level in zip(times, strongest, strict=True):
                if level >= 0.8 * peak:
                    rise_ms = t - self.start_ms
                    break
            landing = _landing_ms(times, strongest, peak, self.period_ms)
        jump = 0.0
        before = 0.0 if at_start else (strongest[0] if strongest else 0.0)
        for level in strongest:
            jump = max(jump, level - before)
            before = level
        peaks = sorted(self.pad_peak.values(), reverse=True)
        second = peaks[1] / peaks[0] if len(peaks) > 1 and peaks[0] > 0 else 0.0
        centres = self.centres[n0:]
        counts = self.counts[n0:]
        smooth = _smooth([c for c, n in zip(centres, counts, strict=True) if n])
        path = sum(abs(b - a) for a, b in itertools.pairwise(smooth))
        pulse_times = _pulses(times, self.totals[n0:])
        intervals = [b - a for a, b in itertools.pairwise(pulse_times)]
        regularity = 1.0
        if len(intervals) >= 2:
            mean = sum(intervals) / len(intervals)
            var = sum((x - mean) ** 2 for x in intervals) / len(intervals)
            regularity = var**0.5 / mean if mean > 0 else 1.0
        leaders = [x for x in self.leaders[n0:] if x >= 0]
        hops = sum(1 for a, b in itertools.pairwise(leaders) if a != b)
        return EpisodeFeatures(
            duration_ms=self.duration_ms,
            peak=peak,
            mean_level=sum(self.strongest) / max(1, len(self.strongest)),
            rise_ms=rise_ms,
            jump=jump / peak if peak > 0 else 0.0,
            landing_ms=landing,
            pads=len(self.pad_peak),
            max_simultaneous=max(self.counts, default=0),
            second_pad_ratio=second,
            travel_mm=self.travel_mm(),
            path_mm=path,
            low_mm=min(smooth, default=0.0),
            high_mm=max(smooth, default=0.0),
            retouches=sum(
                touches - 1
                for pad, touches in self.pad_touches.items()
                if self.pad_peak.get(pad, 0.0) >= 0.4 * peak  # edge pads flicker in noise
            ),
            pulses=len(pulse_times),
            pulse_regularity=regularity,
            hops=hops,
        )


def _crossing(times: list[int], levels: list[float], level: float) -> float:
    """Interpolated time at which ``levels`` first reaches ``level``."""
    for k in range(1, len(levels)):
        a, b = levels[k - 1], levels[k]
        if b >= level:
            if b <= a:
                return float(times[k])
            return times[k - 1] + (times[k] - times[k - 1]) * (level - a) / (b - a)
    return float(times[-1])


def _landing_ms(times: list[int], levels: list[float], peak: float, period_ms: float) -> float:
    """How long the first landing took from 20 % to 80 % of the peak (the frame before was 0)."""
    if not times or peak <= 0:
        return 0.0
    t = [times[0] - round(period_ms), *times]
    v = [0.0, *levels]
    return _crossing(t, v, 0.8 * peak) - _crossing(t, v, 0.2 * peak)


def _smooth(values: list[float], width: int = 5) -> list[float]:
    """Centred moving average (shorter at the ends)."""
    n = len(values)
    if n <= 2:
        return list(values)
    half = width // 2
    prefix = np.concatenate(([0.0], np.cumsum(np.asarray(values, dtype=np.float64))))
    index = np.arange(n)
    lo = np.maximum(0, index - half)
    hi = np.minimum(n, index + half + 1)
    smooth: list[float] = ((prefix[hi] - prefix[lo]) / (hi - lo)).tolist()
    return smooth


def _pulses(times: list[int], totals: list[float], depth: float = 0.25) -> list[int]:
    """Times of the maxima of ``totals`` separated by dips of at least ``depth`` x the peak."""
    if not totals:
        return []
    smooth = _smooth(totals, 3)
    top = max(smooth)
    if top <= 0:
        return []
    drop = depth * top
    out: list[int] = []
    high = smooth[0]
    high_t = times[0]
    low = smooth[0]
    rising = True
    for t, v in zip(times, smooth, strict=True):
        if rising:
            if v > high:
                high, high_t = v, t
            elif v < high - drop:
                out.append(high_t)
                rising = False
                low = v
        elif v < low:
            low = v
        elif v > low + drop:
            rising = True
            high, high_t = v, t
    if rising and high - smooth[-1] >= 0:
        out.append(high_t)
    return out
