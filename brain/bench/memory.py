"""Resident memory of the brain with everything it loads, against a bare interpreter."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

from brain.bench import BenchOptions, Reference, Result, benchmark

# Modules whose import builds what the full brain holds in memory. Each
# optional one is loaded when present, so the figure grows as the brain does.
FULL_BRAIN_LOADERS = (
    "brain.bench.memory:load_core",
    "brain.bench.memory:load_vision",
    "brain.bench.memory:load_audio",
    "brain.fusion.owner:load_for_memory_bench",
)


def _rss_mib() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MiB."""
    current = peak = 0.0
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024.0
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024.0
    return current, peak


def load_core() -> object:
    """The brain's core: link, library, classifier, selector, executor."""
    from brain.app.runtime import Brain
    from brain.body.link import BodyLink

    return Brain(BodyLink("loop://"))


def load_vision() -> object:
    """The vision pipeline, warmed on a real photo so MediaPipe has allocated its graphs."""
    import cv2
    import matplotlib
    import numpy as np

    from sensors.camera.pipeline import build_vision

    pipeline = build_vision()
    if pipeline is None:
        raise RuntimeError("vision models did not load")
    photo = cv2.imread(str(Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"))
    frame = np.asarray(cv2.resize(photo, (640, 480)), dtype=np.uint8)
    for i in range(8):  # several frames, so pose (interleaved) runs too
        pipeline.process(i * 33, frame)
    return pipeline


def load_audio() -> object:
    """VAD, features and the voice-emotion model, warmed on one second of sound."""
    import numpy as np

    from sensors.audio.pipeline import AudioPerception

    perception = AudioPerception.load()
    rng = np.random.default_rng(0)
    t = np.arange(512) / 16000.0
    for i in range(31):
        chunk = 0.2 * np.sin(2 * np.pi * 180.0 * t) + 0.01 * rng.standard_normal(512)
        perception.process(chunk.astype(np.float32), i * 32.0)
    return perception


def child_main() -> None:
    """Run in a fresh interpreter: load everything, print 'loaded current peak'."""
    held = []
    loaded = []
    for spec in FULL_BRAIN_LOADERS:
        module_name, function = spec.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        loader = getattr(module, function, None)
        if loader is not None:
            held.append(loader())
            loaded.append(function if module_name == __name__ else module_name)
    current, peak = _rss_mib()
    print(",".join(loaded), current, peak)


def _measure(code: str) -> tuple[str, float, float]:
    out = (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    loaded, current, peak = out.rsplit(" ", 2)
    return loaded, float(current), float(peak)


@benchmark("memory")
def memory(options: BenchOptions) -> list[Result]:
    """Resident memory of the whole brain with all models, and a bare interpreter."""
    loaded, current, peak = _measure("from brain.bench.memory import child_main; child_main()")
    _, bare, _ = _measure("from brain.bench.memory import _rss_mib; print('-', *_rss_mib())")
    return [
        Result(
            "brain_rss_mib",
            current,
            "MiB",
            Reference("bare python3.11 interpreter", bare),
            details={"peak_mib": peak, "modules_loaded": float(len(loaded.split(",")))},
        )
    ]
