"""The learned touch-gesture classifier: fit, predict, export to ONNX.

A small multinomial model on :data:`sensors.touch.features.FEATURE_NAMES`:
features are standardised, then either a softmax regression (``hidden=0``)
or one hidden layer of ``hidden`` tanh units, trained by full-batch
gradient descent (Adam) with L2 weight decay and class-balanced weights, so
rare gestures count as much as common ones. Or boosted decision stumps
(:func:`fit_stumps`): a few hundred one-question rules on single features,
each adding to the class scores. Pure NumPy, deterministic for a seed, a
few seconds on a few thousand windows.
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


@dataclass
class StumpModel:
    """Boosted decision stumps: each adds ``left`` or ``right`` [C] to the class scores.

    Stump ``s`` asks whether feature ``features[s]`` exceeds ``thresholds[s]``;
    the scores start at ``bias`` and the softmax of their sum is the output.
    """

    classes: tuple[str, ...]
    features: Array  # [S] int, column of each stump
    thresholds: Array  # [S]
    left: Array  # [S, C], added when the feature is at or below the threshold
    right: Array  # [S, C], added when it is above
    bias: Array  # [C]

    def scores(self, x: Array) -> Array:
        """Class probabilities for features ``x`` [n, F]."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        above = (x[:, self.features] > self.thresholds).astype(np.float64)
        z = self.bias + self.left.sum(axis=0) + above @ (self.right - self.left)
        return _softmax(np.atleast_2d(z))

    def predict(self, x: Array) -> list[str]:
        """The most likely class per row."""
        return [self.classes[i] for i in np.argmax(self.scores(x), axis=1)]


def fit_stumps(
    x: Array,
    y: list[str] | Array,
    *,
    rounds: int = 200,
    learning_rate: float = 0.1,
    bins: int = 16,
    min_leaf: int = 5,
    l2: float = 1.0,
    skip: tuple[int, ...] = (),
) -> StumpModel:
    """Gradient-boosted stumps (softmax loss, one Newton step per round), class-balanced.

    Each round adds the one stump, over every feature and ``bins - 1``
    quantile thresholds, that most lowers the loss of all classes at once
    (leaves hold a value per class); no stump asks a feature in ``skip``.
    Deterministic; a few seconds for a few thousand rows.
    """
    x = np.asarray(x, dtype=np.float64)
    labels = [str(v) for v in y]
    classes = tuple(sorted(set(labels)))
    index = {c: i for i, c in enumerate(classes)}
    n = x.shape[0]
    n_classes = len(classes)
    target = np.zeros((n, n_classes))
    target[np.arange(n), [index[v] for v in labels]] = 1.0
    counts = target.sum(axis=0)
    weight = (target @ (n / (n_classes * np.maximum(counts, 1.0))))[:, None]
    quantiles = np.linspace(0.0, 1.0, bins + 1)[1:-1]
    candidates = np.quantile(x, quantiles, axis=0).T  # [F, bins - 1]
    above = (x[:, :, None] > candidates[None, :, :]).reshape(n, -1).astype(np.float64)
    n_right = above.sum(axis=0)
    allowed = (n_right >= min_leaf) & (n - n_right >= min_leaf)
    for feature in skip:
        allowed[feature * (bins - 1) : (feature + 1) * (bins - 1)] = False
    shrink = learning_rate * (n_classes - 1) / n_classes
    z = np.zeros((n, n_classes))
    chosen: list[tuple[int, float, Array, Array]] = []
    for _ in range(rounds):
        p = _softmax(z)
        g = (target - p) * weight
        h = np.maximum(p * (1.0 - p), 1e-6) * weight
        g_right, h_right = above.T @ g, above.T @ h
        g_left, h_left = g.sum(axis=0) - g_right, h.sum(axis=0) - h_right
        gain = (g_right**2 / (h_right + l2) + g_left**2 / (h_left + l2)).sum(axis=1)
        gain[~allowed] = -1.0
        best = int(np.argmax(gain))
        if gain[best] <= 0.0:
            break
        feature, slot = divmod(best, bins - 1)
        right = shrink * g_right[best] / (h_right[best] + l2)
        left = shrink * g_left[best] / (h_left[best] + l2)
        chosen.append((feature, float(candidates[feature, slot]), left, right))
        z += np.where(above[:, best : best + 1] > 0, right, left)
    return StumpModel(
        classes,
        np.array([c[0] for c in chosen], dtype=np.int64),
        np.array([c[1] for c in chosen]),
        np.array([c[2] for c in chosen]).reshape(-1, n_classes),
        np.array([c[3] for c in chosen]).reshape(-1, n_classes),
        np.zeros(n_classes),
    )
