"""The brain's side of owner memory: episodes opened and closed, and learned judgements.

:class:`Learner` is what the runtime holds. It watches every event:

- a proactive behaviour that starts opens an episode; the owner's first clear
  answer within ``answer_window_ms`` closes it ``warm`` (a stroke, a scratch,
  being held, a smile, coming closer) or ``cold`` (a hit, being put down or
  shaken, an angry face or voice); no answer closes it ``ignored``. One started
  while the owner is away waits for them (up to ``wait_for_owner_ms``) before
  its window runs; nobody saw it otherwise, and it is not counted.
- presence changes and touch gestures feed the rhythm and the touch habits.

The selector asks it (through :class:`brain.behave.context.Learned`) whether a
proactive behaviour is welcome now, whether the owner is due, whether this is
a quiet time. Every answer comes with the words for the decision's ``why``.
The local date-time comes from the injected ``calendar`` (brain ms -> local
date-time): nothing here reads the host clock.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from brain.events import HandlingEvent, OwnerEmotion, OwnerPresence, PetEvent
from brain.fusion.baseline import OwnerBaseline
from brain.memory.owner import Episode, OwnerMemory
from brain.memory.rhythm import days_text
from brain.memory.welcome import (
    GATE,
    Estimate,
    context_text,
    counts_text,
    estimate,
    mood_class,
    time_bucket,
)
from sensors.touch.events import TouchGesture

WARM_GESTURES = ("stroke", "scratch", "pat", "hold", "tickle")
COLD_GESTURES = ("hit",)
WARM_HANDLING = ("held", "cradled")
COLD_HANDLING = ("put_down", "shaken")
MOOD_FRESH_MS = 120_000  # an estimate of sadness or stress sets the mood class this long
RECENT_TOUCH_MS = 600_000
TOUCH_FLUSH_MS = 60_000  # touch habit counts are written once a minute
BASELINE_PERIOD_MS = 3_600_000  # the learned fusion baseline is stored once an hour


class BaselineHolder(Protocol):
    """What owner memory needs of fusion (``brain.fusion.owner.OwnerFusion``)."""

    def set_baseline(self, baseline: OwnerBaseline) -> None:
        """Use this owner's baseline from now on."""
        ...

    def learned_baseline(self) -> OwnerBaseline:
        """The baseline learned so far."""
        ...


@dataclass
class _Open:
    behaviour: str
    started_ms: int
    window_from_ms: int | None  # None: waiting for the owner to appear
    at: datetime
    bucket: str
    mood: str
    present: bool
    touches: int


def answer_of(event: PetEvent) -> str | None:
    """``warm``, ``cold``, or None when ``event`` says nothing about the pet's attempt."""
    if isinstance(event, TouchGesture):
        if event.gesture in COLD_GESTURES:
            return "cold"
        if event.gesture in WARM_GESTURES and event.direction != "against_fur":
            return "warm"
        return None
    if isinstance(event, HandlingEvent):
        if event.handling in COLD_HANDLING:
            return "cold"
        return "warm" if event.handling in WARM_HANDLING else None
    if isinstance(event, OwnerEmotion) and event.confidence >= 0.4:
        if event.value("angry") > 0.5:
            return "cold"
        if event.value("happy") > 0.6:
            return "warm"
    if isinstance(event, OwnerPresence) and event.present:
        return "warm"  # coming closer
    return None


def evidence_text(found: Estimate) -> str:
    """What a judgement rests on, broad to particular.

    ``weekday mornings 1 warm of 12, 11 cold; this hour 0 warm of 3, 3 cold; this one
    0 warm of 1`` (a level is left out when it adds nothing to the one before).
    """
    parts = [f"{found.part_name} {counts_text(found.part)}"]
    if 0.5 <= found.hour.answers < found.part.answers - 0.5:
        parts.append(f"this hour {counts_text(found.hour)}")
    if 0.5 <= found.own.answers < found.hour.answers - 0.5:
        parts.append(f"this one {counts_text(found.own)}")
    return "; ".join(parts)


def distressed(event: OwnerEmotion) -> bool:
    """Sad or stressed in this estimate (sadness, anger, fear, or low valence)."""
    if event.confidence < 0.4:
        return False
    stress = event.value("angry") + event.value("afraid")
    return event.value("sad") > 0.4 or stress > 0.5 or event.valence < -0.35


