"""Streaming touch classifier: TOUCH_FRAME deltas in, onsets and gestures out.

Onsets are emitted on the very first frame a zone crosses threshold, because
the pet's fastest reactions hang on them. A contact episode (from the first
touched pad until every pad has been free for ``release_ms``) is classified
when it ends; a long stroke is also reported while it happens.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from sensors.touch.events import TouchEvent, TouchGesture, TouchOnset, TouchRelease
from sensors.touch.layout import PadLayout


@dataclass(frozen=True)
class TouchThresholds:
    """Tuning of the classifier, in the body's delta counts and milliseconds."""

    touch_counts: int = 60  # a pad above this is touched
    release_counts: int = 35  # and free again below this (hysteresis)
    full_scale_counts: int = 420  # delta of a firm palm: intensity 1.0
    release_ms: int = 40  # all pads free this long ends the episode
    stroke_min_mm: float = 60.0  # travel along the spine that makes a stroke
    ongoing_stroke_mm: float = 100.0  # travel after which a stroke is reported live
    hit_max_ms: int = 160
    hit_min_intensity: float = 0.8
    pat_max_ms: int = 400
    hold_min_ms: int = 800


@dataclass
class _Episode:
    start_ms: int
    last_touch_ms: int
    positions: list[float] = field(default_factory=list)
    contact_by_zone: dict[str, float] = field(default_factory=dict)
    pads: set[int] = field(default_factory=set)
    peak: float = 0.0
    reported_ongoing: bool = False


class TouchClassifier:
    """Feed it every TOUCH_FRAME; it returns the events that frame completed."""

    def __init__(self, layout: PadLayout, thresholds: TouchThresholds | None = None) -> None:
        self.layout = layout
        self.thresholds = thresholds or TouchThresholds()
        self._touched: list[bool] = [False] * layout.pad_count
        self._episode: _Episode | None = None

    def feed(self, t_ms: int, values: tuple[int, ...] | list[int]) -> list[TouchEvent]:
        """Process one frame of pad deltas taken at ``t_ms``."""
        th = self.thresholds
        layout = self.layout
        events: list[TouchEvent] = []
        if len(values) != layout.pad_count:
            raise ValueError(f"frame has {len(values)} pads, layout has {layout.pad_count}")
        active_zones_before = {
            layout.zone_of(i) for i, touched in enumerate(self._touched) if touched
        }
        weight_sum = 0.0
        weighted_pos = 0.0
        any_touch = False
        frame_peak = 0.0
        for i, value in enumerate(values):
            touched = value >= (th.release_counts if self._touched[i] else th.touch_counts)
            if touched and not self._touched[i]:
                zone = layout.zone_of(i)
                if zone not in active_zones_before:
                    events.append(TouchOnset(t_ms, zone, i, int(value)))
                    active_zones_before.add(zone)
            self._touched[i] = touched
            if touched:
                any_touch = True
                w = float(value)
                weight_sum += w
                weighted_pos += w * layout.pads[i].position_mm
                frame_peak = max(frame_peak, min(1.0, value / th.full_scale_counts))
        episode = self._episode
        if any_touch:
            if episode is None:
                episode = self._episode = _Episode(t_ms, t_ms)
            episode.last_touch_ms = t_ms
            episode.peak = max(episode.peak, frame_peak)
            episode.positions.append(weighted_pos / weight_sum)
            for i, touched in enumerate(self._touched):
                if touched:
                    episode.pads.add(i)
                    zone = layout.zone_of(i)
                    episode.contact_by_zone[zone] = (
                        episode.contact_by_zone.get(zone, 0.0) + values[i]
                    )
            travel = episode.positions[-1] - episode.positions[0]
            if not episode.reported_ongoing and abs(travel) >= th.ongoing_stroke_mm:
                episode.reported_ongoing = True
                events.append(self._gesture(episode, t_ms, "stroke", ongoing=True))
        elif episode is not None and t_ms - episode.last_touch_ms >= th.release_ms:
            self._episode = None
            events.append(self._classify(episode, t_ms))
            events.append(TouchRelease(t_ms, episode.last_touch_ms - episode.start_ms))
        return events

    def _classify(self, episode: _Episode, t_ms: int) -> TouchGesture:
        th = self.thresholds
        duration = episode.last_touch_ms - episode.start_ms
        positions = episode.positions
        path = sum(abs(b - a) for a, b in itertools.pairwise(positions))
        travel = positions[-1] - positions[0]
        reversals = 0
        last_sign = 0
        for a, b in itertools.pairwise(positions):
            step = b - a
            if abs(step) < 2.0:
                continue
            sign = 1 if step > 0 else -1
            if last_sign and sign != last_sign:
                reversals += 1
            last_sign = sign
        if abs(travel) >= th.stroke_min_mm and abs(travel) >= 0.6 * path:
            kind = "stroke"
        elif duration <= th.hit_max_ms and episode.peak >= th.hit_min_intensity:
            kind = "hit"
        elif duration <= th.hit_max_ms and len(episode.pads) <= 1 and episode.peak < 0.5:
            kind = "poke"
        elif reversals >= 4:
            kind = "tickle" if len(episode.pads) >= 3 else "scratch"
        elif duration <= th.pat_max_ms:
            kind = "pat"
        elif duration >= th.hold_min_ms:
            kind = "hold"
        else:
            kind = "pat"
        return self._gesture(episode, t_ms, kind, ongoing=False)

    def _gesture(self, episode: _Episode, t_ms: int, kind: str, ongoing: bool) -> TouchGesture:
        zones = tuple(
            zone for zone, _ in sorted(episode.contact_by_zone.items(), key=lambda item: -item[1])
        )
        duration = max(1, episode.last_touch_ms - episode.start_ms)
        travel = episode.positions[-1] - episode.positions[0]
        direction = None
        if kind == "stroke":
            direction = "with_fur" if travel > 0 else "against_fur"
        return TouchGesture(
            t_ms=t_ms,
            gesture=kind,
            zones=zones,
            start_ms=episode.start_ms,
            duration_ms=duration,
            intensity=round(episode.peak, 3),
            direction=direction,
            speed_mm_per_s=round(abs(travel) * 1000.0 / duration, 1) if direction else 0.0,
            length_mm=round(abs(travel), 1),
            ongoing=ongoing,
        )
