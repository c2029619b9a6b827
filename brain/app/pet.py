"""The whole pet on real devices, in real time: ``petbrain run --config robot.yaml``.

One main thread steps :class:`brain.app.runtime.Brain` on the monotonic clock and
owns the body link; the camera and the microphone each run in a worker thread
(:mod:`brain.app.workers`) that keeps frames and audio in RAM only and hands typed
observations to the main loop. On the robot those threads live in a separate,
lower-priority perception process (:mod:`brain.app.process`), so the touch →
servo path never waits for the GIL behind perception; with an injected clock
(tests) they run in this process. Each device that is missing or fails is
reported once (:mod:`brain.app.health`) and picked up again when it returns;
the body's own safety never depends on this process.
"""

from __future__ import annotations

import functools
import logging
import queue
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import IO, Any

from behaviors.library import BehaviourLibrary
from brain.app.assembly import Pet, PetParts
from brain.app.health import DeviceHealth
from brain.app.integrations import (
    Integrations,
    build_in_child,
    build_workers,
    load_integrations,
)
from brain.app.process import PerceptionProcess
from brain.app.realtime import ReactionPriority, normal_priority, prefer_reaction_path
from brain.app.runtime import BrainEvent
from brain.app.support import EventLog, body_mismatches
from brain.app.workers import Observation, SourceWorker, wait_all
from brain.body.link_status import BodyInfo
from brain.clock import Clock, SystemClock
from brain.dashboard.server import RobotDashboard
from brain.dashboard.view import ObservedLink, RobotView, dashboard_config
from brain.memory import OwnerMemory
from brain.setup.config import RobotFile
from firmware import wire

log = logging.getLogger("petbrain")

# Event kinds worth a journal line; touch frames and the like go to --events only.
# (body_ready and body_lost are said by the device health board.)
LOGGED_KINDS = ("decision",)
SHUTDOWN_ACK_MS = 300  # wait this long for the body to acknowledge torque off
# Sensor threads load heavy models; they start once the body has answered HELLO
# (contact with the body comes first), or after this long without a body.
WORKERS_GRACE_MS = 1500
DASHBOARD_PERIOD_MS = 100  # state documents per second: 10


