"""Pick the behaviour to run for what just happened, and say why.

For each event the selector finds the behaviours with a trigger that fires
(touch, handling, the owner, sounds, and state triggers that just became
true), rolls their ``chance``, drops those blocked by ``unless``/``only_if``,
in cooldown or already running in ``single`` mode, and scores the rest:
``priority x habituation``. Reflexes beat everything else. The winner must
still be allowed to pre-empt what is running: a reflex always may (unless a
stronger reflex plays); otherwise the running behaviour must be interruptible
and the winner's score at least its priority. Ties break with a seeded random
choice, so a run is reproducible for a given seed.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from behaviors.library import BehaviourLibrary
from behaviors.schema import Behaviour, Trigger
from brain.behave.context import (
    WorldContext,
    condition_holds,
    describe,
    event_matches,
    state_holds,
)
from brain.events import PetEvent

__all__ = ["Decision", "Selector", "describe", "trigger_matches"]


@dataclass(frozen=True)
class Decision:
    """The winner and the reasons: which triggers matched, scores, what lost and why.

    ``action`` is ``start`` (a new behaviour), ``restart`` (the running one
    from the top) or ``queue`` (play it again after the running one ends).
    """

    t_ms: int
    behaviour: Behaviour
    trigger: str
    losers: tuple[tuple[str, str], ...] = ()
    score: float = 0.0
    factor: float = 1.0
    action: str = "start"
    event: str = ""
    matched: tuple[tuple[str, str], ...] = ()
    preempted: str | None = None
    learned: tuple[str, ...] = ()  # what owner memory said about it, in words

    def why(self) -> dict[str, object]:
        """A JSON-friendly explanation for logs, CLI and dashboard."""
        out: dict[str, object] = {
            "behaviour": self.behaviour.name,
            "action": self.action,
            "event": self.event,
            "priority": self.behaviour.priority,
            "score": round(self.score, 2),
            "trigger": self.trigger,
            "matched": [{"behaviour": n, "trigger": t} for n, t in self.matched],
            "lost": [{"behaviour": n, "reason": r} for n, r in self.losers],
        }
        if self.factor < 1.0:
            out["habituation"] = round(self.factor, 3)
        if self.behaviour.reflex:
            out["reflex"] = True
        if self.preempted is not None:
            out["preempted"] = self.preempted
        if self.behaviour.is_proactive:
            out["proactive"] = True
        if self.learned:
            out["learned"] = list(self.learned)
        return out


def trigger_matches(trigger: Trigger, event: PetEvent) -> bool:
    """True when an event-kind ``trigger`` fires for ``event`` (state kinds: False)."""
    return bool(event_matches(trigger, event))


@dataclass(frozen=True)
class _Fired:
    """A trigger that fired: its text, and whether its ``chance`` roll let it through."""

    text: str
    lucky: bool = True


@dataclass
class _Candidate:
    behaviour: Behaviour
    trigger: str
    factor: float
    learned: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        return self.behaviour.priority * self.factor


# A rhythm trigger (``owner_due_within_ms``) is re-armed: it fires at every tick while
# the owner is due, not once on its edge. A learned hold then lasts this long (not the
# whole cooldown) where it is usually welcome, so one held-back draw does not cost
# the day's wait by the door.
RHYTHM_REARM_MS = 300_000
REARM_WELCOME = 0.5  # ... where it is welcome on balance (posterior warm share)
UNWELCOME_HOLD_MS = 3_600_000  # elsewhere a hold outlasts the arrival window: one try a day


def _rearms(trigger: Trigger) -> bool:
    """Whether ``trigger`` fires while it holds rather than on its rising edge."""
    return trigger.rhythm is not None and trigger.rhythm.owner_due_within_ms is not None


@dataclass
class Selector:
    """Chooses among the library's behaviours; remembers cooldowns, edges and repeats."""

    library: BehaviourLibrary
    seed: int = 0
    context: WorldContext = field(default_factory=WorldContext)
    _edges: dict[tuple[str, int], bool] = field(default_factory=dict)
    _starts: dict[str, deque[int]] = field(default_factory=dict)
    _idle_periods: dict[tuple[str, int], int] = field(default_factory=dict)
    # A proactive behaviour held back by owner memory waits out its cooldown as if it
    # had played: the pet decided not to ask, rather than asking again at every chance.
    _held_until_ms: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        # Why the last winner did not start (it could not pre-empt what runs), for logs.
        self.held_back: dict[str, object] | None = None
        # What the last event matched and why each lost, decision or not (CLI, dashboard).
        self.considered: dict[str, object] = {}

    @property
    def last_started_ms(self) -> dict[str, int]:
        """When each behaviour last started (for cooldowns)."""
        return self.context.last_started_ms

    def set_library(self, library: BehaviourLibrary) -> None:
        """Swap in a new library; cooldowns and repeats carry over by name."""
        self.library = library

    def habituation(self, behaviour: Behaviour, now_ms: int) -> float:
        """The response factor for starting ``behaviour`` now (1.0 when fresh)."""
        spec = behaviour.habituation
        if spec is None:
            return 1.0
        starts = self._starts.get(behaviour.name, deque())
        repeats = sum(1 for t in starts if now_ms - t <= spec.window_ms)
        return spec.factor(repeats)

    def _fired(
        self, behaviour: Behaviour, event: PetEvent, mood: Mapping[str, float]
    ) -> _Fired | None:
        """The first trigger of ``behaviour`` that fires for ``event``."""
        fired: _Fired | None = None
        for index, trigger in enumerate(behaviour.when):
            hit = event_matches(trigger, event)
            if hit is None:
                now = state_holds(trigger, self.context, mood, event)
                if now is None:
                    continue
                key = (behaviour.name, index)
                hit = now and not self._edges.get(key, False)
                if now and _rearms(trigger):
                    hit = True  # fires while it holds; cooldowns and learned holds pace it
                self._edges[key] = now
            if hit and fired is None:
                fired = _Fired(describe(trigger), self._roll(trigger.chance))
        return fired

    def _roll(self, chance: float) -> bool:
        """True with probability ``chance`` (no draw at all when it is 1)."""
        return chance >= 1.0 or self._rng.random() < chance

    def _idle_fired(self, behaviour: Behaviour, now_ms: int) -> _Fired | None:
        """An idle trigger fires each time the quiet time reaches a multiple of ``for_ms``.

        So ``chance`` is rolled once per period, whatever the tick rate; a period
        that passed while something played fires on the first tick after it.
        """
        idle_ms = self.context.idle_ms(now_ms)
        for index, trigger in enumerate(behaviour.when):
            if trigger.idle is None:
                continue
            key = (behaviour.name, index)
            periods = idle_ms // trigger.idle.for_ms
            last = self._idle_periods.get(key, 0)
            if periods < last:  # someone interacted: start counting again
                self._idle_periods[key] = last = 0
            if periods <= last:
                continue
            self._idle_periods[key] = periods
            return _Fired(describe(trigger), self._roll(trigger.chance))
        return None

    def choose(
        self,
        event: PetEvent,
        now_ms: int,
        running: Behaviour | None,
        mood: Mapping[str, float] | None = None,
    ) -> Decision | None:
        """The behaviour to start for ``event`` now, or None."""
        mood = mood if mood is not None else self.library.temperament.baseline.model_dump()
        self.context.observe(event, now_ms)
        self.held_back = None
        matched: list[tuple[str, str]] = []
        losers: list[tuple[str, str]] = []
        candidates: list[_Candidate] = []
        for behaviour in self.library.behaviours:
            self.context.learned_notes = []
            fired = self._fired(behaviour, event, mood)
            if fired is None and running is None and event.kind == "tick":
                fired = self._idle_fired(behaviour, now_ms)
            if fired is None:
                continue
            matched.append((behaviour.name, fired.text))
            if not fired.lucky:
                losers.append((behaviour.name, "chance: not this time"))
                continue
            reason = self._blocked(behaviour, now_ms, running, mood)
            if reason is None:
                reason = self._unwelcome(behaviour, now_ms)
            if reason is not None:
                losers.append((behaviour.name, reason))
                continue
            factor = self.habituation(behaviour, now_ms)
            notes = tuple(self.context.learned_notes)
            candidates.append(_Candidate(behaviour, fired.text, factor, notes))
        self.considered = {
            "event": event.kind,
            "matched": [{"behaviour": n, "trigger": t} for n, t in matched],
            "lost": [{"behaviour": n, "reason": r} for n, r in losers],
        }
        if not candidates:
            return None
        winner = self._best(candidates)
        for c in candidates:
            if c is not winner:
                losers.append((c.behaviour.name, _lost_to(c, winner)))
        action, preempted = "start", None
        if running is not None:
            verdict = self._against_running(winner, running)
            if verdict not in ("restart", "queue", "preempt"):
                self.held_back = {
                    "t_ms": now_ms,
                    "behaviour": winner.behaviour.name,
                    "reason": verdict,
                    "event": event.kind,
                    "lost": [{"behaviour": n, "reason": r} for n, r in losers],
                }
                return None
            if verdict == "preempt":
                preempted = running.name
            elif verdict in ("restart", "queue"):
                action = str(verdict)
        self.context.last_started_ms[winner.behaviour.name] = now_ms
        self._starts.setdefault(winner.behaviour.name, deque(maxlen=200)).append(now_ms)
        return Decision(
            now_ms,
            winner.behaviour,
            winner.trigger,
            tuple(losers),
            winner.score,
            winner.factor,
            action,
            event.kind,
            tuple(matched),
            preempted,
            winner.learned,
        )

    def _unwelcome(self, behaviour: Behaviour, now_ms: int) -> str | None:
        """Owner memory's verdict on a proactive behaviour (reactive ones: never held back)."""
        learned = self.context.learned
        if learned is None or not behaviour.is_proactive:
            return None
        allow, words = learned.judge(behaviour.name, now_ms)
        self.context.learned_notes.append(words)
        if allow:
            return None
        hold_ms = behaviour.cooldown_ms
        if any(_rearms(t) for t in behaviour.when):
            # Held back by chance where it is clearly welcome: try again across the
            # arrival window. Held back anywhere else: not again in this window
            # (re-drawing every few minutes would turn a rare try into a daily one).
            mean, _, _ = learned.welcome(behaviour.name, now_ms)
            if mean >= REARM_WELCOME:
                hold_ms = min(hold_ms, RHYTHM_REARM_MS)
            else:
                hold_ms = max(hold_ms, UNWELCOME_HOLD_MS)
        self._held_until_ms[behaviour.name] = now_ms + hold_ms
        return words

    def _blocked(
        self,
        behaviour: Behaviour,
        now_ms: int,
        running: Behaviour | None,
        mood: Mapping[str, float],
    ) -> str | None:
        last = self.context.last_started_ms.get(behaviour.name)
        if last is not None and now_ms - last < behaviour.cooldown_ms:
            return f"cooling down ({behaviour.cooldown_ms - (now_ms - last)} ms left)"
        held = self._held_until_ms.get(behaviour.name)
        if held is not None and now_ms < held:
            return f"held back by what I learned ({held - now_ms} ms left)"
        if running is not None and running.name == behaviour.name and behaviour.mode == "single":
            return "already running (mode single)"
        for condition in behaviour.unless:
            if condition_holds(condition, self.context, mood, now_ms, behaviour.name):
                learned = self.context.learned_notes
                return f"unless {describe(condition)}" + (f": {learned[-1]}" if learned else "")
        for condition in behaviour.only_if:
            if not condition_holds(condition, self.context, mood, now_ms, behaviour.name):
                return f"only_if {describe(condition)} does not hold"
        return None

    def _best(self, candidates: list[_Candidate]) -> _Candidate:
        reflexes = [c for c in candidates if c.behaviour.reflex]
        pool = reflexes or candidates
        top = max(c.score for c in pool)
        best = [c for c in pool if c.score == top]
        return best[0] if len(best) == 1 else self._rng.choice(best)

    def _against_running(self, winner: _Candidate, running: Behaviour) -> str:
        """``preempt``, ``restart``, ``queue``, or the reason the winner must wait."""
        new = winner.behaviour
        if new.name == running.name:
            return "restart" if new.mode == "restart" else "queue"
        if new.reflex and not (running.reflex and running.priority > new.priority):
            return "preempt"
        if not running.interruptible:
            return f"'{running.name}' is not interruptible"
        if winner.score < running.priority:
            return f"'{running.name}' (priority {running.priority}) outranks it"
        return "preempt"


def _lost_to(loser: _Candidate, winner: _Candidate) -> str:
    if winner.behaviour.reflex and not loser.behaviour.reflex:
        return f"reflex '{winner.behaviour.name}' comes first"
    return f"score {loser.score:.1f} < {winner.score:.1f}"
