"""Scripted hands for scenario touches: each gesture as a contact function of time.

The touch work's ``scripted_gesture`` makes a typical hand for a gesture on a
zone (a pat lands over ~40 ms with the palm, a hit within a few ms, a poke is
one fingertip), so what the scenario scripts is a hand, and the brain's
classifier decides what it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from brain.errors import UserError
from sensors.touch.grid_hands import GridPress, GridPressure, GridStroke
from sensors.touch.layout import PadLayout, zone_matches
from sensors.touch.scripts import scripted_gesture
from sensors.touch.skin import TaxelGrid
from sensors.touch.synthetic import Contact, replay_contact
from sensors.touch.trace import TraceError, read_trace

if TYPE_CHECKING:
    from sim.scenario import Scenario, TouchAction


def touch_script(action: TouchAction, at_ms: int, layout: PadLayout) -> Contact:
    """The scripted hand for one scenario touch."""
    try:
        recipe = scripted_gesture(
            layout,
            action.gesture,
            action.zone,
            at_ms,
            direction=action.direction,
            speed_mm_per_s=action.speed_mm_per_s,
            pressure=action.pressure,
            duration_ms=action.duration_ms,
        )
    except ValueError as error:
        raise UserError(f"touch at {at_ms} ms: {error}") from error
    return recipe.script


def trace_script(path: Path, at_ms: int, layout: PadLayout) -> Contact:
    """A touch trace (the touch work's JSONL format) played from ``at_ms`` as a hand.

    The trace's pads must be this body's pads, by name and in order: a trace
    from another body is refused rather than smeared over the wrong zones.
    """
    try:
        trace = read_trace(path)
    except TraceError as error:
        raise UserError(str(error)) from None
    names = [p.name for p in trace.header.layout.pads]
    if names != [p.name for p in layout.pads]:
        raise UserError(
            f"{path}: the trace's pads ({', '.join(names)}) are not this body's "
            f"({', '.join(p.name for p in layout.pads)})"
        )
    frames = trace.frames
    if not frames:
        raise UserError(f"{path}: the trace has no touch frames")
    inner = replay_contact(trace)
    first_ms = frames[0].t_ms
    last_ms = frames[-1].t_ms
    zeros = [0.0] * layout.pad_count

    def contact(t_ms: int) -> Sequence[float]:
        local = t_ms - at_ms + first_ms
        if local < first_ms or local > last_ms:
            return zeros
        return inner(local)

    return contact


def grid_for(zone: str, grids: Sequence[TaxelGrid]) -> int | None:
    """The index of the grid a scenario touch on ``zone`` lands on (None: the pads)."""
    return next((i for i, g in enumerate(grids) if zone_matches(g.zone, zone)), None)


# Typical hands on a pressure grid per gesture: (duration ms, palm radius mm, pressure,
# pulses per second, landing ms). The skin classifier decides what they were.
_GRID_HANDS = {
    "pat": (250, 30.0, 0.5, 0.0, 60.0),
    "hit": (120, 35.0, 1.0, 0.0, 10.0),
    "poke": (200, 12.0, 0.6, 0.0, 40.0),
    "hold": (2500, 50.0, 0.6, 0.0, 150.0),
    "scratch": (1500, 15.0, 0.5, 4.0, 40.0),
    "tickle": (1200, 25.0, 0.3, 5.0, 20.0),
    "grab": (1500, 50.0, 0.9, 0.0, 150.0),
    "squeeze": (2000, 80.0, 0.95, 1.0, 200.0),
    "hug": (2500, 250.0, 0.9, 0.0, 300.0),  # arms round the body: the whole mat
}


def grid_touch_script(action: TouchAction, at_ms: int, grid: TaxelGrid) -> GridPressure:
    """The scripted hand for one scenario touch on a taxel grid."""
    if action.gesture == "stroke":
        positions = grid.surface().positions_mm[:, 0]
        head, tail = float(positions.min()) + 10.0, float(positions.max()) - 10.0
        start, end = (head, tail) if action.direction == "with_fur" else (tail, head)
        speed = action.speed_mm_per_s or 300.0
        if action.duration_ms is not None:  # a stroke that long, at that speed, from the head
            end = start + (1 if end > start else -1) * speed * action.duration_ms / 1000.0
        return GridStroke(grid, at_ms, start, end, speed, action.pressure or 0.85, 60.0)
    duration, radius, pressure, pulses, ramp = _GRID_HANDS[action.gesture]
    return GridPress(
        grid,
        at_ms,
        action.duration_ms or duration,
        action.pressure or pressure,
        radius,
        pulse_hz=pulses,
        ramp_ms=ramp,
    )


def grid_scripts(scenario: Scenario, grids: Sequence[TaxelGrid]) -> list[list[GridPressure]]:
    """The scenario's touches that land on each taxel grid, as pressure functions."""
    out: list[list[GridPressure]] = [[] for _ in grids]
    for event in scenario.events:
        if event.touch is not None:
            index = grid_for(event.touch.zone, grids)
            if index is not None:
                out[index].append(grid_touch_script(event.touch, event.at_ms, grids[index]))
    return out


def contact_scripts(
    scenario: Scenario, layout: PadLayout, grids: Sequence[TaxelGrid] = ()
) -> Sequence[Contact]:
    """Every scripted touch and touch trace of ``scenario`` on the pads, as a contact function.

    Touches on a zone a taxel grid covers are the grid's (:func:`grid_scripts`).
    """
    scripts: list[Contact] = []
    for event in scenario.events:
        if event.touch is not None:
            if grid_for(event.touch.zone, grids) is None:
                scripts.append(touch_script(event.touch, event.at_ms, layout))
        elif event.touch_trace is not None:
            scripts.append(trace_script(event.touch_trace.file, event.at_ms, layout))
    return scripts
