"""The facial-expression model: an ONNX file run by onnxruntime on a grey face crop.

Loading checks the file and its shape up front, so a missing or corrupt model
gives one clear :class:`ModelError` line instead of a failure mid-stream.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

import models
from sensors.camera.observations import EXPRESSIONS

MODELS_DIR = Path(models.__file__).resolve().parent
DEFAULT_MODEL = MODELS_DIR / "expression.onnx"
"""petbrain's expression model (see models/expression.md)."""


class ModelError(RuntimeError):
    """A model file is missing, corrupt or of the wrong shape (one clear line)."""


def session_options(threads: int = 1) -> Any:
    """Onnxruntime options for a small model on one busy core.

    One intra-op thread (a thread pool on one core only adds hand-offs),
    sequential execution, no spinning (a spinning worker steals the core from
    the control loop), every graph optimisation, and no memory-pattern
    planning (inputs are fixed-size; the arena is reused anyway).
    """
    from sensors.onnx_runtime import onnxruntime

    ort = onnxruntime()

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3
    return options


class ExpressionModel:
    """Probabilities over :data:`EXPRESSIONS` for square grey face crops."""

    def __init__(self, path: str | Path = DEFAULT_MODEL, threads: int = 1) -> None:
        from sensors.onnx_runtime import onnxruntime

        ort = onnxruntime()

        self.path = Path(path)
        if not self.path.is_file():
            raise ModelError(f"expression model {self.path} is missing")
        try:
            self._session = ort.InferenceSession(
                str(self.path), session_options(threads), providers=["CPUExecutionProvider"]
            )
        except Exception as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
            raise ModelError(f"expression model {self.path} cannot be loaded: {first}") from None
        inputs, outputs = self._session.get_inputs(), self._session.get_outputs()
        shape = inputs[0].shape if len(inputs) == 1 else []
        if len(shape) != 4 or shape[1] != 1 or not isinstance(shape[2], int):
            raise ModelError(
                f"expression model {self.path}: expected one grey image input, got {shape}"
            )
        if len(outputs) != 1 or outputs[0].shape[-1] != len(EXPRESSIONS):
            raise ModelError(f"expression model {self.path}: expected {len(EXPRESSIONS)} outputs")
        self._input = inputs[0].name
        self.size = int(shape[2])  # side of the square crop the model reads, pixels

    def predict(self, crops: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
        """[N, size, size] uint8 grey crops -> [N, 7] probabilities."""
        batch = crops.astype(np.float32)[:, None, :, :]
        out = self._session.run(None, {self._input: batch})[0]
        return np.asarray(out, dtype=np.float32)

    def classify(self, crop: npt.NDArray[np.uint8]) -> dict[str, float]:
        """One crop (any size, grey) -> {class: probability}."""
        probs = self.predict(fit_crop(crop, self.size)[None])[0]
        return {name: float(p) for name, p in zip(EXPRESSIONS, probs, strict=True)}


def fit_crop(crop: npt.NDArray[np.uint8], size: int) -> npt.NDArray[np.uint8]:
    """Resize a grey crop to ``size`` x ``size``: area-averaging down, bilinear up.

    Bilinear is what the networks were trained with when FER2013's 48 px crops
    were enlarged to their input size.
    """
    import cv2

    if crop.shape == (size, size):
        return crop
    shrink = max(crop.shape) > size
    method = cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
    return np.asarray(cv2.resize(crop, (size, size), interpolation=method), dtype=np.uint8)
