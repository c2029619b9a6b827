"""Start to first heartbeat, and resident memory, of ``petbrain run`` against a virtual body.

The clock starts when the process is spawned and stops when the body (the
real firmware code in :class:`sim.live_body.LiveBody`, ticking on the wall
clock in this process) receives the brain's first HEARTBEAT, which the brain
sends only after the HELLO handshake: the pet is then alive and in contact.
References, measured in the same run: a bare ``python -c pass`` and
``petbrain --version`` (interpreter plus the CLI's imports).

The same process, left running with a file-backed camera and microphone
until its perception has loaded and seen frames and audio, gives the resident
memory of the whole running brain, next to a bare interpreter's.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np
from ruamel.yaml import YAML

from brain.bench import BenchOptions, Reference, Result, benchmark
from brain.setup.config_template import render_config
from brain.setup.devices import DeviceReport
from sim.live_body import LiveBody

HEARTBEAT_TIMEOUT_S = 30.0
SETTLE_S = 8.0  # after the first heartbeat, long enough for the vision and audio models


def _time_command(args: list[str]) -> float:
    """Wall milliseconds of one run of ``args`` to completion."""
    start = time.monotonic()
    subprocess.run(args, capture_output=True, check=True, timeout=120)
    return (time.monotonic() - start) * 1000.0


def _write_room(path: Path) -> None:
    """Two seconds of quiet synthetic room noise for the file-backed microphone."""
    rng = np.random.default_rng(0)
    samples = (rng.normal(0.0, 300.0, 32000)).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(samples.tobytes())


def _write_frames(folder: Path) -> bool:
    """Synthetic frames for a file-backed camera; False when OpenCV is missing."""
    try:
        import cv2
    except ImportError:
        return False
    folder.mkdir()
    for i in range(3):
        frame = np.full((480, 640, 3), 70 + 30 * i, dtype=np.uint8)
        cv2.circle(frame, (320, 240), 60 + 20 * i, (190, 170, 150), -1)
        cv2.imwrite(str(folder / f"frame{i}.png"), frame)
    return True


def _config(folder: Path, port: Path) -> Path:
    """A robot.yaml on ``port`` with file-backed camera and microphone (the full brain)."""
    room = folder / "room.wav"
    _write_room(room)
    document = YAML(typ="rt").load(render_config(DeviceReport(), "bench", port=str(port)))
    document["microphone"] = {"type": "wav", "path": str(room)}
    frames = folder / "frames"
    if _write_frames(frames) and sensors_have_cameras():
        document["camera"] = {"type": "images", "path": str(frames), "fps": 15}
    document["dashboard"] = {"enabled": False}
    config = folder / "robot.yaml"
    with config.open("w", encoding="utf-8") as out:
        YAML(typ="rt").dump(document, out)
    return config


def sensors_have_cameras() -> bool:
    """True when this build has camera sources."""
    try:
        import sensors.camera  # noqa: F401
    except ImportError:
        return False
    return True


def _rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def _pss_mib(pid: int) -> float:
    """Proportional set size: shared pages divided among the processes that map them."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [pid], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        tree.extend(children)
        frontier = children
    return tree


def tree_memory_mib(pid: int) -> dict[str, float]:
    """Memory of ``pid`` with its children (the perception process): PSS sum, RSS sum, main."""
    tree = process_tree(pid)
    return {
        "pss_sum_mib": sum(_pss_mib(p) for p in tree),
        "rss_sum_mib": sum(_rss_mib(p) for p in tree),
        "main_rss_mib": _rss_mib(pid),
        "processes": float(len(tree)),
    }


def _time_to_heartbeat(folder: Path, settle_s: float) -> tuple[float, float, dict[str, float]]:
    """(ms to the first HELLO, ms to the first HEARTBEAT, memory after ``settle_s``)."""
    from sim.bench.loaded import write_config

    with LiveBody(folder / "petbody") as body:
        # A face in front of the camera and a voice in the microphone: every model works.
        config = write_config(folder, str(body.link_path))
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
            time.sleep(settle_s)  # the workers load their models meanwhile
            memory = tree_memory_mib(process.pid)
        finally:
            process.terminate()
            process.wait(10)
        hello = body.first_seen_s.get("HELLO", float("nan"))
        heartbeat = body.first_seen_s["HEARTBEAT"]
        return (hello - start) * 1000.0, (heartbeat - start) * 1000.0, memory


@benchmark("startup")
def startup(options: BenchOptions) -> list[Result]:
    """Start to first heartbeat of ``petbrain run``, with interpreter start-up for reference."""
    runs = 1 if options.quick else 3
    bare = statistics.median(_time_command([sys.executable, "-c", "pass"]) for _ in range(runs))
    version = statistics.median(
        _time_command([sys.executable, "-m", "brain.cli", "--version"]) for _ in range(runs)
    )
    hellos, heartbeats, memories = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="petbrain-startup-") as folder:
            hello_ms, heartbeat_ms, memory = _time_to_heartbeat(Path(folder), SETTLE_S)
        hellos.append(hello_ms)
        heartbeats.append(heartbeat_ms)
        memories.append(memory)
    worst = max(memories, key=lambda m: m["pss_sum_mib"])
    bare_rss = _bare_rss_mib()
    return [
        Result(
            "start_to_first_heartbeat_ms",
            statistics.median(heartbeats),
            "ms",
            Reference("python -c pass", bare),
            details={
                "first_hello_ms": statistics.median(hellos),
                "petbrain_version_ms": version,
                "worst_ms": max(heartbeats),
                "runs": float(runs),
            },
        ),
        Result(
            "run_pss_mib",
            worst["pss_sum_mib"],
            "MiB",
            Reference("bare python3.11 interpreter (RSS)", bare_rss),
            details={"settle_s": SETTLE_S, **worst},
        ),
    ]


def _bare_rss_mib() -> float:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.3)
        return _rss_mib(process.pid)
    finally:
        process.terminate()
        process.wait(10)
