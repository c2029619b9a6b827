"""Perception observations to wire messages and back, on each board's own clock.

The sender turns each time stamp into an age (``now_ms - t_ms`` on its clock);
the receiver puts it back on its own clock (``t_ms = now_ms - age_ms``), so
two boards never need to agree on the time. NaN (a pitch with nothing voiced)
travels as null, since JSON has no NaN.
"""

from __future__ import annotations

import math
from typing import Any

from brain.net.schema import (
    BODY,
    FACE,
    MAX_AGE_MS,
    SOUND,
    VOICE,
    AmbientMsg,
    BodyMsg,
    FaceCuesMsg,
    FaceMsg,
    ObservationMsg,
    ProsodyMsg,
    StartleMsg,
    VoiceMsg,
)
from sensors.audio.observations import AmbientLevel, Prosody, SoundEvent, VoiceObservation
from sensors.camera.observations import (
    EXPRESSIONS,
    BodyObservation,
    FaceCues,
    FaceObservation,
    VisionObservation,
)


def _none_nan(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _nan_none(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _age(now_ms: float, t_ms: float) -> float:
    return min(MAX_AGE_MS, max(0.0, float(now_ms) - float(t_ms)))


def observation_messages(
    value: Any, pet: str, seq: int, now_ms: float
) -> list[tuple[str, ObservationMsg]]:
    """(topic, message) for one perception observation; [] for kinds not sent.

    A camera frame becomes a body and then a face message with the same ``frame``
    (the receiver completes the frame when its face arrives).
    """
    if isinstance(value, VisionObservation):
        face, body = value.face, value.body
        return [
            (
                BODY,
                BodyMsg(
                    pet=pet,
                    seq=seq,
                    frame=seq,
                    age_ms=_age(now_ms, body.t_ms),
                    present=body.present,
                    lean=body.lean,
                    upright=body.upright,
                    arms_crossed=body.arms_crossed,
                    arms_open=body.arms_open,
                    hand_raised=body.hand_raised,
                    waving=body.waving,
                    motion=body.motion,
                    stale_ms=body.stale_ms,
                ),
            ),
            (
                FACE,
                FaceMsg(
                    pet=pet,
                    seq=seq,
                    frame=seq,
                    age_ms=_age(now_ms, face.t_ms),
                    present=face.present,
                    box=face.box,
                    distance_m=face.distance_m,
                    yaw_deg=face.yaw_deg,
                    pitch_deg=face.pitch_deg,
                    roll_deg=face.roll_deg,
                    looking_at_pet=face.looking_at_pet,
                    expression=dict(face.expression),
                    cues=FaceCuesMsg(**vars(face.cues)),
                    faces_seen=face.faces_seen,
                    compute_ms=value.compute_ms,
                ),
            ),
        ]
    if isinstance(value, VoiceObservation):
        prosody = ProsodyMsg(**{k: _none_nan(v) for k, v in vars(value.prosody).items()})
        return [
            (
                VOICE,
                VoiceMsg(
                    pet=pet,
                    seq=seq,
                    age_ms=_age(now_ms, value.t_ms),
                    duration_ms=value.duration_ms,
                    speech_probability=value.speech_probability,
                    prosody=prosody,
                    arousal=value.arousal,
                    valence=value.valence,
                    emotion=dict(value.emotion),
                    confidence=value.confidence,
                    background_db=_none_nan(value.background_db),
                ),
            )
        ]
    if isinstance(value, SoundEvent):
        return [
            (
                SOUND,
                StartleMsg(
                    pet=pet,
                    seq=seq,
                    age_ms=_age(now_ms, value.t_ms),
                    detected_age_ms=_age(now_ms, value.detected_t_ms),
                    level_dbfs=value.level_dbfs,
                    rise_db=value.rise_db,
                    background_db=_none_nan(value.background_db),
                ),
            )
        ]
    if isinstance(value, AmbientLevel):
        return [
            (
                SOUND,
                AmbientMsg(
                    pet=pet,
                    seq=seq,
                    age_ms=_age(now_ms, value.t_ms),
                    background_db=_none_nan(value.background_db),
                    speech_active=value.speech_active,
                ),
            )
        ]
    return []


def face_observation(message: FaceMsg, now_ms: float) -> FaceObservation:
    """The face message on the receiver's clock."""
    return FaceObservation(
        t_ms=round(now_ms - message.age_ms),
        present=message.present,
        box=message.box,
        distance_m=message.distance_m,
        yaw_deg=message.yaw_deg,
        pitch_deg=message.pitch_deg,
        roll_deg=message.roll_deg,
        looking_at_pet=message.looking_at_pet,
        expression={k: v for k, v in message.expression.items() if k in EXPRESSIONS},
        cues=FaceCues(**message.cues.model_dump()),
        faces_seen=message.faces_seen,
    )


def body_observation(message: BodyMsg, now_ms: float) -> BodyObservation:
    """The body message on the receiver's clock."""
    data = message.model_dump(exclude={"schema_version", "pet", "seq", "kind", "frame", "age_ms"})
    return BodyObservation(t_ms=round(now_ms - message.age_ms), **data)


def vision_observation(face: FaceMsg, body: BodyMsg | None, now_ms: float) -> VisionObservation:
    """One camera frame's observation from its face and (if it came) body messages."""
    face_obs = face_observation(face, now_ms)
    body_obs = (
        body_observation(body, now_ms)
        if body is not None
        else BodyObservation.absent(face_obs.t_ms)
    )
    return VisionObservation(face_obs.t_ms, face_obs, body_obs, face.compute_ms)


def audio_observation(
    message: VoiceMsg | StartleMsg | AmbientMsg, now_ms: float
) -> VoiceObservation | SoundEvent | AmbientLevel:
    """A voice, startle or ambient message on the receiver's clock."""
    if isinstance(message, VoiceMsg):
        prosody = Prosody(**{k: _nan_none(v) for k, v in message.prosody.model_dump().items()})
        return VoiceObservation(
            t_ms=now_ms - message.age_ms,
            duration_ms=message.duration_ms,
            speech_probability=message.speech_probability,
            prosody=prosody,
            arousal=message.arousal,
            valence=message.valence,
            emotion=dict(message.emotion),
            confidence=message.confidence,
            background_db=_nan_none(message.background_db),
        )
    if isinstance(message, StartleMsg):
        return SoundEvent(
            kind="startle",
            t_ms=now_ms - message.age_ms,
            detected_t_ms=now_ms - message.detected_age_ms,
            level_dbfs=message.level_dbfs,
            rise_db=message.rise_db,
            background_db=_nan_none(message.background_db),
        )
    background = _nan_none(message.background_db)
    return AmbientLevel(now_ms - message.age_ms, background, message.speech_active)
