"""A product of experts for owner emotion: it can weigh face and voice, never remap their classes.

Face and voice enter through the *fixed* label map onto the six owner
emotions (face: disgust -> angry, fear -> afraid, neutral -> calm; voice: its
five classes, no surprised). Each expert m gives log-probabilities

    l_m,c = log((1 - eta_m) q_m,c + eta_m / 6)        (eta_m: a floor, so one 0 cannot veto)

and the fused logits are

    z_c = sum_m alpha_m l_m,c + touch_c + b_c,
    alpha_m = w_m^gamma_m x softplus(a_m + k_m (max_c q_m,c - 0.5))

with w_m the modality's presence/freshness weight (0 = absent, then alpha_m = 0)
and max_c q_m,c its confidence. alpha_m is a per-row inverse temperature: it
scales an expert's whole distribution, so the fused reading can lean more or
less on a modality but cannot turn one of its classes into another. The voice
expert also gets its arousal/valence heads through the fixed circumplex
coordinates of each class (lambda_a x arousal x A_c + lambda_v x valence x V_c)
and one constant for "surprised", a class it does not have. Touch has no class
probabilities: a small linear map from its block (gesture one-hot, intensity,
direction, speed, duration) to logits. Optionally each modality adds a
per-class offset when present (``modality_bias``: a prior shift, still not a
remapping). About 140 parameters, fitted by L-BFGS on cross-entropy over the
training pairs; valence/arousal are a linear map (least squares on atanh of the
circumplex targets) of the fused probabilities and the voice's own heads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from brain.fusion.features import (
    BLOCKS,
    EMOTIONS,
    EXPRESSIONS,
    FACE_TO_EMOTION,
    PRESENCE_OFFSET,
    VALENCE_AROUSAL,
    VOICE_CLASSES,
)

K = len(EMOTIONS)
FACE_MAP = np.zeros((len(EXPRESSIONS), K), np.float32)
for _j, _c in enumerate(EXPRESSIONS):
    FACE_MAP[_j, EMOTIONS.index(FACE_TO_EMOTION[_c])] = 1.0
VOICE_MAP = np.zeros((len(VOICE_CLASSES), K), np.float32)
for _j, _c in enumerate(VOICE_CLASSES):
    VOICE_MAP[_j, EMOTIONS.index(_c)] = 1.0
SURPRISED = np.zeros(K, np.float32)
SURPRISED[EMOTIONS.index("surprised")] = 1.0
CIRCUMPLEX = np.array([VALENCE_AROUSAL[e] for e in EMOTIONS], np.float32)  # [K, 2] (v, a)
EXPERTS = ("face", "voice")
TOUCH_SIZE = BLOCKS["touch"].stop - BLOCKS["touch"].start
REGULARISATION = 1e-3  # L2 on the touch map and the biases
EPS_W = 1e-6
# Smallest floor: one expert's "never" costs a class at most log(0.05 / 6) = -4.8 nats per
# unit of weight. With a free floor the fit chose 0.001 (face) and a smile over a sobbing
# voice became "calm", the one class neither cue ruled out (tests/brain/fusion).
MIN_FLOOR = 0.05
# The least power of an expert's weight (alpha_m ~ w_m^gamma_m, gamma_m >= this): a stale
# or distrusted observation (weight w < 1) must count less than a fresh one, or the
# runtime's freshness and trust weights mean nothing. The training pairs fade a block
# without making it wrong, so a free fit ignores the weight (gamma 0.00 for the face),
# and a 3-second-old neutral face outvoted a fresh shout (tests/brain/fusion). The
# training script chooses the bound (0.5 or 1) on its inner split.
MIN_WEIGHT_POWER = 0.5


@dataclass
class PoeParams:
    """The fitted parameters (see the module docstring for their meaning)."""

    a: dict[str, float]
    k: dict[str, float]
    gamma: dict[str, float]
    eta: dict[str, float]
    surprised_voice: float
    lam_arousal: float
    lam_valence: float
    touch_w: np.ndarray  # [TOUCH_SIZE, K]
    touch_b: np.ndarray  # [K]
    bias: np.ndarray  # [K]
    modality_bias: dict[str, np.ndarray]  # [K] each, zero when not used
    beta: dict[str, np.ndarray]  # [K] each: how far each class's evidence is believed
    va_w: np.ndarray = field(default_factory=lambda: np.zeros((K + 2, 2), np.float32))
    va_b: np.ndarray = field(default_factory=lambda: np.zeros(2, np.float32))

    def count(self) -> int:
        """Number of free parameters (modality biases counted only when non-zero)."""
        n = (4 + K) * len(EXPERTS) + 3 + self.touch_w.size + self.touch_b.size + self.bias.size
        n += sum(b.size for b in self.modality_bias.values() if np.any(b))
        return n + self.va_w.size + self.va_b.size


def _split(x: np.ndarray) -> dict[str, np.ndarray]:
    """Raw (unweighted) face/voice distributions on the owner classes, weights, touch block."""
    w = x[:, PRESENCE_OFFSET : PRESENCE_OFFSET + 3].astype(np.float64)
    safe = np.maximum(w, EPS_W)
    face = x[:, BLOCKS["face"]].astype(np.float64) / safe[:, :1]
    voice = x[:, BLOCKS["voice"]].astype(np.float64) / safe[:, 1:2]
    nv = len(VOICE_CLASSES)
    return {
        "w_face": w[:, 0],
        "w_voice": w[:, 1],
        "w_touch": w[:, 2],
        "q_face": face @ FACE_MAP,
        "q_voice": voice[:, :nv] @ VOICE_MAP,
        "av_voice": voice[:, nv : nv + 2],  # arousal, valence (unweighted)
        "touch": x[:, BLOCKS["touch"]].astype(np.float64),  # weighted (linear map)
        "x_av": x[:, BLOCKS["voice"]][:, nv : nv + 2].astype(np.float64),  # weighted
    }


def _logits(p: PoeParams, s: dict[str, np.ndarray], keep: bool = False) -> tuple[np.ndarray, dict]:
    z = s["touch"] @ p.touch_w + s["w_touch"][:, None] * p.touch_b[None] + p.bias[None]
    z = z + (s["w_touch"] > 0)[:, None] * p.modality_bias["touch"][None]
    cache: dict[str, dict[str, np.ndarray]] = {}
    for m in EXPERTS:
        q, w = s[f"q_{m}"], s[f"w_{m}"]
        mask = w > 0
        logw = np.log(np.maximum(w, 1e-12))
        wp = np.where(mask, np.exp(p.gamma[m] * logw), 0.0)
        conf = q.max(1) - 0.5
        h = p.a[m] + p.k[m] * conf
        sp = np.logaddexp(0.0, h)
        alpha = sp * wp
        qq = (1 - p.eta[m]) * q + p.eta[m] / K
        ell = np.log(qq)
        if m == "voice":
            av = s["av_voice"]
            ell = ell + p.surprised_voice * SURPRISED[None]
            ell = ell + p.lam_arousal * av[:, :1] * CIRCUMPLEX[None, :, 1]
            ell = ell + p.lam_valence * av[:, 1:2] * CIRCUMPLEX[None, :, 0]
        z = z + alpha[:, None] * (p.beta[m][None] * ell) + mask[:, None] * p.modality_bias[m][None]
        if keep:
            cache[m] = {"mask": mask, "logw": logw, "wp": wp, "conf": conf, "h": h}
            cache[m] |= {"alpha": alpha, "q": q, "qq": qq, "ell": ell}
    return z, cache


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def forward(p: PoeParams, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities [N, 6] and valence/arousal [N, 2], as the ONNX graph computes them."""
    s = _split(x)
    probs = _softmax(_logits(p, s)[0])
    va = np.tanh(np.concatenate([probs, s["x_av"]], 1) @ p.va_w + p.va_b)
    return probs.astype(np.float32), va.astype(np.float32)


