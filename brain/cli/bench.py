"""``petbrain bench``: speed and memory against references measured in the same run."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from typing import TYPE_CHECKING

from brain.cli import CommandGroups
from brain.errors import UserError

if TYPE_CHECKING:
    from brain.bench import BenchOptions, Result


def register(groups: CommandGroups) -> None:
    """Add ``petbrain bench``."""
    parser = groups.command("bench", run, "measure latency, throughput and memory")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument(
        "--only", nargs="+", metavar="GROUP", help="run only these benchmark groups"
    )
    parser.add_argument("--list", action="store_true", help="list benchmark groups and exit")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a figure misses its design budget"
    )
    parser.add_argument(
        "--budgets", action="store_true", help="print the budget table (Markdown) and exit"
    )
    parser.add_argument(
        "--profile",
        choices=["pi5"],
        help="pin to one core and scale the camera rate to load it like the device's core",
    )


def run(args: argparse.Namespace) -> int:
    """Run the selected benchmark groups and print their figures."""
    from brain.bench import BenchOptions, registry
    from brain.bench.budgets import markdown_table

    if args.budgets:
        print(markdown_table(), end="")
        return 0
    groups = registry()
    if args.list:
        for name in groups:
            print(name)
        return 0
    selected = list(groups)
    if args.only:
        unknown = sorted(set(args.only) - set(groups))
        if unknown:
            raise UserError(f"unknown benchmark group(s): {', '.join(unknown)}; see --list")
        selected = [name for name in groups if name in args.only]
    options = BenchOptions(quick=args.quick)
    if getattr(args, "profile", None):
        options = _apply_profile(args.profile, options)
    results: list[Result] = []
    failed: list[str] = []
    for name in selected:
        if not args.json:
            print(f"[{name}]", file=sys.stderr, flush=True)
        try:
            results.extend(groups[name](options))
        except Exception as error:  # a broken group is reported, the rest still runs
            failed.append(name)
            print(f"petbrain bench: {name} failed: {error}", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
    missed = [r.name for r in results if r.ok is False]
    if args.json:
        print(
            json.dumps(
                {"results": [r.as_json() for r in results], "failed": failed, "missed": missed}
            )
        )
    else:
        _print_table(results)
    if args.check and missed:
        print(f"petbrain bench: over budget: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 1 if failed else 0


def _apply_profile(name: str, options: BenchOptions) -> BenchOptions:
    """Pin this process (and every process it starts) to one core; scale the camera."""
    import os

    from brain.bench import PROFILES, BenchOptions

    profile = PROFILES[name]
    if not hasattr(os, "sched_setaffinity"):
        raise UserError("--profile needs CPU affinity (Linux)")
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    print(
        f"profile {name}: pinned to CPU {core}; camera rate x{profile.slowdown:g} "
        f"({profile.source})",
        file=sys.stderr,
    )
    return BenchOptions(options.quick, name, profile.slowdown)


def _print_table(results: list[Result]) -> None:
    rows = [("figure", "value", "reference", "ratio", "budget", "verdict")]
    for r in results:
        ref = "-" if r.reference is None else f"{r.reference.value:.4g} ({r.reference.name})"
        ratio = "-" if r.ratio is None else f"{r.ratio:.3g}x"
        budget = r.budget.text if r.budget is not None else (r.note or "")
        rows.append((r.name, f"{r.value:.4g} {r.unit}", ref, ratio, budget, r.verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
