"""The learned touch-gesture classifier: fit, predict, export to ONNX.

A small multinomial model on :data:`sensors.touch.features.FEATURE_NAMES`:
features are standardised, then either a softmax regression (``hidden=0``)
or one hidden layer of ``hidden`` tanh units, trained by full-batch
gradient descent (Adam) with L2 weight decay and class-balanced weights, so
rare gestures count as much as common ones. Pure NumPy, deterministic for a
seed, a second or two on a few hundred episodes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]


@dataclass
class GestureModel:
    """Weights of a fitted model; ``classes`` name the output columns."""

    classes: tuple[str, ...]
    mean: Array
    scale: Array
    layers: list[tuple[Array, Array]] = field(default_factory=list)

    def scores(self, x: Array) -> Array:
        """Class probabilities for features ``x`` [n, F]."""
        h = (np.atleast_2d(np.asarray(x, dtype=np.float64)) - self.mean) / self.scale
        for i, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if i < len(self.layers) - 1:
                h = np.tanh(h)
        return _softmax(h)

    def predict(self, x: Array) -> list[str]:
        """The most likely class per row."""
        return [self.classes[i] for i in np.argmax(self.scores(x), axis=1)]


def _softmax(z: Array) -> Array:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: Array = e / e.sum(axis=1, keepdims=True)
    return out


def fit(
    x: Array,
    y: list[str] | Array,
    *,
    l2: float = 1e-2,
    hidden: int = 0,
    epochs: int = 600,
    learning_rate: float = 0.05,
    seed: int = 0,
) -> GestureModel:
    """Fit on features ``x`` [n, F] and labels ``y``."""
    x = np.asarray(x, dtype=np.float64)
    labels = [str(v) for v in y]
    classes = tuple(sorted(set(labels)))
    index = {c: i for i, c in enumerate(classes)}
    target = np.zeros((len(labels), len(classes)))
    target[np.arange(len(labels)), [index[v] for v in labels]] = 1.0
    counts = target.sum(axis=0)
    weight = (target @ (len(labels) / (len(classes) * np.maximum(counts, 1.0))))[:, None]
    weight /= weight.sum()
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    h0 = (x - mean) / scale
    rng = np.random.default_rng(seed)
    sizes = [x.shape[1], *([hidden] if hidden else []), len(classes)]
    params: list[Array] = []
    for a, b in itertools.pairwise(sizes):
        params.append(rng.normal(0.0, 1.0 / np.sqrt(a), size=(a, b)))
        params.append(np.zeros(b))
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2 = 0.9, 0.999
    for step in range(1, epochs + 1):
        acts = [h0]
        h = h0
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i < len(params) - 2:
                h = np.tanh(h)
            acts.append(h)
        grad_out = (_softmax(acts[-1]) - target) * weight
        grads: list[Array] = [np.zeros(0)] * len(params)
        g = grad_out
        for i in range(len(params) - 2, -1, -2):
            a_in = acts[i // 2]
            grads[i] = a_in.T @ g + l2 * params[i]
            grads[i + 1] = g.sum(axis=0)
            if i > 0:
                g = (g @ params[i].T) * (1.0 - a_in**2)
        for i, p in enumerate(params):
            m[i] = beta1 * m[i] + (1 - beta1) * grads[i]
            v[i] = beta2 * v[i] + (1 - beta2) * grads[i] ** 2
            m_hat = m[i] / (1 - beta1**step)
            v_hat = v[i] / (1 - beta2**step)
            p -= learning_rate * m_hat / (np.sqrt(v_hat) + 1e-8)
    layers = [(params[i], params[i + 1]) for i in range(0, len(params), 2)]
    return GestureModel(classes, mean, scale, layers)
