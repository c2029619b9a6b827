"""Closed loop over simulated days: the robot's brain and owner memory against a persona.

The pet is built by the one assembly (:class:`brain.app.assembly.Pet`: the
robot's brain, selector, mood, executor, behaviour library and owner-memory
learner) on a :class:`~brain.clock.SimulatedClock`; the persona's
presence, emotion estimates, touches and answers enter through
``Brain.observe`` as the robot's perception outputs do. Time is simulated
(a start date-time plus brain milliseconds) and skips ahead event by event:
the brain steps at every owner event (an emotion estimate every
``emotion_period_s``, touches, answers, comings and goings), every 5 s while
an answer is pending, every 15 s while the owner is home and every 2 minutes
otherwise. Idle, rhythm and clock triggers fire at the
first step after their moment, as on the robot after a busy stretch.

What is *not* the robot's: the body is :class:`DetachedBody` (always ready,
servo frames dropped: movement does not change what the owner answers), and
touches arrive as classified gestures rather than pad frames (the touch
classifier has its own tests and benchmark). Fusion is off: the persona
produces fused estimates directly.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from behaviors.library import BehaviourLibrary, load_library
from brain.app.assembly import Pet, PetParts
from brain.app.runtime import BrainEvent
from brain.clock import SimulatedClock
from brain.events import OwnerPresence, PetEvent
from brain.memory import OwnerMemory
from firmware import wire
from sim.owners.owner import DAY_MS, DayPlan, SimulatedOwner, gesture_event
from sim.owners.persona import Persona

DEFAULT_START = datetime(2026, 1, 5)  # a Monday
WAITING_BEHAVIOUR = "wait_by_door"
GREETING_BEHAVIOUR = "greet_owner"
MIN_ABSENCE_MS = 3_600_000  # arrivals after at least this long away are scored


class DetachedBody:
    """A body that is always ready and drops every frame (duck-types ``BodyLink``)."""

    def __init__(self) -> None:
        self.on_ready: list[Callable[[Any], None]] = []
        self.on_lost: list[Callable[[str], None]] = []

    def tick(self, now_ms: int) -> None:
        """Nothing to keep alive."""

    def poll(self, now_ms: int) -> list[wire.Message]:
        """Nothing comes from the body."""
        return []

    def send_stream(self, message: wire.Message, now_ms: int) -> bool:
        """Dropped."""
        return True

    def send_command(
        self, message: wire.Message, now_ms: int, on_done: Callable[[bool], None] | None = None
    ) -> bool:
        """Acknowledged at once."""
        if on_done is not None:
            on_done(True)
        return True


@dataclass
class Attempt:
    """A proactive behaviour the owner saw, and what they were inclined to answer."""

    day: int
    t_ms: int
    behaviour: str
    p_warm: float
    p_cold: float
    answer: str
    why: list[str] = field(default_factory=list)


@dataclass
class Arrival:
    """The owner came home (or got up): was the pet waiting; did it greet within a minute."""

    day: int
    t_ms: int
    waiting: bool = False
    greeted: bool = False
    wake: bool = False  # the owner got up rather than came home (the persona's ``wakes``)


@dataclass
class LoopResult:
    """Everything a report needs."""

    persona: str
    days: int
    attempts: list[Attempt] = field(default_factory=list)
    arrivals: list[Arrival] = field(default_factory=list)
    decisions: list[tuple[int, str]] = field(default_factory=list)
    held_back: int = 0
    steps: int = 0


class OwnerLoop:
    """Runs a persona against the brain for a number of days."""

    def __init__(
        self,
        persona: Persona,
        memory: OwnerMemory,
        *,
        start: datetime = DEFAULT_START,
        seed: int | None = None,
        library: BehaviourLibrary | None = None,
        answer_step_ms: int = 5000,
        home_step_ms: int = 15_000,
        away_step_ms: int = 120_000,
    ) -> None:
        self.persona = persona
        self.seed = persona.seed if seed is None else seed
        self.owner = SimulatedOwner(persona, start, self.seed)
        self.memory = memory
        self.clock = SimulatedClock(start)
        self.pet = Pet(
            PetParts(
                link=DetachedBody(),  # type: ignore[arg-type]
                clock=self.clock,
                library=library or load_library(),
                hot_reload=False,
                fusion="off",
                seed=self.seed,
                memory=memory,
            )
        )
        self.brain = self.pet.brain
        assert self.pet.learner is not None
        self.learner = self.pet.learner
        self.answer_step_ms = answer_step_ms
        self.home_step_ms = home_step_ms
        self.away_step_ms = away_step_ms
        self._queue: list[tuple[int, int, str, Any]] = []
        self._seq = 0
        self._plan = DayPlan()
        self._present = False
        self._left_ms: int | None = None
        # A behaviour started while the owner was away (waiting by the door), and its why.
        self._pending_wait: tuple[str, list[str]] | None = None
        self._answer_until_ms = 0
        self.result = LoopResult(persona.name, 0)

    def _at(self, t_ms: int, kind: str, payload: Any = None) -> None:
        self._seq += 1
        heapq.heappush(self._queue, (t_ms, self._seq, kind, payload))

    def _schedule_day(self, day: int) -> None:
        plan = self.owner.plan_day(day)
        self._plan = plan
        delay_ms = int(self.persona.senses.presence_delay_s * 1000)
        for span in plan.home:
            self._at(span.start_ms, "arrive", span.label == "wake")
            self._at(span.start_ms + self.owner.rng.randint(0, delay_ms), "seen", True)
            self._at(span.end_ms, "leave")
            self._at(span.end_ms + self.owner.rng.randint(0, delay_ms), "seen", False)
        for t_ms, gesture, zone in plan.touches:
            self._at(t_ms, "perceive", gesture_event(t_ms, gesture, zone))
        self._at(day * DAY_MS, "emotion")

    def run(self, days: int, first_day: int = 0) -> LoopResult:
        """Simulate ``days`` days from ``first_day`` (0-based); returns the result so far."""
        t = first_day * DAY_MS
        for day in range(first_day, first_day + days):
            self._schedule_day(day)
            end = (day + 1) * DAY_MS
            while t < end:
                if t < self._answer_until_ms:
                    step = self.answer_step_ms
                else:
                    step = self.home_step_ms if self._present else self.away_step_ms
                t = min(end, t + step, self._queue[0][0] if self._queue else end)
                while self._queue and self._queue[0][0] <= t:
                    _, _, kind, payload = heapq.heappop(self._queue)
                    self._handle(kind, payload, t, day)
                self.clock.now_ms = t
                for event in self.pet.step(t):
                    self._on_brain(event, day)
                self.result.steps += 1
        self.result.days = first_day + days
        return self.result

    # -- the owner's side ---------------------------------------------------------

    def _handle(self, kind: str, payload: Any, t: int, day: int) -> None:
        if kind == "arrive":
            self._present = True
            away = None if self._left_ms is None else t - self._left_ms
            if away is None or away >= MIN_ABSENCE_MS:
                running = self.brain.executor.running
                waiting = running is not None and running.behaviour.name == WAITING_BEHAVIOUR
                self.result.arrivals.append(Arrival(day, t, waiting=waiting, wake=bool(payload)))
            if self._pending_wait is not None:
                behaviour, why = self._pending_wait
                self._pending_wait = None
                self._attempt(behaviour, t + 3000, day, why)
        elif kind == "leave":
            self._present = False
            self._left_ms = t
        elif kind == "seen":
            away = None if self._left_ms is None else t - self._left_ms
            self.brain.observe(OwnerPresence(t, bool(payload), away if payload else None))
        elif kind == "perceive":
            if self._present:
                self.brain.observe(payload)
        elif kind == "emotion":
            if self._present:
                estimate = self.owner.emotion(self.owner.mood_at(self._plan, t), t)
                if estimate is not None:
                    self.brain.observe(estimate)
            period_ms = int(self.persona.senses.emotion_period_s * 1000)
            if t + period_ms < (day + 1) * DAY_MS:
                self._at(t + period_ms, "emotion")

    def _on_brain(self, event: BrainEvent, day: int) -> None:
        if event.kind == "held_back":
            return
        if event.kind != "decision":
            return
        name = str(event.data.get("behaviour"))
        self.result.decisions.append((event.t_ms, name))
        if name == GREETING_BEHAVIOUR:
            for arrival in reversed(self.result.arrivals):
                if 0 <= event.t_ms - arrival.t_ms <= 60_000:
                    arrival.greeted = True
                    break
        if not event.data.get("proactive"):
            return
        learned = event.data.get("learned", [])
        why = [str(w) for w in learned] if isinstance(learned, list) else []
        if self._present:
            self._attempt(name, event.t_ms, day, why)
        elif name == WAITING_BEHAVIOUR:
            self._pending_wait = (name, why)

    def _attempt(self, behaviour: str, t_ms: int, day: int, why: list[str]) -> None:
        mood = self.owner.mood_at(self._plan, t_ms)
        rule = self.owner.rule(behaviour, t_ms, mood)
        answer = self.owner.answer(rule)
        p_warm = rule.warm if rule else 0.0
        p_cold = rule.cold if rule else 0.0
        self.result.attempts.append(Attempt(day, t_ms, behaviour, p_warm, p_cold, answer, why))
        answer_at = t_ms + self.owner.rng.randint(2000, 6000)
        shown = self.owner.show(answer, answer_at)
        if shown is not None:
            self._at(answer_at, "perceive", shown)
        self._answer_until_ms = max(self._answer_until_ms, t_ms + 25_000)

    def observe(self, event: PetEvent) -> None:
        """Pass an extra observation to the brain (tests)."""
        self.brain.observe(event)


def open_memory(path: Path | None, start: datetime = DEFAULT_START) -> OwnerMemory:
    """Owner memory for a simulated run (in RAM when ``path`` is None).

    Commits survive a crash of the process, not of the machine (``durable=False``):
    a simulation's memory is scratch, and fsync per episode would dominate the run.
    """
    return OwnerMemory(path, stamp=lambda: start.strftime("%Y%m%dT%H%M%S"), durable=False)
