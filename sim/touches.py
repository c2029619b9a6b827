"""Scripted hands for scenario touches: each gesture as a contact function of time.

The touch work's ``scripted_gesture`` makes a typical hand for a gesture on a
zone (a pat lands over ~40 ms with the palm, a hit within a few ms, a poke is
one fingertip), so what the scenario scripts is a hand, and the brain's
classifier decides what it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from brain.errors import UserError
from sensors.touch.layout import PadLayout
from sensors.touch.scripts import scripted_gesture
from sensors.touch.synthetic import Contact

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


def contact_scripts(scenario: Scenario, layout: PadLayout) -> Sequence[Contact]:
    """Every scripted touch of ``scenario`` as a contact function."""
    return [
        touch_script(event.touch, event.at_ms, layout)
        for event in scenario.events
        if event.touch is not None
    ]
