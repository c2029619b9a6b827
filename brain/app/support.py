"""Small pieces of ``petbrain run``: the events file and the robot.yaml-versus-body check."""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from brain.body.link_status import BodyInfo
from brain.setup.config import RobotFile


class EventLog:
    """JSON lines, one per event, from any thread; never frames or audio samples."""

    def __init__(self, out: IO[str] | None) -> None:
        self.out = out
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        """Append one record (a full disk or closed pipe is ignored: the pet matters more)."""
        if self.out is None:
            return
        line = json.dumps(record, default=str)
        with self._lock, contextlib.suppress(OSError, ValueError):
            self.out.write(line + "\n")
            self.out.flush()


def body_mismatches(config: RobotFile, info: BodyInfo) -> list[str]:
    """Where ``robot.yaml`` and the body's HELLO_ACK disagree, in words an owner can act on."""
    out = []
    if info.pad_count != len(config.pads):
        out.append(
            f"{len(config.pads)} pads in robot.yaml, the body scans {info.pad_count}: "
            "fix the pads list (touch frames will be refused until then)"
        )
    missing = [s.name for s in config.servos if s.channel >= info.servo_count]
    if missing:
        out.append(
            f"the body drives {info.servo_count} servo channels; "
            f"{', '.join(missing)} use channels beyond them and will not move"
        )
    if info.board not in (config.body.board, "sim"):
        out.append(f"body.board is {config.body.board}, the body says {info.board}")
    return out


@contextlib.contextmanager
def events_file(path: Path | None) -> Iterator[IO[str] | None]:
    """The ``--events`` JSON-lines file (``-`` is stdout), or None."""
    if path is None:
        yield None
        return
    if str(path) == "-":
        yield sys.stdout
        return
    with path.open("a", encoding="utf-8", buffering=1) as handle:
        yield handle
