"""``petbrain bench``: every figure next to a reference measured in the same run.

Benchmarks are functions decorated with :func:`benchmark` in any module of
this package (found automatically). Each returns a list of :class:`Result`.
Timing is never asserted in unit tests; it is reported here.
"""

from __future__ import annotations

import importlib
import pkgutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from brain.bench.budgets import Budget, budget_for
from brain.plugins import BENCH_GROUP, plugin_modules


@dataclass(frozen=True)
class Reference:
    """What a figure is compared with, measured in the same run on the same machine."""

    name: str
    value: float


@dataclass(frozen=True)
class Result:
    """One measured figure; ``note`` says what bounds it when it has no design budget.

    The design budget itself is looked up by name in :mod:`brain.bench.budgets`
    (one source of truth), never written here.
    """

    name: str
    value: float
    unit: str
    reference: Reference | None = None
    note: str | None = None
    details: dict[str, float] = field(default_factory=dict)

    @property
    def budget(self) -> Budget | None:
        """The design budget that judges this figure, if any."""
        return budget_for(self.name)

    @property
    def ok(self) -> bool | None:
        """Within its budget (None when the figure has no budget)."""
        budget = self.budget
        if budget is None:
            return None
        return budget.meets(self.value, None if self.reference is None else self.reference.value)

    @property
    def verdict(self) -> str:
        """``pass``, ``FAIL``, ``FAIL (within must)`` or ``-`` without a budget."""
        budget = self.budget
        if budget is None or self.ok is None:
            return "-"
        if self.ok:
            return "pass"
        reference = None if self.reference is None else self.reference.value
        if budget.must is not None and budget.meets_must(self.value, reference):
            return "FAIL (within must)"
        return "FAIL"

    @property
    def ratio(self) -> float | None:
        """Value / reference, when both exist and the reference is non-zero."""
        if self.reference is None or self.reference.value == 0:
            return None
        return self.value / self.reference.value

    def as_json(self) -> dict[str, object]:
        """The shape ``petbrain bench --json`` promises."""
        out: dict[str, object] = {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "reference": (
                None
                if self.reference is None
                else {"name": self.reference.name, "value": self.reference.value}
            ),
        }
        if self.ratio is not None:
            out["ratio"] = self.ratio
        budget = self.budget
        if budget is not None:
            out["budget"] = budget.text
            out["ok"] = self.ok
            if budget.must is not None:
                reference = None if self.reference is None else self.reference.value
                out["must_ok"] = budget.meets_must(self.value, reference)
        if self.note:
            out["note"] = self.note
        if self.details:
            out["details"] = self.details
        return out


@dataclass(frozen=True)
class BenchOptions:
    """Knobs every benchmark honours: ``quick`` trades precision for a short run.

    ``profile`` names a device profile (see :data:`PROFILES`): the run is
    pinned to one core and ``camera_scale`` multiplies the camera's frame
    rate, so this machine's core carries the vision load a slower core would.
    """

    quick: bool = False
    profile: str | None = None
    camera_scale: float = 1.0


@dataclass(frozen=True)
class DeviceProfile:
    """A target device: how much slower one of its cores is than one here."""

    name: str
    slowdown: float  # this machine's single-core speed / the device's
    source: str  # where the ratio comes from (docs/robot.md has the details)


PROFILES = {
    "pi5": DeviceProfile(
        "pi5",
        1.5,
        "Geekbench 6 single-core, Raspberry Pi 5 (Cortex-A76, 2.4 GHz) ~760-800 vs "
        "AMD EPYC 7002 (Zen 2) cloud cores ~1100-1300; see docs/robot.md",
    ),
}


BenchFunction = Callable[[BenchOptions], list[Result]]
_REGISTRY: dict[str, BenchFunction] = {}


def benchmark(name: str) -> Callable[[BenchFunction], BenchFunction]:
    """Register a benchmark group under ``name``."""

    def decorate(function: BenchFunction) -> BenchFunction:
        _REGISTRY[name] = function
        return function

    return decorate


def registry() -> dict[str, BenchFunction]:
    """All benchmark groups, importing every module of this package once."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    plugin_modules(BENCH_GROUP)  # importing a plugin module registers its groups
    return dict(sorted(_REGISTRY.items()))


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of ``values`` (fraction in 0..1)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def time_per_call_ms(function: Callable[[], object], repeat: int, warmup: int = 3) -> float:
    """Median wall time of ``function`` in milliseconds over ``repeat`` calls."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(samples)
