"""Worker observations become the brain's presence and loud-sound events."""

from __future__ import annotations

from brain.events import LoudSound, OwnerEmotion, OwnerPresence
from brain.perception_events import PerceptionEvents
from brain.presence import PresenceTracker
from sensors.audio.observations import AmbientLevel, SoundEvent
from sensors.camera.observations import BodyObservation, FaceObservation, VisionObservation


def _frame(t_ms: int, face: bool, body: bool = False) -> VisionObservation:
    return VisionObservation(t_ms, FaceObservation(t_ms, face), BodyObservation(t_ms, body))


def test_an_owner_seen_for_a_while_arrives_and_leaves() -> None:
    events = PerceptionEvents(120.0, PresenceTracker(appear_after_ms=300, leave_after_ms=1000))
    out = []
    for t in range(0, 600, 100):
        out += events.translate(_frame(t, face=True), t)
    assert out == [OwnerPresence(300, True, None)]
    out = []
    for t in range(600, 1800, 100):
        out += events.translate(_frame(t, face=False, body=t < 800), t)  # body alone still counts
    assert out == [OwnerPresence(1700, False)]


def test_a_startle_is_a_loud_sound_in_db_spl() -> None:
    events = PerceptionEvents(spl_offset_db=110.0)
    startle = SoundEvent("startle", 1000.0, 1032.0, -20.0, 25.0, -50.0)
    assert events.translate(startle, 1032) == [LoudSound(1000, 90.0)]
    assert events.translate(AmbientLevel(1000.0, -50.0, False), 1032) == []


def test_fusion_turns_a_smiling_face_into_a_pleasant_owner_emotion() -> None:
    events = PerceptionEvents(120.0)
    assert events.estimate(0) == []  # nothing loaded, nothing seen
    events.load_fusion_in_background()
    assert events._loader is not None
    events._loader.join(30)
    assert events.fusion is not None
    happy = {
        "happy": 0.9,
        "neutral": 0.04,
        "sad": 0.02,
        "angry": 0.01,
        "fear": 0.01,
        "surprise": 0.01,
        "disgust": 0.01,
    }
    frown = {
        "happy": 0.01,
        "neutral": 0.04,
        "sad": 0.02,
        "angry": 0.9,
        "fear": 0.01,
        "surprise": 0.01,
        "disgust": 0.01,
    }
    estimates = {}
    for name, expression in (("happy", happy), ("angry", frown)):
        fresh = PerceptionEvents(120.0)
        fresh.fusion = type(events.fusion)(events.fusion.model)
        for t in range(0, 1000, 66):
            face = FaceObservation(t, True, expression=expression)
            fresh.translate(VisionObservation(t, face, BodyObservation(t, False)), t)
        (estimate,) = fresh.estimate(1000)
        assert isinstance(estimate, OwnerEmotion)
        assert fresh.estimate(1050) == []  # 10 Hz
        estimates[name] = estimate
    assert estimates["happy"].valence > estimates["angry"].valence
    assert estimates["happy"].probabilities["happy"] > estimates["angry"].probabilities["happy"]
