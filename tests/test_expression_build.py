"""models/build_expression.py: each member on its views, every view weighed the same."""

from pathlib import Path

import numpy as np
import onnx
import pytest

from models.build_expression import build
from sensors.onnx_runtime import onnxruntime

MODELS = Path(__file__).resolve().parent.parent / "models"
FER = MODELS / "fer_mini_xception.onnx"


def _run(model: onnx.ModelProto, crops: np.ndarray) -> np.ndarray:
    ort = onnxruntime()
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {"gray": crops})[0])


@pytest.fixture(scope="module")
def crops() -> np.ndarray:
    rng = np.random.default_rng(3)
    return rng.integers(0, 256, size=(5, 1, 64, 64)).astype(np.float32)


def test_one_and_two_views_average_as_views(crops: np.ndarray) -> None:
    fer = onnx.load(str(FER))
    alone = _run(fer, crops)
    mirrored = _run(fer, crops[..., ::-1].copy())
    assert not np.allclose(alone, mirrored, atol=1e-3)  # the mirror is a different view
    np.testing.assert_allclose(_run(build([fer], [1]), crops), alone, atol=1e-6)
    np.testing.assert_allclose(_run(build([fer]), crops), (alone + mirrored) / 2, atol=1e-6)
    three = _run(build([fer, fer], [1, 2]), crops)
    np.testing.assert_allclose(three, (2 * alone + mirrored) / 3, atol=1e-6)
    np.testing.assert_allclose(three.sum(axis=1), 1.0, atol=1e-5)


def test_views_must_be_one_or_two_per_member() -> None:
    fer = onnx.load(str(FER))
    with pytest.raises(ValueError, match="views"):
        build([fer, fer], [1])
    with pytest.raises(ValueError, match="views"):
        build([fer], [3])


def test_shipped_model_is_the_three_view_build() -> None:
    shipped = onnx.load(str(MODELS / "expression.onnx"))
    assert shipped.graph.input[0].type.tensor_type.shape.dim[2].dim_value == 48
    props = {p.key: p.value for p in shipped.metadata_props}
    assert props["classes"] == "angry,disgust,fear,happy,neutral,sad,surprise"
    # One own-CNN view (48 px) and two mini-Xception views (resized to 64 px in the graph).
    assert any(node.op_type == "Resize" for node in shipped.graph.node)
    shape = next(i for i in shipped.graph.initializer if i.name == "views_shape")
    assert onnx.numpy_helper.to_array(shape)[0] == 3
