"""``petbrain sim --split``: the perception role in a second process, over Zenoh on loopback.

The core process runs the brain and the virtual body (:class:`sim.runner.SimSession`
without microphone or camera). The perception process runs the simulated
room's microphone and camera through the real audio and vision pipelines
(:class:`PerceptionRoom`) and publishes what they perceive with the robot's
own :class:`brain.net.perception.PerceptionPublisher`.

The simulated clock stays the one clock: after each brain step the core
publishes the tick's time on ``petbrain/<pet>/sim/clock``, the perception
process perceives that tick and answers ``sim/done``, and the core hands the
tick's observations to its brain exactly where the in-process simulator
would (:class:`SplitPerception`). So a split run makes the same decisions as
an in-process one, and killing the perception process shows what the robot's
core does when its perception board goes away.
"""

from __future__ import annotations

import logging
import queue
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from brain.net.core import REMOTE_MODALITIES, LinkChange, RemotePerception
from brain.net.schema import SIM_CLOCK, SimClockMsg, encode, key
from brain.net.session import loopback_network
from sensors.audio.observations import AmbientLevel, SoundEvent, VoiceObservation
from sensors.camera.observations import VisionObservation
from sim.actions import AUDIO_ACTIONS, CAMERA_ACTIONS, ScenarioDriver
from sim.audio import deliver
from sim.camera import deliver_vision
from sim.scenario import Scenario, ScenarioEvent

if TYPE_CHECKING:
    import zenoh

    from brain.app.runtime import BrainEvent
    from brain.net.perception import PerceptionPublisher
    from sim.audio import SimAudio
    from sim.camera import SimCamera
    from sim.runner import SimSession

log = logging.getLogger("petbrain")
DONE_TIMEOUT_S = 5.0  # a perception process this late on one tick counts as gone
NODE_START_TIMEOUT_S = 60.0  # loading the audio and vision models on a busy machine


# -- the perception process ------------------------------------------------------


class _Publishing:
    """Stands in for the pet in the perception process: what it senses goes out."""

    def __init__(self) -> None:
        self.publisher: PerceptionPublisher | None = None  # set once the models are loaded
        self.now_ms = 0
        self.sent = 0

    def sense(self, observation: Any) -> list[Any]:
        """Publish ``observation`` with its age at the current tick.

        Owner presence and loud sounds are derived on the core, as on the robot,
        so nothing completes here.
        """
        if self.publisher is not None:
            self.sent += self.publisher.publish(observation, now_ms=self.now_ms)
        return []

    def sense_nothing(self, t_ms: int) -> list[Any]:
        """A camera period without a frame: the core hears "nobody in view" for it."""
        self.sense(_nobody(t_ms))
        return []


def _nobody(t_ms: int) -> VisionObservation:
    """A frame in which nobody is seen (fusion ignores it; presence may end)."""
    from sensors.camera.observations import BodyObservation, FaceObservation

    return VisionObservation(t_ms, FaceObservation.absent(t_ms), BodyObservation.absent(t_ms))


@dataclass
class PerceptionRoom:
    """The simulated room's microphone and camera, perceived tick by tick on the core's clock."""

    scenario: Scenario
    pet: _Publishing
    now_ms: int = 0
    audio: SimAudio | None = None
    camera: SimCamera | None = None
    action_listeners: list[Callable[[ScenarioEvent], None]] = field(default_factory=list)
    _ticks: list[Callable[[Any, list[BrainEvent]], None]] = field(default_factory=list)
    _started: bool = False

    def open(self) -> None:
        """Load the pipelines the scenario needs (as the in-process simulator decides)."""
        used = self.scenario.actions_used()
        if used & set(AUDIO_ACTIONS):
            from sim.audio import SimAudio

            self.audio = SimAudio(seed=self.scenario.seed)
        if self.scenario.owner_present or used & set(CAMERA_ACTIONS):
            from sim.actions import owner_face
            from sim.camera import SimCamera

            self.camera = SimCamera()
            if self.scenario.owner_present:
                self.camera.owner_frame = owner_face()

    def tick(self, t_ms: int) -> int:
        """Perceive tick ``t_ms``; the number of messages it published."""
        if not self._started:
            # A restarted process joins mid-run: only what happens from now on is its.
            self._started = True
            events = [
                e
                for e in self.scenario.events
                if e.action in (*AUDIO_ACTIONS, *CAMERA_ACTIONS) and e.at_ms >= t_ms
            ]
            driver = ScenarioDriver(self.scenario.model_copy(update={"events": events}))
            self._ticks = [driver, *(p for p in (self.audio, self.camera) if p is not None)]
            if self.audio is not None:
                self.audio.skip_to(t_ms)
        before = self.pet.sent
        self.now_ms = self.pet.now_ms = t_ms
        session = cast("SimSession", self)
        for tick in self._ticks:
            tick(session, [])
        return self.pet.sent - before

    def close(self) -> None:
        """Release the camera's models."""
        if self.camera is not None:
            self.camera.close()


