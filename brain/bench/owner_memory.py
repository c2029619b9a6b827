"""Owner memory's costs: a write per episode, selection with learned gating, the file's size.

References, measured in the same run: appending one line to a file with
``fsync`` (the cheapest durable write), the selector without owner memory,
and an empty memory file.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from brain.bench import BenchOptions, Reference, Result, benchmark, time_per_call_ms

START = datetime(2026, 1, 5, 8, 0)


def _episode_writes(path: Path, count: int) -> float:
    from brain.memory import Episode, OwnerMemory
    from brain.memory.welcome import time_bucket

    memory = OwnerMemory(path)  # durable: synchronous=FULL, as on the robot
    counter = iter(range(10**9))

    def write() -> None:
        at = START + timedelta(seconds=next(counter))
        memory.record_episode(Episode(at, "seek_attention", time_bucket(at), "ok", True, 0, "warm"))

    cost = time_per_call_ms(write, count)
    memory.close()
    return cost


def _fsync_line(path: Path, count: int) -> float:
    with open(path, "a", encoding="utf-8") as handle:

        def append() -> None:
            handle.write('{"behaviour": "seek_attention", "answer": "warm"}\n')
            handle.flush()
            os.fsync(handle.fileno())

        return time_per_call_ms(append, count)


def _selection_ms(with_memory: bool, repeat: int) -> float:
    from behaviors.library import load_library
    from brain.behave.selector import Selector
    from brain.events import OwnerPresence, Tick
    from brain.memory import Episode, Learner, OwnerMemory
    from brain.memory.welcome import time_bucket

    library = load_library()
    selector = Selector(library, seed=1)
    if with_memory:
        memory = OwnerMemory(None)
        for hour in range(24):  # a month of answers, every hour of the day
            at = START.replace(hour=hour)
            for name in ("seek_attention", "invite_play", "stay_close_while_sad"):
                for answer in ("warm", "cold", "ignored") * 5:
                    memory.record_episode(Episode(at, name, time_bucket(at), "ok", True, 0, answer))
        selector.context.learned = Learner(memory, lambda t: START + timedelta(milliseconds=t))
    selector.choose(OwnerPresence(0, True, 0), 0, None)
    clock = iter(range(1, 10**9))

    def tick() -> None:
        # An idle hour in steps of 10 minutes: idle triggers fire, proactive ones are judged.
        t = next(clock) * 600_000
        selector.choose(Tick(t, (t / 60_000) % 1440), t, None)

    return time_per_call_ms(tick, repeat)


def _month_bytes(folder: Path, episodes_per_day: int) -> tuple[float, float]:
    from brain.memory import Episode, OwnerMemory
    from brain.memory.welcome import time_bucket

    path = folder / "month.db"
    memory = OwnerMemory(path, durable=False)  # size does not depend on the sync mode
    memory.store.checkpoint()
    empty = float(memory.store.size_bytes())
    for day in range(30):
        base = START + timedelta(days=day)
        memory.new_moment(base)
        memory.record_presence(base - timedelta(minutes=30), True)
        memory.record_presence(base + timedelta(hours=1), False)
        memory.record_presence(base + timedelta(hours=10), True)
        memory.record_presence(base + timedelta(hours=15), False)
        for i in range(episodes_per_day):
            at = base + timedelta(hours=10, minutes=7 * i)
            memory.record_episode(
                Episode(at, "seek_attention", time_bucket(at), "ok", True, 0, "warm")
            )
            memory.record_touch(at, "chin", "scratch")
    memory.store.checkpoint()
    size = float(memory.store.size_bytes())
    memory.close()
    return size, empty


@benchmark("owner_memory")
def bench_owner_memory(options: BenchOptions) -> list[Result]:
    """Episode write cost, selection cost with learned gating, file size per simulated month."""
    writes = 20 if options.quick else 200
    with tempfile.TemporaryDirectory(prefix="petbrain-bench-") as scratch:
        folder = Path(scratch)
        write_ms = _episode_writes(folder / "owner.db", writes)
        fsync_ms = _fsync_line(folder / "lines.jsonl", writes)
        size, empty = _month_bytes(folder, 20)
    repeat = 50 if options.quick else 500
    gated_ms = _selection_ms(True, repeat)
    plain_ms = _selection_ms(False, repeat)
    return [
        Result(
            "owner_memory_write_ms",
            write_ms,
            "ms",
            Reference("append one line + fsync", fsync_ms),
            note="one episode, WAL, synchronous=FULL (a few episodes an hour)",
        ),
        Result(
            "selection_with_learned_gating_ms",
            gated_ms,
            "ms",
            Reference("the same selection without owner memory", plain_ms),
            note="an idle tick every 10 simulated minutes, a month of answers pooled",
        ),
        Result(
            "owner_memory_month_kib",
            size / 1024.0,
            "KiB",
            Reference("an empty memory file", empty / 1024.0),
        ),
    ]
