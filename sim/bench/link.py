"""Body link benchmarks: codec throughput and command round trip over a real pty.

* ``link codec``: ``wire.encode`` + ``wire.Decoder.feed`` of a realistic mix of
  messages, against ``json`` encoding of the same messages and against bare
  ``struct`` packing of their payloads (no framing, no CRC: the floor).
* ``link command rtt``: brain ``BodyLink.send_command`` to the ACK coming back,
  against a ``VirtualBody`` running the real firmware in a thread on the real
  clock, behind a pseudo-terminal; reference: the same frame echoed through a
  bare pty by a thread (the OS + pyserial floor).
"""

from __future__ import annotations

import json
import os
import select
import struct
import threading
import time
import tty

from brain.bench import BenchOptions, Reference, Result, benchmark, percentile
from firmware import wire


def _traffic() -> list[wire.Message]:
    """One cycle of link traffic: mostly touch and IMU frames, some targets, a heartbeat."""
    touch = wire.TouchFrame(123456, tuple(range(100, 1500, 100)))
    imu = wire.Imu(123456, (12, -40, 1003), (15, -3, 2), 17, 0)
    targets = wire.ServoTargets(tuple((ch, ch * 500 - 2000, 120) for ch in range(8)))
    return [touch, imu, touch, imu, targets, wire.Heartbeat(99), wire.Status(3900, 0, True, False)]


def _codec_rate(messages: list[wire.Message], repeat: int) -> float:
    decoder = wire.Decoder()
    start = time.perf_counter()
    for _ in range(repeat):
        stream = b"".join([wire.encode(m, i) for i, m in enumerate(messages)])
        out = decoder.feed(stream)
        if len(out) != len(messages):
            raise RuntimeError("codec lost messages during the benchmark")
    return repeat * len(messages) / (time.perf_counter() - start)


def _json_rate(messages: list[wire.Message], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        lines = [
            json.dumps(
                {"type": m.TYPE, "seq": i, **dict(zip(m.FIELDS, m.field_values(), strict=True))}
            )
            for i, m in enumerate(messages)
        ]
        stream = "\n".join(lines).encode()
        out = [json.loads(line) for line in stream.split(b"\n")]
        if len(out) != len(messages):
            raise RuntimeError("json lost messages")
    return repeat * len(messages) / (time.perf_counter() - start)


def _struct_rate(messages: list[wire.Message], repeat: int) -> float:
    payloads = [(m.TYPE, m.pack()) for m in messages]
    start = time.perf_counter()
    for _ in range(repeat):
        packed = [struct.pack("<BH", t, len(p)) + p for t, p in payloads]
        for blob in packed:
            struct.unpack_from("<BH", blob, 0)
    return repeat * len(messages) / (time.perf_counter() - start)


@benchmark("link")
def link_benchmarks(options: BenchOptions) -> list[Result]:
    """Codec throughput and command round-trip time."""
    return [*codec_results(options), *rtt_results(options)]


def codec_results(options: BenchOptions) -> list[Result]:
    """Messages per second through the codec, with json and bare struct references."""
    messages = _traffic()
    repeat = 300 if options.quick else 3000
    _codec_rate(messages, 20)
    codec = max(_codec_rate(messages, repeat) for _ in range(3))
    as_json = max(_json_rate(messages, repeat) for _ in range(3))
    bare = max(_struct_rate(messages, repeat) for _ in range(3))
    note = "link traffic is ~250 messages/s; >= 10,000/s leaves the core free"
    return [
        Result(
            "link codec encode+decode",
            codec,
            "msg/s",
            Reference("json dumps+loads, same messages", as_json),
            note,
        ),
        Result(
            "link codec vs bare struct",
            codec,
            "msg/s",
            Reference("struct pack+unpack only, no framing or CRC", bare),
        ),
    ]


def _pty_echo_rtt_ms(frame: bytes, samples: int) -> list[float]:
    """Round trip of ``frame`` through a bare pty echoed by a thread (the floor)."""
    import serial

    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    stop = threading.Event()

    def echo() -> None:
        while not stop.is_set():
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                os.write(master, os.read(master, 4096))

    thread = threading.Thread(target=echo, daemon=True)
    thread.start()
    port = serial.serial_for_url(os.ttyname(slave), timeout=1.0)
    times = []
    try:
        for _ in range(samples):
            start = time.perf_counter()
            port.write(frame)
            got = b""
            while len(got) < len(frame):
                got += port.read(len(frame) - len(got))
            times.append((time.perf_counter() - start) * 1000.0)
    finally:
        stop.set()
        thread.join(1.0)
        port.close()
        os.close(master)
        os.close(slave)
    return times


def _command_rtt_ms(samples: int) -> tuple[list[float], int]:
    """Brain command -> ACK over a pty against the virtual body on the real clock."""
    from brain.body.link import BodyLink
    from sim.body import BodyThread, VirtualBody

    body = VirtualBody(14, 8)
    thread = BodyThread(body, period_ms=2.0).start()
    link = BodyLink(body.path)
    t0 = time.perf_counter()

    def now_ms() -> int:
        return int((time.perf_counter() - t0) * 1000)

    times: list[float] = []
    failed = 0
    try:
        link.open(now_ms())
        while not link.ready:
            if now_ms() > 3000:
                raise RuntimeError("virtual body did not answer HELLO")
            link.tick(now_ms())
            link.wait_readable(2)
            link.poll(now_ms())
        for i in range(samples):
            done: list[bool] = []
            start = time.perf_counter()
            link.send_command(
                wire.Led(wire.LED_SOLID, 0, ((i % 256, 0, 0),)), now_ms(), done.append
            )
            while not done:
                link.wait_readable(1)
                link.poll(now_ms())
                link.tick(now_ms())
            if done[0]:
                times.append((time.perf_counter() - start) * 1000.0)
            else:
                failed += 1
    finally:
        link.close()
        thread.stop()
        body.close()
    return times, failed


def rtt_results(options: BenchOptions) -> list[Result]:
    """Command round trip p50/p99 against the bare pty echo."""
    samples = 40 if options.quick else 400
    times, failed = _command_rtt_ms(samples)
    if not times:
        raise RuntimeError("no command was acknowledged")
    frame = wire.encode(wire.Led(wire.LED_SOLID, 0, ((1, 0, 0),)), 1)
    echo = _pty_echo_rtt_ms(frame, samples)
    details = {"samples": float(len(times)), "failed": float(failed)}
    return [
        Result(
            "link command rtt p50",
            percentile(times, 0.5),
            "ms",
            Reference("bare pty echo p50, same frame", percentile(echo, 0.5)),
            None,
            details,
        ),
        Result(
            "link command rtt p99",
            percentile(times, 0.99),
            "ms",
            Reference("bare pty echo p99, same frame", percentile(echo, 0.99)),
            None,
            details,
        ),
    ]