class PetApp:
    """Brain, link, sensor workers, speaker and dashboard for one ``robot.yaml``."""

    def __init__(
        self,
        config: RobotFile,
        library: BehaviourLibrary | None = None,
        events_out: IO[str] | None = None,
        clock: Clock | None = None,
        seed: int = 0,
        library_paths: list[Path] | None = None,
        memory_path: Path | None = None,
        perception_process: bool | None = None,
        realtime: bool = True,
    ) -> None:
        self.config = config
        self.health = DeviceHealth()
        self.health.listeners.append(self._on_health)
        self.clock: Clock = clock or SystemClock()
        # Perception in its own process reads the same system clock there (a
        # simulated clock cannot cross a process boundary: then threads).
        if perception_process is None:
            perception_process = isinstance(self.clock, SystemClock)
        if perception_process and not isinstance(self.clock, SystemClock):
            raise ValueError("perception in a process needs the system clock")
        self.perception_process = perception_process
        self.realtime = realtime  # ask for SCHED_FIFO for the main loop (where allowed)
        self.priority = ReactionPriority(0, False, "not started")
        self._perception: PerceptionProcess | None = None
        body = config.body
        self.link = ObservedLink(
            body.port,
            baudrate=body.baudrate,
            heartbeat_period_ms=body.heartbeat_period_ms,
            body_timeout_ms=body.body_timeout_ms,
            reconnect_period_ms=body.reconnect_period_ms,
        )
        self.robot = config.robot_config()
        self.integrations: Integrations = load_integrations()
        self.speaker = self.integrations.make_speaker(self)
        behaviours = config.behaviours
        self.memory = self._open_memory(memory_path)
        # The one assembly (shared with the simulator); fusion loads after the
        # handshake, off the main loop (see _start_workers).
        self.pet = Pet(
            PetParts(
                link=self.link,
                clock=self.clock,
                robot=self.robot,
                library=library,
                library_paths=library_paths or (),
                hot_reload=behaviours.hot_reload,
                reload_interval_ms=behaviours.reload_interval_ms,
                reload_in_background=True,
                sound_player=self.speaker,
                fusion="background",
                spl_offset_db=config.microphone.spl_offset_db,
                touch_thresholds=config.touch_thresholds(),
                seed=seed,
                memory=self.memory,
            )
        )
        self.brain = self.pet.brain
        self.brain.listeners.append(self._on_event)
        self.view = RobotView(grids=self.robot.grids)
        self.brain.listeners.append(self.view.on_event)
        self.dashboard: RobotDashboard | None = None
        self._next_publish_ms = 0
        self.link.on_ready.append(self._on_body_ready)
        self.link.on_lost.append(self._on_body_lost)
        self.observations: queue.Queue[Observation] = queue.Queue(maxsize=256)
        self.workers: list[SourceWorker] = []
        self._events = EventLog(events_out)
        self._stop = threading.Event()
        self._last_body_error: str | None = None
        self.stopped_cleanly = False
        self.step_errors = 0
        self._workers_started = False
        self._workers_due_ms = 0
        self._step_errors_seen: set[str] = set()

    # -- life cycle ------------------------------------------------------

    def clock_ms(self) -> float:
        """The loop's time in milliseconds (the one clock's monotonic time)."""
        return self.clock.monotonic_ms()

    def _clock_int(self) -> int:
        """The brain's clock in whole milliseconds (camera sources stamp frames with it)."""
        return int(self.clock.monotonic_ms())

    def request_stop(self, *_: object) -> None:
        """Ask the main loop to finish (signal handlers call this)."""
        self._stop.set()

    def install_signal_handlers(self) -> None:
        """SIGTERM (systemd stop) and SIGINT (Ctrl-C) stop the pet cleanly."""

        def handler(signum: int, frame: FrameType | None) -> None:
            log.info("%s received: stopping", signal.Signals(signum).name)
            self.request_stop()

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)

    def start(self) -> None:
        """Open what can be opened now; everything else is retried in the background."""
        log.info(
            "petbrain: %s starting; body on %s (%s)",
            self.config.name,
            self.config.body.port,
            self.config.body.board,
        )
        self._emit("starting", {"name": self.config.name, "port": self.config.body.port})
        self.workers = build_workers(
            self.config, self.integrations, self.health, self.observations, self.clock_ms
        )
        if self.perception_process and self.workers:
            # The same workers, built again in the child (these stay unstarted). It
            # starts now, before the port and any thread are opened, so it can fork;
            # it loads nothing until _start_workers says go.
            assert isinstance(self.clock, SystemClock)
            self._perception = PerceptionProcess(
                functools.partial(build_in_child, self.config), self.clock, self.health
            )
            self._perception.start()
        now = int(self.clock_ms())
        self.link.open(now)
        self._workers_due_ms = now + WORKERS_GRACE_MS
        if self.speaker is not None:
            self.speaker.start()
        self._start_dashboard()
        self.integrations.start(self)

    def _open_memory(self, path: Path | None) -> OwnerMemory | None:
        """The owner memory file (never fatal: a bad file is set aside or learning is off)."""
        if path is None or not self.config.memory.enabled:
            return None

        def stamp() -> str:
            return self.clock.local_time(0).strftime("%Y%m%dT%H%M%S")

        # Its notices (a damaged file set aside, a newer schema, a read-only disk) are
        # logged once by the store and shown on the dashboard's "learned" panel.
        return OwnerMemory(path, retention_days=self.config.memory.retention_days, stamp=stamp)

    def run(self) -> int:
        """Start, loop until asked to stop, shut down; the exit code."""
        self.start()
        self.priority = prefer_reaction_path(realtime=self.realtime)  # gc.freeze; SCHED_FIFO
        try:
            while not self._stop.is_set():
                self.step()
        finally:
            self.shutdown()
            if self.priority.realtime:
                normal_priority()  # the caller's thread goes on at its usual priority
        return 0

    def step(self) -> None:
        """One pass of the main loop: the brain, then observations, then a short wait."""
        now = int(self.clock_ms())
        try:
            self.brain.step(now)
        except Exception as error:  # one bad step must not end the pet; said once per kind
            self._step_failed(error)
        if not self._workers_started and (self.link.ready or now >= self._workers_due_ms):
            self._start_workers()
        self._perceive()
        self._watch_body()
        self.integrations.step(self, now)
        if self.dashboard is not None and now >= self._next_publish_ms:
            self._next_publish_ms = now + DASHBOARD_PERIOD_MS
            self.dashboard.board.publish(self.view.snapshot(self, now))
        # Wake as soon as the body sends something; the brain's own ticks are >= 5 ms apart.
        if not self.link.wait_readable(5):
            self._stop.wait(0.002 if self.link.fileno() is not None else 0.005)

    def _start_dashboard(self) -> None:
        """Serve the read-only dashboard; a busy port is reported once, the pet runs on."""
        dash = self.config.dashboard
        if not dash.enabled:
            self.health.off("dashboard", "off in robot.yaml (dashboard.enabled: false)")
            return
        joints = [
            {"name": j.name, "min": j.min_deg, "max": j.max_deg, "rest": j.rest_deg}
            for j in self.robot.joints
        ]
        document = dashboard_config(self.config.name, self.robot.layout, joints, self.robot.grids)
        try:
            self.dashboard = RobotDashboard(
                document, dash.bind, dash.port, dash.token, self.integrations.dashboard_static
            )
        except OSError as error:
            self.health.down("dashboard", f"cannot serve on {dash.bind}:{dash.port}: {error}")
            return
        self.dashboard.start()
        where = "loopback only" if dash.loopback else "on the network, token required"
        self.health.up("dashboard", f"{self.dashboard.url} ({where})")

    def _start_workers(self) -> None:
        """Camera and microphone threads: after the handshake, so the body is never kept waiting."""
        self._workers_started = True
        self.pet.load_fusion_in_background()
        if self._perception is not None:
            if self.workers:
                self._perception.go()
            else:  # an integration took the devices over (a perception node runs them)
                self._perception.stop()
                self._perception = None
            return
        for worker in self.workers:
            worker.start()

    def _step_failed(self, error: Exception) -> None:
        key = f"{type(error).__name__}: {error}"
        self.step_errors += 1
        if key not in self._step_errors_seen:
            self._step_errors_seen.add(key)
            log.exception("brain step failed (the pet carries on; said once): %s", key)
            self._emit("step_error", {"error": key})

    def shutdown(self) -> None:
        """Release torque through the link first (while it is alive), then stop the rest."""
        # Stopping threads can take longer than the body's 300 ms silence timeout,
        # after which it would refuse the TORQUE command: so torque goes first.
        released = self._release_torque()
        stuck = wait_all(self.workers, timeout_s=2.0)
        if self._perception is not None:
            stuck += self._perception.stop(timeout_s=3.0)
        if stuck:
            log.warning("worker(s) did not stop in time: %s", ", ".join(stuck))
        self.integrations.stop(self)
        if self.dashboard is not None:
            self.dashboard.stop()
        if self.speaker is not None:
            self.speaker.close()
        self.link.close()
        if self.memory is not None:
            self.memory.close()
        self.stopped_cleanly = released and not stuck
        self._emit("stopped", {"torque_released": released, "workers_stuck": stuck})
        log.info("petbrain stopped (torque %s)", "released" if released else "left to the body")

    def _release_torque(self) -> bool:
        """TORQUE off, acknowledged; when the body is gone its own timeout rests it."""
        if not self.link.ready:
            return not self.brain.torque
        done: list[bool] = []
        now = int(self.clock_ms())
        self.link.send_command(wire.Torque(False), now, done.append)
        deadline = now + SHUTDOWN_ACK_MS
        while not done and self.clock_ms() < deadline:
            self.link.wait_readable(10)
            now = int(self.clock_ms())
            self.link.poll(now)
            self.link.tick(now)
        ok = bool(done and done[0])
        if ok:
            self.brain.torque = False
        return ok

    # -- devices ---------------------------------------------------------

    def _on_body_ready(self, info: BodyInfo) -> None:
        firmware = ".".join(map(str, info.firmware))
        self.health.up("body", f"{info.board} firmware {firmware} on {self.link.url}")
        if not info.schema_matches:
            log.warning("body firmware was built from another message set: reflash it")
        for problem in body_mismatches(self.config, info):
            log.error("robot.yaml does not match the body: %s", problem)

    def _on_body_lost(self, reason: str) -> None:
        self.health.down("body", reason)
        # A touch cut off by the outage must not be classified when frames return.
        self.pet.new_classifier()

    def _watch_body(self) -> None:
        """Port-level failures (no device, unplugged) become one health report."""
        error = self.link.last_error
        if self.link.state == "closed" and error and error != self._last_body_error:
            self.health.down("body", error, self.link.reconnect_period_ms / 1000.0)
        self._last_body_error = error if self.link.state == "closed" else None

    def _next_observations(self, limit: int) -> list[Observation]:
        """What the workers (threads here, or the perception process) have said since."""
        found: list[Observation] = []
        if self._perception is not None:
            found = self._perception.drain(limit)
        # Integrations (a remote perception node) put theirs on the queue.
        while len(found) < limit:
            try:
                found.append(self.observations.get_nowait())
            except queue.Empty:
                break
        return found

    def _perceive(self) -> None:
        """Worker observations to the brain's fusion; owner presence and loud sounds as events."""
        for item in self._next_observations(64):
            self.pet.sense(item.value)
            self.view.note(item.value, self.pet.owner_present)
            to_json = getattr(item.value, "to_json", None)
            data = to_json() if callable(to_json) else {"value": repr(item.value)}
            self._emit(
                "observation",
                {"source": item.source, "type": type(item.value).__name__, "observation": data},
                int(item.t_ms),
            )

    # -- events ----------------------------------------------------------

    def _on_health(self, state: Any) -> None:
        self._emit("device", {"device": state.name, **state.to_json()})

    def _on_event(self, event: BrainEvent) -> None:
        if event.kind in LOGGED_KINDS:
            detail = event.data.get("behaviour") or event.data.get("reason") or ""
            log.info("%s %s", event.kind, detail)
        self._write_event(event.to_json() | {"t_ms": int(self.clock_ms())})

    def _emit(self, kind: str, data: dict[str, Any], t_ms: int | None = None) -> None:
        t = int(self.clock_ms()) if t_ms is None else t_ms
        self._write_event({"t_ms": t, "kind": kind, **data})

    def _write_event(self, record: dict[str, Any]) -> None:
        self._events.write(record)