def run_perception_process(scenario: Scenario, pet: str, port: int) -> int:
    """The perception process: connect to the core, perceive each tick it sends, until told."""
    from brain.net.perception import PerceptionPublisher
    from brain.net.session import open_session

    session = open_session(loopback_network("perception", port, listen=False))
    clocks: queue.Queue[SimClockMsg] = queue.Queue()

    def on_clock(sample: zenoh.Sample) -> None:
        from brain.net.schema import Decoder

        message = Decoder().decode(str(sample.key_expr), sample.payload.to_bytes())
        if isinstance(message, SimClockMsg):
            clocks.put(message)

    room = PerceptionRoom(scenario, _Publishing())
    room.open()  # the models load before the core sees this process
    # Listen for the clock before the liveliness token tells the core we are here.
    subscriber = session.declare_subscriber(key(pet, SIM_CLOCK), on_clock)
    publisher = PerceptionPublisher(session, pet, clock_ms=lambda: float(room.now_ms))
    room.pet.publisher = publisher
    print(f"perception process for {pet}: connected to tcp/127.0.0.1:{port}", flush=True)
    try:
        while True:
            try:
                clock = clocks.get(timeout=30.0)
            except queue.Empty:
                print("perception process: no clock from the core for 30 s, stopping")
                return 1
            if clock.stop:
                return 0
            room.tick(clock.t_ms)
            publisher.done(clock.t_ms, publisher.published)
    finally:
        subscriber.undeclare()
        publisher.close()
        room.close()
        session.close()


def spawn_perception_process(scenario: str | Path, pet: str, port: int) -> subprocess.Popen[bytes]:
    """Start ``petbrain sim --role perception`` for ``scenario`` as a child process."""
    command = [sys.executable, "-m", "brain.cli", "sim", "--role", "perception"]
    command += ["--scenario", str(scenario), "--pet-id", pet, "--zenoh-port", str(port)]
    return subprocess.Popen(command)


# -- the core process -------------------------------------------------------------


class SplitPerception:
    """Tick callback on the core: the tick's observations from the perception process.

    While the perception process is there, each tick waits for it (the one
    simulated clock); when it goes, the core says so once, zeroes face, body
    and voice in fusion and carries on with touch; when one comes back it
    joins at the current tick.
    """

    def __init__(self, zsession: zenoh.Session, pet: str, timeout_ms: float = 2000.0) -> None:
        self.pet = pet
        self._now_ms = 0
        self.remote = RemotePerception(
            zsession, pet, lambda: float(self._now_ms), timeout_ms=timeout_ms
        )
        self._clock = zsession.declare_publisher(key(pet, SIM_CLOCK))
        self.changes: list[LinkChange] = []
        self.waits_timed_out = 0
        self.received = 0

    def __call__(self, session: SimSession, events: list[BrainEvent]) -> None:
        """Run tick ``session.now_ms`` on the perception process and hand its results on."""
        t = self._now_ms = session.now_ms
        if self.remote.node_present:
            self._clock.put(encode(SimClockMsg(pet=self.pet, seq=t, t_ms=t)))
            if not self.remote.wait_done(t, DONE_TIMEOUT_S) and self.remote.node_present:
                self.waits_timed_out += 1
                if self.waits_timed_out == 1:
                    log.warning("t=%d ms: the perception process missed a tick (said once)", t)
        for observation in self.remote.take():
            self.received += 1
            self._deliver(session, observation.value)
        change = self.remote.check(t)
        if change is not None:
            self.changes.append(change)
            if change.up:
                log.warning("t=%d ms: %s; face, body and voice resume", t, change.why)
            else:
                log.warning("t=%d ms: %s; face, body and voice count as absent", t, change.why)
                if session.brain.fusion is not None:
                    session.brain.fusion.drop(REMOTE_MODALITIES)

    def _deliver(self, session: SimSession, value: Any) -> None:
        """As the in-process simulated microphone and camera hand it to the pet."""
        if isinstance(value, VisionObservation):
            deliver_vision(session, [], value)
        elif isinstance(value, VoiceObservation | SoundEvent | AmbientLevel):
            deliver(session, [], value)

    def stop_node(self) -> None:
        """Tell the perception process the run is over."""
        self._clock.put(encode(SimClockMsg(pet=self.pet, seq=0, t_ms=0, stop=True)))

    def close(self) -> None:
        """Stop listening."""
        self.remote.close()
        self._clock.undeclare()
