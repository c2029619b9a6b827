"""Scripted hands for scenario touches: each gesture as a contact function of time."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from brain.errors import UserError
from sensors.touch.layout import PadLayout
from sensors.touch.synthetic import Contact, Press, Stroke

if TYPE_CHECKING:
    from sim.scenario import Scenario, TouchAction

# Pads a rubbing hand can reach from a zone: those on the same surface of the body.
SURFACES = (
    ("head", "cheeks", "neck", "back_front", "back_middle", "back_rear", "tail_base"),
    ("chin", "belly"),
)
PRESS_DEFAULT_MS = {"pat": 150, "hold": 2000, "hit": 80, "poke": 90}
SCRIBBLE_DEFAULTS = {
    # gesture: (amplitude_mm, frequency_hz, palm width_mm, duration_ms)
    "tickle": (30.0, 6.0, 45.0, 900),
    "scratch": (8.0, 8.0, 14.0, 900),
}


@dataclass(frozen=True)
class Scribble:
    """Fingers rubbing back and forth along the spine around ``centre_mm``."""

    layout: PadLayout
    start_ms: int
    duration_ms: int
    centre_mm: float
    amplitude_mm: float
    frequency_hz: float
    width_mm: float
    pressure: float
    pads: tuple[int, ...]

    def __call__(self, t_ms: int) -> Sequence[float]:
        """Contact per pad at ``t_ms``."""
        out = [0.0] * self.layout.pad_count
        if not self.start_ms <= t_ms < self.start_ms + self.duration_ms:
            return out
        phase = 2 * math.pi * self.frequency_hz * (t_ms - self.start_ms) / 1000.0
        x = self.centre_mm + self.amplitude_mm * math.sin(phase)
        for i in self.pads:
            d = (self.layout.pads[i].position_mm - x) / self.width_mm
            out[i] = self.pressure * math.exp(-d * d)
        return out


def _zone_pads(layout: PadLayout, zone: str) -> tuple[int, ...]:
    pads = tuple(layout.indices([zone]))
    if not pads:
        raise UserError(f"no pads in zone '{zone}'")
    return pads


def touch_script(action: TouchAction, at_ms: int, layout: PadLayout) -> Contact:
    """The synthetic hand for one scripted touch."""
    if action.gesture == "stroke":
        stroke_pads = layout.indices([action.zone]) or layout.indices(["back"])
        positions = sorted(layout.pads[i].position_mm for i in stroke_pads)
        lo, hi = positions[0] - 30.0, positions[-1] + 30.0
        start, end = (lo, hi) if action.direction == "with_fur" else (hi, lo)
        return Stroke(
            layout,
            at_ms,
            start,
            end,
            speed_mm_per_s=action.speed_mm_per_s,
            pressure=action.pressure,
            zones=(action.zone,),
        )
    pads = _zone_pads(layout, action.zone)
    if action.gesture in SCRIBBLE_DEFAULTS:
        amplitude, frequency, width, duration = SCRIBBLE_DEFAULTS[action.gesture]
        positions = [layout.pads[i].position_mm for i in pads]
        centre = sum(positions) / len(positions)
        surface = next((z for z in SURFACES if set(layout.zone_of(i) for i in pads) <= set(z)), ())
        reach = tuple(layout.indices(surface)) or pads
        return Scribble(
            layout,
            at_ms,
            action.duration_ms or duration,
            centre,
            amplitude,
            frequency,
            width,
            min(action.pressure, 0.7),
            reach,
        )
    duration = action.duration_ms or PRESS_DEFAULT_MS[action.gesture]
    pressure = 1.0 if action.gesture == "hit" else action.pressure
    if action.gesture == "poke":
        pads = pads[:1]
        pressure = min(pressure, 0.4)
    return Press(layout, at_ms, duration, pads, pressure)


def contact_scripts(scenario: Scenario, layout: PadLayout) -> Sequence[Contact]:
    """Every scripted touch of ``scenario`` as a contact function."""
    return [
        touch_script(event.touch, event.at_ms, layout)
        for event in scenario.events
        if event.touch is not None
    ]
