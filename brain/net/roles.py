"""``petbrain run --role core|perception|dashboard``: one board's part of a split pet.

* **core** is the all-in-one pet without local camera and microphone: body
  link, touch, selector, executor, memory and fusion stay here, so the
  reaction to touch never crosses the network. Observations come from
  :class:`brain.net.core.RemotePerception` into the same queue the local
  workers fill; the perception node's comings and goings are device-health
  lines said once, and while it is gone face, body and voice weigh nothing.
  It publishes owner emotion and a state summary for household views.
* **perception** runs only the camera and microphone workers and publishes
  (:func:`brain.net.perception.run_perception_node`).
* **dashboard** is the household view of every pet it hears (read-only).
* **all** (the default) is the pet as it always was; with endpoints in
  ``robot.yaml`` it also publishes its state for a household view.
"""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brain.clock import SystemClock
from brain.net.core import REMOTE_MODALITIES, RemotePerception
from brain.net.schema import PERCEPTION_TOPICS, key, pet_id
from brain.net.state import StatePublisher

if TYPE_CHECKING:
    import zenoh

    from brain.app.pet import PetApp
    from brain.setup.config import RobotFile

log = logging.getLogger("petbrain")


def config_pet_id(config: RobotFile) -> str:
    """The pet's id in key expressions: ``network.pet_id`` or its name, lower case."""
    return config.network.pet_id or pet_id(config.name)


class NetworkCore:
    """The core's network part, plugged into :class:`brain.app.pet.PetApp` as an integration."""

    def __init__(self, session: zenoh.Session, config: RobotFile, remote_perception: bool) -> None:
        self.session = session
        self.net = config.network
        self.pet = config_pet_id(config)
        self.remote_perception = remote_perception
        self.remote: RemotePerception | None = None
        self.state = StatePublisher(session, self.pet, config.name, self.net.state_period_ms)
        self.overflow = 0

    def start(self, app: PetApp) -> None:
        """Stop the local camera and microphone from starting; listen for the perception node."""
        if not self.remote_perception:
            return
        app.workers = []  # they run on the perception node
        self.remote = RemotePerception(
            self.session, self.pet, app.clock_ms, float(self.net.perception_timeout_ms)
        )
        topics = ", ".join(key(self.pet, t) for t in PERCEPTION_TOPICS)
        app.health.down("perception", f"waiting for the perception node ({topics})")

    def step(self, app: PetApp, now_ms: int) -> None:
        """Received observations into the app's queue; node up/down said once; state out."""
        remote = self.remote
        if remote is not None:
            for observation in remote.take():
                try:
                    app.observations.put_nowait(observation)
                except queue.Full:
                    self.overflow += 1
            change = remote.check(now_ms)
            if change is not None and change.up:
                app.health.up("perception", change.why)
            elif change is not None:
                app.health.down("perception", change.why + "; face, body and voice count as absent")
                if app.brain.fusion is not None:
                    app.brain.fusion.drop(REMOTE_MODALITIES)
        status = app.link.last_status
        self.state.step(
            app.brain,
            now_ms,
            perception="in-process" if remote is None else remote.state,
            owner_present=app.pet.owner_present,
            body_ready=app.link.ready,
            battery_mv=0 if status is None else int(status.battery_mv),
            dropped=0 if remote is None else remote.decoder.stats.dropped,
        )

    def stop(self, app: PetApp) -> None:
        """Close the subscriptions, publishers and the session."""
        if self.remote is not None:
            self.remote.close()
        self.state.close()
        self.session.close()


def install_signal_stop(stop: threading.Event) -> None:
    """SIGTERM and SIGINT set ``stop``."""
    import signal

    def handler(signum: int, frame: object) -> None:
        log.info("%s received: stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def run_perception(config: RobotFile, base: Path) -> int:
    """``--role perception``: camera and microphone here, observations to the core."""
    from brain.net.perception import run_perception_node
    from brain.net.session import open_session

    session = open_session(config.network, base)
    stop = threading.Event()
    install_signal_stop(stop)
    clock = SystemClock()
    try:
        return run_perception_node(config, session, config_pet_id(config), stop, clock.monotonic_ms)
    finally:
        session.close()


def run_household(config: RobotFile, base: Path) -> int:
    """``--role dashboard``: the household view of every pet heard, until stopped."""
    from brain.dashboard.household import HOUSEHOLD_STATIC, HouseholdView, household_config
    from brain.dashboard.server import RobotDashboard
    from brain.errors import UserError
    from brain.net.session import open_session

    dash = config.dashboard
    session = open_session(config.network, base)
    view = HouseholdView(session, SystemClock().monotonic_ms, list(config.network.household))
    try:
        server = RobotDashboard(
            household_config(config.name), dash.bind, dash.port, dash.token, HOUSEHOLD_STATIC
        )
    except OSError as error:
        view.close()
        session.close()
        raise UserError(
            f"cannot serve the household view on {dash.bind}:{dash.port}: {error}"
        ) from error
    server.start()
    log.info("household view: %s (read-only)", server.url)
    stop = threading.Event()
    install_signal_stop(stop)
    try:
        while not stop.wait(0.25):
            server.board.publish(view.document())
    finally:
        server.stop()
        view.close()
        session.close()
    return 0


def attach_core(app: PetApp, config: RobotFile, role: str, base: Path) -> Any:
    """Plug the network part into ``app`` for ``role`` core (or all with endpoints)."""
    from brain.net.session import open_session

    part = NetworkCore(open_session(config.network, base), config, role == "core")
    app.integrations.parts.append(part)
    return part
