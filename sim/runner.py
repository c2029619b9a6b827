"""Run a brain against the virtual body over a real pty, on a simulated clock.

Each tick the body runs one pass of its firmware loop, the bytes it wrote are
allowed to cross the pty, the brain steps, and its bytes cross back. Waiting
for the bytes (with a real timeout) rather than for time makes a headless run
deterministic and as fast as the machine allows, whatever the machine's load.
"""

from __future__ import annotations

import fcntl
import os
import struct
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from behaviors.library import BehaviourLibrary
from brain.app.assembly import Pet, PetParts
from brain.app.runtime import BrainEvent
from brain.body.joints import DEFAULT_ROBOT, RobotConfig
from brain.body.link import BodyLink
from brain.clock import SimulatedClock
from brain.errors import UserError
from sensors.touch.grid_hands import combine_grid
from sensors.touch.synthetic import Contact, combine
from sim.actions import AUDIO_ACTIONS, CAMERA_ACTIONS, ScenarioDriver, check_runnable
from sim.audio import SPL_AT_0_DBFS
from sim.body import SimBody, make_body
from sim.hands import ContactLog
from sim.scenario import Scenario, ScenarioEvent
from sim.tap import BodyTap
from sim.taxel_mat import GridPressureFunction
from sim.touches import contact_scripts, grid_scripts

if TYPE_CHECKING:
    from sim.audio import SimAudio
    from sim.camera import SimCamera

SETTLE_TIMEOUT_S = 0.5
MAX_SAMPLES = 20_000  # body samples kept in a report (about 17 minutes at 50 ms)


def _pending_bytes(fd: int) -> int:
    raw = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
    return int(struct.unpack("i", raw)[0])


@dataclass(frozen=True)
class Sample:
    """The body's physical state at one instant."""

    t_ms: int
    joints_deg: dict[str, float | None]
    vibration: float


@dataclass
class SimReport:
    """What happened in a run: events, samples, link statistics, expectations."""

    scenario: str
    duration_ms: int
    events: list[BrainEvent] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    link: dict[str, object] = field(default_factory=dict)
    settle_timeouts: int = 0
    # Stopped early (Ctrl+C, SIGTERM): the run covers duration_ms only.
    interrupted: bool = False
    expectations: list[dict[str, object]] = field(default_factory=list)
    latencies: dict[str, object] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True when every expectation of the scenario was met."""
        return all(bool(e["met"]) for e in self.expectations)

    def decisions(self) -> list[tuple[int, str]]:
        """(time, behaviour) for every behaviour started."""
        return [(e.t_ms, str(e.data["behaviour"])) for e in self.events if e.kind == "decision"]

    def to_json(self) -> dict[str, Any]:
        """The ``--report`` file's content."""
        return {
            "scenario": self.scenario,
            "duration_ms": self.duration_ms,
            "behaviours": [{"t_ms": t, "behaviour": b} for t, b in self.decisions()],
            "reaction_latency": self.latencies,
            "events": [e.to_json() for e in self.events],
            "link": self.link,
            "settle_timeouts": self.settle_timeouts,
            "interrupted": self.interrupted,
            "expectations": self.expectations,
            "passed": self.passed,
        }


def _grid_hands(
    scenario: Scenario, robot: RobotConfig, given: Sequence[GridPressureFunction | None]
) -> list[GridPressureFunction | None]:
    """Per grid of ``robot``: the scenario's touches on it and the hands ``given`` for it."""
    on_grids = grid_scripts(scenario, robot.grids)
    out: list[GridPressureFunction | None] = []
    for i, grid in enumerate(robot.grids):
        extra = given[i] if i < len(given) else None
        scripts = [*on_grids[i], *([extra] if extra is not None else [])]
        out.append(combine_grid(grid, scripts) if scripts else None)
    return out


