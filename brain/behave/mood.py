"""The pet's own mood: bounded, decaying towards a temperament baseline.

Five dimensions in [-1, 1]: valence, arousal, energy, affection (which
doubles as trust in the owner) and curiosity. Behaviours shift it through
their ``mood_effect``; time pulls it back to the baseline that designers set
in ``behaviors/temperament.yaml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from behaviors.schema import MoodEffect, RhythmWindow, Temperament
from behaviors.vocabulary import MOOD_DIMENSIONS

DIMENSIONS = MOOD_DIMENSIONS


@dataclass
class Mood:
    """Each dimension in [-1, 1]; each relaxes towards ``baseline`` with its half-life."""

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
    half_lives_ms: dict[str, float] = field(default_factory=dict)
    sensitivity: float = 1.0
    rhythm: list[RhythmWindow] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)
    _last_ms: int | None = None

    def __post_init__(self) -> None:
        for name in DIMENSIONS:
            self.values.setdefault(name, self.baseline.get(name, 0.0))

    @classmethod
    def from_temperament(cls, temperament: Temperament) -> Mood:
        """A mood at rest at ``temperament``'s baseline."""
        return cls(
            baseline=temperament.baseline.model_dump(),
            half_life_ms=float(temperament.half_life_ms),
            half_lives_ms={k: float(v) for k, v in temperament.half_life_overrides_ms.items()},
            sensitivity=temperament.sensitivity,
            rhythm=list(temperament.rhythm),
        )

    def set_temperament(self, temperament: Temperament) -> None:
        """Adopt a new temperament (after a reload) without resetting the current mood."""
        fresh = Mood.from_temperament(temperament)
        self.baseline = fresh.baseline
        self.half_life_ms = fresh.half_life_ms
        self.half_lives_ms = fresh.half_lives_ms
        self.sensitivity = fresh.sensitivity
        self.rhythm = fresh.rhythm

    def apply(self, effect: MoodEffect, scale: float = 1.0) -> None:
        """Shift the mood by ``effect`` x ``scale`` x sensitivity, staying within bounds."""
        for name in DIMENSIONS:
            value = self.values[name] + float(getattr(effect, name)) * scale * self.sensitivity
            self.values[name] = max(-1.0, min(1.0, value))

    def target(self, minute_of_day: float | None = None) -> dict[str, float]:
        """The baseline, shifted by every rhythm window the clock is in."""
        out = dict(self.baseline)
        if minute_of_day is not None:
            for window in self.rhythm:
                if window.holds(minute_of_day):
                    for name in DIMENSIONS:
                        out[name] = out.get(name, 0.0) + float(getattr(window.shift, name))
        return {name: max(-1.0, min(1.0, out.get(name, 0.0))) for name in DIMENSIONS}

    def update(self, now_ms: int, minute_of_day: float | None = None) -> None:
        """Decay towards the (rhythm-shifted) baseline for the time since the last update."""
        if self._last_ms is not None and now_ms > self._last_ms:
            target = self.target(minute_of_day)
            for name in DIMENSIONS:
                half_life = self.half_lives_ms.get(name, self.half_life_ms)
                keep = math.pow(0.5, (now_ms - self._last_ms) / half_life)
                base = target[name]
                self.values[name] = base + (self.values[name] - base) * keep
        self._last_ms = now_ms

    def as_json(self) -> dict[str, float]:
        """Rounded values for reports."""
        return {name: round(self.values[name], 3) for name in DIMENSIONS}
