"""The split brain over Zenoh on loopback, each figure beside the in-process one of the same run.

* **observation latency**: a perception process publishes camera-rate vision
  observations; published -> received and decoded by the core's
  :class:`brain.net.core.RemotePerception`, p50 / p99. Reference: the same
  observations handed from a worker thread to the main thread through the
  bounded queue the all-in-one pet uses.
* **owner-emotion rate**: estimates per second the core's brain publishes
  while fed by the remote perception process; reference: fed in-process.
* **touch with perception remote**: touch onset on the virtual body (its own
  process, on a pty) -> first servo frame back, while the brain's loop also
  drains a perception process's stream; reference: the same loop fed the
  same stream in-process.
* **core throughput**: a perception process offers 500, 1000, ... 16000
  messages per second in steps; the highest load the core still accepts
  (decoded, validated, on its clock) at >= 99 %, and the core process's CPU
  at that load; reference: observations per second through the in-process
  queue.

Both ends use ``time.perf_counter`` (CLOCK_MONOTONIC, shared by the processes
of one machine) only to measure; nothing measured crosses the wire.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from brain.bench import BenchOptions, Reference, Result, benchmark, percentile
from sim.bench.net_rig import FRAME_RATE_HZ, KEEPS_UP, CoreRig, vision
from sim.bench.net_touch import touch_with_remote_perception


def _queue_latencies(frames: int) -> list[float]:
    """In-process: a worker thread puts observations, the main thread takes them."""
    out: queue.Queue[tuple[float, Any]] = queue.Queue(maxsize=256)

    def worker() -> None:
        for i in range(frames):
            out.put_nowait((time.perf_counter(), vision(i)))
            time.sleep(1.0 / FRAME_RATE_HZ)

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    latencies = []
    for _ in range(frames):
        sent, _ = out.get(timeout=5.0)
        latencies.append((time.perf_counter() - sent) * 1000.0)
    thread.join()
    return latencies


def _observation_latency(quick: bool) -> list[Result]:
    frames = 60 if quick else 300
    core = CoreRig("latency", frames)
    try:
        sent = core.result()
        time.sleep(0.3)
    finally:
        core.close()
    received = core.received_at
    if len(received) < frames * 0.95:
        raise RuntimeError(f"only {len(received)} of {frames} observations arrived")
    wire = [(r - s) * 1000.0 for s, r in zip(sent, received, strict=False)]
    local = _queue_latencies(frames)
    return [
        Result(
            "observation_published_to_core_p50_ms",
            percentile(wire, 0.5),
            "ms",
            Reference("in-process queue p50", percentile(local, 0.5)),
            details={"frames": float(len(received))},
        ),
        Result(
            "observation_published_to_core_p99_ms",
            percentile(wire, 0.99),
            "ms",
            Reference("in-process queue p99", percentile(local, 0.99)),
        ),
    ]


def _emotion_rate(
    brain: Any, feed: Callable[[float], None], seconds: float, clock_ms: Callable[[], float]
) -> float:
    """Owner-emotion estimates per second while ``feed(now_ms)`` supplies observations."""
    end_ms = clock_ms() + seconds * 1000.0
    seen: set[int] = set()
    while (now := clock_ms()) < end_ms:
        feed(now)
        brain.step(int(now))
        if brain.owner_emotion is not None:
            seen.add(brain.owner_emotion.t_ms)
        time.sleep(0.005)
    return len(seen) / seconds


def _brain() -> tuple[Any, Any]:
    """A brain with its fusion model on a pty nobody answers (fusion needs no body), the pty."""
    from brain.app.runtime import Brain
    from brain.body.link import BodyLink
    from sim.pty import PtyPort

    port = PtyPort()
    return Brain(BodyLink(port.path), seed=0), port


def _owner_emotion_rate(quick: bool) -> list[Result]:
    seconds = 3.0 if quick else 10.0
    brain, port = _brain()
    core = CoreRig("stream", 0)
    try:

        def remote_feed(now_ms: float) -> None:
            for observation in core.remote.take():
                brain.perceive(observation.value)

        remote = _emotion_rate(brain, remote_feed, seconds, core.clock_ms)
        core.conn.send("stop")
        core.result()
    finally:
        core.close()
        brain.link.close()
        port.close()
    brain, port = _brain()
    next_frame_ms = [0.0]
    start = time.perf_counter()

    def local_feed(now_ms: float) -> None:
        if now_ms >= next_frame_ms[0]:
            next_frame_ms[0] = now_ms + 1000.0 / FRAME_RATE_HZ
            brain.perceive(vision(int(now_ms)))

    local = _emotion_rate(
        brain, local_feed, seconds, lambda: (time.perf_counter() - start) * 1000.0
    )
    brain.link.close()
    port.close()
    return [
        Result(
            "owner_emotion_updates_per_s_remote",
            remote,
            "1/s",
            Reference("fed in-process", local),
            note="fusion publishes at 10 Hz",
        )
    ]


def _settle(count: Callable[[], int], quiet_s: float = 0.2, limit_s: float = 3.0) -> None:
    """Wait until ``count()`` has not grown for ``quiet_s`` (at most ``limit_s``)."""
    deadline = time.perf_counter() + limit_s
    last, since = count(), time.perf_counter()
    while time.perf_counter() < deadline and time.perf_counter() - since < quiet_s:
        time.sleep(0.02)
        now = count()
        if now != last:
            last, since = now, time.perf_counter()


def _throughput(quick: bool) -> list[Result]:
    """Offered loads stepped up until the core accepts less than 99 % of what is sent."""
    seconds = 1.0 if quick else 2.0
    core = CoreRig("ladder", seconds)
    steps: list[dict[str, float]] = []
    try:
        accepted_before = 0
        while True:
            cpu0, wall0 = time.process_time(), time.perf_counter()
            step = core.result()
            if step is None:
                break
            rate, sent, _ = step
            _settle(lambda: core.remote.decoder.stats.accepted)  # this step's tail arrives
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            core.remote.take()
            accepted = core.remote.decoder.stats.accepted - accepted_before
            accepted_before += accepted
            steps.append(
                {
                    "offered": float(rate),
                    "sent_per_s": sent / seconds,
                    "accepted_share": accepted / max(1, sent),
                    "cpu_percent": 100.0 * cpu / wall,
                    "cpu_us_per_msg": 1e6 * cpu / max(1, accepted),
                }
            )
            core.conn.send("next")
    finally:
        core.close()
    # Keeping up: this load and every lower one accepted at >= KEEPS_UP.
    kept = []
    for step_result in steps:
        if step_result["accepted_share"] < KEEPS_UP:
            break
        kept.append(step_result)
    kept = kept or steps[:1]
    best = max(kept, key=lambda s: s["sent_per_s"])
    # In-process: observations through the pet's bounded queue, hand to hand.
    local: queue.Queue[Any] = queue.Queue(maxsize=256)
    frame = vision(0)
    n = 20_000
    start = time.perf_counter()
    for _ in range(n):
        local.put_nowait(frame)
        local.get_nowait()
    local_rate = n / (time.perf_counter() - start)
    details = {f"share_at_{int(s['offered'])}": s["accepted_share"] for s in steps}
    details.update({f"cpu_pct_at_{int(s['offered'])}": s["cpu_percent"] for s in steps})
    return [
        Result(
            "core_keeps_up_msgs_per_s",
            best["sent_per_s"],
            "1/s",
            Reference("in-process queue observations/s", local_rate),
            details={**details, "camera_rate_msgs_per_s": 2 * FRAME_RATE_HZ},
        ),
        Result(
            "core_cpu_percent_at_that_rate",
            best["cpu_percent"],
            "%",
            details={"cpu_us_per_msg": best["cpu_us_per_msg"]},
        ),
    ]


@benchmark("net")
def net(options: BenchOptions) -> list[Result]:
    """The split brain on loopback Zenoh, beside the in-process figures."""
    return [
        *_observation_latency(options.quick),
        *_owner_emotion_rate(options.quick),
        *touch_with_remote_perception(options.quick),
        *_throughput(options.quick),
    ]
