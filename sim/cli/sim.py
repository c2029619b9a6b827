"""``petbrain sim`` (scenarios, behaviour previews, recordings) and ``petbrain replay``."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from brain.cli import CommandGroups
from brain.errors import UserError
from sim.cli.demo import (
    add_live_options,
    add_plot_option,
    add_scenario_options,
    refuse_devices_when_headless,
    run_live,
)

PREVIEW_MAX_MS = 20_000  # as ``behaviors play``'s default --max-ms
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


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
        "--play",
        metavar="BEHAVIOUR",
        help="preview one behaviour of the library in the terminal and exit "
        "(the same as 'petbrain behaviors play BEHAVIOUR')",
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
    parser.add_argument(
        "--body",
        choices=("cpython", "micropython"),
        default="cpython",
        help="cpython (default, fast): the firmware classes on the simulated clock; "
        "micropython: firmware/main.py under the MicroPython Unix port, in real time",
    )
    parser.add_argument(
        "--skin",
        choices=("pads", "grid"),
        default="pads",
        help="pads (default): the reference body's 14 pads; grid: a 19 x 27 pressure mat on "
        "the back instead of its six pads (board pico_grid; the dashboard's pointer on the "
        "back presses it)",
    )
    parser.add_argument("--record", type=Path, help="record the session to this MCAP file")
    parser.add_argument("--report", type=Path, help="write a JSON report of the run here")
    add_plot_option(parser)
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
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="with --persona: also run an untrained pet (learning off) on the same persona and "
        "seed, and report the figures against it",
    )
    parser.add_argument(
        "--seeds",
        help="with --persona: run each persona once per seed (e.g. 41,101,202; 'persona' "
        "is the persona's own) and report each figure's mean and spread",
    )
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
        attach_printer,
        library_or_error,
        summarise,
        with_start,
        write_outputs,
    )
    from sim.runner import SimSession
    from sim.scenario import DEMO_SCENARIO, load_scenario
    from sim.timeline_plot import TimelineRecorder

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
    if args.play:
        if args.pets is not None or args.split:
            raise UserError("--play previews one behaviour: not with --pets or --split")
        return _preview(args)
    refuse_devices_when_headless(args)
    if args.plot is not None and (args.split or args.pets is not None):
        raise UserError("--plot draws one in-process session: not with --split or --pets")
    if args.pets is not None:
        from sim.cli.household import run_household

        return run_household(args, library_or_error(args.library))
    library = library_or_error(args.library)
    names = [b.name for b in library.behaviours]
    scenario = with_start(load_scenario(args.scenario or DEMO_SCENARIO, names), args.start)
    if args.split:
        from sim.cli.household import run_split

        return run_split(args, scenario, library)
    from brain.body.joints import DEFAULT_ROBOT, GRID_BACK_ROBOT

    skin = getattr(args, "skin", "pads")
    robot = GRID_BACK_ROBOT if skin == "grid" else DEFAULT_ROBOT
    if not args.headless:
        args.speed = args.speed or 1.0
        return run_live(args, scenario, library, "sim", robot=robot)
    session = SimSession(scenario, robot=robot, library=library, body=args.body)
    recorder = None
    if args.record:
        from sim.record import SessionRecorder

        recorder = SessionRecorder(session, args.record)
    timeline = TimelineRecorder()
    session.on_tick.append(timeline)
    attach_printer(session, quiet=args.events_only)
    clock = "real time" if session.body.realtime else "simulated clock"
    print(f"petbrain sim: scenario '{scenario.name}' (headless, {clock}, {args.body} body, {skin})")
    # Ctrl+C or SIGTERM ends the run at a tick boundary: the recording and the
    # report are still finished (and the recording replays up to that point).
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in STOP_SIGNALS}
    try:
        report = session.run(realtime_speed=args.speed, stop=stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    report.interrupted = stop.is_set()
    if report.interrupted:
        print(f"\ninterrupted at {report.duration_ms} ms: finishing the recording and report")
    if recorder is not None:
        recorder.close(report)
        print(f"recorded {recorder.messages} messages to {recorder.path}")
    print()
    summarise(report)
    write_outputs(args, report, timeline.history.to_json())
    if report.interrupted:
        return 130  # the shell's code for a run ended by Ctrl+C
    return 0 if report.passed else 1


def _preview(args: argparse.Namespace) -> int:
    """``sim --play NAME`` is ``behaviors play NAME``: one preview, printed, then exit."""
    from sim.cli.behaviors_play import run_play
    from sim.console import library_or_error

    for option in ("scenario", "record", "report", "plot", "mic", "camera", "start"):
        if getattr(args, option) is not None:
            raise UserError(f"--play and --{option} do not go together")
    preview = argparse.Namespace(
        name=args.play,
        headless=args.headless,
        speed=args.speed or 1.0,
        every_ms=0 if args.events_only else 250,
        max_ms=PREVIEW_MAX_MS,
        seed=0,
    )
    return run_play(preview, library_or_error(args.library))


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
