"""One assembly: the running pet, built the same way on the robot and in the simulator.

Reachy Mini's daemon picks a real or simulated backend in one place and
shares everything after it; so does this module. The robot (:mod:`brain.app.pet`)
and the simulator (``sim.runner``) each describe what is theirs in a
:class:`PetParts` — the body's link (a serial port or the virtual body's
pseudo-terminal), the clock (the host's or a simulated one), the sound player,
the behaviour library's files — and :class:`Pet` builds the rest from it:

* the brain (touch classifier, handling, fusion, mood, selector, executor);
* hot reload of the behaviour library (a valid save is swapped in, a broken
  one reported and the last good library kept);
* owner memory's learner, when the parts bring a memory (what the pet learns
  of its owner, judged in selection);
* the one sensor → event path: every observation goes to fusion, and
  :class:`brain.app.perception.PerceptionEvents` turns vision into owner
  presence (a face *or* a body in view) and startles into loud sounds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from behaviors.library import BehaviourLibrary, library_sources, load_library
from brain.app.perception import PerceptionEvents, load_fusion_in_background
from brain.app.runtime import Brain, BrainEvent
from brain.behave.hotreload import LibraryWatcher
from brain.body.joints import DEFAULT_ROBOT, RobotConfig
from brain.body.link import BodyLink
from brain.body.sound import SoundPlayer
from brain.clock import Clock
from brain.events import PetEvent
from brain.memory import Learner, OwnerMemory
from sensors.touch.classifier import TouchClassifier, TouchThresholds

log = logging.getLogger("petbrain")

# How the owner-emotion fusion model is loaded: now (before the first step),
# in the background (the robot: the body is answered first), or not at all.
FusionLoading = Literal["now", "background", "off"]
DEFAULT_SPL_OFFSET_DB = 120.0  # dB SPL of a full-scale sample (robot.yaml's default)


@dataclass
class PetParts:
    """What differs between a robot and a simulation; everything else is shared."""

    link: BodyLink
    clock: Clock
    robot: RobotConfig = DEFAULT_ROBOT
    # The library to start with; None: loaded from ``library_paths`` (or the shipped one).
    library: BehaviourLibrary | None = None
    library_paths: Sequence[Path] = ()
    hot_reload: bool = True
    reload_interval_ms: int = 1000
    # Parse a changed library on a worker thread (the robot); False parses in the step,
    # which keeps a simulation deterministic.
    reload_in_background: bool = True
    sound_player: SoundPlayer | None = None
    fusion: FusionLoading = "now"
    spl_offset_db: float = DEFAULT_SPL_OFFSET_DB
    touch_thresholds: TouchThresholds | None = None
    seed: int = 0
    servo_period_ms: int = 20
    # Owner memory (the robot's file, or a simulation's); None: the pet learns nothing.
    memory: OwnerMemory | None = None


class Pet:
    """The brain and everything around it that robot and simulator share."""

    def __init__(self, parts: PetParts) -> None:
        self.parts = parts
        self.watcher: LibraryWatcher | None = None
        if parts.hot_reload:
            self.watcher = LibraryWatcher(
                interval_ms=parts.reload_interval_ms,
                background=parts.reload_in_background,
                **library_sources(parts.library_paths),
            )
        # Owner memory reads the home's calendar from the same one clock.
        self.learner = (
            Learner(parts.memory, parts.clock.local_time, seed=parts.seed)
            if parts.memory is not None
            else None
        )
        library = parts.library
        if library is None and self.watcher is None:
            library = load_library(**library_sources(parts.library_paths))
        self.brain = Brain(
            parts.link,
            parts.robot,
            library,
            seed=parts.seed,
            servo_period_ms=parts.servo_period_ms,
            watcher=self.watcher,
            sound_player=parts.sound_player,
            clock=parts.clock,
            fusion=parts.fusion == "now",
            learner=self.learner,
        )
        self.perception = PerceptionEvents(parts.spl_offset_db)
        self.new_classifier()

    @property
    def clock(self) -> Clock:
        """The pet's one clock."""
        return self.parts.clock

    @property
    def owner_present(self) -> bool:
        """Whether the owner is in view now (debounced)."""
        return self.perception.presence.present

    def load_fusion_in_background(self) -> None:
        """Load the fusion model off the loop (the robot: after the body has answered)."""
        if self.parts.fusion == "background":
            load_fusion_in_background(self._fusion_ready)

    def _fusion_ready(self, fusion: Any) -> None:
        """Called from the loader thread; the brain reads the attribute in its next step."""
        self.brain.fusion = fusion

    def new_classifier(self) -> None:
        """Fresh touch classifiers, pads and grids (at start, and after an outage cut a touch)."""
        self.brain.classifier = TouchClassifier(
            self.parts.robot.layout, self.parts.touch_thresholds
        )
        self.brain.grid_touch.reset()

    def sense(self, observation: Any) -> list[PetEvent]:
        """One sensor observation in: to fusion, and the events it completes to the behaviours.

        Safe to call from the loop's thread only (the robot's workers queue to it).
        """
        self.brain.perceive(observation)
        events: list[PetEvent] = list(self.perception.translate(observation))
        for event in events:
            self.brain.observe(event)
        return events

    def sense_nothing(self, t_ms: int) -> list[PetEvent]:
        """The camera had nothing to show this period: presence may end."""
        events: list[PetEvent] = list(self.perception.nothing_in_view(t_ms))
        for event in events:
            self.brain.observe(event)
        return events

    def step(self, now_ms: int) -> list[BrainEvent]:
        """One non-blocking pass of the brain."""
        return self.brain.step(now_ms)
