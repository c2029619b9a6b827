"""Touch onset on the body -> first servo frame written back, over a real pty.

The virtual body runs in its own process on the wall clock, like the real
board: it notes when it sends the first TOUCH_FRAME of a touch and when the
next SERVO_TARGETS frame reaches it. The brain runs here, unchanged. The
reference is the bare transport: a frame bounced straight back over the same
kind of pty by a process that does nothing else.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from multiprocessing.connection import Connection

from brain.app.runtime import Brain
from brain.bench import BenchOptions, Reference, Result, benchmark, percentile
from brain.body.joints import DEFAULT_ROBOT
from brain.body.link import BodyLink
from firmware import wire
from sensors.touch.synthetic import Press, combine

TOUCH_PERIOD_MS = 220  # one short touch of 80 ms every period
TOUCH_MS = 80
WARMUP_MS = 600


def _body_process(
    conn: Connection, touches: int, warmup_ms: int = WARMUP_MS, own_chip: bool = False
) -> None:
    """Child: a virtual body on the wall clock that times its own touches.

    ``own_chip``: the real body is a microcontroller that no host process can
    delay; where the OS allows, the virtual one gets real-time priority so the
    host's other load does not add its scheduling delays to the brain's.
    """
    from sim.body import VirtualBody

    if own_chip:
        import os

        from brain.app.realtime import prefer_reaction_path

        prefer_reaction_path(realtime=True, priority=30)
        if hasattr(os, "sched_setaffinity") and os.cpu_count():
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))  # not the brain's core

    layout = DEFAULT_ROBOT.layout
    pads = tuple(layout.indices(["back_middle"]))
    scripts = [
        Press(layout, warmup_ms + i * TOUCH_PERIOD_MS, TOUCH_MS, pads, 0.7) for i in range(touches)
    ]
    body = VirtualBody(layout.pad_count, len(DEFAULT_ROBOT.joints), combine(layout, scripts))
    conn.send(body.path)
    latencies_ms: list[float] = []
    onsets_s: list[float] = []  # time.monotonic() of each answered touch's onset
    onset_at: float | None = None
    was_touched = False
    watch_in = wire.Decoder()
    start = time.perf_counter()
    end_ms = warmup_ms + touches * TOUCH_PERIOD_MS + 300
    original_write = body.port.write
    original_read = body.port.read

    def write(data: bytes) -> int:
        nonlocal onset_at, was_touched
        written = original_write(data)
        for message in wire.Decoder().feed(data):
            if isinstance(message, wire.TouchFrame):
                touched = max(message.values) >= 60
                if touched and not was_touched:
                    onset_at = time.perf_counter()
                was_touched = touched
        return written

    def read() -> bytes | None:
        nonlocal onset_at
        data = original_read()
        if data:
            for message in watch_in.feed(data):
                if isinstance(message, wire.ServoTargets) and onset_at is not None:
                    latencies_ms.append((time.perf_counter() - onset_at) * 1000.0)
                    onsets_s.append(time.monotonic() - latencies_ms[-1] / 1000.0)
                    onset_at = None
        return data

    body.port.write = write  # type: ignore[method-assign]
    body.port.read = read  # type: ignore[method-assign]
    while True:
        now_ms = int((time.perf_counter() - start) * 1000)
        if now_ms > end_ms:
            break
        # Wake as soon as the brain writes, as the board's UART interrupt would.
        body.port.wait_readable(0.001)
        body.tick(now_ms)
    conn.send((latencies_ms, onsets_s))
    body.close()


def _echo_process(conn: Connection, frames: int) -> None:
    """Child: bounces every frame straight back (the transport's floor)."""
    from sim.pty import PtyPort

    port = PtyPort()
    conn.send(port.path)
    bounced = 0
    while bounced < frames:
        if port.wait_readable(1.0):
            data = port.read()
            if data:
                port.write(data)
                bounced += data.count(b"\x00")
    time.sleep(0.1)
    port.close()


def _echo_reference(frames: int) -> list[float]:
    import serial

    parent, child = mp.Pipe()
    proc = mp.get_context("fork").Process(target=_echo_process, args=(child, frames))
    proc.start()
    path = parent.recv()
    port = serial.serial_for_url(path, timeout=1.0)
    frame = wire.encode(wire.TouchFrame(0, tuple(range(14))), 1)
    samples = []
    for _ in range(frames):
        t0 = time.perf_counter()
        port.write(frame)
        got = b""
        while not got.endswith(b"\x00"):
            got += port.read(port.in_waiting or 1)
        samples.append((time.perf_counter() - t0) * 1000.0)
    port.close()
    proc.join(5)
    return samples


@benchmark("touch_latency")
def touch_latency(options: BenchOptions) -> list[Result]:
    """p50/p99 of touch onset -> first servo frame back at the body."""
    touches = 40 if options.quick else 250
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_body_process, args=(child, touches))
    proc.start()
    path = parent.recv()
    link = BodyLink(path)
    brain = Brain(link, seed=0)
    start = time.perf_counter()
    # Stop listening just before the body process ends, so its exit is not a "lost link".
    end_s = (WARMUP_MS + touches * TOUCH_PERIOD_MS + 150) / 1000.0
    while time.perf_counter() - start < end_s:
        now_ms = int((time.perf_counter() - start) * 1000)
        brain.step(now_ms)
        link.wait_readable(5.0)
    link.close()
    latencies, _onsets = parent.recv() if parent.poll(5.0) else ([], [])
    proc.join(5)
    if len(latencies) < touches // 2:
        raise RuntimeError(f"only {len(latencies)} of {touches} touches were answered")
    echo = _echo_reference(100 if options.quick else 400)
    ref50 = Reference("pty echo round trip p50", percentile(echo, 0.5))
    ref99 = Reference("pty echo round trip p99", percentile(echo, 0.99))
    return [
        Result("touch_to_servo_p50_ms", percentile(latencies, 0.5), "ms", ref50),
        Result(
            "touch_to_servo_p99_ms",
            percentile(latencies, 0.99),
            "ms",
            ref99,
            details={"touches": float(len(latencies))},
        ),
    ]
