"""``petbrain plot REPORT PNG``: the timeline of a ``--report`` file as a picture."""

from __future__ import annotations

import argparse
from pathlib import Path

from brain.cli import CommandGroups


def register(groups: CommandGroups) -> None:
    """Add ``petbrain plot``."""
    parser = groups.command(
        "plot",
        run_plot,
        "draw mood, owner emotion and behaviours over a session from its --report JSON",
    )
    parser.add_argument("report", type=Path, help="a report from 'sim' or 'demo' --report")
    parser.add_argument("png", type=Path, help="the picture to write")


def run_plot(args: argparse.Namespace) -> int:
    """Read the report's timeline rows and draw them."""
    from sim.timeline_plot import plot_timeline, rows_of_report

    name, rows = rows_of_report(args.report)
    plot_timeline(rows, args.png, f"scenario '{name}' (from {args.report.name})")
    print(f"timeline plotted to {args.png}")
    return 0
