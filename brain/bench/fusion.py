"""Owner-emotion fusion: the model call, the whole estimate, and the model's size.

References, measured in the same run: a naive numpy late fusion (a weighted
average of the face and voice probabilities mapped onto the six emotions,
what fusion would be without a model) and, when the ``onnx`` package is
installed, an onnxruntime call of an Identity graph of the same input size
(onnxruntime's own per-call floor).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from brain.bench import BenchOptions, Reference, Result, benchmark, time_per_call_ms
from brain.fusion.features import (
    EMOTIONS,
    EXPRESSIONS,
    FACE_TO_EMOTION,
    INPUT_SIZE,
    VOICE_CLASSES,
    assemble,
)


def _mapping(classes: tuple[str, ...], table: dict[str, str]) -> npt.NDArray[np.float32]:
    out = np.zeros((len(classes), len(EMOTIONS)), np.float32)
    for i, c in enumerate(classes):
        out[i, EMOTIONS.index(table.get(c, c))] = 1.0
    return out


def _identity_call() -> Callable[[], object] | None:
    """An onnxruntime Identity session call on [1, INPUT_SIZE], or None without ``onnx``."""
    try:
        from onnx import TensorProto, helper
    except ModuleNotFoundError:
        return None
    from brain.fusion.model import cpu_session

    graph = helper.make_graph(
        [helper.make_node("Identity", ["features"], ["out"])],
        "identity",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", INPUT_SIZE])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["N", INPUT_SIZE])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "identity.onnx"
        path.write_bytes(model.SerializeToString())
        session = cpu_session(path)
    row = np.zeros((1, INPUT_SIZE), np.float32)
    return lambda: session.run(None, {"features": row})


@benchmark("fusion")
def fusion(options: BenchOptions) -> list[Result]:
    """``fusion_call_ms``, ``fusion_estimate_ms`` and ``fusion_model_bytes``."""
    from brain.fusion.model import FusionModel
    from brain.fusion.owner import OwnerFusion

    repeat = 300 if options.quick else 3000
    model = FusionModel()
    rng = np.random.default_rng(0)
    face = rng.dirichlet(np.ones(len(EXPRESSIONS))).astype(np.float32)
    voice = rng.dirichlet(np.ones(len(VOICE_CLASSES))).astype(np.float32)
    fused = OwnerFusion(model)
    fused.update_face(dict(zip(EXPRESSIONS, face.tolist(), strict=True)), 0.0)
    fused.update_voice(dict(zip(VOICE_CLASSES, voice.tolist(), strict=True)), 0.4, -0.2, 0.0)
    fused.update_touch("stroke", 0.6, "with_fur", 200.0, 900.0, 0.0)
    row = assemble(fused.blocks(), fused.weights(0.0))[None, :]
    call_ms = time_per_call_ms(lambda: model.run(row), repeat)
    face_map = _mapping(EXPRESSIONS, FACE_TO_EMOTION)
    voice_map = _mapping(VOICE_CLASSES, {})

    def naive() -> npt.NDArray[np.float32]:
        p = 0.6 * (face @ face_map) + 0.4 * (voice @ voice_map)
        out: npt.NDArray[np.float32] = p / p.sum()
        return out

    naive_ms = time_per_call_ms(naive, repeat)
    details: dict[str, float] = {"numpy_naive_average_ms": naive_ms}
    identity = _identity_call()
    if identity is not None:
        details["onnxruntime_identity_call_ms"] = time_per_call_ms(identity, repeat)
    t = [0.0]

    def estimate() -> object:
        t[0] += 100.0
        return fused.estimate(t[0] % 1000.0 + 1.0)

    estimate_ms = time_per_call_ms(estimate, max(100, repeat // 5))
    return [
        Result(
            "fusion_call_ms",
            call_ms,
            "ms",
            Reference("numpy weighted average of face and voice (no model)", naive_ms),
            details=details,
        ),
        Result(
            "fusion_estimate_ms",
            estimate_ms,
            "ms",
            Reference("fusion model call (one row)", call_ms),
            note="the whole estimate at >= 10 Hz: well under 100 ms",
            details={"rows_per_call": float(1 + 2 * 3)},
        ),
        Result(
            "fusion_model_bytes",
            float(model.size_bytes),
            "bytes",
            None,
        ),
    ]
