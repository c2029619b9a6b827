"""``petbrain demo``: stroke the virtual cat, in the browser or headless in the terminal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from brain.cli import CommandGroups
from brain.errors import UserError

if TYPE_CHECKING:
    from behaviors.library import BehaviourLibrary
    from brain.app.runtime import BrainEvent
    from brain.body.joints import RobotConfig
    from sim.runner import SimSession
    from sim.scenario import Scenario

    TickCallback = Callable[[SimSession, list[BrainEvent]], None]


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free one) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"port {port} is out of range (0-65535; 0 picks any free port)"
        )
    return port


def refuse_devices_when_headless(args: argparse.Namespace) -> None:
    """``--mic`` and ``--camera`` listen and watch in real time: not on a simulated clock."""
    if not getattr(args, "headless", False):
        return
    for option in ("mic", "camera"):
        if getattr(args, option, None) is not None:
            raise UserError(
                f"--{option} runs in real time with the dashboard; --headless runs on a "
                f"simulated clock as fast as it goes: drop one of them"
            )


def add_plot_option(parser: argparse.ArgumentParser) -> None:
    """``--plot FILE.png``: the session's timeline as a picture."""
    parser.add_argument(
        "--plot",
        type=Path,
        metavar="PNG",
        help="draw mood, owner emotion and behaviours over the session into this PNG "
        "(the same timeline is in --report's JSON: 'petbrain plot REPORT PNG' draws it later); "
        "with --persona: the learning curve",
    )


def add_scenario_options(parser: argparse.ArgumentParser) -> None:
    """``--start`` and ``--library``: options of every command that runs a scenario."""
    parser.add_argument(
        "--start",
        metavar="DATETIME",
        help="the home's local date and time when the scenario starts, e.g. 2026-03-14T07:30 "
        "(default: the scenario's 'start', else Saturday 2026-03-14 14:00; never the host clock)",
    )
    parser.add_argument(
        "--library",
        nargs="+",
        type=Path,
        default=[],
        metavar="PATH",
        help="behaviour files or folders to use instead of the shipped library "
        "(with the dashboard, saving one of them reloads it)",
    )


