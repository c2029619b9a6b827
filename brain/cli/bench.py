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
    from brain.bench import Result


def register(groups: CommandGroups) -> None:
    """Add ``petbrain bench``."""
    parser = groups.command("bench", run, "measure latency, throughput and memory")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument(
        "--only", nargs="+", metavar="GROUP", help="run only these benchmark groups"
    )
    parser.add_argument("--list", action="store_true", help="list benchmark groups and exit")


def run(args: argparse.Namespace) -> int:
    """Run the selected benchmark groups and print their figures."""
    from brain.bench import BenchOptions, registry

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
    if args.json:
        print(json.dumps({"results": [r.as_json() for r in results], "failed": failed}))
    else:
        _print_table(results)
    return 1 if failed else 0


def _print_table(results: list[Result]) -> None:
    rows = [("figure", "value", "reference", "ratio", "budget")]
    for r in results:
        ref = "-" if r.reference is None else f"{r.reference.value:.4g} ({r.reference.name})"
        ratio = "-" if r.ratio is None else f"{r.ratio:.3g}x"
        rows.append((r.name, f"{r.value:.4g} {r.unit}", ref, ratio, r.budget or ""))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
