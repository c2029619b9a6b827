"""A persona living its days: when it is home, its mood, its touches, its answers.

:class:`SimulatedOwner` turns a :class:`~sim.owners.persona.Persona` and a
seed into a day plan (jittered home spans, mood spans, unprompted touches)
and answers the pet's proactive behaviours. What the pet perceives of it is
produced as the robot's own observation types (``OwnerPresence``,
``OwnerEmotion``, ``TouchGesture``, ``HandlingEvent``), with the persona's
sensor imperfections (missed detections, presence noticed late, noisy
emotion estimates).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from behaviors.triggers import TimeOfDay
from brain.events import HandlingEvent, OwnerEmotion, PetEvent
from sensors.touch.events import TouchGesture
from sim.owners.persona import Answer, Persona, days_match

DAY_MS = 86_400_000
MOOD_SHAPES: dict[str, tuple[float, float, dict[str, float]]] = {
    # valence, arousal, probabilities
    "ok": (0.15, -0.1, {"calm": 0.55, "happy": 0.25, "sad": 0.08, "angry": 0.04}),
    "happy": (0.6, 0.3, {"happy": 0.7, "calm": 0.2}),
    "sad": (-0.5, -0.3, {"sad": 0.7, "calm": 0.15}),
    "stressed": (-0.5, 0.45, {"angry": 0.3, "afraid": 0.3, "sad": 0.2}),
}


@dataclass(frozen=True)
class Span:
    """A stretch of one day in brain milliseconds."""

    start_ms: int
    end_ms: int
    label: str = ""

    def holds(self, t_ms: int) -> bool:
        """Whether ``t_ms`` lies in it."""
        return self.start_ms <= t_ms < self.end_ms


@dataclass
class DayPlan:
    """One day: when home, in which mood, the touches planned."""

    home: list[Span] = field(default_factory=list)
    moods: list[Span] = field(default_factory=list)
    touches: list[tuple[int, str, str]] = field(default_factory=list)


def _window_ms(window: TimeOfDay, day_start_ms: int) -> tuple[int, int]:
    start, end = window.minutes()
    if end <= start:
        end += 24 * 60
    return day_start_ms + start * 60_000, day_start_ms + end * 60_000


class SimulatedOwner:
    """The persona, day by day, answering the pet."""

    def __init__(self, persona: Persona, start: datetime, seed: int | None = None) -> None:
        self.persona = persona
        self.start = start
        self.rng = random.Random(persona.seed if seed is None else seed)

    def calendar(self, t_ms: int) -> datetime:
        """Local date-time at brain time ``t_ms`` (the simulated clock)."""
        return self.start + timedelta(milliseconds=t_ms)

    def plan_day(self, day: int) -> DayPlan:
        """Draw day ``day`` (0-based): home spans with jitter, moods, touches."""
        rng = self.rng
        base = day * DAY_MS
        dow = self.calendar(base).weekday()
        jitter = self.persona.jitter_min * 60_000
        plan = DayPlan()
        for span in self.persona.home:
            if not days_match(span.days, dow) or rng.random() >= span.chance:
                continue
            start, end = _window_ms(span, base)
            start += int(rng.gauss(0.0, jitter))
            end += int(rng.gauss(0.0, jitter))
            if end > start:
                plan.home.append(Span(start, end, "wake" if span.wakes else ""))
        plan.home.sort(key=lambda s: s.start_ms)
        merged: list[Span] = []
        for stretch in plan.home:
            if merged and stretch.start_ms <= merged[-1].end_ms:
                end_ms = max(merged[-1].end_ms, stretch.end_ms)
                merged[-1] = Span(merged[-1].start_ms, end_ms, merged[-1].label)
            else:
                merged.append(stretch)
        plan.home = merged
        for mood in self.persona.moods:
            if days_match(mood.days, dow) and rng.random() < mood.chance:
                start, end = _window_ms(mood, base)
                plan.moods.append(Span(start, end, mood.mood))
        for habit in self.persona.touches:
            if not days_match(habit.days, dow):
                continue
            start, end = _window_ms(habit, base)
            for home in plan.home:
                lo, hi = max(start, home.start_ms), min(end, home.end_ms)
                if hi <= lo:
                    continue
                count = _poisson(rng, habit.per_hour * (hi - lo) / 3_600_000)
                for _ in range(count):
                    plan.touches.append((rng.randint(lo, hi - 1), habit.gesture, habit.zone))
        plan.touches.sort()
        return plan

    # -- mood and answers ------------------------------------------------------

    @staticmethod
    def mood_at(plan: DayPlan, t_ms: int) -> str:
        """The owner's mood at ``t_ms``: ``sad``, ``stressed``, ``happy`` or ``ok``."""
        for span in plan.moods:
            if span.holds(t_ms):
                return span.label
        return "ok"

    def rule(self, behaviour: str, t_ms: int, mood: str) -> Answer | None:
        """The first answer rule for ``behaviour`` at ``t_ms`` in ``mood``."""
        moment = self.calendar(t_ms)
        minute = moment.hour * 60 + moment.minute
        for rule in self.persona.answers:
            if rule.behaviours != "any" and behaviour not in rule.behaviours:
                continue
            if not days_match(rule.days, moment.weekday()):
                continue
            if rule.after != rule.before and not rule.window().holds(minute):
                continue
            if rule.owner_mood not in ("any", mood if mood != "happy" else "ok"):
                continue
            return rule
        return None

    def answer(self, rule: Answer | None) -> str:
        """Draw ``warm``, ``cold`` or ``ignored``."""
        if rule is None:
            return "ignored"
        roll = self.rng.random()
        if roll < rule.warm:
            return "warm"
        return "cold" if roll < rule.warm + rule.cold else "ignored"

    def show(self, answer: str, t_ms: int) -> PetEvent | None:
        """What the pet can perceive of ``answer`` (None: nothing, or a missed detection)."""
        if answer == "ignored" or self.rng.random() < self.persona.senses.missed_detection:
            return None
        if answer == "warm":
            touch = self.rng.choice(self.persona.warm_touches)
            return gesture_event(t_ms, touch.gesture, touch.zone)
        return HandlingEvent(t_ms, self.rng.choice(self.persona.cold_handling))

    def emotion(self, mood: str, t_ms: int) -> OwnerEmotion | None:
        """One noisy fused estimate of the owner's emotion (None: face not seen)."""
        senses = self.persona.senses
        if self.rng.random() < senses.missed_detection:
            return None
        valence, arousal, probabilities = MOOD_SHAPES[mood]
        noise = senses.emotion_noise

        def jitter(value: float, low: float, high: float) -> float:
            return max(low, min(high, value + self.rng.gauss(0.0, noise)))

        probs = {k: jitter(v, 0.0, 1.0) for k, v in probabilities.items()}
        return OwnerEmotion(
            t_ms,
            jitter(valence, -1.0, 1.0),
            jitter(arousal, -1.0, 1.0),
            probs,
            senses.emotion_confidence,
        )


def gesture_event(t_ms: int, gesture: str, zone: str) -> TouchGesture:
    """A classified touch as the touch pipeline reports it."""
    duration_ms = 1500 if gesture in ("stroke", "scratch", "hold") else 200
    return TouchGesture(
        t_ms,
        gesture,
        (zone,),
        t_ms - duration_ms,
        duration_ms,
        0.5,
        "with_fur" if gesture == "stroke" else None,
        220.0 if gesture == "stroke" else 0.0,
    )


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth; the means here are small)."""
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
