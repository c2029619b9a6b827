"""How fast the simulator runs headless, and what the dashboard costs the brain's thread.

The headless demo's speed (simulated seconds per wall second) is compared
with the virtual body ticking alone (the firmware without a brain), which is
the ceiling the pty round trips and the brain are paid from. The dashboard's
state document is built on the simulator's thread every 40 ms; its cost is
compared with one simulator tick.
"""

from __future__ import annotations

import json
import time

from brain.bench import BenchOptions, Reference, Result, benchmark, time_per_call_ms


def _body_alone_factor(duration_ms: int) -> float:
    from brain.body.joints import DEFAULT_ROBOT
    from sim.body import VirtualBody

    body = VirtualBody(DEFAULT_ROBOT.layout.pad_count, len(DEFAULT_ROBOT.joints))
    start = time.perf_counter()
    for t in range(0, duration_ms + 1, 10):
        body.tick(t)
    elapsed = time.perf_counter() - start
    body.close()
    return duration_ms / 1000.0 / elapsed


@benchmark("sim")
def sim_speed(options: BenchOptions) -> list[Result]:
    """Headless real-time factor of the demo, and the dashboard's per-document cost."""
    from sim.dashboard.state import StatePublisher
    from sim.runner import SimSession
    from sim.scenario import DEMO_SCENARIO, load_scenario

    scenario = load_scenario(DEMO_SCENARIO)
    if options.quick:
        scenario = scenario.model_copy(update={"duration_ms": 3000})
    session = SimSession(scenario)
    start = time.perf_counter()
    report = session.run()
    elapsed = time.perf_counter() - start
    factor = scenario.duration_ms / 1000.0 / elapsed

    probe = SimSession(scenario.model_copy(update={"events": [], "expect": []}))
    for _ in range(60):
        probe.step()
    publisher = StatePublisher()
    document_ms = time_per_call_ms(
        lambda: json.dumps(publisher.snapshot(probe)), repeat=50 if options.quick else 300
    )
    tick_ms = time_per_call_ms(probe.step, repeat=50 if options.quick else 300)
    probe.close()
    return [
        Result(
            "headless_demo_realtime_factor",
            factor,
            "x real time",
            Reference("virtual body alone", _body_alone_factor(scenario.duration_ms)),
            details={
                "simulated_s": scenario.duration_ms / 1000.0,
                "wall_s": elapsed,
                "settle_timeouts": float(report.settle_timeouts),
            },
        ),
        Result(
            "dashboard_state_document_ms",
            document_ms,
            "ms",
            Reference("one simulator tick (body + brain + pty)", tick_ms),
        ),
    ]
