"""``petbrain behaviors play NAME``: preview one behaviour on the simulated body.

The real firmware code runs in the virtual body behind a pseudo-terminal (the
simulator's own session); once the body is ready the brain plays the named
behaviour, and the timeline printer shows every joint and the motor as the
body executes it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from behaviors.library import BehaviourLibrary
from brain.cli import CommandGroups
from brain.cli.behaviors import GROUP_HELP, load_library_or_error
from brain.errors import UserError

READY_TIMEOUT_MS = 3000


def register(groups: CommandGroups) -> None:
    """Add ``petbrain behaviors play`` to the behaviours group."""
    play = groups.subcommand(
        "behaviors",
        "play",
        _play,
        "preview one behaviour on the simulated body",
        GROUP_HELP,
    )
    play.add_argument("name", help="behaviour name")
    play.add_argument("paths", nargs="*", type=Path, help="library files or folders")
    play.add_argument("--headless", action="store_true", help="simulated clock, as fast as it goes")
    play.add_argument("--speed", type=float, default=1.0, help="real-time speed factor")
    play.add_argument("--every-ms", type=int, default=250, help="print the body every N ms")
    play.add_argument("--max-ms", type=int, default=20_000, help="stop after this much of it")
    play.add_argument("--seed", type=int, default=0, help="seed for 'choose' variants")


def _play(args: argparse.Namespace) -> int:
    if args.speed <= 0:
        raise UserError("--speed must be positive")
    return run_play(args, load_library_or_error(list(args.paths)))


def run_play(args: argparse.Namespace, library: BehaviourLibrary) -> int:
    """Play ``args.name`` on a virtual body and print the body's timeline."""
    import random

    from brain.behave.timeline import compile_timeline
    from sim.runner import SimSession
    from sim.scenario import Scenario
    from sim.timeline_printer import TimelinePrinter

    try:
        behaviour = library.by_name(args.name)
    except KeyError:
        from difflib import get_close_matches

        close = get_close_matches(args.name, library.names, n=3)
        known = ", ".join(sorted(library.names))
        hint = f" (did you mean {', '.join(close)}?)" if close else f" (known: {known})"
        raise UserError(f"no behaviour called '{args.name}'{hint}") from None
    length_ms = compile_timeline(behaviour, library.poses, random.Random(args.seed)).duration_ms
    shown_ms = min(length_ms, args.max_ms)
    scenario = Scenario(
        name=f"play {args.name}", duration_ms=READY_TIMEOUT_MS + shown_ms + 1500, seed=args.seed
    )
    session = SimSession(scenario, library=library)
    started: list[int] = []

    def start_when_ready(session: SimSession, events: object) -> None:
        if not started and session.brain.torque:
            session.brain.play(args.name, session.now_ms)
            started.append(session.now_ms)
            session.scenario = scenario.model_copy(
                update={"duration_ms": session.now_ms + shown_ms + 1500}
            )

    session.on_tick.append(start_when_ready)
    session.on_tick.append(TimelinePrinter(sys.stdout, every_ms=args.every_ms))
    print(f"petbrain behaviors play: {args.name} ({length_ms} ms) on {session.body.path}")
    try:
        session.run(realtime_speed=None if args.headless else args.speed)
    except KeyboardInterrupt:
        session.close()
        return 130
    if not started:
        raise UserError("the virtual body never became ready (no torque)")
    return 0
