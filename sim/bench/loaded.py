"""Touch onset → first servo frame while the camera and microphone pipelines run at full rate.

The brain is :class:`brain.app.pet.PetApp` from a ``robot.yaml``, exactly as
``petbrain run`` builds it, with a file-backed camera (a real portrait
drifting in front of the lens, 15 frames/s, so the face mesh, expression and
pose really run) and a file-backed microphone (a voice-like signal in 32 ms
chunks, so VAD, features and the voice-emotion model really run). The body
is the timed virtual body of :mod:`sim.bench.latency`, in its own process on
the wall clock: it notes when it sends the first touched frame of each touch
and when the next servo frame reaches it.

Figures, measured in the same run:

* ``touch_to_servo_loaded_p50_ms`` / ``_p99_ms``: the shipped design
  (perception in its own process at lower priority);
* reference: the link-only figure (the same body, the brain without
  perception, as in ``touch_latency``, at the same priority), measured here
  again;
* details: the same loaded measurement with the main loop at normal
  priority (where SCHED_FIFO is not allowed), and with perception in threads
  of the brain's own process at normal priority (the design before this
  benchmark existed); the rates the camera and microphone actually reached.

The main loop asks for real-time priority as ``petbrain run`` does
(``realtime_main_loop`` says whether it got it). The virtual body stands for
a microcontroller that host load cannot delay, so it asks for real-time
priority too, in the link-only reference as in the loaded runs.
"""

from __future__ import annotations

import multiprocessing as mp
import tempfile
import threading
import time
import wave
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from ruamel.yaml import YAML

from brain.app.realtime import normal_priority, prefer_reaction_path
from brain.app.runtime import Brain
from brain.bench import BenchOptions, Reference, Result, benchmark, percentile
from brain.body.link import BodyLink
from brain.setup.config_template import render_config
from brain.setup.devices import DeviceReport
from sim.bench.latency import TOUCH_PERIOD_MS, WARMUP_MS, _body_process

LOADED_WARMUP_MS = 10000  # perception loads its models before the first touch
CAMERA_FPS = 15


def _write_voice(path: Path, seconds: float) -> None:
    """A voice-like wav (harmonics, syllables, gliding pitch) for the file microphone."""
    from brain.bench.audio import voice_like

    samples = voice_like(seconds, np.random.default_rng(0))
    pcm = np.clip(samples * 32767.0 * 4.0, -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(pcm.tobytes())


def _write_faces(folder: Path, count: int) -> None:
    """The bench's drifting portrait, as an image folder for the file camera."""
    import cv2

    from brain.bench.vision import drifting_frames

    folder.mkdir()
    for i, frame in enumerate(drifting_frames(count)):
        cv2.imwrite(str(folder / f"frame{i:03d}.jpg"), frame)


def write_config(folder: Path, port: str, camera_scale: float = 1.0) -> Path:
    """A robot.yaml on ``port`` with the file camera (15 Hz x scale) and the file microphone."""
    _write_voice(folder / "voice.wav", 6.0)
    _write_faces(folder / "faces", 90)
    document = YAML(typ="rt").load(render_config(DeviceReport(), "bench", port=port))
    document["microphone"] = {"type": "wav", "path": str(folder / "voice.wav")}
    fps = round(CAMERA_FPS * camera_scale, 1)
    document["camera"] = {"type": "images", "path": str(folder / "faces"), "fps": fps}
    document["dashboard"] = {"enabled": False}
    path = folder / "robot.yaml"
    with path.open("w", encoding="utf-8") as out:
        YAML(typ="rt").dump(document, out)
    return path


def _start_body(touches: int, warmup_ms: int) -> tuple[Any, Any, str]:
    context = mp.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_body_process, args=(child, touches, warmup_ms, True))
    process.start()
    return process, parent, str(parent.recv())


def _finish_body(process: Any, parent: Any, touches: int, after_s: float = 0.0) -> list[float]:
    """The body's latencies of touches whose onset came at or after ``after_s`` (monotonic)."""
    latencies, onsets = parent.recv() if parent.poll(10.0) else ([], [])
    process.join(5)
    kept = [ms for ms, onset in zip(latencies, onsets, strict=True) if onset >= after_s]
    if len(kept) < touches // 2:
        raise RuntimeError(f"only {len(kept)} of {touches} touches were answered under load")
    return kept


