"""Write a fitted product of experts (``models/fusion_poe.py``) as ONNX, by hand.

The graph takes the same input row and gives the same outputs as the MLP it
replaced (``features`` [N, INPUT_SIZE] -> ``probabilities`` [N, 6],
``valence_arousal`` [N, 2]), so the runtime (``brain/fusion/model.py``) loads
either.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from brain.fusion.features import (
    BLOCKS,
    EXPRESSIONS,
    INPUT_SIZE,
    PRESENCE_OFFSET,
    VOICE_CLASSES,
)
from models.fusion_poe import (
    CIRCUMPLEX,
    EPS_W,
    EXPERTS,
    FACE_MAP,
    SURPRISED,
    TOUCH_SIZE,
    VOICE_MAP,
    K,
    PoeParams,
)


def export(p: PoeParams, path: Path, meta: dict[str, str]) -> None:
    """Write the product of experts as ONNX: same input row and outputs as the MLP it replaces."""
    from onnx import helper, numpy_helper

    inits: list = []
    nodes: list = []

    def const(name: str, value: object, dtype: type = np.float32) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value, dtype), name))
        return name

    def node(op: str, ins: list[str], out: str, **attrs: object) -> str:
        nodes.append(helper.make_node(op, ins, [out], **attrs))
        return out

    def cut(src: str, lo: int, hi: int, out: str) -> str:
        return node(
            "Slice",
            [src, const(f"{out}_lo", [lo], np.int64), const(f"{out}_hi", [hi], np.int64),
             const(f"{out}_ax", [1], np.int64)],
            out,
        )  # fmt: skip

    x = "features"
    nv = len(VOICE_CLASSES)
    fo, vo, to = BLOCKS["face"].start, BLOCKS["voice"].start, BLOCKS["touch"].start
    pres = {m: cut(x, PRESENCE_OFFSET + i, PRESENCE_OFFSET + i + 1, f"w_{m}")
            for i, m in enumerate(("face", "voice", "touch"))}  # fmt: skip
    raw = {
        "face": cut(x, fo, fo + len(EXPRESSIONS), "face_block"),
        "voice": cut(x, vo, vo + nv, "voice_block"),
    }
    x_av = cut(x, vo + nv, vo + nv + 2, "voice_av")
    touch = cut(x, to, to + TOUCH_SIZE, "touch_block")
    z = node("MatMul", [touch, const("touch_w", p.touch_w)], "z_touch")
    z = node("Add", [z, node("Mul", [pres["touch"], const("touch_b", p.touch_b[None])],
                             "z_touch_b")], "z_t")  # fmt: skip
    z = node("Add", [z, const("bias", p.bias[None])], "z_tb")
    eps = const("eps_w", [EPS_W])
    zero = const("zero", [0.0])
    for m in EXPERTS:
        w = pres[m]
        safe = node("Max", [w, eps], f"{m}_wsafe")
        unweighted = node("Div", [raw[m], safe], f"{m}_raw")
        mapping = FACE_MAP if m == "face" else VOICE_MAP
        q = node("MatMul", [unweighted, const(f"{m}_map", mapping)], f"{m}_q")
        conf = node("ReduceMax", [q], f"{m}_conf", axes=[1], keepdims=1)
        h = node("Add", [const(f"{m}_a", [p.a[m]]),
                         node("Mul", [const(f"{m}_k", [p.k[m]]),
                                      node("Sub", [conf, const(f"{m}_half", [0.5])], f"{m}_c")],
                              f"{m}_kc")], f"{m}_h")  # fmt: skip
        present = node("Cast", [node("Greater", [w, zero], f"{m}_gt")], f"{m}_mask", to=1)
        wp = node("Mul", [node("Pow", [safe, const(f"{m}_gamma", [p.gamma[m]])], f"{m}_pow"),
                          present], f"{m}_wp")  # fmt: skip
        alpha = node("Mul", [node("Softplus", [h], f"{m}_sp"), wp], f"{m}_alpha")
        qq = node("Add", [node("Mul", [q, const(f"{m}_1eta", [1.0 - p.eta[m]])], f"{m}_qs"),
                          const(f"{m}_floor", [p.eta[m] / K])], f"{m}_qq")  # fmt: skip
        ell = node("Log", [qq], f"{m}_ell")
        if m == "voice":
            unweighted_av = node("Div", [x_av, safe], "voice_av_raw")
            lam = np.stack([p.lam_arousal * CIRCUMPLEX[:, 1], p.lam_valence * CIRCUMPLEX[:, 0]])
            ell = node("Add", [ell, node("MatMul", [unweighted_av, const("voice_lam", lam)],
                                         "voice_avl")], "voice_ell_av")  # fmt: skip
            ell = node("Add", [ell, const("voice_surprised", p.surprised_voice * SURPRISED[None])],
                       "voice_ell_s")  # fmt: skip
        ell = node("Mul", [ell, const(f"{m}_beta", p.beta[m][None])], f"{m}_ell_beta")
        term = node("Mul", [alpha, ell], f"{m}_term")
        z = node("Add", [z, term], f"z_{m}")
        if np.any(p.modality_bias[m]):
            mb = node("Mul", [present, const(f"{m}_mbias", p.modality_bias[m][None])], f"{m}_mb")
            z = node("Add", [z, mb], f"z_{m}_mb")
    if np.any(p.modality_bias["touch"]):
        tmask = node("Cast", [node("Greater", [pres["touch"], zero], "touch_gt")], "touch_mask",
                     to=1)  # fmt: skip
        mb = node("Mul", [tmask, const("touch_mbias", p.modality_bias["touch"][None])], "touch_mb")
        z = node("Add", [z, mb], "z_touch_mb")
    probs = node("Softmax", [z], "probabilities", axis=1)
    va_in = node("Concat", [probs, x_av], "va_in", axis=1)
    va_raw = node("Add", [node("MatMul", [va_in, const("va_w", p.va_w)], "va_lin"),
                          const("va_b", p.va_b[None])], "va_raw")  # fmt: skip
    node("Tanh", [va_raw], "valence_arousal")
    write_fusion_graph(
        nodes,
        inits,
        "owner_emotion_product_of_experts",
        "petbrain models/train_fusion.py (product of experts)",
        meta,
        path,
    )


def write_fusion_graph(
    nodes: list, inits: list, name: str, producer: str, meta: dict[str, str], path: Path
) -> None:
    """Check and save a fusion graph with the runtime's contract (``brain/fusion/model.py``).

    Input ``features`` [N, INPUT_SIZE]; outputs ``probabilities`` [N, 6] and
    ``valence_arousal`` [N, 2]; opset 17, IR 8; ``meta`` as the model's properties.
    """
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", INPUT_SIZE])],
        [
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", K]),
            helper.make_tensor_value_info("valence_arousal", TensorProto.FLOAT, ["N", 2]),
        ],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    model.producer_name = producer
    helper.set_model_props(model, meta)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
