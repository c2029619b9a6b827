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
from sensors.touch.layout import PadLayout
from sensors.touch.scripts import scripted_gesture
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


def contact_scripts(scenario: Scenario, layout: PadLayout) -> Sequence[Contact]:
    """Every scripted touch and touch trace of ``scenario`` as a contact function."""
    scripts: list[Contact] = []
    for event in scenario.events:
        if event.touch is not None:
            scripts.append(touch_script(event.touch, event.at_ms, layout))
        elif event.touch_trace is not None:
            scripts.append(trace_script(event.touch_trace.file, event.at_ms, layout))
    return scripts