# -- fitting --------------------------------------------------------------------------------


def _pack(p: PoeParams, use_bias: bool) -> np.ndarray:
    parts = [[p.a[m], p.k[m], p.gamma[m], p.eta[m]] for m in EXPERTS]
    vec = [*parts[0], *parts[1], p.surprised_voice, p.lam_arousal, p.lam_valence]
    out = [np.array(vec), p.touch_w.ravel(), p.touch_b, p.bias, p.beta["face"], p.beta["voice"]]
    if use_bias:
        out += [p.modality_bias[m] for m in (*EXPERTS, "touch")]
    return np.concatenate(out).astype(np.float64)


def _unpack(theta: np.ndarray, use_bias: bool) -> PoeParams:
    i = 0

    def take(n: int) -> np.ndarray:
        nonlocal i
        out = theta[i : i + n]
        i += n
        return out

    f, v = take(4), take(4)
    sv, la, lv = take(3)
    tw = take(TOUCH_SIZE * K).reshape(TOUCH_SIZE, K)
    tb, b = take(K), take(K)
    beta = {m: take(K) for m in EXPERTS}
    mb = {m: (take(K) if use_bias else np.zeros(K)) for m in (*EXPERTS, "touch")}
    return PoeParams(
        a={"face": f[0], "voice": v[0]},
        k={"face": f[1], "voice": v[1]},
        gamma={"face": f[2], "voice": v[2]},
        eta={"face": f[3], "voice": v[3]},
        surprised_voice=float(sv),
        lam_arousal=float(la),
        lam_valence=float(lv),
        touch_w=tw,
        touch_b=tb,
        bias=b,
        modality_bias=mb,
        beta=beta,
    )


