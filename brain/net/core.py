"""The core side of a split brain: a perception node's observations, validated, on this clock.

:class:`RemotePerception` subscribes to ``petbrain/<pet>/perception/**``,
checks every payload (:class:`brain.net.schema.Decoder`: bad ones are
counted and dropped, never acted on) and turns the good ones back into the
observations the all-in-one pet hands its brain, stamped on this board's
clock from their age. The perception node's Zenoh liveliness token and its
traffic say whether it is up: :meth:`RemotePerception.check` reports each
change once, so the core can say it once and zero the modalities it fed.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from brain.app.workers import Observation
from brain.net.convert import audio_observation, vision_observation
from brain.net.schema import (
    PERCEPTION_ALIVE,
    SIM_DONE,
    AmbientMsg,
    BodyMsg,
    Decoder,
    FaceMsg,
    SimDoneMsg,
    StartleMsg,
    VoiceMsg,
    key,
)

if TYPE_CHECKING:
    import zenoh

log = logging.getLogger("petbrain")

# What a perception node feeds fusion; zeroed at once when it goes away (touch stays).
REMOTE_MODALITIES = ("face", "body", "voice")
MAX_WAITING = 256  # observations held for the main loop (as the in-process queue)


@dataclass(frozen=True)
class LinkChange:
    """The perception node came (``up``) or went, and why."""

    t_ms: int
    up: bool
    why: str


class RemotePerception:
    """Observations from one pet's perception node, and whether that node is up."""

    def __init__(
        self,
        session: zenoh.Session,
        pet: str,
        clock_ms: Callable[[], float],
        timeout_ms: float = 2000.0,
    ) -> None:
        import zenoh

        self.pet = pet
        self.timeout_ms = timeout_ms
        self.decoder = Decoder()
        self._clock_ms = clock_ms
        self._cond = threading.Condition()
        self._ready: deque[Observation] = deque(maxlen=MAX_WAITING)
        self._bodies: dict[int, BodyMsg] = {}
        self._token = False  # some perception node's token is declared
        self._nodes: set[str] = set()  # the declared tokens (one per node's Zenoh session)
        self._token_since_ms = -math.inf
        self._last_ms = -math.inf
        self._from_node = 0  # observation messages from the node that is up now
        self.done: SimDoneMsg | None = None  # the last simulated tick a node finished
        self.state: Literal["up", "down", "never-seen"] = "never-seen"
        self.received = 0  # observation messages accepted
        self.overflow = 0  # observations the main loop did not take in time
        self._put = zenoh.SampleKind.PUT
        base = key(pet, "perception")
        self._subscribers = [
            session.declare_subscriber(f"{base}/**", self._on_sample),
            session.declare_subscriber(key(pet, SIM_DONE), self._on_sample),
        ]
        self._liveliness = session.liveliness().declare_subscriber(
            key(pet, PERCEPTION_ALIVE) + "/**", self._on_token, history=True
        )

    # -- Zenoh callbacks (Zenoh's threads) --------------------------------------

    def _on_sample(self, sample: zenoh.Sample) -> None:
        payload = sample.payload.to_bytes()
        with self._cond:
            now = self._clock_ms()
            message = self.decoder.decode(str(sample.key_expr), payload)
            if message is None:
                return  # counted in decoder.stats
            self._last_ms = now
            if isinstance(message, SimDoneMsg):
                self.done = message
            elif isinstance(message, BodyMsg):
                self._count()
                self._bodies[message.frame] = message
                for frame in [f for f in self._bodies if f < message.frame]:
                    del self._bodies[frame]  # a frame whose face never came
            elif isinstance(message, FaceMsg):
                self._count()
                vision = vision_observation(message, self._bodies.pop(message.frame, None), now)
                self._hold(Observation("camera", vision.t_ms, vision))
            elif isinstance(message, VoiceMsg | StartleMsg | AmbientMsg):
                self._count()
                audio = audio_observation(message, now)
                self._hold(Observation("microphone", audio.t_ms, audio))
            self._cond.notify_all()

    def _count(self) -> None:
        self.received += 1
        self._from_node += 1

    def _hold(self, observation: Observation) -> None:
        if len(self._ready) == self._ready.maxlen:
            self.overflow += 1
        self._ready.append(observation)

    def _on_token(self, sample: zenoh.Sample) -> None:
        with self._cond:
            node = str(sample.key_expr)
            if sample.kind != self._put:
                self._nodes.discard(node)
            elif node not in self._nodes:  # a repeated announcement of a known node is no news
                self._nodes.add(node)
                self._token_since_ms = self._clock_ms()
                self._from_node = 0  # a new node counts its messages from zero
            self._token = bool(self._nodes)
            self._cond.notify_all()

    # -- the main loop's side ---------------------------------------------------

    def take(self) -> list[Observation]:
        """Every observation received since the last call, oldest first."""
        with self._cond:
            out = list(self._ready)
            self._ready.clear()
            return out

    @property
    def node_present(self) -> bool:
        """Whether the perception node's liveliness token is declared now."""
        with self._cond:
            return self._token

    def check(self, now_ms: float) -> LinkChange | None:
        """The node's state at ``now_ms``; a :class:`LinkChange` only when it changed."""
        with self._cond:
            token, heard_ms = self._token, max(self._last_ms, self._token_since_ms)
        if not token:
            up, why = False, "the perception node left (its Zenoh liveliness token is gone)"
        elif now_ms - heard_ms > self.timeout_ms:
            up, why = False, f"nothing from the perception node for {self.timeout_ms:.0f} ms"
        else:
            up, why = True, "perception node connected"
        state: Literal["up", "down"] = "up" if up else "down"
        if state == self.state or (self.state == "never-seen" and not up):
            return None
        self.state = state
        return LinkChange(int(now_ms), up, why)

    def _tick_complete(self, t_ms: int) -> bool:
        # Zenoh keeps order per key, not across keys: "done" can overtake the tick's
        # observations, so the node's running total says how many must be here.
        done = self.done
        return done is not None and done.t_ms >= t_ms and self._from_node >= done.published

    def wait_done(self, t_ms: int, timeout_s: float) -> bool:
        """Wait for all of tick ``t_ms``; False when the node left or ``timeout_s`` passed."""
        with self._cond:
            self._cond.wait_for(
                lambda: self._tick_complete(t_ms) or not self._token, timeout=timeout_s
            )
            return self._tick_complete(t_ms)

    def wait_node(self, timeout_s: float) -> bool:
        """Block until a perception node's token is seen (or the timeout)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._token, timeout=timeout_s)

    def stats(self) -> dict[str, Any]:
        """Accepted, dropped (by reason) and overflowing messages."""
        return {
            **self.decoder.stats.as_json(),
            "observations": self.received,
            "overflow": self.overflow,
        }

    def close(self) -> None:
        """Stop listening."""
        for subscriber in self._subscribers:
            subscriber.undeclare()
        self._liveliness.undeclare()
