"""``petbrain perceive --together FACE_IMAGE VOICE_WAV [TOUCH_TRACE]``: one fused estimate.

Each file goes through its modality's own perceiver (the same code as
``petbrain perceive FILE``), all observations are taken as simultaneous, and
the fusion prints its estimate. A file that cannot be read or perceived
yields that modality's ``error`` and fusion goes on without it: a missing
modality lowers the confidence, it never stops the estimate.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from typing import Any

from brain.errors import UserError, plain_message

PERCEIVER = {
    "face": "sensors.camera.perceive",
    "voice": "sensors.audio.perceive",
    "touch": "sensors.touch.perceive",
}


def _perceive(modality: str, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The first record the modality's perceiver gives for ``path`` (or one with ``error``)."""
    if not path.is_file():
        return {"path": str(path), "error": "no such file"}
    try:
        module = importlib.import_module(PERCEIVER[modality])
    except ModuleNotFoundError as error:
        return {
            "path": str(path),
            "error": f"{modality} perception is not available ({error.name})",
        }
    if path.suffix.lower() not in module.SUFFIXES:
        wanted = ", ".join(module.SUFFIXES)
        return {"path": str(path), "error": f"not a {modality} file (expected {wanted})"}
    try:
        record: dict[str, Any] = next(iter(module.perceive_file(path, args)), {})
    except Exception as error:  # a broken file must not stop the estimate
        return {"path": str(path), "error": plain_message(error)}
    return record or {"path": str(path), "error": "nothing perceived"}


def feed_records(fusion: Any, records: dict[str, dict[str, Any]], t_ms: float) -> None:
    """Give fusion what the perceivers' records say, all observed at ``t_ms``."""
    face = records.get("face", {})
    if face.get("face", {}).get("present") and face["face"].get("expression"):
        fusion.update_face(dict(face["face"]["expression"]), t_ms)
    body = face.get("body", {})
    if body.get("present"):
        fusion.update_body(
            motion=float(body.get("motion", 0.0)),
            upright=float(body.get("upright", 1.0)),
            lean=float(body.get("lean", 0.0)),
            arms_crossed=bool(body.get("arms_crossed", False)),
            arms_open=bool(body.get("arms_open", False)),
            end_ms=t_ms,
        )
    voice = records.get("voice", {}).get("voice", {})
    if (
        voice.get("emotion")
        and voice.get("arousal") is not None
        and voice.get("valence") is not None
    ):
        confidences = [float(s.get("confidence", 0.0)) for s in voice.get("segments", [])]
        fusion.update_voice(
            dict(voice["emotion"]),
            float(voice["arousal"]),
            float(voice["valence"]),
            end_ms=t_ms,
            confidence=max(confidences, default=1.0),
        )
    if voice.get("startles"):
        fusion.update_startle(t_ms)
    events = records.get("touch", {}).get("touch", {}).get("events", [])
    gestures = [e for e in events if e.get("type") == "gesture" and not e.get("ongoing")]
    if gestures:
        last = gestures[-1]
        fusion.update_touch(
            gesture=str(last["gesture"]),
            intensity=float(last.get("intensity", 0.0)),
            direction=last.get("direction"),
            speed_mm_per_s=float(last.get("speed_mm_per_s", 0.0)),
            duration_ms=float(last.get("duration_ms", 0.0)),
            end_ms=t_ms,
        )


def perceive_together(paths: list[Path], args: argparse.Namespace) -> dict[str, Any]:
    """Every modality's record and the fused ``owner_emotion``, as one JSON-ready dict."""
    if len(paths) not in (2, 3):
        raise UserError("--together takes FACE_IMAGE VOICE_WAV [TOUCH_TRACE]")
    from brain.fusion.model import FusionModel, FusionModelError
    from brain.fusion.owner import OwnerFusion

    try:
        fusion = OwnerFusion(FusionModel())
    except FusionModelError as error:
        raise UserError(str(error)) from None
    records = {
        modality: _perceive(modality, path, args)
        for modality, path in zip(("face", "voice", "touch"), paths, strict=False)
    }
    feed_records(fusion, records, 0.0)
    return {**records, "owner_emotion": fusion.estimate(0.0).to_json()}
