"""Sensor observations reach the behaviours through fusion inside the brain's own step."""

from __future__ import annotations

from datetime import datetime

from behaviour_fakes import FakeLink

from behaviors.library import load_library
from brain.app.runtime import Brain
from brain.body.joints import DEFAULT_ROBOT
from brain.clock import SimulatedClock
from sensors.audio.observations import Prosody, VoiceObservation
from sensors.camera.observations import BodyObservation, FaceObservation, VisionObservation

LIBRARY = load_library()


def sad_owner(t_ms: int) -> list[object]:
    prosody = Prosody(-30.0, 6.0, 170.0, 2.0, 1.0, 2.5, 0.4, 0.3, -40.0)
    face = FaceObservation(
        t_ms=t_ms, present=True, expression={"sad": 0.85, "neutral": 0.1, "fear": 0.05}
    )
    body = BodyObservation(t_ms=t_ms, present=True, upright=0.2, motion=0.05, stale_ms=0)
    voice = VoiceObservation(
        float(t_ms - 900), 900.0, 0.9, prosody, -0.3, -0.7, {"sad": 0.8, "calm": 0.2}, 0.8
    )
    return [VisionObservation(t_ms, face, body), voice]


def make_brain(**kwargs: object) -> tuple[Brain, FakeLink]:
    link = FakeLink()
    brain = Brain(
        link,  # type: ignore[arg-type]
        DEFAULT_ROBOT,
        LIBRARY,
        0,
        clock=SimulatedClock(datetime(2026, 3, 14, 14, 0)),
        **kwargs,  # type: ignore[arg-type]
    )
    brain.torque = True
    return brain, link


def test_a_sad_face_and_voice_are_fused_and_the_cat_comes_to_comfort() -> None:
    brain, _ = make_brain()
    assert brain.fusion is not None
    for t in range(0, 3000, 10):
        if t % 100 == 0:
            for observation in sad_owner(t):
                brain.perceive(observation)
        brain.step(t)
    estimate = brain.owner_emotion
    assert estimate is not None
    assert max(estimate.emotion, key=estimate.emotion.__getitem__) == "sad"
    assert estimate.valence < 0
    assert {"face", "voice"} <= {m for m, c in estimate.contributions.items() if c > 0}
    decisions = [e.data["behaviour"] for e in brain.events if e.kind == "decision"]
    assert "comfort_sad_owner" in decisions
    assert any(e.kind == "owner_emotion" for e in brain.events)


def test_no_observation_means_no_opinion_and_a_failing_observation_is_dropped() -> None:
    brain, _ = make_brain()
    brain.perceive(object())  # not an observation fusion knows: dropped, no crash
    for t in range(0, 500, 10):
        brain.step(t)
    assert brain.owner_emotion is None
    assert not any(e.kind == "owner_emotion" for e in brain.events)


def test_the_brain_runs_without_fusion_when_asked() -> None:
    brain, _ = make_brain(fusion=False)
    for observation in sad_owner(0):
        brain.perceive(observation)
    for t in range(0, 300, 10):
        brain.step(t)
    assert brain.fusion is None and brain.owner_emotion is None
