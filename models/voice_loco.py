"""Leave-one-corpus-out evaluation of the voice-emotion recipe and the eGeMAPS baseline.

Used by ``models/train_voice_emotion.py`` (which prints the tables and writes
the model). Labels, folds and scores are defined once here so the model and
the baseline are measured on exactly the same clips:

* folds: train on two of EmoDB / TESS / EMOVO, test on the third;
* 4-class: angry / happy / sad / calm (neutral + EmoDB's boredom); clips of
  other emotions are not scored; the prediction is the most probable of those
  four classes;
* arousal high/low: high = anger, happiness, fear, surprise; low = sadness,
  neutral, boredom; disgust is not scored (its arousal is ambiguous: moderate
  in the circumplex literature, low and slow in TESS, loud in EMOVO). A
  second figure with disgust counted as high is printed beside it;
* balanced accuracy = mean recall over the scored classes; the headline is
  its mean over the three held-out corpora.

Hyper-parameters (the L2 weight) are chosen *inside* each fold by an inner
leave-one-corpus-out over the two training corpora, never on the held-out
corpus.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

CORPORA = ("emodb", "tess", "emovo")
CLASSES = ("angry", "happy", "sad", "afraid", "calm")  # the product's voice classes
FOUR = ("angry", "happy", "sad", "calm")
CLASS_OF = {
    "anger": "angry",
    "happiness": "happy",
    "sadness": "sad",
    "fear": "afraid",
    "neutral": "calm",
    "boredom": "calm",
}
HIGH_AROUSAL = ("anger", "happiness", "fear", "surprise")
LOW_AROUSAL = ("sadness", "neutral", "boredom")
# Circumplex placements (Russell 1980) for the valence head.
VALENCE = {
    "anger": -0.6, "happiness": 0.8, "sadness": -0.7, "fear": -0.7, "neutral": 0.1,
    "boredom": -0.3, "disgust": -0.7, "surprise": 0.4,
}  # fmt: skip
L2_GRID = (1.0, 10.0, 100.0)


def class_index(labels: np.ndarray) -> np.ndarray:
    """Index into :data:`CLASSES` per label, -1 when not one of them."""
    return np.array([CLASSES.index(CLASS_OF[x]) if x in CLASS_OF else -1 for x in labels])


def arousal_target(labels: np.ndarray, disgust_high: bool = False) -> np.ndarray:
    """1 high, 0 low, -1 not scored."""
    high = (*HIGH_AROUSAL, "disgust") if disgust_high else HIGH_AROUSAL
    return np.array([1 if x in high else 0 if x in LOW_AROUSAL else -1 for x in labels])


def balanced_weights(y: np.ndarray, corpus: np.ndarray) -> np.ndarray:
    """Per-sample weights: every (corpus, class) cell weighs the same in total."""
    w = np.zeros(len(y))
    cells = {(c, k) for c, k in zip(corpus, y, strict=True)}
    for c, k in cells:
        mask = (corpus == c) & (y == k)
        w[mask] = 1.0 / mask.sum()
    return w * len(y) / w.sum()


def fit_softmax(
    z: np.ndarray, y: np.ndarray, k: int, weights: np.ndarray, l2: float
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted multinomial logistic regression with an L2 penalty (L-BFGS)."""
    n, d = z.shape
    onehot = np.eye(k)[y]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[: d * k].reshape(d, k), theta[d * k :]
        logits = z @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        nll = -np.sum(weights * np.log(p[np.arange(n), y] + 1e-12)) / n
        g = (p - onehot) * weights[:, None] / n
        reg = l2 / 100.0
        grad = np.concatenate([(z.T @ g + reg * w).ravel(), g.sum(axis=0)])
        return nll + 0.5 * reg * float(np.sum(w * w)), grad

    theta = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B").x
    return theta[: d * k].reshape(d, k), theta[d * k :]


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax."""
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    out: np.ndarray = p / p.sum(axis=1, keepdims=True)
    return out


def balanced_accuracy(true: np.ndarray, pred: np.ndarray, k: int) -> tuple[float, list[float]]:
    """Mean recall over the classes present, and the recall per class (NaN when absent)."""
    recalls = [float(np.mean(pred[true == c] == c)) if np.any(true == c) else float("nan")
               for c in range(k)]  # fmt: skip
    return float(np.nanmean(recalls)), recalls


@dataclass
class Heads:
    """A fitted linear recipe: 5-class softmax, binary arousal, ridge valence."""

    w: np.ndarray
    b: np.ndarray
    wa: np.ndarray
    ba: float
    wv: np.ndarray
    bv: float

    def classes(self, z: np.ndarray) -> np.ndarray:
        """Probabilities over :data:`CLASSES`."""
        return softmax(z @ self.w + self.b)

    def arousal_logit(self, z: np.ndarray) -> np.ndarray:
        """log-odds of high arousal."""
        out: np.ndarray = z @ self.wa + self.ba
        return out

    def valence(self, z: np.ndarray) -> np.ndarray:
        """Valence estimate before the output clip."""
        out: np.ndarray = z @ self.wv + self.bv
        return out


def fit_heads(z: np.ndarray, labels: np.ndarray, corpus: np.ndarray, l2: float) -> Heads:
    """Fit the three heads on normalised features ``z``."""
    y = class_index(labels)
    keep = y >= 0
    w, b = fit_softmax(z[keep], y[keep], len(CLASSES), balanced_weights(y[keep], corpus[keep]), l2)
    a = arousal_target(labels)
    keep_a = a >= 0
    wa, ba = fit_softmax(z[keep_a], a[keep_a], 2, balanced_weights(a[keep_a], corpus[keep_a]), l2)
    zc = np.hstack([z, np.ones((len(z), 1))])
    penalty = l2 * len(z) / 100.0 * np.eye(zc.shape[1])
    penalty[-1, -1] = 0.0
    v = np.array([VALENCE.get(x, 0.0) for x in labels])
    coef = np.linalg.solve(zc.T @ zc + penalty, zc.T @ v)
    return Heads(w, b, wa[:, 1] - wa[:, 0], float(ba[1] - ba[0]), coef[:-1], float(coef[-1]))


def scores(heads: Heads, z: np.ndarray, labels: np.ndarray) -> dict[str, object]:
    """4-class and arousal balanced accuracy (plus recalls and confusion) on ``z``."""
    y = class_index(labels)
    four_idx = [CLASSES.index(c) for c in FOUR]
    keep = np.isin(y, four_idx)
    p = heads.classes(z[keep])[:, four_idx]
    true4 = np.array([four_idx.index(v) for v in y[keep]])
    pred4 = np.argmax(p, axis=1)
    bacc4, rec4 = balanced_accuracy(true4, pred4, len(FOUR))
    confusion = np.zeros((len(FOUR), len(FOUR)), dtype=int)
    for t, q in zip(true4, pred4, strict=True):
        confusion[t, q] += 1
    high = heads.arousal_logit(z) > 0
    out: dict[str, object] = {"four": bacc4, "four_recall": rec4, "confusion": confusion}
    for name, disgust_high in (("arousal", False), ("arousal_dis", True)):
        a = arousal_target(labels, disgust_high)
        m = a >= 0
        out[name], out[name + "_recall"] = balanced_accuracy(a[m], high[m].astype(int), 2)
    return out


Normalise = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def choose_l2(
    x: np.ndarray,
    labels: np.ndarray,
    corpus: np.ndarray,
    train_z: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    test_z: Callable[[np.ndarray], np.ndarray | list[np.ndarray]],
) -> float:
    """The L2 weight with the best mean (4-class + arousal) score, by inner leave-one-corpus-out.

    ``train_z(mask)`` gives (normalised rows, index into x) for training on
    the clips in ``mask``; ``test_z(mask)`` the normalised rows of those clips
    (or a list of them, one per normalisation mode: the scores are summed).
    """
    inner = sorted(set(corpus))
    best, best_score = L2_GRID[0], -1.0
    for l2 in L2_GRID:
        total = 0.0
        for held in inner:
            tr = corpus != held
            z, idx = train_z(tr)
            heads = fit_heads(z, labels[idx], corpus[idx], l2)
            tests = test_z(~tr)
            for zt in tests if isinstance(tests, list) else [tests]:
                s = scores(heads, zt, labels[~tr])
                total += float(s["four"]) + float(s["arousal"])  # type: ignore[arg-type]
        if total > best_score:
            best, best_score = l2, total
    return best
