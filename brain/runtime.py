"""The brain's main step: link in, perception, selection, execution, link out.

``Brain.step(now_ms)`` is non-blocking and takes time as an argument, so the
same code runs on the simulator's accelerated clock and on the robot's
monotonic clock. A touch onset or a new behaviour sends a servo frame at once
instead of waiting for the next 50 Hz tick: that is what keeps touch-to-motion
latency low.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from behaviors.library import BehaviourLibrary, load_library
from brain.executor import Executor
from brain.link import BodyInfo, BodyLink
from brain.mood import Mood
from brain.robot import DEFAULT_ROBOT, RobotConfig
from brain.selector import Decision, Selector
from firmware import wire
from sensors.touch.classifier import TouchClassifier
from sensors.touch.events import TouchEvent, TouchGesture, TouchOnset

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BrainEvent:
    """One thing worth showing: a touch event, a decision, a state change."""

    t_ms: int
    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Plain dict for reports."""
        return {"t_ms": self.t_ms, "kind": self.kind, **self.data}


class Brain:
    """Perception, decision and action for one body over one link."""

    def __init__(
        self,
        link: BodyLink,
        robot: RobotConfig = DEFAULT_ROBOT,
        library: BehaviourLibrary | None = None,
        seed: int = 0,
        servo_period_ms: int = 20,
    ) -> None:
        self.link = link
        self.robot = robot
        self.library = library or load_library()
        self.classifier = TouchClassifier(robot.layout)
        self.selector = Selector(self.library, seed=seed)
        self.executor = Executor(robot, self.library, period_ms=servo_period_ms)
        self.mood = Mood()
        self.servo_period_ms = servo_period_ms
        self.torque = False
        self.last_decision: Decision | None = None
        self.events: deque[BrainEvent] = deque(maxlen=500)
        self.listeners: list[Callable[[BrainEvent], None]] = []
        self._sink: list[BrainEvent] = []
        self._next_servo_ms = 0
        self._pending_ready_ms: int | None = None
        link.on_ready.append(self._on_body_ready)
        link.on_lost.append(self._on_body_lost)

    # -- session ----------------------------------------------------------

    def _on_body_ready(self, info: BodyInfo) -> None:
        self._pending_ready_ms = -1
        self._emit(0, "body_ready", {"board": info.board, "firmware": list(info.firmware)})

    def _on_body_lost(self, reason: str) -> None:
        self.torque = False
        self._emit(0, "body_lost", {"reason": reason})

    def _configure_body(self, now_ms: int) -> None:
        def after_config(ok: bool) -> None:
            if ok:
                self.link.send_command(wire.Torque(True), now_ms, self._after_torque)

        self.link.send_command(self.robot.config_message(), now_ms, after_config)

    def _after_torque(self, ok: bool) -> None:
        self.torque = ok
        if not ok:
            log.warning("body did not enable torque")

    # -- main step --------------------------------------------------------

    def step(self, now_ms: int) -> list[BrainEvent]:
        """One non-blocking pass; returns the events it produced."""
        produced: list[BrainEvent] = []
        self._sink = produced
        self.link.tick(now_ms)
        react_now = False
        for message in self.link.poll(now_ms):
            if isinstance(message, wire.TouchFrame):
                for event in self.classifier.feed(message.t_ms, message.values):
                    react_now |= self._on_touch(event, now_ms)
            elif isinstance(message, wire.Log):
                log.info("body: %s", message.text)
        if self._pending_ready_ms is not None:
            self._pending_ready_ms = None
            self._configure_body(now_ms)
        self.mood.update(now_ms)
        if react_now or now_ms >= self._next_servo_ms:
            self._next_servo_ms = now_ms + self.servo_period_ms
            self._send_frame(now_ms)
        self._sink = []
        return produced

    def _on_touch(self, event: TouchEvent, now_ms: int) -> bool:
        data = event.to_json()
        data.pop("t_ms", None)
        self._emit(now_ms, "touch", data)
        if not isinstance(event, TouchOnset | TouchGesture):
            return False
        running = self.executor.running.behaviour if self.executor.running else None
        decision = self.selector.choose(event, now_ms, running)
        if decision is None:
            return isinstance(event, TouchOnset)
        self.last_decision = decision
        self.executor.start(decision.behaviour, now_ms)
        self.mood.apply(decision.behaviour.mood_effect)
        self._emit(now_ms, "decision", decision.why())
        return True

    def _send_frame(self, now_ms: int) -> None:
        targets, vibrate = self.executor.frame(now_ms)
        if not self.torque:
            return
        self.link.send_stream(targets, now_ms)
        if vibrate is not None:
            self.link.send_stream(vibrate, now_ms)

    def _emit(self, t_ms: int, kind: str, data: dict[str, Any]) -> None:
        event = BrainEvent(t_ms, kind, data)
        self.events.append(event)
        self._sink.append(event)
        for listener in self.listeners:
            listener(event)
