"""A household view: every pet of the house at once, read-only, from Zenoh.

It subscribes to ``petbrain/*/state`` and ``petbrain/*/owner_emotion`` (or
only the pets listed in ``network.household``), validates every message like
any receiver (:class:`brain.net.schema.Decoder`) and keeps the latest of each
pet. Who may hear the pets at all is Zenoh's business: a view that is not in
the core's user-password dictionary (or lacks a certificate of the house's
CA under mutual TLS) is refused by the core and shows nothing. The page is
served by :class:`brain.dashboard.server.RobotDashboard` (loopback by
default, a token on a LAN) and offers no input at all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brain.net.schema import OWNER_EMOTION, STATE, Decoder, OwnerEmotionMsg, PetStateMsg

if TYPE_CHECKING:
    import zenoh

log = logging.getLogger("petbrain")
HOUSEHOLD_STATIC = Path(__file__).parent / "household_static"
STALE_MS = 5000  # a pet not heard from this long is shown as out of touch
MAX_PETS = 64  # a house, a care home: never an unbounded table of whatever is heard


class HouseholdView:
    """The latest state of each pet heard, as the household page's document."""

    def __init__(
        self,
        session: zenoh.Session,
        clock_ms: Callable[[], float],
        pets: list[str] | None = None,
    ) -> None:
        self.decoder = Decoder()
        self._clock_ms = clock_ms
        self._only = set(pets or ())
        self._lock = threading.Lock()
        self._states: dict[str, tuple[float, PetStateMsg]] = {}
        self._owners: dict[str, tuple[float, OwnerEmotionMsg]] = {}
        self.owner_updates = 0
        self.ignored = 0  # messages of pets beyond MAX_PETS
        self._subscribers = [
            session.declare_subscriber(f"petbrain/*/{topic}", self._on_sample)
            for topic in (STATE, OWNER_EMOTION)
        ]

    def _on_sample(self, sample: zenoh.Sample) -> None:
        message = self.decoder.decode(str(sample.key_expr), sample.payload.to_bytes())
        if message is None or (self._only and message.pet not in self._only):
            return
        with self._lock:
            now = self._clock_ms()
            if message.pet not in self._states and len(self._states) >= MAX_PETS:
                self.ignored += 1
                return
            if isinstance(message, PetStateMsg):
                self._states[message.pet] = (now, message)
            elif isinstance(message, OwnerEmotionMsg):
                self._owners[message.pet] = (now, message)
                self.owner_updates += 1

    @property
    def pets(self) -> list[str]:
        """Ids of the pets heard so far, sorted."""
        with self._lock:
            return sorted(self._states)

    def document(self) -> dict[str, Any]:
        """The page's state document: one card per pet."""
        now = self._clock_ms()
        with self._lock:
            states = dict(self._states)
            owners = dict(self._owners)
        cards = []
        for pet in sorted(states):
            heard_ms, state = states[pet]
            owner = owners.get(pet)
            card = state.model_dump(exclude={"schema_version", "seq", "kind", "owner"})
            card["heard_ms_ago"] = round(now - heard_ms)
            card["out_of_touch"] = now - heard_ms > STALE_MS
            if owner is not None:
                owner_heard_ms, estimate = owner
                card["owner"] = {
                    "valence": round(estimate.valence, 3),
                    "arousal": round(estimate.arousal, 3),
                    "top": max(estimate.probabilities, key=estimate.probabilities.__getitem__)
                    if estimate.probabilities
                    else None,
                    "confidence": round(estimate.confidence, 3),
                    "age_ms": round(now - owner_heard_ms + estimate.age_ms),
                }
            else:
                card["owner"] = None
            cards.append(card)
        return {"household": True, "pets": cards, "wire": self.decoder.stats.as_json()}

    def close(self) -> None:
        """Stop listening."""
        for subscriber in self._subscribers:
            subscriber.undeclare()


def household_config(title: str) -> dict[str, Any]:
    """The page's ``/config`` document."""
    return {"household": True, "title": title, "read_only": True}