class Learner:
    """Opens and closes episodes, learns the rhythm, and judges proactive behaviours."""

    def __init__(
        self,
        memory: OwnerMemory,
        calendar: Callable[[int], datetime],
        *,
        seed: int = 0,
        answer_window_ms: int = 20_000,
        wait_for_owner_ms: int = 900_000,
    ) -> None:
        self.memory = memory
        self.calendar = calendar
        self.rng = random.Random(seed)
        self.answer_window_ms = answer_window_ms
        self.wait_for_owner_ms = wait_for_owner_ms
        self.open: list[_Open] = []
        self.present = False
        self._sad_seen_ms: int | None = None  # the latest confident estimate that was distressed
        self._touches: deque[int] = deque(maxlen=500)
        self.closed: list[Episode] = []  # answered episodes of this run (reports, dashboard)
        self._due_cache: dict[tuple[int, int], tuple[bool, str]] = {}
        self._baseline_due_ms: int | None = None  # None: not restored into fusion yet
        self._touches_due_ms = 0

    # -- context --------------------------------------------------------------

    def owner_mood(self, now_ms: int) -> str:
        """``sad`` when the latest confident estimate shows sadness or stress, else ``ok``.

        The estimate is fusion's (smoothed over time) and at most ``MOOD_FRESH_MS`` old.

        An answer belongs to the owner's mood when it was given: comfort offered at
        the first sign of sadness and pushed away counts against comfort when sad,
        not against the same hour in a good mood.
        """
        seen = self._sad_seen_ms
        return mood_class(seen is not None and now_ms - seen <= MOOD_FRESH_MS)

    def context(self, now_ms: int) -> tuple[str, str]:
        """(time-of-week bucket, owner mood class) now."""
        return time_bucket(self.calendar(now_ms)), self.owner_mood(now_ms)

    def counts(self, behaviour: str, now_ms: int) -> tuple[Estimate, str, str]:
        """What is known of ``behaviour`` in the current context."""
        bucket, mood = self.context(now_ms)
        return estimate(self.memory.welcome, behaviour, bucket, mood), bucket, mood

    # -- the selector's questions ----------------------------------------------

    def judge(self, behaviour: str, now_ms: int) -> tuple[bool, str]:
        """Thompson draw from the welcome posterior: under ``GATE`` holds it back."""
        found, bucket, mood = self.counts(behaviour, now_ms)
        draw = found.draw(self.rng)
        where = context_text(bucket, mood)
        if found.answers < 0.5:
            if draw < GATE:
                return False, f"held back: trying it less often until I know {where} (a draw)"
            return True, f"nothing learned yet about {where}"
        evidence = evidence_text(found)
        if draw < GATE:
            if found.mean < 0.5:
                return False, f"held back: you usually don't want it on {where}, {evidence}"
            return False, f"held back this time (exploring): {where}, {evidence}"
        if found.answers < 3:
            verdict = "still learning about"
        else:
            verdict = "welcome on" if found.mean >= 0.5 else "trying again on"
        return True, f"{verdict} {where}: {evidence}"

    def welcome(self, behaviour: str, now_ms: int) -> tuple[float, float, str]:
        """(posterior mean, answers, words) of ``behaviour`` in the current context."""
        found, bucket, mood = self.counts(behaviour, now_ms)
        words = f"{behaviour} on {context_text(bucket, mood)}: {evidence_text(found)}"
        return found.mean, found.answers, words

    def owner_due(self, within_ms: int, now_ms: int) -> tuple[bool, str]:
        """Whether the away owner usually arrives within ``within_ms`` (and the words)."""
        if self.present:
            return False, "you are here"
        moment = self.calendar(now_ms)
        key = (now_ms // 60_000, within_ms)
        cached = self._due_cache.get(key)
        if cached is not None:
            return cached
        found = self.memory.rhythm.due(moment, within_ms)
        if found is None:
            result = (False, "your rhythm is not learned yet")
        else:
            window, days = found
            kind = "weekends" if moment.weekday() >= 5 else "weekdays"
            if window is None:
                result = (False, f"you don't usually come home about now on {kind}")
            else:
                words = (
                    f"you usually come home around {window.clock} on {kind}, give or take "
                    f"{round(window.spread_min)} minutes: {days_text(window.fraction, days)}"
                )
                result = (True, words)
        if len(self._due_cache) > 1000:
            self._due_cache.clear()
        self._due_cache[key] = result
        return result

    def quiet(self, now_ms: int) -> tuple[bool | None, str]:
        """Whether the owner is usually not around now (asleep or away); None: not learned."""
        moment = self.calendar(now_ms)
        found = self.memory.rhythm.quiet(moment)
        if found is None:
            return None, "your rhythm is not learned yet"
        quiet, there, days = found
        kind = "weekends" if moment.weekday() >= 5 else "weekdays"
        clock = f"{moment.hour:02d}:{moment.minute // 15 * 15:02d}"
        words = f"around {clock} on {kind} you are usually {'not ' if quiet else ''}around"
        return quiet, f"{words}: there {days_text(there, days)}"

    # -- the owner's fusion baseline ---------------------------------------------

    def sync_baseline(self, fusion: BaselineHolder, now_ms: int) -> None:
        """Restore the stored fusion baseline once; store the learned one every hour."""
        if self._baseline_due_ms is None:
            stored = self.memory.load_baseline()
            if stored is not None:
                try:
                    fusion.set_baseline(OwnerBaseline.from_json(stored))
                except (TypeError, ValueError) as error:
                    self.memory.store.say(f"stored fusion baseline ignored: {error}")
            self._baseline_due_ms = now_ms + BASELINE_PERIOD_MS
        elif now_ms >= self._baseline_due_ms:
            self._baseline_due_ms = now_ms + BASELINE_PERIOD_MS
            learned = fusion.learned_baseline()
            if learned.face_count > 0:
                self.memory.save_baseline(learned.to_json())

    # -- what happened ----------------------------------------------------------

    def started(self, behaviour: str, proactive: bool, now_ms: int) -> None:
        """A behaviour started; a proactive one opens an episode."""
        if not proactive:
            return
        self.open = [e for e in self.open if e.behaviour != behaviour]
        bucket, mood = self.context(now_ms)
        recent = sum(1 for t in self._touches if now_ms - t <= RECENT_TOUCH_MS)
        self.open.append(
            _Open(
                behaviour,
                now_ms,
                now_ms if self.present else None,
                self.calendar(now_ms),
                bucket,
                mood,
                self.present,
                recent,
            )
        )

    def observe(self, event: PetEvent, now_ms: int) -> None:
        """Learn from one event: answers, presence, touch habits, the owner's mood."""
        answer = answer_of(event)
        if answer is not None:
            touched = isinstance(event, (TouchGesture, HandlingEvent))
            for episode in list(self.open):
                begun = episode.window_from_ms
                if begun is None and touched:
                    # A hand on the pet: the owner is there, whatever presence says yet
                    # (a face or body is noticed seconds after the door opens).
                    self._close(episode, answer)
                elif begun is not None and now_ms - begun <= self.answer_window_ms:
                    self._close(episode, answer)
        if isinstance(event, OwnerEmotion):
            if distressed(event):
                self._sad_seen_ms = now_ms
            elif event.confidence >= 0.4:
                self._sad_seen_ms = None
        elif isinstance(event, OwnerPresence):
            if event.present != self.present:
                self.memory.record_presence(self.calendar(now_ms), event.present)
                self._due_cache.clear()
            self.present = event.present
            if event.present:  # what waited for them is seen now; the arrival is no answer
                for episode in self.open:
                    if episode.window_from_ms is None:
                        episode.window_from_ms = now_ms
        elif isinstance(event, TouchGesture) and not event.ongoing:
            self._touches.append(now_ms)
            self.memory.record_touch(self.calendar(now_ms), event.zone, event.gesture)

    def tick(self, now_ms: int) -> None:
        """Close episodes whose window ran out (ignored) or whose owner never came."""
        self.memory.new_moment(self.calendar(now_ms))
        if now_ms >= self._touches_due_ms:
            self._touches_due_ms = now_ms + TOUCH_FLUSH_MS
            self.memory.flush_touches()
        for episode in list(self.open):
            begun = episode.window_from_ms
            if begun is None:
                if now_ms - episode.started_ms > self.wait_for_owner_ms:
                    self.open.remove(episode)  # nobody saw it
            elif now_ms - begun > self.answer_window_ms:
                self._close(episode, "ignored")

    def _close(self, episode: _Open, answer: str) -> None:
        self.open.remove(episode)
        closed = Episode(
            episode.at,
            episode.behaviour,
            episode.bucket,
            episode.mood,
            episode.present,
            episode.touches,
            answer,
        )
        self.memory.record_episode(closed)
        self.closed.append(closed)
        if len(self.closed) > 10_000:
            del self.closed[:5000]
