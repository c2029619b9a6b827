"""The wire schema: round trips on two clocks, bad payloads counted and dropped, no raw data."""

from __future__ import annotations

import json
import math
import typing

import pytest
from pydantic import BaseModel

from brain.net import schema
from brain.net.convert import audio_observation, observation_messages, vision_observation
from brain.net.schema import Decoder, FaceMsg, encode, key
from sensors.audio.observations import AmbientLevel, Prosody, SoundEvent, VoiceObservation
from sensors.camera.observations import (
    BodyObservation,
    FaceCues,
    FaceObservation,
    VisionObservation,
)


def vision(t_ms: int) -> VisionObservation:
    face = FaceObservation(
        t_ms=t_ms,
        present=True,
        box=(0.25, 0.2, 0.3, 0.4),
        distance_m=0.9,
        yaw_deg=-12.5,
        looking_at_pet=True,
        expression={"happy": 0.7, "neutral": 0.2, "sad": 0.1},
        cues=FaceCues(smile=0.8, eyes_open=0.6),
        faces_seen=2,
    )
    body = BodyObservation(t_ms=t_ms, present=True, lean=0.3, upright=0.9, motion=0.4, stale_ms=60)
    return VisionObservation(t_ms, face, body, compute_ms=7.25)


def voice(t_ms: float) -> VoiceObservation:
    prosody = Prosody(-28.5, 12.0, float("nan"), 3.5, 1.25, 4.0, 0.5, 0.2, -12.0)
    return VoiceObservation(
        t_ms=t_ms,
        duration_ms=1200.0,
        speech_probability=0.93,
        prosody=prosody,
        arousal=0.4,
        valence=-0.25,
        emotion={"angry": 0.5, "calm": 0.5},
        confidence=0.7,
    )


def send_and_receive(value: object, sender_now: float, receiver_now: float) -> list[object]:
    """Encode on one clock, decode on another, as two boards would."""
    decoder = Decoder()
    out: list[object] = []
    body = None
    for topic, message in observation_messages(value, "mochi", 7, sender_now):
        got = decoder.decode(key("mochi", topic), encode(message))
        assert got is not None, decoder.stats.last_error
        if isinstance(got, schema.BodyMsg):
            body = got
        elif isinstance(got, FaceMsg):
            out.append(vision_observation(got, body, receiver_now))
        else:
            assert isinstance(got, schema.VoiceMsg | schema.StartleMsg | schema.AmbientMsg)
            out.append(audio_observation(got, receiver_now))
    return out


def test_vision_crosses_two_clocks_by_age() -> None:
    # The perception board's clock reads 50_000; the core's 1_000_200 at receipt.
    [got] = send_and_receive(vision(49_980), 50_000, 1_000_200)
    assert isinstance(got, VisionObservation)
    assert got.t_ms == 1_000_180  # 20 ms old on arrival, on the core's own clock
    assert got.face.expression == {"happy": 0.7, "neutral": 0.2, "sad": 0.1}
    assert got.face.box == (0.25, 0.2, 0.3, 0.4)
    assert got.face.cues == FaceCues(smile=0.8, eyes_open=0.6)
    assert got.body.lean == 0.3 and got.body.stale_ms == 60
    assert got.compute_ms == 7.25


def test_audio_crosses_with_nan_as_null() -> None:
    [got] = send_and_receive(voice(900.0), 2_000, 10_000)
    assert isinstance(got, VoiceObservation)
    assert got.t_ms == 8_900.0 and got.duration_ms == 1200.0
    assert math.isnan(got.prosody.f0_hz) and got.prosody.alpha_db == -12.0
    assert got.emotion == {"angry": 0.5, "calm": 0.5}
    startle = SoundEvent("startle", 1000.0, 1032.0, -3.0, 40.0, -60.0)
    [got] = send_and_receive(startle, 1040, 5040)
    assert got == SoundEvent("startle", 5000.0, 5032.0, -3.0, 40.0, -60.0)
    [got] = send_and_receive(AmbientLevel(500.0, -61.0, False), 600, 700)
    assert got == AmbientLevel(600.0, -61.0, False)


def good_face() -> dict[str, typing.Any]:
    [_, (_, face)] = observation_messages(vision(100), "mochi", 1, 120)
    return json.loads(encode(face))


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        ("perception/face", b"\x00\x01not json", "malformed"),
        ("perception/face", b"[1, 2, 3]", "malformed"),
        ("perception/face", json.dumps({**good_face(), "present": "yes"}).encode(), "malformed"),
        ("perception/face", json.dumps({**good_face(), "yaw_deg": 1e9}).encode(), "malformed"),
        ("perception/face", json.dumps({**good_face(), "pixels": [0] * 8}).encode(), "malformed"),
        ("perception/face", b'{"schema_version": 1, "kind": "face", "age_ms": NaN}', "malformed"),
        ("perception/face", json.dumps({**good_face(), "schema_version": 2}).encode(), "unknown"),
        ("perception/face", json.dumps({**good_face(), "kind": "voice"}).encode(), "unknown"),
        ("perception/smell", json.dumps(good_face()).encode(), "unknown"),
        ("perception/face", json.dumps({**good_face(), "pet": "other"}).encode(), "other_pet"),
        ("perception/face", b"{" + b" " * 5000 + b"}", "oversize"),
    ],
)
def test_bad_payloads_are_counted_and_dropped(topic: str, payload: bytes, reason: str) -> None:
    decoder = Decoder()
    assert decoder.decode(f"petbrain/mochi/{topic}", payload) is None
    stats = decoder.stats.as_json()
    assert stats[reason] == 1 and stats["dropped"] == 1 and stats["accepted"] == 0
    assert decoder.stats.last_error
    # The same decoder still takes a good message afterwards.
    assert decoder.decode("petbrain/mochi/perception/face", json.dumps(good_face()).encode())
    assert decoder.stats.accepted == 1


def test_keys_outside_the_schema_are_refused() -> None:
    decoder = Decoder()
    assert decoder.decode("robots/mochi/perception/face", json.dumps(good_face()).encode()) is None
    assert decoder.decode("petbrain/Bad Pet/state", b"{}") is None
    assert decoder.stats.unknown == 2
    with pytest.raises(ValueError, match="pet id"):
        key("Mochi!", "state")
    assert schema.pet_id("Mochi the Cat") == "mochi-the-cat"


def _leaf_types(model: type[BaseModel]) -> typing.Iterator[object]:
    for info in model.model_fields.values():
        stack = [info.annotation]
        while stack:
            kind = stack.pop()
            args = typing.get_args(kind)
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                yield from _leaf_types(kind)
            elif args:
                stack.extend(args)
            else:
                yield kind


def test_no_message_can_carry_frames_audio_or_crops() -> None:
    """Every wire field is a bounded scalar, a small tuple or a small capped dict."""
    models = [
        m
        for m in vars(schema).values()
        if isinstance(m, type) and issubclass(m, BaseModel) and m is not BaseModel
    ]
    assert len(models) >= 12
    for model in models:
        assert model.model_config.get("extra") == "forbid", model
        for leaf in _leaf_types(model):
            assert leaf not in (bytes, bytearray, list, object, typing.Any), (model, leaf)
        for name, info in model.model_fields.items():
            origin = typing.get_origin(info.annotation)
            assert origin is not list, (model, name)
    # Real messages are a few hundred bytes: far below anything holding pixels or samples.
    for value in (vision(1000), voice(1000.0)):
        for _, message in observation_messages(value, "mochi", 1, 1010):
            assert len(encode(message)) < 1200
