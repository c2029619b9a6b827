"""Worker observations become the brain's presence and loud-sound events."""

from __future__ import annotations

import logging

import pytest

from brain.app.perception import PerceptionEvents, load_fusion_in_background
from brain.app.presence import PresenceTracker
from brain.events import LoudSound, OwnerPresence
from sensors.audio.observations import AmbientLevel, SoundEvent
from sensors.camera.observations import BodyObservation, FaceObservation, VisionObservation


def _frame(t_ms: int, face: bool, body: bool = False) -> VisionObservation:
    return VisionObservation(t_ms, FaceObservation(t_ms, face), BodyObservation(t_ms, body))


def test_an_owner_seen_for_a_while_arrives_and_leaves() -> None:
    events = PerceptionEvents(120.0, PresenceTracker(appear_after_ms=300, leave_after_ms=1000))
    out = []
    for t in range(0, 600, 100):
        out += events.translate(_frame(t, face=True))
    assert out == [OwnerPresence(300, True, None)]
    out = []
    for t in range(600, 1800, 100):
        out += events.translate(_frame(t, face=False, body=t < 800))  # body alone still counts
    assert out == [OwnerPresence(1700, False)]


def test_a_startle_is_a_loud_sound_in_db_spl() -> None:
    events = PerceptionEvents(spl_offset_db=110.0)
    startle = SoundEvent("startle", 1000.0, 1032.0, -20.0, 25.0, -50.0)
    assert events.translate(startle) == [LoudSound(1000, 90.0)]
    assert events.translate(AmbientLevel(1000.0, -50.0, False)) == []


def test_fusion_loads_off_the_main_thread_and_a_broken_model_is_said_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    got: list[object] = []
    load_fusion_in_background(got.append).join(30)
    assert len(got) == 1 and hasattr(got[0], "estimate")

    from brain.fusion import model as fusion_model

    def broken(*_: object) -> None:
        raise fusion_model.FusionModelError("fusion model models/fusion.onnx cannot be loaded")

    monkeypatch.setattr(fusion_model.FusionModel, "__init__", broken)
    got.clear()
    with caplog.at_level(logging.ERROR, logger="petbrain"):
        load_fusion_in_background(got.append).join(30)
    assert got == []
    assert caplog.text.count("owner-emotion fusion is off") == 1
