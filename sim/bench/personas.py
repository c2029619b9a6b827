"""Fourteen simulated days with a persona, against the design budget of ten minutes on one core.

The figure is the process CPU time of :class:`sim.owners.loop.OwnerLoop` for
14 days of the ``commuter`` persona (the budget's case); the reference,
measured in the same run, is the same loop with owner memory forgotten at
every simulated midnight (the pet re-learning nothing: what the loop costs
without what memory adds). ``--quick`` runs 2 days and scales to 14.
"""

from __future__ import annotations

import time
from pathlib import Path

from brain.bench import BenchOptions, Reference, Result, benchmark


def _cpu_s(days: int, forget_daily: bool) -> float:
    from sim.owners.loop import OwnerLoop, open_memory
    from sim.owners.persona import load_persona

    loop = OwnerLoop(load_persona(Path("commuter")), open_memory(None))
    start = time.process_time()
    for day in range(days):
        if forget_daily:
            loop.memory.forget(everything=True)
        loop.run(1, first_day=day)
    return time.process_time() - start


@benchmark("personas")
def bench_personas(options: BenchOptions) -> list[Result]:
    """CPU seconds for 14 simulated days with a persona (closed loop, owner memory on)."""
    days = 2 if options.quick else 14
    scale = 14 / days
    learning = _cpu_s(days, False) * scale
    forgetting = _cpu_s(days, True) * scale
    return [
        Result(
            "persona_14_days_cpu_s",
            learning,
            "s",
            Reference("the same days, memory forgotten every midnight", forgetting),
        )
    ]
