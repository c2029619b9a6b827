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
from dataclasses import dataclass, field, replace
from typing import Any

from behaviors.library import BehaviourLibrary, load_library
from brain.behave.executor import Executor
from brain.behave.hotreload import LibraryWatcher, Reload
from brain.behave.mood import Mood
from brain.behave.selector import Decision, Selector
from brain.body.joints import DEFAULT_ROBOT, RobotConfig
from brain.body.link import BodyLink
from brain.body.link_status import BodyInfo
from brain.body.sound import NullSoundPlayer, SoundPlayer
from brain.clock import Clock, SimulatedClock, minute_of_day
from brain.events import OwnerEmotion, PetEvent, Tick
from brain.fusion.model import FusionModel, FusionModelError
from brain.fusion.owner import OwnerFusion
from brain.memory import Learner
from firmware import wire
from sensors.imu import HandlingDetector
from sensors.touch.classifier import TouchClassifier
from sensors.touch.events import TouchEvent, TouchGesture, TouchOnset, TouchRelease
from sensors.touch.grid_frames import GridTouch

log = logging.getLogger(__name__)


def _make_fusion(fusion: OwnerFusion | bool | None) -> OwnerFusion | None:
    """The owner-emotion fusion to use: given, loaded (True), or none (False/None)."""
    if fusion is True:
        try:
            return OwnerFusion(FusionModel())
        except FusionModelError as error:
            log.warning("%s; the pet runs without owner-emotion fusion", error)
            return None
    if fusion is False or fusion is None:
        return None
    return fusion


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
        *,
        watcher: LibraryWatcher | None = None,
        sound_player: SoundPlayer | None = None,
        clock: Clock | None = None,
        tick_ms: int = 1000,
        fusion: OwnerFusion | bool | None = True,
        fusion_period_ms: int = 100,
        learner: Learner | None = None,
    ) -> None:
        self.link = link
        self.robot = robot
        self.library = library or (watcher.load() if watcher else load_library())
        self.classifier = TouchClassifier(robot.layout)
        # Taxel grids: TOUCH_GRID chunks reassembled, a skin classifier per grid zone.
        self.grid_touch = GridTouch(robot.grids)
        self.handling = HandlingDetector()
        self.selector = Selector(self.library, seed=seed)
        # Owner memory: answers close episodes, the selector asks it about proactive behaviours.
        self.learner = learner
        self.selector.context.learned = learner
        self.executor = Executor(robot, self.library, period_ms=servo_period_ms, seed=seed)
        self.mood = Mood.from_temperament(self.library.temperament)
        self.watcher = watcher
        # Why the last save of the library was refused (empty when it loaded).
        self.library_problems: tuple[str, ...] = ()
        self.sound_player: SoundPlayer = sound_player or NullSoundPlayer()
        # The calendar (time of day) comes only from the injected clock.
        self.clock: Clock = clock or SimulatedClock()
        self.tick_ms = tick_ms
        self._next_tick_ms = 0
        self._next_emotion_event_ms = 0
        self._minute: float | None = None
        self._inbox: deque[PetEvent] = deque(maxlen=256)
        # Sensor observations (face, body, voice, sounds) waiting for fusion;
        # appended from perception threads, drained in step().
        self._sensed: deque[Any] = deque(maxlen=256)
        self.fusion = _make_fusion(fusion)
        self.fusion_period_ms = fusion_period_ms
        self.owner_emotion: OwnerEmotion | None = None
        self._next_fusion_ms = 0
        self._plays: list[str] = []
        self.servo_period_ms = servo_period_ms
        self.torque = False
        self.last_decision: Decision | None = None
        self.events: deque[BrainEvent] = deque(maxlen=500)
        self.listeners: list[Callable[[BrainEvent], None]] = []
        self._sink: list[BrainEvent] = []
        self._next_servo_ms = 0
        self._now_ms = 0
        self._pending_ready_ms: int | None = None
        # The calibration goes with every handshake: the link is ready only
        # once the body took it (resent with back-off until acknowledged).
        link.setup_commands = [robot.config_message()]
        link.on_ready.append(self._on_body_ready)
        link.on_lost.append(self._on_body_lost)

    # -- session ----------------------------------------------------------

    def _on_body_ready(self, info: BodyInfo) -> None:
        self._pending_ready_ms = -1
        self.grid_touch.assembler.reset()
        if self.robot.grids and not info.capabilities & wire.CAP_TOUCH_GRID:
            log.error(
                "the robot config declares %d taxel grid(s) (%s) but the body scans none "
                "(firmware before protocol 1.3 or a board profile without grids): "
                "those zones feel nothing",
                len(self.robot.grids),
                ", ".join(g.zone for g in self.robot.grids),
            )
        self._emit(
            self._now_ms, "body_ready", {"board": info.board, "firmware": list(info.firmware)}
        )

    def _on_body_lost(self, reason: str) -> None:
        self.torque = False
        self._emit(self._now_ms, "body_lost", {"reason": reason})

    def _configure_body(self, now_ms: int) -> None:
        # The link already delivered CONFIG; TORQUE is resent until acknowledged.
        self.link.send_command(wire.Torque(True), now_ms, self._after_torque)

    def _after_torque(self, ok: bool) -> None:
        self.torque = ok
        if not ok:
            log.warning("body did not enable torque")

    # -- inputs besides the body -------------------------------------------

    def observe(self, event: PetEvent) -> None:
        """Queue an observation from perception or fusion for the next :meth:`step`.

        Owner emotion, owner presence, loud sounds and handling events all come in here.
        """
        self._inbox.append(event)

    def perceive(self, observation: Any) -> None:
        """Queue a sensor observation (face, body, vision, voice, sound) for fusion.

        Safe to call from a perception thread; fusion runs in :meth:`step`.
        """
        self._sensed.append(observation)

    def reload(self, now_ms: int) -> Reload | None:
        """Check the watched library now; swap in a valid change, report an invalid one."""
        if self.watcher is None:
            return None
        result = self.watcher.poll(now_ms)
        if result is None:
            return None
        if result.library is None:
            self.library_problems = tuple(result.messages)
            self._emit(now_ms, "library_error", {"messages": list(result.messages)})
            for message in result.messages:
                log.warning("behaviour library: %s", message)
            return result
        self.library_problems = ()
        self.set_library(result.library)
        self._emit(
            now_ms,
            "library_reloaded",
            {"behaviours": len(result.library.behaviours), "changed": list(result.changed)},
        )
        return result

    def set_library(self, library: BehaviourLibrary) -> None:
        """Swap in ``library`` at once; what is playing finishes as it was compiled."""
        self.library = library
        self.selector.set_library(library)
        self.executor.set_library(library)
        self.mood.set_temperament(library.temperament)

    def play(self, name: str, now_ms: int) -> None:
        """Start behaviour ``name`` at the next step, whatever its triggers (previews, buttons).

        Raises KeyError at once for an unknown name. The decision event says it was asked for.
        """
        self.library.by_name(name)
        self._plays.append(name)
        self._next_servo_ms = min(self._next_servo_ms, now_ms)  # move at once

    def _start_play(self, name: str, now_ms: int) -> None:
        try:
            behaviour = self.library.by_name(name)
        except KeyError:  # the library was reloaded without it in between
            return
        timeline = self.executor.start(behaviour, now_ms)
        self.selector.context.last_started_ms[name] = now_ms
        self.mood.apply(behaviour.mood_effect)
        why: dict[str, Any] = {
            "behaviour": name,
            "action": "start",
            "event": "play",
            "priority": behaviour.priority,
            "trigger": "played on request",
            "matched": [],
            "lost": [],
            "mood": self.mood.as_json(),
        }
        if timeline.choices:
            why["variants"] = list(timeline.choices)
        self._emit(now_ms, "decision", why)

    # -- main step --------------------------------------------------------

    def step(self, now_ms: int) -> list[BrainEvent]:
        """One non-blocking pass; returns the events it produced."""
        produced: list[BrainEvent] = []
        self._sink = produced
        self._now_ms = now_ms  # link callbacks below are stamped with it
        self.link.tick(now_ms)
        react_now = False
        for message in self.link.poll(now_ms):
            if isinstance(message, wire.TouchFrame):
                for event in self.classifier.feed(message.t_ms, message.values):
                    react_now |= self._on_touch(event, now_ms)
            elif isinstance(message, wire.TouchGrid):
                for event in self.grid_touch.feed(message):
                    react_now |= self._on_touch(event, now_ms)
            elif isinstance(message, wire.Imu):
                for handled in self.handling.feed_message(message):
                    react_now |= self._react(replace(handled, t_ms=now_ms), now_ms)
            elif isinstance(message, wire.Log):
                log.info("body: %s", message.text)
        while self._inbox:
            react_now |= self._react(self._inbox.popleft(), now_ms)
        react_now |= self._fuse(now_ms)
        while self._plays:
            self._start_play(self._plays.pop(0), now_ms)
            react_now = True
        if self._pending_ready_ms is not None:
            self._pending_ready_ms = None
            self._configure_body(now_ms)
        if now_ms >= self._next_tick_ms:
            self._next_tick_ms = now_ms + self.tick_ms
            self._minute = minute_of_day(self.clock.local_time(now_ms))
            self.reload(now_ms)
            self.mood.update(now_ms, self._minute)
            react_now |= self._react(Tick(now_ms, self._minute), now_ms)
        self.mood.update(now_ms, self._minute)
        if react_now or now_ms >= self._next_servo_ms:
            self._next_servo_ms = now_ms + self.servo_period_ms
            self._send_frame(now_ms)
        self._sink = []
        return produced

    def _on_touch(self, event: TouchEvent, now_ms: int) -> bool:
        data = event.to_json()
        data.pop("t_ms", None)
        self._emit(now_ms, "touch", data)
        if isinstance(event, TouchRelease):
            self.selector.context.observe(event, now_ms)
            return False
        if not isinstance(event, TouchOnset | TouchGesture):
            return False  # pad faults are shown, not acted on
        if isinstance(event, TouchGesture) and self.fusion is not None:
            self.fusion.update(event, now_ms)
        if self.learner is not None:
            self.learner.observe(event, now_ms)
        return self._decide(event, now_ms) or isinstance(event, TouchOnset)

    def _fuse(self, now_ms: int) -> bool:
        """Feed queued observations to fusion; publish its estimate at fusion_period_ms."""
        fusion = self.fusion
        if fusion is None:
            self._sensed.clear()
            return False
        while self._sensed:
            fusion.update(self._sensed.popleft(), now_ms)
        if self.learner is not None:
            self.learner.sync_baseline(fusion, now_ms)
        if now_ms < self._next_fusion_ms:
            return False
        self._next_fusion_ms = now_ms + self.fusion_period_ms
        if not any(fusion.weights(now_ms).values()):
            self.owner_emotion = None  # nothing fresh: no opinion rather than a guess
            return False
        self.owner_emotion = fusion.estimate(now_ms)
        return self._react(self.owner_emotion, now_ms)

    def _react(self, event: PetEvent, now_ms: int) -> bool:
        """Show and decide on a non-touch event; True when a behaviour started."""
        if isinstance(event, OwnerEmotion):
            # Estimates stream at camera rate: show one a second (decisions say which).
            show = now_ms >= self._next_emotion_event_ms
            if show:
                self._next_emotion_event_ms = now_ms + 1000
        else:
            show = not isinstance(event, Tick)
        if self.learner is not None:
            if isinstance(event, Tick):
                self.learner.tick(now_ms)
            else:
                self.learner.observe(event, now_ms)
        if show:
            data = event.to_json()
            data.pop("t_ms", None)
            self._emit(now_ms, str(data.pop("type")), data)
        return self._decide(event, now_ms)

    def _decide(self, event: PetEvent, now_ms: int) -> bool:
        running = self.executor.running.behaviour if self.executor.running else None
        decision = self.selector.choose(event, now_ms, running, self.mood.values)
        if decision is None:
            if self.selector.held_back is not None:
                self._emit(now_ms, "held_back", dict(self.selector.held_back))
            return False
        self.last_decision = decision
        why = decision.why()
        why["mood"] = self.mood.as_json()  # what the selector saw
        if decision.action == "queue":
            if not self.executor.enqueue(decision.behaviour, decision.factor):
                return False
        else:
            timeline = self.executor.start(decision.behaviour, now_ms, decision.factor)
            if timeline.choices:
                why["variants"] = list(timeline.choices)
        self.mood.apply(decision.behaviour.mood_effect, decision.factor)
        if self.learner is not None:
            self.learner.started(decision.behaviour.name, decision.behaviour.is_proactive, now_ms)
        self._emit(now_ms, "decision", why)
        return decision.action != "queue"

    def _send_frame(self, now_ms: int) -> None:
        self.executor.arousal = self.mood.values["arousal"]
        self.executor.energy = self.mood.values["energy"]
        targets, vibrate = self.executor.frame(now_ms)
        output = self.executor.take_output()
        for sound in output.sounds:
            self.sound_player.play(sound.name, sound.volume, now_ms)
            self._emit(now_ms, "sound", {"name": sound.name, "volume": round(sound.volume, 3)})
        if not self.torque:
            return
        self.link.send_stream(targets, now_ms)
        if vibrate is not None:
            self.link.send_stream(vibrate, now_ms)
        if output.led is not None:
            self.link.send_command(output.led, now_ms)

    def _emit(self, t_ms: int, kind: str, data: dict[str, Any]) -> None:
        event = BrainEvent(t_ms, kind, data)
        self.events.append(event)
        self._sink.append(event)
        for listener in self.listeners:
            listener(event)
