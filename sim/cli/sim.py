"""``petbrain sim`` (scenarios, behaviour previews, recordings) and ``petbrain replay``."""

from __future__ import annotations

import argparse
from pathlib import Path

from brain.cli import CommandGroups
from brain.errors import UserError
from sim.cli.demo import add_live_options, add_scenario_options, run_live


def register(groups: CommandGroups) -> None:
    """Add ``petbrain sim`` and ``petbrain replay``."""
    parser = groups.command(
        "sim", run_sim, "run a scenario or preview a behaviour on the virtual body"
    )
    parser.add_argument(
        "--scenario",
        type=Path,
        help="a scenario YAML file, or the name of a shipped one (default: demo; --list)",
    )
    parser.add_argument("--list", action="store_true", help="list the shipped scenarios")
    parser.add_argument(
        "--play", metavar="BEHAVIOUR", help="preview one behaviour of the library and exit"
    )
    parser.add_argument(
        "--headless",
        action="store_true",
        help="no dashboard: an accelerated simulated clock, timeline in the terminal",
    )
    parser.add_argument(
        "--speed",
        type=float,
        help="real-time speed factor (dashboard default 1; headless default: as fast as possible)",
    )
    parser.add_argument("--record", type=Path, help="record the session to this MCAP file")
    parser.add_argument("--report", type=Path, help="write a JSON report of the run here")
    parser.add_argument(
        "--events-only",
        action="store_true",
        help="print events only, not the body's state every 250 ms",
    )
    parser.add_argument(
        "--persona",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="simulated owners (persona YAML, or shipped names; 'all'): closed-loop learning run",
    )
    parser.add_argument("--days", type=int, default=14, help="with --persona: simulated days")
    parser.add_argument(
        "--memory", type=Path, help="with --persona: owner memory file (default: a temporary one)"
    )
    parser.add_argument("--seed", type=int, help="with --persona: override the persona's seed")
    parser.add_argument("--plot", type=Path, help="with --persona: write a PNG learning curve")
    parser.add_argument(
        "--split",
        action="store_true",
        help="run the perception role (microphone, camera) in a second process, over Zenoh "
        "on 127.0.0.1 (headless)",
    )
    parser.add_argument(
        "--pets",
        type=int,
        metavar="N",
        help="run N pets at once and the household view that shows them all (Zenoh on 127.0.0.1)",
    )
    parser.add_argument(
        "--household",
        metavar="PORT",
        type=int,
        help="with --split: also publish the pet's state to a household view listening on "
        "tcp/127.0.0.1:PORT",
    )
    # The second process of --split (started by the first; not for people).
    parser.add_argument("--role", choices=("perception",), help=argparse.SUPPRESS)
    parser.add_argument("--pet-id", default="sim", help=argparse.SUPPRESS)
    parser.add_argument("--zenoh-port", type=int, help=argparse.SUPPRESS)
    add_live_options(parser)
    add_scenario_options(parser)
    replay_parser = groups.command(
        "replay",
        run_replay,
        "re-run the brain on a recorded session; a changed decision is a regression (exit 1)",
    )
    replay_parser.add_argument("recording", type=Path, help="an MCAP file from 'sim --record'")
    replay_parser.add_argument("--report", type=Path, help="write a JSON report of the replay")


def run_sim(args: argparse.Namespace) -> int:
    """Run a scenario (or a behaviour preview), headless or with the dashboard."""
    from sim.console import (
        BehaviourPreview,
        attach_printer,
        behaviour_or_error,
        library_or_error,
        play_scenario,
        summarise,
        with_start,
        write_json,
    )
    from sim.runner import SimSession
    from sim.scenario import DEMO_SCENARIO, load_scenario

    if args.list:
        from sim.scenario import load_scenario, shipped_scenarios

        for name in shipped_scenarios():
            description = " ".join(load_scenario(Path(name)).description.split())
            print(f"{name:<20} {description}")
        return 0
    if args.persona:
        from sim.owners.cli import run_personas

        return run_personas(args)
    if args.speed is not None and args.speed <= 0:
        raise UserError("--speed must be positive")
    if args.role == "perception":
        from sim.split import run_perception_process

        if args.zenoh_port is None:
            raise UserError("--role perception needs --zenoh-port")
        return run_perception_process(
            load_scenario(args.scenario or DEMO_SCENARIO), args.pet_id, args.zenoh_port
        )
    if args.pets is not None:
        from sim.cli.household import run_household

        return run_household(args, library_or_error(args.library))
    if args.play and args.scenario:
        raise UserError("--play and --scenario do not go together")
    library = library_or_error(args.library)
    ticks = []
    if args.play:
        behaviour = behaviour_or_error(library, args.play)
        scenario = play_scenario(behaviour, library)
        ticks.append(BehaviourPreview(behaviour))
    else:
        scenario = load_scenario(args.scenario or DEMO_SCENARIO)
    scenario = with_start(scenario, args.start)
    if args.split:
        from sim.cli.household import run_split

        return run_split(args, scenario, library)
    if not args.headless:
        args.speed = args.speed or 1.0
        return run_live(args, scenario, library, "sim", ticks)
    session = SimSession(scenario, library=library)
    recorder = None
    if args.record:
        from sim.record import SessionRecorder

        recorder = SessionRecorder(session, args.record)
    session.on_tick[:0] = ticks
    attach_printer(session, quiet=args.events_only)
    print(f"petbrain sim: scenario '{scenario.name}' (headless, simulated clock)")
    report = session.run(realtime_speed=args.speed)
    if recorder is not None:
        recorder.close(report)
        print(f"recorded {recorder.messages} messages to {recorder.path}")
    print()
    summarise(report)
    if args.report:
        write_json(args.report, report.to_json())
    return 0 if report.passed else 1


def run_replay(args: argparse.Namespace) -> int:
    """Replay a recording; exit 1 when any decision differs."""
    from sim.console import library_or_error, summarise, write_json
    from sim.replay import load_recording, replay

    recording = load_recording(args.recording)
    result = replay(recording, library_or_error())
    print(
        f"petbrain replay: '{recording.scenario.name}', {recording.scenario.duration_ms} ms, "
        f"{len(recording.decisions)} recorded decisions"
    )
    summarise(result.report)
    if args.report:
        data = result.report.to_json()
        data["recorded_behaviours"] = [{"t_ms": t, "behaviour": b} for t, b in result.recorded]
        data["differences"] = result.differences
        write_json(args.report, data)
    if result.matches:
        print(f"ok: all {len(result.replayed)} decisions reproduced at the same times")
        return 0
    print(f"REGRESSION: {len(result.differences)} decision(s) differ from the recording:")
    for line in result.differences:
        print(f"  {line}")
    return 1
