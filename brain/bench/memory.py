"""Resident memory of the brain with everything it loads, against a bare interpreter."""

from __future__ import annotations

import importlib
import subprocess
import sys

from brain.bench import BenchOptions, Reference, Result, benchmark

# Modules whose import builds what the full brain holds in memory. Each
# optional one is loaded when present, so the figure grows as the brain does.
FULL_BRAIN_LOADERS = (
    "brain.bench.memory:load_core",
    "sensors.camera.pipeline:load_for_memory_bench",
    "sensors.audio.pipeline:load_for_memory_bench",
    "brain.fusion:load_for_memory_bench",
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
    from brain.link import BodyLink
    from brain.runtime import Brain

    return Brain(BodyLink("loop://"))


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
            loaded.append(module_name)
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
            budget="<= 400 MB with all models",
            details={"peak_mib": peak, "modules_loaded": float(len(loaded.split(",")))},
        )
    ]
