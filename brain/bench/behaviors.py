"""Behaviour benchmarks: library load and hot reload, and the decide-and-move path of a touch."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from brain.bench import BenchOptions, Reference, Result, benchmark, percentile, time_per_call_ms


@benchmark("behaviors")
def behaviours(options: BenchOptions) -> list[Result]:
    """Load/reload the shipped library; choose + start + one frame for a touch gesture."""
    from ruamel.yaml import YAML

    from behaviors import library as lib
    from behaviors.loader import clear_parse_cache
    from brain.behave.executor import Executor
    from brain.behave.selector import Selector
    from brain.body.joints import DEFAULT_ROBOT
    from sensors.touch.events import TouchGesture

    files = lib.library_files([lib.DEFAULT_LIBRARY_DIR])
    texts = [f.read_text(encoding="utf-8") for f in files]
    repeat = 2 if options.quick else 5

    def parse_only() -> None:
        for text in texts:
            YAML(typ="rt").load(text)

    def cold_load() -> None:
        clear_parse_cache()
        lib.load_library()

    parse_ms = time_per_call_ms(parse_only, repeat, warmup=1)
    cold_ms = time_per_call_ms(cold_load, repeat, warmup=1)
    warm_ms = time_per_call_ms(lib.load_library, repeat, warmup=1)
    with tempfile.TemporaryDirectory() as folder:
        lib.load_library(cache_dir=Path(folder))

        def cached_load() -> None:
            clear_parse_cache()
            lib.load_library(cache_dir=Path(folder))

        cached_ms = time_per_call_ms(cached_load, repeat, warmup=1)

    library = lib.load_library()
    selector = Selector(library, seed=0)
    executor = Executor(DEFAULT_ROBOT, library)
    mood = library.temperament.baseline.model_dump()
    samples: list[float] = []
    frame_only: list[float] = []
    events = 300 if options.quick else 3000
    for i in range(events):
        t = 1000 * i
        gesture = TouchGesture(t, "stroke", ("back_middle",), t - 500, 500, 0.6, "with_fur")
        start = time.perf_counter()
        decision = selector.choose(gesture, t, None, mood)
        if decision is not None:
            executor.start(decision.behaviour, t, decision.factor)
        executor.frame(t)
        samples.append((time.perf_counter() - start) * 1000.0)
        start = time.perf_counter()
        executor.frame(t + 20)
        frame_only.append((time.perf_counter() - start) * 1000.0)
        executor.take_output()
    n = len(library.behaviours)
    return [
        Result(
            "behaviors.load_library_cold",
            cold_ms,
            "ms",
            Reference("ruamel round-trip parse of the same files", parse_ms),
            details={"behaviours": float(n), "files": float(len(files))},
        ),
        Result(
            "behaviors.load_library_from_disk_cache",
            cached_ms,
            "ms",
            Reference("cold load", cold_ms),
            note="part of start to first heartbeat",
        ),
        Result(
            "behaviors.reload_unchanged_files",
            warm_ms,
            "ms",
            Reference("cold load", cold_ms),
        ),
        Result(
            "behaviors.touch_decide_start_frame_p99",
            percentile(samples, 0.99),
            "ms",
            Reference("one 50 Hz executor frame, p99", percentile(frame_only, 0.99)),
            note="part of touch onset -> first servo frame",
            details={"median_ms": percentile(samples, 0.5), "behaviours": float(n)},
        ),
    ]
