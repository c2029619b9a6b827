"""Pick the behaviour to run for what just happened, and say why.

Candidates are the behaviours with a trigger matching the event; those in
cooldown, or weaker than a non-interruptible behaviour that is running, lose.
The highest priority wins; ties break with a seeded random choice, so a run
is reproducible for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from behaviors.library import BehaviourLibrary
from behaviors.schema import Behaviour, Trigger
from sensors.touch.events import TouchEvent, TouchGesture, TouchOnset
from sensors.touch.layout import zone_matches


@dataclass(frozen=True)
class Decision:
    """The winner and the reasons: which trigger matched and what lost, and why."""

    t_ms: int
    behaviour: Behaviour
    trigger: str
    losers: tuple[tuple[str, str], ...] = ()

    def why(self) -> dict[str, object]:
        """A JSON-friendly explanation for logs, CLI and dashboard."""
        return {
            "behaviour": self.behaviour.name,
            "priority": self.behaviour.priority,
            "trigger": self.trigger,
            "lost": [{"behaviour": n, "reason": r} for n, r in self.losers],
        }


def trigger_matches(trigger: Trigger, event: TouchEvent) -> bool:
    """True when ``trigger`` fires for ``event``."""
    if trigger.touch_onset is not None and isinstance(event, TouchOnset):
        zone = trigger.touch_onset.zone
        return zone is None or zone_matches(event.zone, zone)
    if trigger.touch is not None and isinstance(event, TouchGesture):
        t = trigger.touch
        if t.gesture is not None and t.gesture != event.gesture:
            return False
        if t.zone is not None and not zone_matches(event.zone, t.zone):
            return False
        if t.direction is not None and t.direction != event.direction:
            return False
        return t.min_intensity <= event.intensity <= t.max_intensity
    return False


def describe(trigger: Trigger) -> str:
    """Short human text for a trigger, e.g. ``touch gesture=stroke zone=back``."""
    for kind in ("touch", "touch_onset"):
        spec = getattr(trigger, kind)
        if spec is not None:
            fields = spec.model_dump(exclude_defaults=True)
            return " ".join([kind, *(f"{k}={v}" for k, v in fields.items())])
    return "?"


@dataclass
class Selector:
    """Chooses among the library's behaviours; remembers cooldowns."""

    library: BehaviourLibrary
    seed: int = 0
    last_started_ms: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def choose(self, event: TouchEvent, now_ms: int, running: Behaviour | None) -> Decision | None:
        """The behaviour to start for ``event`` now, or None."""
        candidates: list[tuple[Behaviour, str]] = []
        losers: list[tuple[str, str]] = []
        for behaviour in self.library.behaviours:
            matched = next((t for t in behaviour.when if trigger_matches(t, event)), None)
            if matched is None:
                continue
            last = self.last_started_ms.get(behaviour.name)
            if last is not None and now_ms - last < behaviour.cooldown_ms:
                losers.append((behaviour.name, f"cooling down ({behaviour.cooldown_ms} ms)"))
                continue
            candidates.append((behaviour, describe(matched)))
        if not candidates:
            return None
        top = max(b.priority for b, _ in candidates)
        best = [c for c in candidates if c[0].priority == top]
        winner, trigger = best[0] if len(best) == 1 else self._rng.choice(best)
        for b, _ in candidates:
            if b is not winner:
                losers.append((b.name, f"priority {b.priority} < {winner.priority}"))
        if running is not None and running.name != winner.name:
            if not running.interruptible and running.priority >= winner.priority:
                return None
            if running.priority > winner.priority + 20:
                return None  # a much stronger behaviour is still playing
        self.last_started_ms[winner.name] = now_ms
        return Decision(now_ms, winner, trigger, tuple(losers))
