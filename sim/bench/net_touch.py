"""Touch onset -> first servo frame with perception on another node, beside it fed in-process.

The virtual body times its own touches in its own process on a pty
(:func:`sim.bench.latency._body_process`); the brain's loop here also takes a
camera-rate vision stream, either from a perception process over Zenoh on
loopback (as ``--role core`` does) or from a thread in this process (as the
all-in-one pet does). The touch path itself never crosses the network.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from brain.bench import Reference, Result, percentile
from sim.bench.latency import TOUCH_PERIOD_MS, WARMUP_MS, _body_process
from sim.bench.net_rig import FRAME_RATE_HZ, CoreRig, vision


def _touch_run(
    touches: int, feed: Callable[[Any, float], int], clock_ms: Callable[[], float]
) -> tuple[list[float], int]:
    """Latencies of ``touches`` touches while ``feed(brain, now_ms)`` hands observations.

    The brain steps on ``clock_ms`` (the clock its observations are stamped on).
    """
    from brain.app.runtime import Brain
    from brain.body.link import BodyLink

    ctx = mp.get_context("spawn")  # Zenoh's runtime threads live in this process: never fork
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_body_process, args=(child, touches))
    proc.start()
    path = parent.recv()
    link = BodyLink(path)
    brain = Brain(link, seed=0)
    fed = 0
    start = time.perf_counter()
    end_s = (WARMUP_MS + touches * TOUCH_PERIOD_MS + 150) / 1000.0
    while time.perf_counter() - start < end_s:
        now_ms = clock_ms()
        brain.step(int(now_ms))
        fed += feed(brain, now_ms)
        link.wait_readable(5.0)
    link.close()
    latencies: list[float] = parent.recv() if parent.poll(10.0) else []
    proc.join(5)
    if len(latencies) < touches // 2:
        raise RuntimeError(f"only {len(latencies)} of {touches} touches were answered")
    return latencies, fed


def touch_with_remote_perception(quick: bool) -> list[Result]:
    """p50/p99 touch -> servo, perception remote vs in-process, same run."""
    touches = 40 if quick else 150
    core = CoreRig("stream", 0)
    try:

        def remote(brain: Any, now_ms: float) -> int:
            taken = core.remote.take()
            for observation in taken:
                brain.perceive(observation.value)
            return len(taken)

        wire, wire_fed = _touch_run(touches, remote, core.clock_ms)
        core.conn.send("stop")
        core.result()
    finally:
        core.close()
    frames: queue.Queue[bool] = queue.Queue(maxsize=256)
    stop = threading.Event()

    def camera() -> None:
        while not stop.wait(1.0 / FRAME_RATE_HZ):
            frames.put_nowait(True)  # a frame is ready; the loop stamps it on its clock

    thread = threading.Thread(target=camera, daemon=True)
    thread.start()

    def local(brain: Any, now_ms: float) -> int:
        n = 0
        while True:
            try:
                frames.get_nowait()
            except queue.Empty:
                return n
            brain.perceive(vision(int(now_ms)))
            n += 1

    start = time.perf_counter()
    try:
        here, here_fed = _touch_run(touches, local, lambda: (time.perf_counter() - start) * 1000.0)
    finally:
        stop.set()
        thread.join()
    return [
        Result(
            "touch_to_servo_p50_ms_perception_remote",
            percentile(wire, 0.5),
            "ms",
            Reference("perception in-process p50", percentile(here, 0.5)),
            details={"observations_fed": float(wire_fed), "reference_fed": float(here_fed)},
        ),
        Result(
            "touch_to_servo_p99_ms_perception_remote",
            percentile(wire, 0.99),
            "ms",
            Reference("perception in-process p99", percentile(here, 0.99)),
            details={"touches": float(len(wire))},
        ),
    ]
