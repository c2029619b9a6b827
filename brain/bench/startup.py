"""Start to first heartbeat: ``petbrain run`` spawned against a virtual body on a pty.

The clock starts when the process is spawned and stops when the body (the
real firmware code in :class:`sim.live_body.LiveBody`, ticking on the wall
clock in this process) receives the brain's first HEARTBEAT, which the brain
sends only after the HELLO handshake: the pet is then alive and in contact.
References, measured in the same run: a bare ``python -c pass`` and
``petbrain --version`` (interpreter plus the CLI's imports).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from brain.bench import BenchOptions, Reference, Result, benchmark
from brain.config_template import render_config
from brain.devices import DeviceReport
from sim.live_body import LiveBody

HEARTBEAT_TIMEOUT_S = 30.0


def _time_command(args: list[str]) -> float:
    """Wall milliseconds of one run of ``args`` to completion."""
    start = time.monotonic()
    subprocess.run(args, capture_output=True, check=True, timeout=120)
    return (time.monotonic() - start) * 1000.0


def _time_to_heartbeat(folder: Path) -> tuple[float, float]:
    """(ms to the first HELLO, ms to the first HEARTBEAT) of one ``petbrain run``."""
    with LiveBody(folder / "petbody") as body:
        config = folder / "robot.yaml"
        config.write_text(render_config(DeviceReport(), "bench", port=str(body.link_path)))
        start = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "brain.cli", "run", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = start + HEARTBEAT_TIMEOUT_S
            while "HEARTBEAT" not in body.first_seen_s:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("petbrain run never sent a heartbeat")
                time.sleep(0.002)
        finally:
            process.terminate()
            process.wait(10)
        hello = body.first_seen_s.get("HELLO", float("nan"))
        return (hello - start) * 1000.0, (body.first_seen_s["HEARTBEAT"] - start) * 1000.0


@benchmark("startup")
def startup(options: BenchOptions) -> list[Result]:
    """Start to first heartbeat of ``petbrain run``, with interpreter start-up for reference."""
    runs = 1 if options.quick else 3
    bare = statistics.median(_time_command([sys.executable, "-c", "pass"]) for _ in range(runs))
    version = statistics.median(
        _time_command([sys.executable, "-m", "brain.cli", "--version"]) for _ in range(runs)
    )
    hellos, heartbeats = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="petbrain-startup-") as folder:
            hello_ms, heartbeat_ms = _time_to_heartbeat(Path(folder))
        hellos.append(hello_ms)
        heartbeats.append(heartbeat_ms)
    return [
        Result(
            "start_to_first_heartbeat_ms",
            statistics.median(heartbeats),
            "ms",
            Reference("python -c pass", bare),
            budget="<= 3 s",
            details={
                "first_hello_ms": statistics.median(hellos),
                "petbrain_version_ms": version,
                "worst_ms": max(heartbeats),
                "runs": float(runs),
            },
        )
    ]
