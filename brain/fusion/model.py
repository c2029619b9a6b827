"""The fusion ONNX model: loading with checks, and one batched call.

Loading checks the file, its input size and the class lists stored in its
metadata against :mod:`brain.fusion.features`, so a corrupt or mismatched
file gives one clear :class:`FusionModelError` line, never a wrong estimate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

import models
from brain.fusion.features import (
    EMOTIONS,
    EXPRESSIONS,
    INPUT_SIZE,
    LEARNED_MODALITIES,
    VOICE_CLASSES,
)
from sensors.touch.events import GESTURES

MODEL_PATH = Path(models.__file__).resolve().parent / "fusion.onnx"
"""The committed model (see models/fusion.md)."""


class FusionModelError(RuntimeError):
    """The fusion model is missing, corrupt or does not match this code (one clear line)."""


def cpu_session(path: Path) -> Any:
    """An onnxruntime session on one thread without spinning (a tiny model on a busy CPU)."""
    from sensors.onnx_runtime import onnxruntime

    ort = onnxruntime()

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class FusionModel:
    """The owner-emotion MLP: rows of :data:`INPUT_SIZE` in; probabilities, valence, arousal out."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FusionModelError(f"fusion model {self.path} is missing")
        try:
            self._session = cpu_session(self.path)
        except Exception as error:
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise FusionModelError(f"fusion model {self.path} cannot be loaded: {first}") from None
        meta = self._session.get_modelmeta().custom_metadata_map
        try:
            lists = {
                "emotions": (tuple(json.loads(meta["emotions"])), EMOTIONS),
                "expressions": (tuple(json.loads(meta["expressions"])), EXPRESSIONS),
                "voice_classes": (tuple(json.loads(meta["voice_classes"])), VOICE_CLASSES),
                "gestures": (tuple(json.loads(meta["gestures"])), GESTURES),
                "modalities": (tuple(json.loads(meta["modalities"])), LEARNED_MODALITIES),
            }
            size = int(meta["input_size"])
            quality = json.loads(meta["modality_quality"])
            precision = json.loads(meta["modality_precision"])
            face_mean = json.loads(meta["face_population_mean"])
        except (KeyError, ValueError, TypeError) as error:
            raise FusionModelError(
                f"fusion model {self.path} lacks its metadata ({error})"
            ) from None
        for name, (stored, expected) in lists.items():
            if stored != expected:
                raise FusionModelError(f"fusion model {self.path} was trained on other {name}")
        inputs = self._session.get_inputs()
        if size != INPUT_SIZE or len(inputs) != 1 or inputs[0].shape[-1] != INPUT_SIZE:
            raise FusionModelError(
                f"fusion model {self.path}: expected {INPUT_SIZE} input features"
            )
        self.quality: dict[str, float] = {m: float(quality[m]) for m in LEARNED_MODALITIES}
        """Balanced accuracy above chance of each modality alone (0..1), from training."""
        self.precision: dict[str, npt.NDArray[np.float32]] = {
            m: np.asarray(precision[m], np.float32) for m in LEARNED_MODALITIES
        }
        """Per emotion: how often each modality alone is right when it names that emotion."""
        if any(p.shape != (len(EMOTIONS),) for p in self.precision.values()):
            raise FusionModelError(f"fusion model {self.path}: precision table of the wrong size")
        self.face_population_mean = np.asarray(face_mean, np.float32)
        """Mean expression distribution of the training faces (the calibration's reference)."""
        try:
            agreement = json.loads(meta.get("modality_agreement", "{}"))
            self.agreement: dict[str, float] = {
                m: float(agreement[m]) for m in LEARNED_MODALITIES if m in agreement
            }
            """Typical agreement of each modality alone with the others (training pairs)."""
        except (ValueError, TypeError) as error:
            raise FusionModelError(f"fusion model {self.path}: bad modality_agreement") from error
        self.face_model = meta.get("face_model", "?")
        self.size_bytes = self.path.stat().st_size

    def run(
        self, rows: npt.NDArray[np.float32]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """[N, INPUT_SIZE] -> ([N, 6] probabilities, [N, 2] valence and arousal)."""
        probs, valence_arousal = self._session.run(None, {"features": rows})
        return np.asarray(probs, np.float32), np.asarray(valence_arousal, np.float32)