def loaded_latencies(
    touches: int,
    perception_process: bool,
    folder: Path,
    realtime: bool = True,
    camera_scale: float = 1.0,
) -> tuple[list[float], dict[str, float]]:
    """Touch latencies with ``petbrain run``'s app and both pipelines at full rate."""
    from brain.app.pet import PetApp
    from brain.setup.config import load_robot_file

    folder.mkdir(parents=True, exist_ok=True)
    process, parent, port = _start_body(touches, LOADED_WARMUP_MS)
    app = PetApp(
        load_robot_file(write_config(folder, port, camera_scale)),
        perception_process=perception_process,
        realtime=realtime,
    )
    origin_s = time.monotonic() - app.clock_ms() / 1000.0  # the app's 0 ms, monotonic
    counts: Counter[str] = Counter()
    first_ms: dict[str, float] = {}
    take = app._next_observations

    def counting(limit: int) -> list[Any]:
        found = take(limit)
        for item in found:
            counts[item.source] += 1
            first_ms.setdefault(item.source, item.t_ms)
        return found

    app._next_observations = counting  # type: ignore[method-assign]
    # The body ends its script after the last touch; stop just before, like touch_latency.
    run_s = (LOADED_WARMUP_MS + touches * TOUCH_PERIOD_MS + 150) / 1000.0
    timer = threading.Timer(run_s, app.request_stop)
    timer.start()
    end_ms = 0.0
    try:
        app.run()
        end_ms = app.clock_ms()
    finally:
        timer.cancel()
    for source in ("camera", "microphone"):
        if source not in first_ms:
            raise RuntimeError(f"no {source} observation arrived: the load was not there")
    # Only touches made once both pipelines were running count (the body notes
    # its onsets on the system's monotonic clock, which the app's clock follows).
    loaded_from_s = origin_s + max(first_ms.values()) / 1000.0
    latencies = _finish_body(process, parent, touches, loaded_from_s)
    details: dict[str, float] = {
        "touches": float(len(latencies)),
        "realtime_main_loop": float(app.priority.realtime),
    }
    for source in ("camera", "microphone"):
        span_s = max(1e-3, (end_ms - first_ms[source]) / 1000.0)
        details[f"{source}_hz"] = counts[source] / span_s
        details[f"{source}_first_ms"] = first_ms[source]
    return latencies, details


def link_only_latencies(touches: int) -> list[float]:
    """The same body and touches, the brain alone, at the priority ``petbrain run`` asks for."""
    process, parent, port = _start_body(touches, WARMUP_MS)
    link = BodyLink(port)
    brain = Brain(link, seed=0)
    priority = prefer_reaction_path(realtime=True)
    start = time.perf_counter()
    end_s = (WARMUP_MS + touches * TOUCH_PERIOD_MS + 150) / 1000.0
    try:
        while time.perf_counter() - start < end_s:
            brain.step(int((time.perf_counter() - start) * 1000))
            link.wait_readable(5.0)
    finally:
        if priority.realtime:
            normal_priority()
    link.close()
    return _finish_body(process, parent, touches)


@benchmark("touch_latency_loaded")
def touch_latency_loaded(options: BenchOptions) -> list[Result]:
    """p50/p99 touch → servo with camera and microphone perception running."""
    touches = 40 if options.quick else 120
    link_only = link_only_latencies(touches)
    with tempfile.TemporaryDirectory(prefix="petbrain-loaded-") as folder:
        scale = options.camera_scale
        ours, details = loaded_latencies(
            touches, True, Path(folder) / "process", camera_scale=scale
        )
        plain, _ = loaded_latencies(
            touches, True, Path(folder) / "plain", realtime=False, camera_scale=scale
        )
        threads, thread_details = loaded_latencies(
            touches, False, Path(folder) / "thread", realtime=False, camera_scale=scale
        )
    details["camera_set_hz"] = CAMERA_FPS * scale
    details |= {
        "max_ms": max(ours),
        "normal_priority_p50_ms": percentile(plain, 0.5),
        "normal_priority_p99_ms": percentile(plain, 0.99),
        "perception_in_threads_p50_ms": percentile(threads, 0.5),
        "perception_in_threads_p99_ms": percentile(threads, 0.99),
        "perception_in_threads_max_ms": max(threads),
        "perception_in_threads_camera_hz": thread_details["camera_hz"],
    }
    return [
        Result(
            "touch_to_servo_loaded_p50_ms",
            percentile(ours, 0.5),
            "ms",
            Reference("link only (no perception) p50, same run", percentile(link_only, 0.5)),
        ),
        Result(
            "touch_to_servo_loaded_p99_ms",
            percentile(ours, 0.99),
            "ms",
            Reference("link only (no perception) p99, same run", percentile(link_only, 0.99)),
            details=details,
        ),
    ]
