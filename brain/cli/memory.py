"""``petbrain memory show|export|forget``: the owner sees, keeps and erases what the pet learned."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

from brain.cli import CommandGroups
from brain.errors import UserError

if TYPE_CHECKING:
    from brain.memory import OwnerMemory

GROUP_HELP = "what the pet has learned about you: show it, export it, forget it"


def register(groups: CommandGroups) -> None:
    """Add ``petbrain memory show``, ``export`` and ``forget``."""
    show = groups.subcommand(
        "memory", "show", memory_show, "what the pet believes about you", GROUP_HELP
    )
    export = groups.subcommand("memory", "export", memory_export, "write everything to JSON")
    export.add_argument("file", type=Path, help="the JSON file to write")
    forget = groups.subcommand("memory", "forget", memory_forget, "erase what the pet learned")
    what = forget.add_mutually_exclusive_group(required=True)
    what.add_argument("--all", action="store_true", help="everything")
    what.add_argument("--since", metavar="YYYY-MM-DD", help="everything from this day on")
    what.add_argument(
        "--what", choices=("episodes", "rhythm", "touches", "baseline"), help="one kind"
    )
    for parser in (show, export, forget):
        parser.add_argument(
            "--config", type=Path, default=Path("robot.yaml"), help="robot.yaml naming the file"
        )
        parser.add_argument("--db", type=Path, help="the memory file itself (overrides --config)")
    show.add_argument("--json", action="store_true", help="machine-readable output")


def _open(args: argparse.Namespace) -> OwnerMemory:
    from brain.memory import OwnerMemory
    from brain.setup.config import RobotFile

    path: Path | None = args.db
    retention = 30
    if path is None:
        if not args.config.exists():
            raise UserError(f"{args.config} not found: give --config robot.yaml or --db FILE")
        from brain.cli.run import load_config_or_fail

        config = cast(RobotFile, load_config_or_fail(args.config))
        path = config.memory.file(args.config.resolve().parent)
        retention = config.memory.retention_days
    if not path.exists():
        raise UserError(f"{path}: no owner memory yet (the pet has not learned anything)")
    return OwnerMemory(path, retention_days=retention)


def memory_show(args: argparse.Namespace) -> int:
    """Print the beliefs in plain words (or JSON)."""
    from brain.memory.beliefs import beliefs

    memory = _open(args)
    try:
        doc = beliefs(memory)
    finally:
        memory.close()
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    for notice in doc["notices"]:
        print(f"note: {notice}")
    for line in doc["lines"]:
        print(line)
    return 0


def memory_export(args: argparse.Namespace) -> int:
    """Write every stored record to a JSON file."""
    memory = _open(args)
    try:
        document = memory.export()
    finally:
        memory.close()
    try:
        args.file.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write {args.file}: {error}") from error
    print(
        f"wrote {args.file}: {len(document['episodes'])} episodes, "
        f"{len(document['welcome'])} welcome summaries, {len(document['presence'])} presence events"
    )
    return 0


def memory_forget(args: argparse.Namespace) -> int:
    """Erase everything, everything since a date, or one kind."""
    since: date | None = None
    if args.since is not None:
        try:
            since = date.fromisoformat(args.since)
        except ValueError as error:
            raise UserError(f"--since {args.since!r} is not a date YYYY-MM-DD") from error
    memory = _open(args)
    try:
        said = memory.forget(everything=args.all, since=since, what=args.what)
    finally:
        memory.close()
    print(said)
    return 0
