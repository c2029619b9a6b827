"""The perception side of a split brain: observations out, as typed wire messages.

:class:`PerceptionPublisher` holds a Zenoh liveliness token while it lives
(the core sees it vanish the moment this process dies) and publishes each
observation on ``petbrain/<pet>/perception/<face|body|voice|sound>``.
:func:`run_perception_node` is ``petbrain run --role perception``: the camera
and microphone workers the all-in-one pet runs, whose observations go to the
network instead of to a brain in the same process.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from brain.net.convert import observation_messages
from brain.net.schema import (
    PERCEPTION_ALIVE,
    PERCEPTION_TOPICS,
    SIM_DONE,
    SimDoneMsg,
    encode,
    key,
)

if TYPE_CHECKING:
    import zenoh

    from brain.app.workers import Observation, SourceWorker
    from brain.setup.config import RobotFile

log = logging.getLogger("petbrain")


class PerceptionPublisher:
    """Publishes one pet's observations; its liveliness token says the node is up."""

    def __init__(self, session: zenoh.Session, pet: str, clock_ms: Callable[[], float]) -> None:
        self.pet = pet
        self._clock_ms = clock_ms
        self._lock = threading.Lock()
        self._publishers = {t: session.declare_publisher(key(pet, t)) for t in PERCEPTION_TOPICS}
        self._done = session.declare_publisher(key(pet, SIM_DONE))
        # One token per node (its Zenoh id in the key): a restarted node is a new token,
        # whatever order the old one's withdrawal and the new one's arrival cross in.
        node = f"{key(pet, PERCEPTION_ALIVE)}/{session.info.zid()}"
        self._token = session.liveliness().declare_token(node)
        self.seq = 0
        self.published = 0  # messages put on the wire
        self.bytes = 0
        self.refused = 0  # observations outside the schema's bounds (logged once per kind)
        self._refused_kinds: set[str] = set()

    def publish(self, value: Any, now_ms: float | None = None) -> int:
        """Put ``value`` (a vision, voice, startle or ambient observation) on the wire.

        Ages are taken at ``now_ms`` (default: now on this board's clock). Returns
        the number of messages sent (0 for kinds that never cross).
        """
        with self._lock:
            now = self._clock_ms() if now_ms is None else now_ms
            try:
                messages = observation_messages(value, self.pet, self.seq, now)
            except ValidationError as error:  # outside the schema's bounds: never sent
                self.refused += 1
                kind = type(value).__name__
                if kind not in self._refused_kinds:
                    self._refused_kinds.add(kind)
                    log.warning(
                        "a %s is outside the wire schema, not sent (said once): %s",
                        kind,
                        error.errors()[0]["msg"],
                    )
                return 0
            if messages:
                self.seq += 1
            for topic, message in messages:
                payload = encode(message)
                self._publishers[topic].put(payload)
                self.published += 1
                self.bytes += len(payload)
            return len(messages)

    def done(self, t_ms: int, published: int) -> None:
        """Tell a simulated core that tick ``t_ms`` is perceived (``published``: running total)."""
        self._done.put(encode(SimDoneMsg(pet=self.pet, seq=t_ms, t_ms=t_ms, published=published)))

    def close(self) -> None:
        """Withdraw the token and the publishers."""
        self._token.undeclare()
        for publisher in [*self._publishers.values(), self._done]:
            publisher.undeclare()


def perception_workers(
    config: RobotFile,
    out: queue.Queue[Observation],
    health: Any,
    clock_ms: Callable[[], float],
) -> list[SourceWorker]:
    """The camera and microphone workers of ``config``, built exactly as ``petbrain run`` does."""
    from brain.app.integrations import build_workers, load_integrations

    return build_workers(config, load_integrations(), health, out, clock_ms)


def run_perception_node(
    config: RobotFile,
    session: zenoh.Session,
    pet: str,
    stop: threading.Event,
    clock_ms: Callable[[], float],
) -> int:
    """Camera and microphone here, observations to the core, until ``stop`` is set."""
    from brain.app.health import DeviceHealth
    from brain.app.workers import wait_all

    health = DeviceHealth()
    out: queue.Queue[Any] = queue.Queue(maxsize=256)
    workers = perception_workers(config, out, health, clock_ms)
    if not workers:
        log.error("perception node: robot.yaml has neither a camera nor a microphone")
        return 1
    publisher = PerceptionPublisher(session, pet, clock_ms)
    log.info(
        "perception node for %s: %s -> petbrain/%s/perception/*",
        pet,
        ", ".join(w.source_name for w in workers),
        pet,
    )
    for worker in workers:
        worker.start()
    try:
        while not stop.is_set():
            try:
                item = out.get(timeout=0.1)
            except queue.Empty:
                continue
            publisher.publish(item.value)
    finally:
        wait_all(workers, timeout_s=2.0)
        publisher.close()
    log.info("perception node stopped: %d messages published", publisher.published)
    return 0
