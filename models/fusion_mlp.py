"""The earlier fusion model: a small MLP over the input row, trained with Adam in numpy.

Kept beside the product of experts (``models/fusion_poe.py``) because the shipped
``models/fusion.onnx`` is this MLP (``models/train_fusion.py --arch mlp``).
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

from brain.fusion.features import EMOTIONS, INPUT_SIZE, VALENCE_AROUSAL
from models.fusion_poe_onnx import write_fusion_graph

HIDDEN = (40, 24)
EPOCHS = 40
BATCH = 256
LEARNING_RATE = 3e-3
WEIGHT_DECAY = 1e-4
LABEL_SMOOTHING = 0.05


def targets_av(labels: np.ndarray) -> np.ndarray:
    """Valence/arousal targets of each label."""
    table = np.array([VALENCE_AROUSAL[e] for e in EMOTIONS], np.float32)
    return table[labels]


def train_mlp(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """Adam on cross-entropy (label-smoothed) + MSE on valence/arousal; returns weights."""
    sizes = (INPUT_SIZE, *HIDDEN, len(EMOTIONS) + 2)
    params: list[np.ndarray] = []
    for a, b in itertools.pairwise(sizes):
        params += [
            rng.normal(0, np.sqrt(2.0 / a), (a, b)).astype(np.float32),
            np.zeros(b, np.float32),
        ]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    av = targets_av(y)
    k = len(EMOTIONS)
    onehot = np.full((len(y), k), LABEL_SMOOTHING / k, np.float32)
    onehot[np.arange(len(y)), y] += 1.0 - LABEL_SMOOTHING
    step = 0
    for epoch in range(EPOCHS):
        order = rng.permutation(len(x))
        lr = LEARNING_RATE * (0.5 * (1 + np.cos(np.pi * epoch / EPOCHS)))
        total = 0.0
        for start in range(0, len(x), BATCH):
            idx = order[start : start + BATCH]
            acts = [x[idx]]
            for layer in range(len(HIDDEN)):
                acts.append(np.maximum(0.0, acts[-1] @ params[2 * layer] + params[2 * layer + 1]))
            out = acts[-1] @ params[-2] + params[-1]
            logits, va_raw = out[:, :k], out[:, k:]
            p = np.exp(logits - logits.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            va = np.tanh(va_raw)
            n = len(idx)
            total += float(-(onehot[idx] * np.log(p + 1e-9)).sum() / n)
            grad_out = np.concatenate(
                [(p - onehot[idx]) / n, (va - av[idx]) * (1 - va**2) * (1.0 / n)], axis=1
            )
            grads = [None] * len(params)
            delta = grad_out
            for layer in range(len(params) // 2 - 1, -1, -1):
                grads[2 * layer] = acts[layer].T @ delta + WEIGHT_DECAY * params[2 * layer]
                grads[2 * layer + 1] = delta.sum(0)
                if layer:
                    delta = (delta @ params[2 * layer].T) * (acts[layer] > 0)
            step += 1
            for i, g in enumerate(grads):
                m[i] = 0.9 * m[i] + 0.1 * g
                v[i] = 0.999 * v[i] + 0.001 * g * g
                mh, vh = m[i] / (1 - 0.9**step), v[i] / (1 - 0.999**step)
                params[i] -= (lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
        if epoch % 10 == 9:
            print(f"  epoch {epoch + 1}: loss {total / (len(x) / BATCH):.4f}", file=sys.stderr)
    return params


def forward(params: list[np.ndarray], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities and valence/arousal, as the ONNX graph computes them."""
    h = x
    for layer in range(len(params) // 2 - 1):
        h = np.maximum(0.0, h @ params[2 * layer] + params[2 * layer + 1])
    out = h @ params[-2] + params[-1]
    k = len(EMOTIONS)
    p = np.exp(out[:, :k] - out[:, :k].max(1, keepdims=True))
    return p / p.sum(1, keepdims=True), np.tanh(out[:, k:])


def export(params: list[np.ndarray], path: Path, meta: dict[str, str]) -> None:
    """Write the MLP as ONNX (Gemm/Relu, then Softmax and Tanh heads) with its metadata."""
    from onnx import helper, numpy_helper

    k = len(EMOTIONS)
    inits, nodes, last = [], [], "features"
    for layer in range(len(params) // 2):
        w, b = f"W{layer}", f"B{layer}"
        inits += [numpy_helper.from_array(params[2 * layer], w)]
        inits += [numpy_helper.from_array(params[2 * layer + 1], b)]
        out = f"h{layer}" if layer < len(params) // 2 - 1 else "out"
        nodes.append(
            helper.make_node("Gemm", [last, w, b], [out + "_lin" if out != "out" else out])
        )
        if out != "out":
            nodes.append(helper.make_node("Relu", [out + "_lin"], [out]))
        last = out
    inits += [
        numpy_helper.from_array(np.array([0], np.int64), "S0"),
        numpy_helper.from_array(np.array([k], np.int64), "SK"),
        numpy_helper.from_array(np.array([k + 2], np.int64), "SE"),
        numpy_helper.from_array(np.array([1], np.int64), "AX"),
    ]
    nodes += [
        helper.make_node("Slice", ["out", "S0", "SK", "AX"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
        helper.make_node("Slice", ["out", "SK", "SE", "AX"], ["va_raw"]),
        helper.make_node("Tanh", ["va_raw"], ["valence_arousal"]),
    ]
    write_fusion_graph(
        nodes, inits, "owner_emotion_fusion", "petbrain models/train_fusion.py", meta, path
    )
