"""What the taxel grids' heat maps cost the loop that publishes the dashboard.

``dashboard_grid_ms`` is one new 19 x 27 frame made into the state
document's ``grids`` entry (:class:`brain.dashboard.grids.GridHeatMaps`:
orientation, 0..255 quantisation, base64) and written as JSON, as the robot's
main loop and the simulator's thread do at most 10 times a second per grid.
The brain's touch path itself only keeps a reference to the frame. The
reference is the pad classifier's cost per 100 Hz frame (``touch_frame_ms``'s
figure) measured in the same run; the details add a 64 x 96 mat, which is
max-pooled to at most 1024 cells.
"""

from __future__ import annotations

import json
import time
from typing import Any

from brain.bench import BenchOptions, Reference, Result, benchmark, percentile

HEAT_MAPS_PER_S = 10.0  # brain.dashboard.grids.GRID_PERIOD_MS


def _per_frame_ms(grid: Any, frames: list[tuple[int, Any]], rounds: int) -> tuple[list[float], int]:
    """Milliseconds per new frame through ``GridHeatMaps`` + ``json.dumps``, and the bytes."""
    from brain.dashboard.grids import GridHeatMaps
    from sensors.touch.grid_frames import GridFrame

    times: list[float] = []
    size = 0
    for _ in range(rounds):
        maps = GridHeatMaps([grid], period_ms=0)
        for number, (t_ms, cells) in enumerate(frames):
            frame = GridFrame(0, t_ms, number, cells)
            start = time.perf_counter()
            document = json.dumps(maps.snapshot([frame], t_ms))
            times.append((time.perf_counter() - start) * 1000.0)
            size = max(size, len(document))
        if maps.encoded != len(frames):
            raise RuntimeError(f"encoded {maps.encoded} of {len(frames)} frames")
    return times, size


@benchmark("dashboard_grid")
def dashboard_grid(options: BenchOptions) -> list[Result]:
    """``dashboard_grid_ms``: one 19 x 27 frame into the dashboard's document."""
    import numpy as np

    from brain.bench.touch_grid import _hands_stream, _pad_reference
    from brain.body.joints import BACK_GRID
    from sensors.touch.skin import TaxelGrid

    rounds = 1 if options.quick else 3
    frames = _hands_stream()
    times, size = _per_frame_ms(BACK_GRID, frames, rounds)
    large = TaxelGrid("back_middle", 64, 96, 3.0, 10.0, origin_mm=145.0)
    rng = np.random.default_rng(3)
    big_frames = [
        (100 * k, rng.integers(0, 256, large.shape).astype(np.uint16))
        for k in range(50 if options.quick else 200)
    ]
    big_times, big_size = _per_frame_ms(large, big_frames, rounds)
    mean_ms = sum(times) / len(times)
    big_ms = sum(big_times) / len(big_times)
    pad_ms = _pad_reference(rounds)
    return [
        Result(
            "dashboard_grid_ms",
            mean_ms,
            "ms",
            Reference("pad TouchClassifier per 14-pad frame (touch_frame_ms, same run)", pad_ms),
            "no budget of its own: off the touch path (the brain keeps a reference to the frame), "
            "at most 10 per second per grid on the dashboard's publish; orient + quantise + "
            "base64 + JSON of one 19 x 27 frame",
            {
                "p50_ms": percentile(times, 0.5),
                "p99_ms": percentile(times, 0.99),
                "max_ms": max(times),
                "frames": float(len(frames)),
                "json_bytes": float(size),
                "cpu_ms_per_s": mean_ms * HEAT_MAPS_PER_S,
                "pad_cpu_ms_per_touch_s": pad_ms * 100.0,
                "pooled_64x96_ms": big_ms,
                "pooled_64x96_json_bytes": float(big_size),
            },
        )
    ]
