"""``petbrain behaviors try``: play a few events through the selector, print each why.

A what-if tool for designers: no body, no clock; behaviours occupy the pet for
their timeline's duration, the mood moves, ticks run every second.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from behaviors.library import BehaviourLibrary
from behaviors.schema import Behaviour
from brain.errors import UserError

TICK_MS = 1000


def _clock(text: str) -> float:
    hours, _, minutes = text.partition(":")
    try:
        value = int(hours) * 60 + int(minutes)
    except ValueError:
        raise UserError(f"--at '{text}' is not HH:MM") from None
    if not 0 <= value < 1440:
        raise UserError(f"--at '{text}' is not a time of day")
    return float(value)


def _mood(text: str) -> dict[str, float]:
    from brain.behave.mood import DIMENSIONS

    out: dict[str, float] = {}
    for part in filter(None, text.split(",")):
        name, _, raw = part.partition("=")
        if name not in DIMENSIONS:
            raise UserError(f"--mood: '{name}' is not one of {', '.join(DIMENSIONS)}")
        try:
            out[name] = max(-1.0, min(1.0, float(raw)))
        except ValueError:
            raise UserError(f"--mood: '{raw}' is not a number") from None
    return out


class _Session:
    def __init__(self, library: BehaviourLibrary, args: argparse.Namespace) -> None:
        from brain.behave.mood import Mood
        from brain.behave.selector import Selector
        from brain.events import OwnerPresence

        self.library = library
        self.selector = Selector(library, seed=args.seed)
        self.mood = Mood.from_temperament(library.temperament)
        self.mood.values.update(_mood(args.mood))
        self.start_minute = _clock(args.at)
        self.json = args.json
        self.running: Behaviour | None = None
        self.until_ms = 0
        if args.owner_present:
            self.selector.context.observe(OwnerPresence(0, True, 0), 0)

    def minute(self, t_ms: int) -> float:
        return (self.start_minute + t_ms / 60_000) % 1440

    def feed(self, label: str, event: Any, t_ms: int, quiet: bool = False) -> None:
        from brain.behave.timeline import compile_timeline

        if self.running is not None and t_ms >= self.until_ms:
            self.running = None
        self.mood.update(t_ms, self.minute(t_ms))
        decision = self.selector.choose(event, t_ms, self.running, self.mood.values)
        if decision is not None:
            self.mood.apply(decision.behaviour.mood_effect, decision.factor)
            if decision.action != "queue":
                self.running = decision.behaviour
                timeline = compile_timeline(decision.behaviour, self.library.poses)
                self.until_ms = t_ms + timeline.duration_ms
            self.show(label, t_ms, decision.why(), True)
        elif not quiet:
            why = dict(self.selector.held_back or self.selector.considered)
            self.show(label, t_ms, why, False)

    def show(self, label: str, t_ms: int, why: dict[str, Any], decided: bool) -> None:
        clock = self.minute(t_ms)
        stamp = f"{int(clock // 60):02d}:{int(clock % 60):02d}"
        if self.json:
            out = {"t_ms": t_ms, "clock": stamp, "input": label, "started": decided, **why}
            print(json.dumps(out))
            return
        lost = why.get("lost") or []
        if decided:
            head = f"-> {why['behaviour']} (score {why['score']}; {why['trigger']})"
            if why.get("habituation"):
                head += f" x{why['habituation']} habituated"
            if why.get("preempted"):
                head += f", cuts short {why['preempted']}"
        elif why.get("reason"):
            head = f"-> nothing: {why['behaviour']} held back, {why['reason']}"
        else:
            head = "-> nothing" + ("" if why.get("matched") else " (no trigger matched)")
        print(f"{t_ms:9d} ms {stamp}  {label:32} {head}")
        for item in lost:
            print(f"{'':27}lost: {item['behaviour']}: {item['reason']}")


def run_try(args: argparse.Namespace, library: BehaviourLibrary) -> int:
    """Play ``args.events`` through a fresh selector and print every decision."""
    from brain.behave.eventspec import EventSpecError, parse_event
    from brain.events import Tick

    session = _Session(library, args)
    t_ms = 0
    for text in args.events:
        t_ms += args.gap_ms
        try:
            parsed = parse_event(text, t_ms, session.minute(t_ms))
        except EventSpecError as error:
            raise UserError(f"{text}: {error}") from None
        if isinstance(parsed, int):
            end = t_ms + parsed
            while t_ms < end:
                t_ms = min(end, t_ms + TICK_MS)
                session.feed("(quiet)", Tick(t_ms, session.minute(t_ms)), t_ms, quiet=True)
            continue
        session.feed(text, parsed, t_ms)
    return 0
