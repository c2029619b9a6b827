"""Streaming touch classifier: TOUCH_FRAME deltas in, onsets, gestures and pad faults out.

Onsets are emitted on the very first frame a zone crosses threshold, because
the pet's fastest reactions hang on them. A contact episode (from the first
touched pad until every pad has been free for ``release_ms``) is classified
when it ends, so every gesture is reported ``release_ms`` plus one frame
after the hand leaves. A long stroke is also reported while it happens, and
so is a resting hand (``hold``).

The rules read a few physical features of the episode (see
:mod:`sensors.touch.episode`); every threshold is a named field of
:class:`TouchThresholds`, in counts, millimetres or milliseconds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sensors.touch.episode import Episode, EpisodeFeatures
from sensors.touch.events import TouchEvent, TouchGesture, TouchOnset, TouchPadFault, TouchRelease
from sensors.touch.layout import PadLayout
from sensors.touch.pads import PadConditioner, PadThresholds


@dataclass(frozen=True)
class TouchThresholds:
    """Tuning of the classifier, in the body's delta counts, millimetres and milliseconds."""

    full_scale_counts: float = 420.0  # delta of a firm palm: intensity 1.0
    release_ms: int = 120  # all pads free this long ends the episode (and classifies it)
    min_gesture_ms: int = 30  # shorter and weaker episodes are noise blips: released, ...
    blip_max_peak: float = 0.3  # ... not classified
    leader_margin: float = 1.25  # another pad must read this much more to become the leader
    stroke_min_mm: float = 55.0  # travel of the contact centre that makes a stroke
    stroke_straightness: float = 0.7  # |travel| / path at least this: one way, not to and fro
    ongoing_stroke_mm: float = 100.0  # travel after which a stroke is reported live
    ongoing_hold_ms: int = 1500  # a resting hand is reported live after this long
    ongoing_check_ms: int = 200  # how often an unfinished episode is looked at ...
    ongoing_window_frames: int = 150  # ... over its last this many frames
    tap_max_ms: int = 350  # pats, pokes and hits are shorter than this
    hit_max_ms: int = 150
    hit_min_peak: float = 0.45  # a hit is firm ...
    hit_max_landing_ms: float = 13.0  # ... and lands at once (20 % to 80 % of its peak)
    poke_max_second_ratio: float = 0.15  # a fingertip: the next pad feels little
    scratch_min_pulses: int = 3  # rakes: the contact eases and returns ...
    scratch_max_irregularity: float = 0.3  # ... rhythmically ...
    scratch_metronome: float = 0.1  # this regular is a scratch whatever else it looks like
    scratch_max_span_mm: float = 45.0  # ... on one small spot
    tickle_min_retouches: int = 3  # fingertips lift and land again ...
    tickle_min_jump: float = 0.5  # ... sharply ...
    tickle_min_hops: int = 3  # ... or wander from pad to pad
    tickle_follow_ms: int = 400  # a light dab this soon after a tickle is more of it
    tickle_follow_max_peak: float = 0.5
    tickle_follow_max_ms: int = 1000
    pat_follow_ms: int = 600  # a one-pad tap this soon after a pat on the same zone is a pat
    pads: PadThresholds = field(default_factory=PadThresholds)


def classify_episode(f: EpisodeFeatures, th: TouchThresholds) -> str:
    """The gesture an episode's features describe (one of ``events.GESTURES``)."""
    travel = abs(f.travel_mm)
    if (
        travel >= th.stroke_min_mm
        and travel >= th.stroke_straightness * max(f.path_mm, 1.0)
        and f.max_simultaneous >= 2
    ):
        return "stroke"  # a palm went one way along the spine (not dabs on two pads in turn)
    if f.duration_ms <= th.tap_max_ms:
        if f.second_pad_ratio <= th.poke_max_second_ratio:
            return "poke"  # one fingertip
        if (
            f.duration_ms <= th.hit_max_ms
            and f.peak >= th.hit_min_peak
            and f.landing_ms <= th.hit_max_landing_ms
        ):
            return "hit"  # a palm, firm, landing at once
        return "pat"
    spot = f.high_mm - f.low_mm <= th.scratch_max_span_mm
    fresh_landings = f.jump >= th.tickle_min_jump
    if spot and f.pulses > th.scratch_min_pulses and f.pulse_regularity <= th.scratch_metronome:
        return "scratch"  # raking like a metronome, even if the fingers lift between rakes
    if f.retouches >= th.tickle_min_retouches and fresh_landings:
        return "tickle"  # fingertips keep landing afresh
    if (
        spot
        and f.pulses >= th.scratch_min_pulses
        and f.pulse_regularity <= th.scratch_max_irregularity
        and not fresh_landings
    ):
        return "scratch"  # fingers stay down and rake rhythmically
    if f.retouches >= th.tickle_min_retouches and f.hops >= th.tickle_min_hops:
        return "tickle"  # light contact wandering from pad to pad
    if fresh_landings and f.pulses > th.scratch_min_pulses:
        return "tickle"  # dabs landing on one pad, off the beat
    return "hold"


