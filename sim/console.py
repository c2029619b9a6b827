"""What ``petbrain demo``, ``sim`` and ``replay`` share: loading, running, summing up.

Kept out of ``brain/cli`` so the command modules stay thin and the same
paths can be exercised from tests without a subprocess.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from behaviors.library import BehaviourLibrary, LibraryError, library_sources, load_library
from brain.clock import parse_start
from brain.errors import UserError
from sim.dashboard.server import is_loopback
from sim.runner import SimReport, SimSession
from sim.scenario import Scenario
from sim.timeline_printer import TimelinePrinter


def library_or_error(paths: Sequence[Path] = ()) -> BehaviourLibrary:
    """The behaviour library (``paths``, else the shipped one), or one clear UserError."""
    for path in paths:
        if not path.exists():
            raise UserError(f"{path}: no such file or folder")
    try:
        return load_library(**library_sources(list(paths)))
    except LibraryError as error:
        raise UserError("behaviour library has errors:\n" + "\n".join(error.messages)) from error


def with_start(scenario: Scenario, start: str | None) -> Scenario:
    """``scenario`` starting at ``--start`` when given (recordings keep it)."""
    if start is None:
        return scenario
    return scenario.model_copy(update={"start": parse_start(start)})


def warn_if_open(host: str, out: TextIO = sys.stderr) -> None:
    """Say loudly when the dashboard is reachable from other machines."""
    if not is_loopback(host):
        print(
            f"petbrain: WARNING: the dashboard listens on {host}: anyone on this network "
            "can touch the pet and see what it perceives",
            file=out,
        )


def summarise(report: SimReport, out: TextIO = sys.stdout) -> None:
    """Expectations, reaction latencies and link statistics, one line each."""
    for expectation in report.expectations:
        status = "ok  " if expectation["met"] else "FAIL"
        print(
            f"{status} {expectation['behaviour']} within {expectation['within_ms']} ms "
            f"of {expectation['after_ms']} ms (at {expectation['at_ms']})",
            file=out,
        )
    latency = report.latencies
    if latency.get("count"):
        print(
            f"reaction: {latency['count']} touch onsets, first servo frame after "
            f"median {latency['median_ms']} ms, max {latency['max_ms']} ms (simulated)",
            file=out,
        )
    stats = report.link
    print(
        f"link: {stats['frames_in']} frames in, {stats['frames_out']} out, "
        f"{stats['crc_errors']} crc errors, rtt {stats['rtt_ms']} ms",
        file=out,
    )
    grid = stats.get("touch_grid")
    if isinstance(grid, dict):
        dropped = {k: v for k, v in grid.items() if k not in ("chunks", "frames") and v}
        print(
            f"touch grid: {grid['frames']} frames from {grid['chunks']} chunks, dropped: "
            + (", ".join(f"{v} {k}" for k, v in dropped.items()) or "none"),
            file=out,
        )


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write a JSON report, or fail with one clear line."""
    try:
        path.write_text(json.dumps(data, indent=2))
    except OSError as error:
        raise UserError(f"cannot write report {path}: {error}") from error


def write_outputs(
    args: Any, report: SimReport, rows: list[dict[str, Any]], out: TextIO = sys.stdout
) -> None:
    """The ``--report`` JSON (with the timeline's rows) and the ``--plot`` PNG, when asked for."""
    if getattr(args, "report", None):
        write_json(args.report, {**report.to_json(), "timeline": rows})
    if getattr(args, "plot", None):
        from sim.timeline_plot import plot_timeline

        plot_timeline(rows, args.plot, f"scenario '{report.scenario}'")
        print(f"timeline plotted to {args.plot}", file=out)


def attach_printer(session: SimSession, quiet: bool, out: TextIO = sys.stdout) -> TimelinePrinter:
    """The terminal timeline (events only when ``quiet``)."""
    printer = TimelinePrinter(out, every_ms=0 if quiet else 250)
    session.on_tick.append(printer)
    return printer
