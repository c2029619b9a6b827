"""``petbrain demo`` and ``petbrain sim``: the brain against the virtual body, no hardware."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from brain.cli import CommandGroups
from brain.errors import UserError


def register(groups: CommandGroups) -> None:
    """Add ``petbrain demo``."""
    parser = groups.command(
        "demo", run_demo, "stroke the virtual cat: the built-in scenario, no hardware needed"
    )
    parser.add_argument(
        "--headless", action="store_true", help="run on a simulated clock as fast as possible"
    )
    parser.add_argument("--scenario", type=Path, help="a scenario YAML file (default: demo)")
    parser.add_argument("--speed", type=float, default=1.0, help="real-time speed factor")
    parser.add_argument("--report", type=Path, help="write a JSON report of the run here")


def run_demo(args: argparse.Namespace) -> int:
    """Run the scenario and print the timeline; exit 1 when an expectation failed."""
    from behaviors.library import LibraryError, load_library
    from sim.runner import SimSession
    from sim.scenario import DEMO_SCENARIO, load_scenario
    from sim.timeline_printer import TimelinePrinter

    if args.speed <= 0:
        raise UserError("--speed must be positive")
    scenario = load_scenario(args.scenario or DEMO_SCENARIO)
    try:
        library = load_library()
    except LibraryError as error:
        raise UserError("behaviour library has errors:\n" + "\n".join(error.messages)) from error
    session = SimSession(scenario, library=library)
    printer = TimelinePrinter(sys.stdout)
    session.on_tick.append(printer)
    mode = "headless, simulated clock" if args.headless else f"real time x{args.speed:g}"
    print(
        f"petbrain demo: scenario '{scenario.name}' ({mode}); virtual body on {session.body.path}"
    )
    try:
        report = session.run(realtime_speed=None if args.headless else args.speed)
    except KeyboardInterrupt:
        session.close()
        return 130
    print()
    for expectation in report.expectations:
        status = "ok  " if expectation["met"] else "FAIL"
        print(
            f"{status} {expectation['behaviour']} within {expectation['within_ms']} ms "
            f"of {expectation['after_ms']} ms (at {expectation['at_ms']})"
        )
    stats = report.link
    print(
        f"link: {stats['frames_in']} frames in, {stats['frames_out']} out, "
        f"{stats['crc_errors']} crc errors, rtt {stats['rtt_ms']} ms"
    )
    if args.report:
        try:
            args.report.write_text(json.dumps(report.to_json(), indent=2))
        except OSError as error:
            raise UserError(f"cannot write report {args.report}: {error}") from error
    return 0 if report.passed else 1
