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

from brain.plugins import BENCH_GROUP, plugin_modules


@dataclass(frozen=True)
class Reference:
    """What a figure is compared with, measured in the same run on the same machine."""

    name: str
    value: float


@dataclass(frozen=True)
class Result:
    """One measured figure; ``budget`` is the design budget in words, when there is one."""

    name: str
    value: float
    unit: str
    reference: Reference | None = None
    budget: str | None = None
    details: dict[str, float] = field(default_factory=dict)

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
        if self.budget:
            out["budget"] = self.budget
        if self.details:
            out["details"] = self.details
        return out


@dataclass(frozen=True)
class BenchOptions:
    """Knobs every benchmark honours: ``quick`` trades precision for a short run."""

    quick: bool = False


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
