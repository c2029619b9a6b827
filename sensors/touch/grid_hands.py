"""Scripted hands on a taxel grid: a palm stroking, a hand pressing, arms hugging.

Each script is a pure function of time, ``pressure(t_ms) -> [rows, cols]``
array of 0..1 (1 = a firm palm, the grid's ``full_scale``). Hands are placed
in body millimetres (along the spine from the nose, and across it), through
the grid's own geometry (:meth:`TaxelGrid.surface`), so a stroke "with the
fur" runs towards the tail whatever way the mat is mounted. The simulator's
virtual mat (:class:`sim.taxel_mat.VirtualTaxelMat`) turns them into ADC
readings for the firmware's scanner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from sensors.touch.skin import TaxelGrid

Array = npt.NDArray[Any]
GridPressure = Callable[[int], Array]


def _ramp(t_ms: float, duration_ms: float, ramp_ms: float) -> float:
    """0..1: lands over ``ramp_ms``, lifts over the last ``ramp_ms`` of ``duration_ms``."""
    if t_ms < 0 or t_ms >= duration_ms:
        return 0.0
    if ramp_ms <= 0:
        return 1.0
    return float(min(1.0, (t_ms + 1.0) / ramp_ms, (duration_ms - t_ms) / ramp_ms))


def palm(positions: Array, along_mm: float, across_mm: float, radius_mm: float) -> Array:
    """0..1 under a round palm centred at (along, across): flat in the middle, soft edge.

    ``positions`` are cells' (along, across) millimetres (``TouchSurface.positions_mm``).
    """
    d2 = (positions[:, 0] - along_mm) ** 2 + (positions[:, 1] - across_mm) ** 2
    out: Array = np.exp(-((d2 / (radius_mm * radius_mm)) ** 2))
    return out


@dataclass(frozen=True)
class GridStroke:
    """A palm sliding along the spine from ``from_mm`` to ``to_mm`` (tailwards: with the fur).

    ``across_mm`` is where the palm runs across the grid (the grid's middle by default).
    """

    grid: TaxelGrid
    start_ms: int
    from_mm: float
    to_mm: float
    speed_mm_per_s: float = 200.0
    pressure: float = 0.7
    radius_mm: float = 35.0
    across_mm: float | None = None
    ramp_ms: float = 60.0

    @property
    def duration_ms(self) -> int:
        """How long the palm is on the grid."""
        return int(abs(self.to_mm - self.from_mm) * 1000.0 / self.speed_mm_per_s)

    @property
    def end_ms(self) -> int:
        """When the palm lifts."""
        return self.start_ms + self.duration_ms

    def __call__(self, t_ms: int) -> Array:
        """Pressure per taxel at ``t_ms``."""
        out = np.zeros(self.grid.shape)
        t = t_ms - self.start_ms
        level = _ramp(t, self.duration_ms, self.ramp_ms)
        if level <= 0.0:
            return out
        surface = self.grid.surface()
        across = self.across_mm
        if across is None:
            across = float(surface.positions_mm[:, 1].max()) / 2.0
        x = self.from_mm + (self.to_mm - self.from_mm) * t / max(1, self.duration_ms)
        cells = palm(surface.positions_mm, x, across, self.radius_mm)
        out[:] = (self.pressure * level * cells).reshape(self.grid.shape)
        return out


@dataclass(frozen=True)
class GridPress:
    """A hand (or two arms) pressing one place for ``duration_ms``.

    A small light press is a pat; a wide firm one held for seconds is a
    hug; ``pulse_hz`` makes the pressure come and go (a squeeze or
    kneading). ``at_mm`` is the centre (along, across); None: the grid's
    middle.
    """

    grid: TaxelGrid
    start_ms: int
    duration_ms: int
    pressure: float = 0.8
    radius_mm: float = 40.0
    at_mm: tuple[float, float] | None = None
    pulse_hz: float = 0.0
    ramp_ms: float = 80.0

    def __call__(self, t_ms: int) -> Array:
        """Pressure per taxel at ``t_ms``."""
        out = np.zeros(self.grid.shape)
        t = t_ms - self.start_ms
        level = _ramp(t, self.duration_ms, self.ramp_ms)
        if level <= 0.0:
            return out
        if self.pulse_hz > 0:
            level *= 0.65 + 0.35 * float(np.cos(2 * np.pi * self.pulse_hz * t / 1000.0))
        surface = self.grid.surface()
        positions = surface.positions_mm
        if self.at_mm is None:
            centre = positions.min(axis=0) + (positions.max(axis=0) - positions.min(axis=0)) / 2
            at = (float(centre[0]), float(centre[1]))
        else:
            at = self.at_mm
        cells = palm(positions, at[0], at[1], self.radius_mm)
        out[:] = (self.pressure * level * cells).reshape(self.grid.shape)
        return out


def combine_grid(grid: TaxelGrid, scripts: Sequence[GridPressure]) -> GridPressure:
    """Several hands at once: each taxel feels the firmest."""

    def pressure(t_ms: int) -> Array:
        out = np.zeros(grid.shape)
        for script in scripts:
            np.maximum(out, script(t_ms), out=out)
        return out

    return pressure
