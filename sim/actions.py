"""Scenario actions the simulator can perform, and a clear refusal for the others.

Touches are contact functions on the virtual pads (``sim.touches``). The
other actions need the robot's own input paths: faces and voices go through
the camera and audio pipelines, handling through the body's IMU. An action
whose path is not in this build is refused before the run starts, with the
reason, rather than faked.
"""

from __future__ import annotations

from collections.abc import Mapping

from brain.errors import UserError
from sim.scenario import Scenario

# Why each action cannot run yet; an action leaves this table when its path exists.
UNAVAILABLE = {
    "touch_trace": "playing touch traces needs the touch trace reader (touch issue #6)",
    "face": "faces need the camera pipeline in the brain (issue #4)",
    "voice": "voices need the audio pipeline in the brain (issue #5)",
    "sound": "sounds need the audio pipeline in the brain (issue #5)",
    "owner": "owner presence is seen by the camera pipeline (issue #4)",
    "handling": "handling needs a virtual IMU in the body (link/firmware issue #3)",
}


def check_runnable(scenario: Scenario, unavailable: Mapping[str, str] = UNAVAILABLE) -> None:
    """Raise UserError naming every action of ``scenario`` this build cannot perform."""
    problems = []
    for i, event in enumerate(scenario.events):
        reason = unavailable.get(event.action)
        if reason is not None:
            problems.append(f"events[{i}] ({event.action} at {event.at_ms} ms): {reason}")
    if problems:
        raise UserError(
            f"scenario '{scenario.name}' cannot run in this build:\n  " + "\n  ".join(problems)
        )