class TouchClassifier:
    """Feed it every TOUCH_FRAME; it returns the events that frame completed.

    Never raises on odd values (negative, huge, a stuck or dead pad); a frame
    with the wrong number of pads is a configuration error (``ValueError``).
    """

    def __init__(self, layout: PadLayout, thresholds: TouchThresholds | None = None) -> None:
        self.layout = layout
        th = thresholds or TouchThresholds()
        # Landing times are interpolated between frames: with frames slower than
        # 100 Hz a slap cannot look faster than about one frame.
        period_ms = 1000.0 / layout.frame_rate_hz
        if th.hit_max_landing_ms < period_ms:
            th = dataclasses.replace(th, hit_max_landing_ms=period_ms)
        self.thresholds = th
        self.pads = PadConditioner(layout, self.thresholds.pads)
        self._positions = [pad.position_mm for pad in layout.pads]
        self._zones = [pad.zone for pad in layout.pads]
        self._raw = [0.0] * layout.pad_count
        self._contact = [0.0] * layout.pad_count
        self._touched = [False] * layout.pad_count
        self._was_touched = [False] * layout.pad_count
        self._episode: Episode | None = None
        self._leader = -1
        self._last_tickle_end_ms: int | None = None
        self._last_pat: tuple[int, str] | None = None  # when it ended, its main zone
        self._scale = 1.0 / self.thresholds.full_scale_counts

    def faults(self) -> dict[int, str]:
        """Pads currently flagged ``stuck`` (re-based, or ignored when pinned) or ``dead``."""
        out = {}
        for i in range(self.layout.pad_count):
            fault = self.pads.faulty(i)
            if fault:
                out[i] = fault
        return out

    def feed(self, t_ms: int, values: tuple[int, ...] | list[int]) -> list[TouchEvent]:
        """Process one frame of pad deltas taken at ``t_ms``."""
        n = self.layout.pad_count
        if len(values) != n:
            raise ValueError(f"frame has {len(values)} pads, layout has {n}")
        raw = self._raw
        for i, v in enumerate(values):
            raw[i] = float(v) if v > 0 else 0.0
        contact, touched, was = self._contact, self._touched, self._was_touched
        events: list[TouchEvent] = list(self.pads.condition(t_ms, raw, contact, touched))
        episode = self._episode
        if events and episode is not None:
            self._void_if_only_faulty(episode)
        active = {self._zones[i] for i in range(n) if was[i]}
        total = best = weighted = 0.0
        leader = -1
        count = 0
        for i in range(n):
            if not touched[i]:
                continue
            c = contact[i]
            if not was[i] and self._zones[i] not in active:
                events.append(TouchOnset(t_ms, self._zones[i], i, int(raw[i])))
                active.add(self._zones[i])
            count += 1
            total += c
            weighted += c * self._positions[i]
            if c > best:
                best, leader = c, i
        previous = self._leader
        if (
            leader >= 0
            and previous >= 0
            and touched[previous]
            and contact[previous] * self.thresholds.leader_margin >= best
        ):
            leader = previous  # hysteresis: two equal pads do not swap the lead on noise
        self._leader = leader
        if count:
            if episode is None:
                episode = self._episode = Episode(t_ms, t_ms, self.pads.period_ms)
            scale = self._scale
            for i in range(n):
                if touched[i]:
                    episode.touch_pad(i, min(1.0, contact[i] * scale), not was[i], self._zones[i])
            episode.add(
                t_ms, weighted / total, total * scale, min(1.0, best * scale), leader, count
            )
            events.extend(self._ongoing(episode, t_ms))
        elif episode is not None:
            if t_ms - episode.last_touch_ms >= self.thresholds.release_ms:
                self._episode = None
                events.extend(self._close(episode, t_ms))
            else:
                episode.add_gap(t_ms)
        self._touched, self._was_touched = was, touched
        return events

    def finish(self, t_ms: int) -> list[TouchEvent]:
        """End of input (a trace ends, the link drops): close an open episode as if released."""
        episode = self._episode
        self._episode = None
        self._was_touched = [False] * self.layout.pad_count
        return [] if episode is None else self._close(episode, t_ms)

    def _void_if_only_faulty(self, episode: Episode) -> None:
        if all(self.pads.faulty(i) for i in episode.pad_peak):
            episode.reported_ongoing = "void"

    def _ongoing(self, episode: Episode, t_ms: int) -> list[TouchEvent]:
        th = self.thresholds
        if episode.reported_ongoing is not None or t_ms < episode.next_check_ms:
            return []
        # Summing an episode up costs O(frames): look at most every ongoing_check_ms.
        stroke_far = abs(episode.travel_mm()) >= th.ongoing_stroke_mm
        held_long = episode.duration_ms >= th.ongoing_hold_ms
        if not (stroke_far or held_long):
            return []
        episode.next_check_ms = t_ms + th.ongoing_check_ms
        f = episode.features(window=th.ongoing_window_frames)
        kind = classify_episode(f, th)
        if (kind == "stroke" and stroke_far) or (kind == "hold" and held_long):
            episode.reported_ongoing = kind
            return [self._gesture(episode, f, t_ms, kind, ongoing=True)]
        return []

    def _close(self, episode: Episode, t_ms: int) -> list[TouchEvent]:
        release = TouchRelease(t_ms, episode.duration_ms)
        if episode.reported_ongoing == "void":
            return [release]  # only a pad now known to be stuck was "touched"
        th = self.thresholds
        if (
            episode.duration_ms < th.min_gesture_ms
            and max(episode.strongest, default=0.0) < th.blip_max_peak
            and episode.reported_ongoing is None
        ):
            return [release]  # a noise blip, not a hand
        episode.trim()
        f = episode.features()
        kind = classify_episode(f, th)
        after_tickle = self._last_tickle_end_ms
        if (
            kind in ("poke", "pat", "hold")
            and after_tickle is not None
            and episode.start_ms - after_tickle <= th.tickle_follow_ms
            and f.peak <= th.tickle_follow_max_peak
            and f.duration_ms <= th.tickle_follow_max_ms
        ):
            kind = "tickle"  # the fingers are still at it
        gesture = self._gesture(episode, f, t_ms, kind, ongoing=False)
        last_pat = self._last_pat
        if (
            kind == "poke"
            and last_pat is not None
            and episode.start_ms - last_pat[0] <= th.pat_follow_ms
            and last_pat[1] in gesture.zones
        ):
            kind = "pat"  # the same hand patting on, more lightly
            gesture = dataclasses.replace(gesture, gesture="pat")
        if kind == "tickle":
            self._last_tickle_end_ms = episode.last_touch_ms
        self._last_pat = (episode.last_touch_ms, gesture.zone) if kind == "pat" else None
        events: list[TouchEvent] = [gesture]
        if kind == "stroke":
            faults: list[TouchPadFault] = self.pads.stroke_passed(
                t_ms, f.low_mm, f.high_mm, set(episode.pad_peak)
            )
            events.extend(faults)
        events.append(release)
        return events

    def _gesture(
        self, episode: Episode, f: EpisodeFeatures, t_ms: int, kind: str, ongoing: bool
    ) -> TouchGesture:
        zones = tuple(
            zone for zone, _ in sorted(episode.contact_by_zone.items(), key=lambda item: -item[1])
        )
        duration = max(1, f.duration_ms)
        direction = None
        speed = length = 0.0
        if kind == "stroke":
            direction = "with_fur" if f.travel_mm > 0 else "against_fur"
            length = abs(f.travel_mm)
            speed = length * 1000.0 / duration
        return TouchGesture(
            t_ms=t_ms,
            gesture=kind,
            zones=zones,
            start_ms=episode.start_ms,
            duration_ms=duration,
            intensity=round(f.peak, 3),
            direction=direction,
            speed_mm_per_s=round(speed, 1),
            length_mm=round(length, 1),
            ongoing=ongoing,
        )