def add_live_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by the commands that can serve the dashboard."""
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address the dashboard listens on (default: loopback only; "
        "0.0.0.0 opens it to the network)",
    )
    parser.add_argument(
        "--port", type=port_number, default=8765, help="dashboard port (default 8765; 0 = any free)"
    )
    parser.add_argument(
        "--start-now",
        action="store_true",
        help="start the scenario at once instead of when the first page connects",
    )
    parser.add_argument(
        "--mic",
        nargs="?",
        const="",
        metavar="DEVICE",
        help="listen with a real microphone through PyAudio (optionally a device index or "
        "part of its name) instead of the simulated room",
    )
    parser.add_argument(
        "--camera",
        nargs="?",
        const="0",
        metavar="DEVICE",
        help="watch with a real camera through OpenCV (V4L2 device index, default 0) "
        "instead of the simulated one",
    )


def register(groups: CommandGroups) -> None:
    """Add ``petbrain demo``."""
    parser = groups.command(
        "demo",
        run_demo,
        "stroke the virtual cat: the dashboard with the built-in scenario, no hardware needed",
    )
    parser.add_argument(
        "--headless",
        action="store_true",
        help="no dashboard: run on a simulated clock as fast as possible and print the timeline",
    )
    parser.add_argument("--scenario", type=Path, help="a scenario YAML file (default: demo)")
    parser.add_argument("--speed", type=float, default=1.0, help="real-time speed factor")
    parser.add_argument("--report", type=Path, help="write a JSON report of the run here")
    add_plot_option(parser)
    add_live_options(parser)
    add_scenario_options(parser)


def run_demo(args: argparse.Namespace) -> int:
    """Run the scenario; exit 1 when an expectation failed."""
    from sim.console import library_or_error, with_start
    from sim.scenario import DEMO_SCENARIO, load_scenario

    if args.speed <= 0:
        raise UserError("--speed must be positive")
    refuse_devices_when_headless(args)
    scenario = with_start(load_scenario(args.scenario or DEMO_SCENARIO), args.start)
    library = library_or_error(args.library)
    if args.headless:
        return _headless(args, scenario, library)
    return run_live(args, scenario, library, "demo")


def _headless(args: argparse.Namespace, scenario: Scenario, library: BehaviourLibrary) -> int:
    from sim.console import attach_printer, summarise, write_outputs
    from sim.runner import SimSession
    from sim.timeline_plot import TimelineRecorder

    session = SimSession(scenario, library=library)
    timeline = TimelineRecorder()
    session.on_tick.append(timeline)
    attach_printer(session, quiet=False)
    print(
        f"petbrain demo: scenario '{scenario.name}' (headless, simulated clock); "
        f"virtual body on {session.body.path}"
    )
    try:
        report = session.run()
    except KeyboardInterrupt:
        session.close()
        return 130
    print()
    summarise(report)
    write_outputs(args, report, timeline.history.to_json())
    return 0 if report.passed else 1


def run_live(
    args: argparse.Namespace,
    scenario: Scenario,
    library: BehaviourLibrary,
    command: str,
    extra_ticks: Sequence[TickCallback] = (),
    robot: RobotConfig | None = None,
) -> int:
    """The scenario in real time with the dashboard, until Ctrl+C."""
    from sim.console import attach_printer, summarise, warn_if_open, write_outputs
    from sim.dashboard.live import LiveSim

    warn_if_open(args.host)
    microphone: dict[str, object] | None = None
    if getattr(args, "mic", None) is not None:
        if args.speed != 1.0:
            raise UserError("--mic listens in real time: it needs --speed 1")
        mic: int | str = int(args.mic) if args.mic.isdigit() else args.mic
        microphone = {"type": "pyaudio", **({"device": mic} if args.mic else {})}
    webcam: dict[str, object] | None = None
    if getattr(args, "camera", None) is not None:
        if args.speed != 1.0:
            raise UserError("--camera watches in real time: it needs --speed 1")
        device: int | str = int(args.camera) if args.camera.isdigit() else args.camera
        webcam = {"type": "opencv", "device": device}
    if robot is None:
        from brain.body.joints import DEFAULT_ROBOT

        robot = DEFAULT_ROBOT
    live = LiveSim(
        scenario,
        library,
        robot=robot,
        host=args.host,
        port=args.port,
        speed=args.speed,
        microphone=microphone,
        webcam=webcam,
        body=getattr(args, "body", "cpython"),
        wait_for_page=not args.start_now,
        library_paths=getattr(args, "library", ()),
    )
    recorder = None
    if getattr(args, "record", None):
        from sim.record import SessionRecorder

        recorder = SessionRecorder(live.session, args.record)
    for tick in extra_ticks:
        live.session.on_tick.insert(0, tick)
    printer = attach_printer(live.session, quiet=False)
    when = "now" if args.start_now else "when the page connects"
    print(
        f"petbrain {command}: dashboard at {live.url} (Ctrl+C to stop); "
        f"scenario '{scenario.name}' in real time x{args.speed:g}, starting {when}; "
        f"virtual body on {live.session.body.path}",
        flush=True,
    )

    def scenario_ended(session: SimSession) -> None:
        printer.every_ms = 0  # from now on, only what happens
        for e in session.check_expectations():
            status = "ok  " if e["met"] else "FAIL"
            print(f"{status} {e['behaviour']} within {e['within_ms']} ms of {e['after_ms']} ms")
        print(f"scenario '{scenario.name}' done; the pet lives on: {live.url}", flush=True)

    report = live.run(on_scenario_end=scenario_ended)
    if recorder is not None:
        recorder.close(report)
        print(f"recorded {recorder.messages} messages to {recorder.path}")
    if live.session.now_ms == 0:
        print("stopped before a page connected: the scenario did not run")
        return 130
    print()
    summarise(report)
    write_outputs(args, report, live.dashboard.publisher.history.to_json())
    sys.stdout.flush()
    return 0 if report.passed else 1
