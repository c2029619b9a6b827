"""What the selector remembers of the world, and how triggers and conditions test it.

Triggers of state kinds (mood ranges, owner emotion thresholds, time of day)
fire on the edge: when the state starts to hold, not all the while it holds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from behaviors.schema import Condition, MoodSpec, OwnerEmotionChange, OwnerEmotionSpec, Trigger
from brain.events import (
    INTERACTIONS,
    HandlingEvent,
    LoudSound,
    OwnerEmotion,
    OwnerPresence,
    PetEvent,
    Tick,
)
from sensors.touch.events import TouchGesture, TouchOnset
from sensors.touch.layout import zone_matches

EMOTION_HISTORY_MS = 600_000
UNTRAINED_WELCOME = 0.8  # the welcome prior's mean (brain.memory.welcome: Beta(4, 1))


class Learned(Protocol):
    """What owner memory tells the selector (``brain.memory.Learner`` implements it)."""

    def welcome(self, behaviour: str, now_ms: int) -> tuple[float, float, str]:
        """(posterior mean, answers, words) of ``behaviour`` in the current context."""
        ...

    def owner_due(self, within_ms: int, now_ms: int) -> tuple[bool, str]:
        """Whether the away owner usually arrives within ``within_ms``, and the words."""
        ...

    def quiet(self, now_ms: int) -> tuple[bool | None, str]:
        """Whether now is a usual quiet time (None: not learned yet), and the words."""
        ...

    def judge(self, behaviour: str, now_ms: int) -> tuple[bool, str]:
        """Whether proactive ``behaviour`` may start now (welcome learning), and the words."""
        ...


@dataclass
class WorldContext:
    """The recent past as the selector needs it: last touches, the owner, the clock."""

    last_interaction_ms: int = 0
    owner_present: bool = False
    owner_emotion: OwnerEmotion | None = None
    emotion_history: deque[OwnerEmotion] = field(default_factory=lambda: deque(maxlen=2000))
    last_touch_ms: dict[str, int] = field(default_factory=dict)
    last_handling_ms: dict[str, int] = field(default_factory=dict)
    last_loud_ms: int | None = None
    last_started_ms: dict[str, int] = field(default_factory=dict)
    minute_of_day: float | None = None
    # Owner memory, when the pet has one (conditions ``learned`` and ``rhythm``).
    learned: Learned | None = None
    # The words of the last learned condition checked, for the decision's ``why``.
    learned_notes: list[str] = field(default_factory=list)

    def observe(self, event: PetEvent, now_ms: int) -> None:
        """Remember ``event``, seen at ``now_ms`` on the brain's clock."""
        if isinstance(event, INTERACTIONS):
            self.last_interaction_ms = now_ms
        if isinstance(event, TouchGesture):
            self.last_touch_ms[event.gesture] = now_ms
        elif isinstance(event, HandlingEvent):
            self.last_handling_ms[event.handling] = now_ms
        elif isinstance(event, LoudSound):
            self.last_loud_ms = now_ms
        elif isinstance(event, OwnerPresence):
            self.owner_present = event.present
        elif isinstance(event, OwnerEmotion):
            self.owner_emotion = event
            self.emotion_history.append(event)
            while self.emotion_history and (
                event.t_ms - self.emotion_history[0].t_ms > EMOTION_HISTORY_MS
            ):
                self.emotion_history.popleft()
        elif isinstance(event, Tick):
            self.minute_of_day = event.minute_of_day

    def idle_ms(self, now_ms: int) -> int:
        """Time since anyone last interacted with the pet."""
        return now_ms - self.last_interaction_ms


def mood_holds(spec: MoodSpec, mood: Mapping[str, float]) -> bool:
    """True when every range of ``spec`` holds for ``mood``."""
    return all(r.holds(mood.get(name, 0.0)) for name, r in spec.ranges().items())


def emotion_holds(spec: OwnerEmotionSpec, emotion: OwnerEmotion | None) -> bool:
    """True when a confident enough estimate satisfies every range of ``spec``."""
    if emotion is None or emotion.confidence < spec.min_confidence:
        return False
    return all(r.holds(emotion.value(name)) for name, r in spec.ranges().items())


def emotion_persists(spec: OwnerEmotionSpec, history: deque[OwnerEmotion]) -> bool:
    """True when every estimate of the last ``spec.for_ms`` satisfies ``spec``.

    The history must reach back that far (a minute of sadness is not two).
    """
    if not history:
        return False
    latest = history[-1].t_ms
    if latest - history[0].t_ms < spec.for_ms:
        return False
    for emotion in reversed(history):
        if latest - emotion.t_ms > spec.for_ms:
            return True
        if not emotion_holds(spec, emotion):
            return False
    return True


def learned_holds(
    condition: Condition, context: WorldContext, now_ms: int, behaviour: str | None
) -> bool:
    """A ``learned`` or ``rhythm`` condition; notes what was learned in ``learned_notes``."""
    learned = context.learned
    if condition.learned is not None:
        spec = condition.learned
        name = spec.behaviour or behaviour
        if name is None:
            return False
        if learned is None:
            mean, answers, words = UNTRAINED_WELCOME, 0.0, f"{name}: nothing learned"
        else:
            mean, answers, words = learned.welcome(name, now_ms)
        context.learned_notes.append(words)
        return answers >= spec.min_answers and spec.welcome.holds(mean)
    rhythm = condition.rhythm
    assert rhythm is not None
    if rhythm.owner_due_within_ms is not None:
        if learned is None:
            return False
        due, words = learned.owner_due(rhythm.owner_due_within_ms, now_ms)
        context.learned_notes.append(words)
        return due
    quiet, words = (None, "") if learned is None else learned.quiet(now_ms)
    if quiet is None:
        window = rhythm.until_learned
        minute = context.minute_of_day
        return window is not None and minute is not None and window.holds(minute)
    context.learned_notes.append(words)
    return quiet


