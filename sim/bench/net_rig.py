"""The rig of the ``net`` benchmark group: a perception process and the core that hears it.

:class:`CoreRig` listens on 127.0.0.1 (explicit endpoint, no scouting),
starts a perception process (spawned: Zenoh's runtime threads must never be
forked) that publishes synthetic vision observations, and receives them with
:class:`brain.net.core.RemotePerception` on the core's clock.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from multiprocessing.connection import Connection
from typing import Any

PET = "bench"
FRAME_RATE_HZ = 15.0  # the reference camera
# Offered loads for the core, messages per second (a 15 fps camera is 30).
LADDER_MSGS_PER_S = (500, 1000, 2000, 4000, 8000, 16000)
KEEPS_UP = 0.99  # a core keeps up with a load while it accepts this share of it


def vision(t_ms: int) -> Any:
    """A camera frame's observation of a smiling owner at ``t_ms`` (about 600 bytes per side)."""
    from sensors.camera.observations import (
        BodyObservation,
        FaceCues,
        FaceObservation,
        VisionObservation,
    )

    face = FaceObservation(
        t_ms=t_ms,
        present=True,
        box=(0.3, 0.2, 0.3, 0.4),
        distance_m=0.8,
        looking_at_pet=True,
        expression={"happy": 0.6, "neutral": 0.3, "sad": 0.1},
        cues=FaceCues(smile=0.7, eyes_open=0.6),
        faces_seen=1,
    )
    body = BodyObservation(t_ms=t_ms, present=True, lean=0.2, upright=0.9, motion=0.1)
    return VisionObservation(t_ms, face, body, compute_ms=6.0)


def publisher_process(conn: Connection, port: int, mode: str, amount: float) -> None:
    """Child: a perception node publishing synthetic vision observations.

    ``latency``: ``amount`` frames at camera rate, send times back.
    ``stream``: camera rate until the parent says stop. ``ladder``: for each
    rate of :data:`LADDER_MSGS_PER_S`, ``amount`` seconds at that rate, then
    the count sent back and wait for the parent.
    """
    from brain.net.perception import PerceptionPublisher
    from brain.net.session import loopback_network, open_session

    session = open_session(loopback_network("perception", port, listen=False))
    start = time.perf_counter()

    def clock_ms() -> float:
        return (time.perf_counter() - start) * 1000.0

    publisher = PerceptionPublisher(session, PET, clock_ms)
    conn.send("ready")
    conn.recv()  # the core has seen our token
    sent: list[float] = []
    period_s = 1.0 / FRAME_RATE_HZ
    if mode == "latency":
        for _ in range(int(amount)):
            sent.append(time.perf_counter())
            publisher.publish(vision(int(clock_ms())))
            time.sleep(period_s)
        conn.send(sent)
    elif mode == "stream":
        while not conn.poll(period_s):
            publisher.publish(vision(int(clock_ms())))
        conn.recv()
        conn.send(publisher.published)
    else:
        frame = vision(0)
        for rate in LADDER_MSGS_PER_S:
            before = publisher.published
            step_start = time.perf_counter()
            while (elapsed := time.perf_counter() - step_start) < amount:
                # Two messages (face, body) per frame; catch up in bursts, 1 ms apart.
                due = rate * elapsed - (publisher.published - before)
                for _ in range(int(due // 2)):
                    publisher.publish(frame, now_ms=0.0)
                time.sleep(0.001)
            conn.send((rate, publisher.published - before, time.perf_counter() - step_start))
            conn.recv()
        conn.send(None)
    time.sleep(0.2)
    publisher.close()
    session.close()


class CoreRig:
    """The core side: a listening session, RemotePerception, and a publisher child."""

    def __init__(self, mode: str, amount: float) -> None:
        from brain.net.core import RemotePerception
        from brain.net.session import free_loopback_port, loopback_network, open_session

        port = free_loopback_port()
        ctx = mp.get_context("spawn")  # a clean child: Zenoh's runtime must not be forked
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=publisher_process, args=(child, port, mode, amount))
        self.process.start()
        self.session = open_session(loopback_network("core", port, listen=True))
        start = time.perf_counter()
        # The core's one clock: observations land on it, and the brain steps on it.
        self.clock_ms = lambda: (time.perf_counter() - start) * 1000.0
        self.received_at: list[float] = []
        outer = self

        class Timed(RemotePerception):
            def _hold(self, observation: Any) -> None:
                outer.received_at.append(time.perf_counter())
                super()._hold(observation)

        self.remote = Timed(self.session, PET, self.clock_ms)
        if self.conn.recv() != "ready" or not self.remote.wait_node(30.0):
            raise RuntimeError("the perception process did not come up")
        self.conn.send("go")

    def result(self) -> Any:
        """The perception process's next report (blocks)."""
        return self.conn.recv()

    def close(self) -> None:
        """Wait for the perception process, then close the subscriptions and the session."""
        self.process.join(10)
        self.remote.close()
        self.session.close()