def _loss_grad(
    theta: np.ndarray, s: dict[str, np.ndarray], y: np.ndarray, use_bias: bool
) -> tuple[float, np.ndarray]:
    p = _unpack(theta, use_bias)
    z, cache = _logits(p, s, keep=True)
    prob = _softmax(z)
    n = len(y)
    loss = -float(np.mean(np.log(np.maximum(prob[np.arange(n), y], 1e-12))))
    g = prob.copy()
    g[np.arange(n), y] -= 1.0
    g /= n
    grads: dict[str, object] = {}
    d_beta = {}
    for m in EXPERTS:
        c = cache[m]
        d_beta[m] = (c["alpha"][:, None] * g * c["ell"]).sum(0)
        gb = g * p.beta[m][None]
        g_alpha = (gb * c["ell"]).sum(1)
        sig = 1.0 / (1.0 + np.exp(-c["h"]))
        d_h = g_alpha * sig * c["wp"]
        grads[m] = [
            d_h.sum(),
            (d_h * c["conf"]).sum(),
            (g_alpha * c["alpha"] * np.where(c["mask"], c["logw"], 0.0)).sum(),
            (c["alpha"][:, None] * gb * (1.0 / K - c["q"]) / c["qq"]).sum(),
        ]
    cv = cache["voice"]
    gv = cv["alpha"][:, None] * g * p.beta["voice"][None]
    av = s["av_voice"]
    extra = [
        float(gv[:, EMOTIONS.index("surprised")].sum()),
        float((gv * av[:, :1] * CIRCUMPLEX[None, :, 1]).sum()),
        float((gv * av[:, 1:2] * CIRCUMPLEX[None, :, 0]).sum()),
    ]
    d_tw = s["touch"].T @ g + REGULARISATION * p.touch_w
    d_tb = s["w_touch"] @ g + REGULARISATION * p.touch_b
    d_b = g.sum(0) + REGULARISATION * p.bias
    loss += 0.5 * REGULARISATION * float((p.touch_w**2).sum() + (p.touch_b**2).sum())
    loss += 0.5 * REGULARISATION * float((p.bias**2).sum())
    parts = [np.array([*grads["face"], *grads["voice"], *extra]), d_tw.ravel(), d_tb, d_b]  # type: ignore[misc]
    parts += [d_beta["face"], d_beta["voice"]]
    if use_bias:
        for m in (*EXPERTS, "touch"):
            mask = cache[m]["mask"] if m in cache else s["w_touch"] > 0
            parts.append(mask @ g + REGULARISATION * p.modality_bias[m])
            loss += 0.5 * REGULARISATION * float((p.modality_bias[m] ** 2).sum())
    return loss, np.concatenate(parts)