def emotion_changed(spec: OwnerEmotionChange, history: deque[OwnerEmotion]) -> bool:
    """True when the latest estimate moved by ``spec.by`` within ``spec.within_ms``."""
    if not history or history[-1].confidence < spec.min_confidence:
        return False
    latest = history[-1]
    now = latest.value(spec.of)
    past = [
        e.value(spec.of)
        for e in history
        if latest.t_ms - e.t_ms <= spec.within_ms and e is not latest
    ]
    if not past:
        return False
    if spec.by > 0:
        return now - min(past) >= spec.by
    return now - max(past) <= spec.by


def condition_holds(
    condition: Condition,
    context: WorldContext,
    mood: Mapping[str, float],
    now_ms: int,
    behaviour: str | None = None,
) -> bool:
    """True when ``condition`` holds now (``behaviour``: whose condition it is)."""
    if condition.mood is not None:
        return mood_holds(condition.mood, mood)
    if condition.learned is not None or condition.rhythm is not None:
        return learned_holds(condition, context, now_ms, behaviour)
    if condition.owner_emotion is not None:
        if condition.owner_emotion.for_ms > 0:
            return emotion_persists(condition.owner_emotion, context.emotion_history)
        return emotion_holds(condition.owner_emotion, context.owner_emotion)
    if condition.owner_present is not None:
        return context.owner_present == condition.owner_present
    if condition.time_of_day is not None:
        minute = context.minute_of_day
        return minute is not None and condition.time_of_day.holds(minute)
    recent = condition.recent
    assert recent is not None  # exactly one kind, checked by the schema
    last: int | None
    if recent.touch is not None:
        last = context.last_touch_ms.get(recent.touch)
    elif recent.handling is not None:
        last = context.last_handling_ms.get(recent.handling)
    elif recent.behaviour is not None:
        last = context.last_started_ms.get(recent.behaviour)
    else:
        last = context.last_loud_ms
    return last is not None and now_ms - last <= recent.within_ms


def event_matches(trigger: Trigger, event: PetEvent) -> bool | None:
    """Whether an event-kind ``trigger`` fires for ``event``; None for state kinds."""
    if trigger.touch_onset is not None:
        zone = trigger.touch_onset.zone
        return isinstance(event, TouchOnset) and (zone is None or zone_matches(event.zone, zone))
    if trigger.touch is not None:
        if not isinstance(event, TouchGesture):
            return False
        t = trigger.touch
        if t.gesture is not None and t.gesture != event.gesture:
            return False
        if t.zone is not None and not zone_matches(event.zone, t.zone):
            return False
        if t.direction is not None and t.direction != event.direction:
            return False
        return t.min_intensity <= event.intensity <= t.max_intensity
    if trigger.handling is not None:
        return isinstance(event, HandlingEvent) and event.handling == trigger.handling.event
    if trigger.owner is not None:
        if not isinstance(event, OwnerPresence):
            return False
        if trigger.owner.event == "leaves":
            return not event.present
        away = event.away_ms
        return event.present and (away is None or away >= trigger.owner.min_away_ms)
    if trigger.loud_sound is not None:
        return isinstance(event, LoudSound) and event.level_db >= trigger.loud_sound.min_level_db
    return None


def state_holds(
    trigger: Trigger, context: WorldContext, mood: Mapping[str, float], event: PetEvent
) -> bool | None:
    """Whether a state-kind ``trigger`` holds now; None when ``event`` cannot change it."""
    if trigger.owner_emotion is not None:
        if not isinstance(event, OwnerEmotion):
            return None
        if trigger.owner_emotion.for_ms > 0:
            return emotion_persists(trigger.owner_emotion, context.emotion_history)
        return emotion_holds(trigger.owner_emotion, context.owner_emotion)
    if trigger.owner_emotion_change is not None:
        if not isinstance(event, OwnerEmotion):
            return None
        return emotion_changed(trigger.owner_emotion_change, context.emotion_history)
    if not isinstance(event, Tick):
        return None
    if trigger.mood is not None:
        return mood_holds(trigger.mood, mood)
    if trigger.time_of_day is not None:
        return trigger.time_of_day.holds(event.minute_of_day)
    if trigger.rhythm is not None:
        if context.learned is None:
            return False
        due, words = context.learned.owner_due(trigger.rhythm.owner_due_within_ms, event.t_ms)
        if due:
            context.learned_notes.append(words)
        return due
    return None


def describe(spec: Trigger | Condition) -> str:
    """Short human text, e.g. ``touch gesture=stroke zone=back`` or ``mood valence<-0.3``."""
    kind = spec.kind()
    value = getattr(spec, kind)
    if isinstance(value, bool | str | int | float):
        text = f"{kind}={value}"
    else:
        fields = value.model_dump(exclude_defaults=True, exclude_none=True)
        parts = []
        for key, item in fields.items():
            if isinstance(item, dict) and set(item) <= {"above", "below"}:
                lo, hi = item.get("above"), item.get("below")
                bounds = [f">{lo}" if lo is not None else "", f"<{hi}" if hi is not None else ""]
                parts.append(key + ",".join(b for b in bounds if b))
            else:
                parts.append(f"{key}={item}")
        text = " ".join([kind, *parts])
    chance = getattr(spec, "chance", 1.0)
    return text + (f" chance={chance}" if chance < 1.0 else "")
