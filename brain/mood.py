"""The pet's own mood: bounded, decaying towards a temperament baseline."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from behaviors.schema import MoodEffect

DIMENSIONS = ("valence", "arousal", "energy", "affection", "curiosity")


@dataclass
class Mood:
    """Each dimension in [-1, 1]; each relaxes towards ``baseline`` with ``half_life_ms``."""

    baseline: dict[str, float] = field(
        default_factory=lambda: {
            "valence": 0.2,
            "arousal": -0.1,
            "energy": 0.3,
            "affection": 0.3,
            "curiosity": 0.2,
        }
    )
    half_life_ms: float = 60_000.0
    values: dict[str, float] = field(default_factory=dict)
    _last_ms: int | None = None

    def __post_init__(self) -> None:
        for name in DIMENSIONS:
            self.values.setdefault(name, self.baseline.get(name, 0.0))

    def apply(self, effect: MoodEffect) -> None:
        """Shift the mood by a behaviour's ``mood_effect``, staying within bounds."""
        for name in DIMENSIONS:
            value = self.values[name] + float(getattr(effect, name))
            self.values[name] = max(-1.0, min(1.0, value))

    def update(self, now_ms: int) -> None:
        """Decay towards the baseline for the time since the last update."""
        if self._last_ms is not None and now_ms > self._last_ms:
            keep = math.pow(0.5, (now_ms - self._last_ms) / self.half_life_ms)
            for name in DIMENSIONS:
                base = self.baseline.get(name, 0.0)
                self.values[name] = base + (self.values[name] - base) * keep
        self._last_ms = now_ms

    def as_json(self) -> dict[str, float]:
        """Rounded values for reports."""
        return {name: round(self.values[name], 3) for name in DIMENSIONS}