def initial(use_bias: bool = False, min_weight_power: float = MIN_WEIGHT_POWER) -> PoeParams:
    """Start: both experts at temperature ~1, no touch, no bias."""
    return PoeParams(
        a={"face": 0.5413, "voice": 0.5413},  # softplus(0.5413) = 1
        k={"face": 0.0, "voice": 0.0},
        gamma={"face": min_weight_power, "voice": min_weight_power},
        eta={"face": 0.1, "voice": 0.1},
        surprised_voice=0.0,
        lam_arousal=0.0,
        lam_valence=0.0,
        touch_w=np.zeros((TOUCH_SIZE, K)),
        touch_b=np.zeros(K),
        bias=np.zeros(K),
        modality_bias={m: np.zeros(K) for m in (*EXPERTS, "touch")},
        beta={m: np.ones(K) for m in EXPERTS},
    )


def fit(
    x: np.ndarray,
    y: np.ndarray,
    use_bias: bool = False,
    max_iter: int = 500,
    min_weight_power: float = MIN_WEIGHT_POWER,
) -> PoeParams:
    """Minimise cross-entropy on the training rows (L-BFGS-B), then fit the valence/arousal map."""
    from scipy.optimize import minimize

    s = _split(x)
    theta0 = _pack(initial(use_bias, min_weight_power), use_bias)
    bounds: list[tuple[float | None, float | None]] = [(None, None)] * len(theta0)
    for base in (0, 4):
        bounds[base + 1] = (0.0, None)  # k: a surer expert never counts less (monotone)
        bounds[base + 2] = (min_weight_power, 4.0)  # gamma: weight exponent
        bounds[base + 3] = (MIN_FLOOR, 0.5)  # eta: floor, so no expert can veto a class
    start = 11 + TOUCH_SIZE * K + 2 * K
    for i in range(start, start + K * len(EXPERTS)):
        bounds[i] = (0.0, 5.0)  # beta: belief per class, never negative (no inversion)
    result = minimize(
        _loss_grad,
        theta0,
        args=(s, y, use_bias),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": max_iter},
    )
    p = _unpack(result.x, use_bias)
    probs = _softmax(_logits(p, s)[0])
    feats = np.concatenate([probs, s["x_av"], np.ones((len(y), 1))], 1)
    target = np.arctanh(np.clip(CIRCUMPLEX[y], -0.95, 0.95))  # (valence, arousal)
    ridge = 1e-3 * np.eye(feats.shape[1])
    coef = np.linalg.solve(feats.T @ feats / len(y) + ridge, feats.T @ target / len(y))
    p.va_w, p.va_b = coef[:-1], coef[-1]
    print(f"  poe fit: loss {result.fun:.4f}, {result.nit} iterations", flush=True)
    return p


def describe(p: PoeParams) -> str:
    """One line per expert: its weight function and floor."""
    lines = []
    for m in EXPERTS:
        lines.append(
            f"{m}: alpha = w^{p.gamma[m]:.2f} x softplus({p.a[m]:.2f} + {p.k[m]:.2f} (conf - 0.5)),"
            f" floor eta {p.eta[m]:.3f}"
        )
    lines.append(
        f"voice: surprised constant {p.surprised_voice:.2f}, arousal x {p.lam_arousal:.2f},"
        f" valence x {p.lam_valence:.2f}"
    )
    return "\n".join(lines)
