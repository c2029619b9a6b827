"""What a core tells the rest of the house: its owner-emotion estimate and a state summary.

``petbrain/<pet>/owner_emotion`` carries every new fused estimate (about
10 Hz while someone is perceived); ``petbrain/<pet>/state`` carries a small
:class:`brain.net.schema.PetStateMsg` once per ``period_ms`` for household
views. Both are numbers and names only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from brain.net.schema import (
    MAX_AGE_MS,
    OWNER_EMOTION,
    STATE,
    OwnerEmotionMsg,
    PetStateMsg,
    encode,
    key,
)

if TYPE_CHECKING:
    import zenoh

    from brain.app.runtime import Brain

PerceptionState = Literal["in-process", "up", "down", "never-seen"]


def _unit(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


def _signed(value: float) -> float:
    return min(1.0, max(-1.0, float(value)))


def owner_message(estimate: Any, pet: str, seq: int, now_ms: float) -> OwnerEmotionMsg:
    """A fused estimate (``brain.fusion`` OwnerEmotion) as a wire message."""
    return OwnerEmotionMsg(
        pet=pet,
        seq=seq,
        age_ms=min(MAX_AGE_MS, max(0.0, now_ms - estimate.t_ms)),
        valence=_signed(estimate.valence),
        arousal=_signed(estimate.arousal),
        probabilities={k: _unit(v) for k, v in estimate.emotion.items()},
        confidence=_unit(estimate.confidence),
    )


class StatePublisher:
    """Publishes one pet's owner-emotion updates and its periodic state summary."""

    def __init__(self, session: zenoh.Session, pet: str, name: str, period_ms: int = 1000) -> None:
        self.pet = pet
        self.name = name[:64]
        self.period_ms = period_ms
        self._owner = session.declare_publisher(key(pet, OWNER_EMOTION))
        self._state = session.declare_publisher(key(pet, STATE))
        self._next_state_ms = 0.0
        self._last_estimate_ms: int | None = None
        self.owner_updates = 0
        self.states = 0

    def step(
        self,
        brain: Brain,
        now_ms: float,
        *,
        perception: PerceptionState = "in-process",
        owner_present: bool | None = None,
        body_ready: bool = False,
        battery_mv: int = 0,
        dropped: int = 0,
    ) -> None:
        """Publish a new owner estimate if there is one, and the summary when due."""
        estimate = brain.owner_emotion
        if estimate is not None and estimate.t_ms != self._last_estimate_ms:
            self._last_estimate_ms = estimate.t_ms
            self.owner_updates += 1
            self._owner.put(encode(owner_message(estimate, self.pet, self.owner_updates, now_ms)))
        if now_ms < self._next_state_ms:
            return
        self._next_state_ms = now_ms + self.period_ms
        self.states += 1
        self._state.put(
            encode(
                self.summary(
                    brain,
                    now_ms,
                    perception=perception,
                    owner_present=owner_present,
                    body_ready=body_ready,
                    battery_mv=battery_mv,
                    dropped=dropped,
                )
            )
        )

    def summary(
        self,
        brain: Brain,
        now_ms: float,
        *,
        perception: PerceptionState,
        owner_present: bool | None,
        body_ready: bool,
        battery_mv: int,
        dropped: int,
    ) -> PetStateMsg:
        """The state message of ``brain`` at ``now_ms``."""
        running = brain.executor.running
        decision = brain.last_decision
        estimate = brain.owner_emotion
        return PetStateMsg(
            pet=self.pet,
            seq=self.states,
            name=self.name,
            mood={k: round(float(v), 3) for k, v in list(brain.mood.values.items())[:8]},
            behaviour=running.behaviour.name[:64] if running is not None else None,
            last_decision=decision.behaviour.name[:64] if decision is not None else None,
            decision_age_ms=(
                min(MAX_AGE_MS, max(0.0, now_ms - decision.t_ms)) if decision is not None else None
            ),
            owner=None if estimate is None else owner_message(estimate, self.pet, 0, now_ms),
            owner_present=owner_present,
            body_ready=body_ready,
            battery_mv=max(0, min(100_000, battery_mv)),
            perception=perception,
            dropped=dropped,
        )

    def close(self) -> None:
        """Withdraw the publishers."""
        self._owner.undeclare()
        self._state.undeclare()
