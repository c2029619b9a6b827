"""``petbrain perceive PATH...``: run the perception stack on files, one JSON line per item.

Each modality lives in its own module, listed in :data:`PERCEIVERS`, that
exposes ``SUFFIXES`` (lower-case file suffixes it reads) and
``perceive_file(path, options) -> Iterator[dict]``. A file that cannot be read
yields a line with ``"error"`` and the run goes on.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from brain.cli import CommandGroups
from brain.errors import UserError, plain_message

# Modules that perceive one kind of file; imported only when a file needs them.
PERCEIVERS = ("sensors.camera.perceive", "sensors.audio.perceive", "sensors.touch.perceive")


def register(groups: CommandGroups) -> None:
    """Add ``petbrain perceive``."""
    parser = groups.command("perceive", run, "perceive images, videos, wav clips and touch traces")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (recursive)")
    parser.add_argument("--json", action="store_true", help="JSON lines (the default output)")
    parser.add_argument("--every", type=int, default=1, metavar="N", help="every Nth video frame")
    parser.add_argument(
        "--crops", action="store_true", help="images are already cropped, aligned faces"
    )
    parser.add_argument(
        "--together",
        nargs="+",
        metavar="FILE",
        help="FACE_IMAGE VOICE_WAV [TOUCH_TRACE]: fuse them into one owner-emotion estimate",
    )


def _load(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name and name.startswith(error.name):
            return None  # that modality is not built yet
        raise


def perceivers() -> dict[str, ModuleType]:
    """Suffix -> module, for every perceiver module that exists."""
    table: dict[str, ModuleType] = {}
    for name in PERCEIVERS:
        module = _load(name)
        if module is not None:
            for suffix in module.SUFFIXES:
                table[suffix] = module
    return table


def expand(paths: list[str]) -> Iterator[Path]:
    """Files named, and files under folders named, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


def run(args: argparse.Namespace) -> int:
    """Print one JSON line per perceived item; per-file errors do not stop the run.

    Exit 1 when every input failed, 0 when at least one item was perceived
    (with ``--together`` too: the fused record is printed either way).
    """
    if args.every < 1:
        raise UserError("--every must be at least 1")
    if args.together:
        module = _load("brain.fusion.together")
        if module is None:
            raise UserError("--together needs the fusion module, which is not built yet")
        result = module.perceive_together([Path(p) for p in args.together], args)
        print(json.dumps(result))
        inputs = [value for key, value in result.items() if key != "owner_emotion"]
        return 1 if all("error" in record for record in inputs) else 0
    if not args.paths:
        raise UserError("give at least one PATH (file or folder)")
    table = perceivers()
    errors = 0
    perceived = 0
    for path in expand(args.paths):
        module = table.get(path.suffix.lower())
        record: dict[str, Any]
        if not path.exists():
            record = {"path": str(path), "error": "no such file"}
        elif module is None:
            if Path(str(path)).parent != path and any(Path(p).is_dir() for p in args.paths):
                continue  # unrelated file inside a folder: skip quietly
            record = {"path": str(path), "error": f"no perceiver for '{path.suffix}' files"}
        else:
            try:
                for record in module.perceive_file(path, args):
                    failed = "error" in record
                    errors += failed
                    perceived += not failed
                    print(json.dumps(record), flush=True)
                continue
            except Exception as error:  # a broken file must not stop the run
                record = {"path": str(path), "error": plain_message(error)}
        errors += 1
        print(json.dumps(record), flush=True)
    if errors:
        print(f"petbrain perceive: {errors} file(s) had errors", file=sys.stderr)
    # Some output is a result; nothing perceived at all is a failure (exit 1).
    return 1 if errors and not perceived else 0
