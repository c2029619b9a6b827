"""Voice activity: Silero VAD (ONNX, MIT) per 32 ms chunk, with an energy fallback.

The Silero v5/v6 ONNX graph takes ``input`` [batch, 64 + 512] (the last 64
samples of the previous chunk, then the new chunk), ``state`` [2, batch, 128]
and ``sr`` (int64 scalar, 16000) and returns the speech probability
[batch, 1] and the next state. Both the state and the 64-sample context are
carried between calls here, as the reference wrapper does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

import models
from sensors.audio.source import CHUNK_SAMPLES, SAMPLE_RATE_HZ, Chunk

CONTEXT_SAMPLES = 64
MODELS_DIR = Path(models.__file__).resolve().parent
SILERO_PATH = MODELS_DIR / "silero_vad.onnx"


class ModelLoadError(RuntimeError):
    """A model file is missing, corrupt or of the wrong shape; the message is one line."""


class VoiceActivity(Protocol):
    """Speech probability per chunk."""

    def __call__(self, chunk: Chunk) -> float:
        """Probability in [0, 1] that ``chunk`` holds speech."""
        ...

    def reset(self) -> None:
        """Forget the stream's history (a new clip or a reconnected microphone)."""
        ...


def cpu_session(path: Path) -> object:
    """An onnxruntime session on one CPU thread (the budgets are per core)."""
    from sensors.onnx_runtime import onnxruntime

    ort = onnxruntime()

    if not path.is_file():
        raise ModelLoadError(f"model file {path} is missing")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises its own exception types
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ModelLoadError(f"cannot load {path.name}: {first}") from error


class SileroVad:
    """Silero VAD through onnxruntime, 16 kHz, 512-sample chunks."""

    def __init__(self, path: Path = SILERO_PATH) -> None:
        self._session = cpu_session(path)
        names = {i.name for i in self._session.get_inputs()}  # type: ignore[attr-defined]
        if names != {"input", "state", "sr"}:
            raise ModelLoadError(f"{path.name} has inputs {sorted(names)}, not Silero v5+'s")
        self._sr = np.array(SAMPLE_RATE_HZ, dtype=np.int64)
        self._frame = np.zeros((1, CONTEXT_SAMPLES + CHUNK_SAMPLES), dtype=np.float32)
        self._state = np.zeros((2, 1, 128), dtype=np.float32)

    def reset(self) -> None:
        """Zero the recurrent state and the context."""
        self._frame[:] = 0.0
        self._state[:] = 0.0

    def __call__(self, chunk: Chunk) -> float:
        """Speech probability of one 512-sample chunk."""
        self._frame[0, :CONTEXT_SAMPLES] = self._frame[0, -CONTEXT_SAMPLES:]
        self._frame[0, CONTEXT_SAMPLES:] = chunk
        prob, state = self._session.run(  # type: ignore[attr-defined]
            None, {"input": self._frame, "state": self._state, "sr": self._sr}
        )
        self._state = state
        return float(prob[0, 0])


class EnergyVad:
    """Fallback when the Silero model cannot load: level above a tracked noise floor.

    Much worse than Silero (any loud sound is "speech"); used only so the pet
    keeps hearing something when the model file is broken.
    """

    def __init__(self, margin_db: float = 12.0) -> None:
        self.margin_db = margin_db
        self._floor_db = -60.0

    def reset(self) -> None:
        """Forget the noise floor."""
        self._floor_db = -60.0

    def __call__(self, chunk: Chunk) -> float:
        """A soft 0..1 score from the level's margin over the noise floor."""
        level = 10.0 * np.log10(float(np.mean(chunk.astype(np.float64) ** 2)) + 1e-10)
        # The floor falls fast and rises slowly, so speech does not lift it.
        rate = 0.3 if level < self._floor_db else 0.005
        self._floor_db += rate * (level - self._floor_db)
        return float(1.0 / (1.0 + np.exp(-(level - self._floor_db - self.margin_db) / 2.0)))