class SimSession:
    """A brain and a virtual body joined by a pseudo-terminal.

    ``hands`` are contact functions added to the scenario's scripted touches
    (the dashboard's mouse); ``contact`` replaces all of them (a replay).
    ``audio`` runs the simulated microphone through the real audio pipeline
    (default: when the scenario has voices or sounds); ``microphone`` is an
    audio source config for a real microphone instead (``{"type": "pyaudio"}``).
    ``camera`` runs the simulated camera through the real vision pipeline
    (default: when the scenario shows faces or the owner); ``webcam`` is a
    camera source config for a real camera instead (``{"type": "opencv"}``).
    ``body`` is ``"cpython"`` (the default: firmware classes stepped on the
    simulated clock) or ``"micropython"`` (firmware/main.py under MicroPython,
    on the wall clock: the session then runs in real time). A robot with
    taxel ``grids`` gets a body with those mats; ``grid_pressure[i]`` is the
    hands on grid ``i`` (:mod:`sensors.touch.grid_hands`).
    """

    def __init__(
        self,
        scenario: Scenario,
        robot: RobotConfig = DEFAULT_ROBOT,
        library: BehaviourLibrary | None = None,
        tick_ms: int = 10,
        sample_every_ms: int = 50,
        hands: Sequence[Contact] = (),
        contact: Contact | None = None,
        audio: bool | None = None,
        microphone: dict[str, object] | None = None,
        camera: bool | None = None,
        webcam: dict[str, object] | None = None,
        hot_reload: bool = False,
        library_paths: Sequence[Path] = (),
        body: str = "cpython",
        grid_pressure: Sequence[GridPressureFunction | None] = (),
    ) -> None:
        self.scenario = scenario
        self.robot = robot
        self.tick_ms = tick_ms
        self.sample_every_ms = sample_every_ms
        layout = robot.layout
        replaying = contact is not None
        if contact is None:
            check_runnable(scenario)
            contact = combine(layout, [*contact_scripts(scenario, layout, robot.grids), *hands])
            # Scenario touches on a zone a taxel grid covers press that grid.
            grid_pressure = _grid_hands(scenario, robot, grid_pressure)
        self.contact = ContactLog(contact)
        self.body: SimBody = make_body(
            body,
            layout.pad_count,
            len(robot.joints),
            self.contact,
            scenario.seed,
            robot.grids,
            grid_pressure,
        )
        self.tap = BodyTap(self.body)
        self.link = BodyLink(self.body.path)
        # The home's calendar: the scenario's start (--start overrides it), never the host's.
        self.clock = SimulatedClock(scenario.start)
        # The one assembly, as on the robot: only the link, the clock and the sources differ.
        self.pet = Pet(
            PetParts(
                link=self.link,
                clock=self.clock,
                robot=robot,
                library=library,
                library_paths=library_paths,
                hot_reload=hot_reload,
                # Parsed in the step: a save lands at the same simulated tick every run.
                reload_in_background=False,
                spl_offset_db=SPL_AT_0_DBFS,
                seed=scenario.seed,
            )
        )
        self.brain = self.pet.brain
        self.now_ms = 0
        self._discarded = 0
        self.report = SimReport(scenario.name, scenario.duration_ms)
        self.on_tick: list[Callable[[SimSession, list[BrainEvent]], None]] = [
            ScenarioDriver(scenario)
        ]
        # Told of every action performed on the body (scripted or from the dashboard).
        self.action_listeners: list[Callable[[ScenarioEvent], None]] = []
        if audio is None:
            audio = not replaying and bool(scenario.actions_used() & set(AUDIO_ACTIONS))
        audio = audio or microphone is not None
        self.audio: SimAudio | None = None
        if audio:
            from sim.audio import SimAudio

            self.audio = SimAudio(seed=scenario.seed, live=microphone)
            self.on_tick.append(self.audio)
        if camera is None:
            camera = not replaying and (
                scenario.owner_present or bool(scenario.actions_used() & set(CAMERA_ACTIONS))
            )
        camera = camera or webcam is not None
        self.camera: SimCamera | None = None
        if camera:
            self._start_camera(scenario, webcam)

    def _start_camera(self, scenario: Scenario, webcam: dict[str, object] | None) -> None:
        from sim.actions import owner_face
        from sim.camera import SimCamera

        self.camera = SimCamera(live=webcam)
        if not self.camera.enabled:
            self.close()
            raise UserError("the vision models could not be loaded: the simulated camera is off")
        if scenario.owner_present:
            self.camera.owner_frame = owner_face()
        self.on_tick.append(self.camera)

    def _settle(self, done: Callable[[], bool], fd: int | None) -> None:
        if fd is None or done():
            return
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while not done():
            if time.monotonic() > deadline:
                self.report.settle_timeouts += 1
                return
            time.sleep(0.0002)

    def _body_bytes_arrived(self) -> bool:
        port = self.link.port
        if port is None:
            return True
        waiting = port.in_waiting
        return self.link.stats.bytes_in + waiting >= self.body.port.bytes_written

    def _brain_bytes_arrived(self) -> bool:
        port = self.body.port
        arrived = port.bytes_read + self._discarded + _pending_bytes(port.fileno())
        return arrived >= self.link.stats.bytes_out

    def _discard_brain_bytes(self) -> None:
        """A cut cable: what the brain writes goes nowhere (and never fills the pty)."""
        while True:
            try:
                data = os.read(self.body.port.fileno(), 65536)
            except OSError:
                return
            if not data:
                return
            self._discarded += len(data)

    def step(self) -> list[BrainEvent]:
        """Advance one tick; return the brain events it produced."""
        t = self.now_ms
        self.clock.now_ms = t
        self.body.tick(t)
        if not self.body.realtime:
            self._settle(self._body_bytes_arrived, self.link.fileno())
        events = self.brain.step(t)
        if self.body.realtime:
            pass  # the relay carries (or, cable out, discards) the brain's bytes
        elif self.body.port.connected:
            self._settle(self._brain_bytes_arrived, self.link.fileno())
        else:
            self._discard_brain_bytes()
        self.report.events.extend(events)
        if t % self.sample_every_ms == 0:
            samples = self.report.samples
            samples.append(self.sample())
            if len(samples) > MAX_SAMPLES:
                del samples[: MAX_SAMPLES // 2]  # a live session runs for hours
        for callback in self.on_tick:
            callback(self, events)
        self.now_ms += self.tick_ms
        return events

    def sample(self) -> Sample:
        """The virtual body's state now, by joint name."""
        angles = self.body.servo_angles_deg()
        joints = {j.name: angles.get(j.channel) for j in self.robot.joints}
        return Sample(self.now_ms, joints, round(self.body.motor.level, 3))

    def run(
        self,
        realtime_speed: float | None = None,
        forever: bool = False,
        stop: threading.Event | None = None,
        on_scenario_end: Callable[[SimSession], None] | None = None,
    ) -> SimReport:
        """Run the scenario; ``realtime_speed`` paces it against the wall clock.

        With ``forever`` the pet lives on after the scenario (for the
        dashboard) until ``stop`` is set; ``on_scenario_end`` is called once
        when the scenario's duration has passed.
        """
        if self.body.realtime:
            realtime_speed = 1.0  # the MicroPython body keeps its own real-time clock
        start = time.monotonic()
        ended = False
        while not (stop is not None and stop.is_set()):
            if self.now_ms > self.scenario.duration_ms and not ended:
                ended = True
                if on_scenario_end is not None:
                    on_scenario_end(self)
                if not forever:
                    break
            if self.body.realtime:
                # The body samples the hand on the wall clock: a late tick is skipped,
                # never replayed faster (that would squeeze a pat into a poke).
                wall_ms = int((time.monotonic() - start) * 1000)
                self.now_ms = max(self.now_ms, wall_ms - wall_ms % self.tick_ms)
            self.step()
            if realtime_speed:
                due = start + self.now_ms / 1000.0 / realtime_speed
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                elif delay < -1.0:
                    start -= delay  # fell far behind (machine busy): do not race to catch up
        return self.finish()

    def check_expectations(self) -> list[dict[str, object]]:
        """The scenario's expectations against the decisions so far."""
        decisions = self.report.decisions()
        results: list[dict[str, object]] = []
        for expect in self.scenario.expect:
            hits = [
                t
                for t, name in decisions
                if name == expect.behaviour
                and expect.after_ms <= t <= expect.after_ms + expect.within_ms
            ]
            results.append(
                {
                    "behaviour": expect.behaviour,
                    "after_ms": expect.after_ms,
                    "within_ms": expect.within_ms,
                    "met": bool(hits),
                    "at_ms": hits[0] if hits else None,
                }
            )
        return results

    def finish(self) -> SimReport:
        """Close the run: link statistics, expectation results, ports closed."""
        report = self.report
        report.duration_ms = max(0, self.now_ms - self.tick_ms)
        report.link = self.link.stats.as_json()
        if self.robot.grids:  # taxel grid frames: reassembled, and dropped by reason
            report.link["touch_grid"] = self.brain.grid_touch.stats.as_json()
        report.expectations = self.check_expectations()
        report.latencies = self.tap.latency_summary()
        self.close()
        return report

    def close(self) -> None:
        """Release the pty and the serial port (and the camera's models)."""
        self.link.close()
        self.body.close()
        if getattr(self, "camera", None) is not None:
            assert self.camera is not None
            self.camera.close()
