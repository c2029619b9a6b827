"""Train ``models/voice_emotion.onnx`` on EmoDB, evaluated leave-one-speaker-out.

    .venv/bin/python models/train_voice_emotion.py [--data ../shared/data/emodb]

Runs in the project's own environment (numpy, scipy, onnx from the dev extra).
Features come from the runtime code (``sensors.audio``), computed on each
clip clean, with pink noise at 20 dB SNR, and band-limited to 300-3400 Hz
with noise at 25 dB SNR, so the model does not lean on one microphone.
Normalisation is per speaker with the runtime's shrinkage rule; training
samples are normalised against 0, 1, 3, 8 and all of the speaker's other
utterances so the model works both for a new voice and a familiar one.
The model is a class-balanced, L2-regularised multinomial logistic regression
plus two linear heads (arousal, valence), written to ONNX by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")

import numpy as np
from scipy.optimize import minimize
from scipy.signal import butter, sosfilt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sensors.audio.clips import analyse_clip  # noqa: E402
from sensors.audio.emotion import CLASSES, SessionNormaliser, normalise_group  # noqa: E402
from sensors.audio.prosody import FEATURE_NAMES  # noqa: E402
from sensors.audio.sources import load_wav  # noqa: E402
from sensors.audio.vad import SileroVad  # noqa: E402

# EmoDB letter -> our class; None = not used by the class head (still used for arousal/valence).
CLASS_OF = {
    "W": "angry",
    "F": "happy",
    "T": "sad",
    "A": "afraid",
    "N": "calm",
    "L": "calm",
    "E": None,
}
# Arousal, valence targets per EmoDB emotion (circumplex placements, Russell 1980).
AROUSAL_VALENCE = {
    "W": (0.8, -0.6),
    "F": (0.5, 0.8),
    "T": (-0.6, -0.7),
    "A": (0.6, -0.7),
    "N": (-0.2, 0.1),
    "L": (-0.7, -0.3),
    "E": (0.2, -0.7),
}
PRIOR_WEIGHT = 4.0
L2 = 1.0  # per-feature weight penalty, relative to the mean loss over samples x 100
RIDGE = 1.0
SESSION_SIZES = (0, 1, 3, 8, -1)  # -1 = all the speaker's other utterances
VERSIONS = ("clean", "noise20", "phone25")  # used in training
UNSEEN = "room"  # evaluation only: a recording condition the model never trained on


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """1/f noise by spectral shaping of white noise."""
    spectrum = np.fft.rfft(rng.normal(size=n))
    spectrum /= np.sqrt(np.maximum(np.arange(spectrum.size), 1.0))
    noise = np.fft.irfft(spectrum, n)
    return noise / (np.std(noise) + 1e-12)


def degrade(x: np.ndarray, version: str, rng: np.random.Generator) -> np.ndarray:
    """The clip as another microphone and room might deliver it."""
    if version == "clean":
        return x
    speech_rms = np.sqrt(np.mean(x[np.abs(x) > 0.01 * np.max(np.abs(x))] ** 2))
    if version == UNSEEN:
        return room(x, speech_rms, rng)
    if version == "phone25":
        x = sosfilt(butter(4, [300, 3400], btype="band", fs=16000, output="sos"), x)
        snr_db = 25.0
    else:
        snr_db = 20.0
    noisy = x + pink_noise(x.size, rng) * speech_rms * 10 ** (-snr_db / 20)
    return np.asarray(noisy / max(1.0, np.max(np.abs(noisy))), dtype=np.float32)


def room(x: np.ndarray, speech_rms: float, rng: np.random.Generator) -> np.ndarray:
    """A room and microphone unlike any training version.

    Reverberation (RT60 0.5 s, direct-to-reverberant +3 dB), a small microphone's
    band (150 Hz-6 kHz) and rumbling 1/f^2 noise at 15 dB SNR.
    """
    t = np.arange(int(0.5 * 16000)) / 16000.0
    tail = rng.normal(size=t.size) * np.exp(-6.9 * t / 0.5)
    tail[0] = 0.0
    tail *= np.sqrt(0.5 / np.sum(tail**2))
    rir = tail
    rir[0] = 1.0
    wet = np.convolve(x, rir)[: x.size]
    wet = sosfilt(butter(2, [150, 6000], btype="band", fs=16000, output="sos"), wet)
    spectrum = np.fft.rfft(rng.normal(size=x.size)) / np.maximum(np.arange(x.size // 2 + 1), 1.0)
    rumble = np.fft.irfft(spectrum, x.size)
    rumble /= np.std(rumble) + 1e-12
    wet_rms = speech_rms * np.sqrt(1.5)
    noisy = wet + rumble * wet_rms * 10 ** (-15.0 / 20)
    return np.asarray(noisy / max(1.0, np.max(np.abs(noisy))), dtype=np.float32)


def extract(data: Path) -> dict[str, list]:
    """Features of every clip and version."""
    vad = SileroVad()
    rng = np.random.default_rng(0)
    rng_unseen = np.random.default_rng(100)  # separate, so the training versions stay the same
    rows: dict[str, list] = {"file": [], "speaker": [], "letter": [], "version": [], "x": []}
    files = sorted(data.glob("*.wav"))
    for n, path in enumerate(files):
        samples = load_wav(path)
        for version in (*VERSIONS, UNSEEN):
            noise = rng_unseen if version == UNSEEN else rng
            clip = analyse_clip(degrade(samples, version, noise), vad)
            if not clip.has_speech:
                print(f"  no speech found in {path.name} ({version}); skipped", file=sys.stderr)
                continue
            rows["file"].append(path.name)
            rows["speaker"].append(path.name[:2])
            rows["letter"].append(path.name[5])
            rows["version"].append(version)
            rows["x"].append(clip.vector)
        if n % 100 == 0:
            print(f"  features: {n}/{len(files)} files", file=sys.stderr, flush=True)
    return rows


def stats(x: np.ndarray, speakers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Population mean (mean of speaker means) and pooled within-speaker std."""
    means, centred = [], []
    for s in np.unique(speakers):
        xs = x[speakers == s]
        m = np.nanmean(xs, axis=0)
        means.append(m)
        centred.append(xs - m)
    pop = np.nanmean(np.array(means), axis=0)
    within = np.nanstd(np.concatenate(centred), axis=0)
    return np.nan_to_num(pop), np.where(np.isfinite(within) & (within > 0), within, 1.0)


def training_set(x, speakers, files, rng, pop, within):
    """Each utterance normalised against several amounts of its speaker's other speech."""
    norm = SessionNormaliser(pop, within, PRIOR_WEIGHT)
    out, index = [], []
    for i in range(len(x)):
        others = np.flatnonzero((speakers == speakers[i]) & (files != files[i]))
        for size in SESSION_SIZES:
            norm.reset()
            chosen = others if size < 0 else rng.choice(others, min(size, others.size), False)
            for j in chosen:
                norm.update(x[j])
            out.append(norm.normalise(x[i]))
            index.append(i)
    return np.array(out), np.array(index)


def fit_softmax(z: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Class-balanced multinomial logistic regression with an L2 penalty, by L-BFGS."""
    n, d = z.shape
    weights = np.bincount(y, minlength=k).astype(float)
    sample_w = (n / (k * np.maximum(weights, 1)))[y]
    onehot = np.eye(k)[y]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[: d * k].reshape(d, k), theta[d * k :]
        logits = z @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        nll = -np.sum(sample_w * np.log(p[np.arange(n), y] + 1e-12)) / n
        g = (p - onehot) * sample_w[:, None] / n
        reg = L2 / 100.0
        return nll + 0.5 * reg * np.sum(w * w), np.concatenate(
            [(z.T @ g + reg * w).ravel(), g.sum(axis=0)]
        )

    theta = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B").x
    return theta[: d * k].reshape(d, k), theta[d * k :]


def fit_ridge(z: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Linear least squares with an L2 penalty (targets [N, 2])."""
    zc = np.hstack([z, np.ones((len(z), 1))])
    penalty = RIDGE * len(z) / 100.0 * np.eye(zc.shape[1])
    penalty[-1, -1] = 0.0
    coef = np.linalg.solve(zc.T @ zc + penalty, zc.T @ t)
    return coef[:-1], coef[-1]


def train(x, speakers, letters, files, rng):
    """Normalisation constants and the fitted weights."""
    pop, within = stats(x, speakers)
    z, idx = training_set(x, speakers, files, rng, pop, within)
    targets = np.array([AROUSAL_VALENCE[letter] for letter in letters])[idx]
    cls = np.array([CLASSES.index(CLASS_OF[ltr]) if CLASS_OF[ltr] else -1 for ltr in letters])[idx]
    keep = cls >= 0
    w, b = fit_softmax(z[keep], cls[keep], len(CLASSES))
    wv, bv = fit_ridge(z, targets)
    return {"pop": pop, "within": within, "w": w, "b": b, "wv": wv, "bv": bv}


def predict(model, z):
    """Probabilities and clipped arousal/valence, as the ONNX graph computes them."""
    logits = z @ model["w"] + model["b"]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True), np.clip(z @ model["wv"] + model["bv"], -1, 1)


def evaluate(rows, rng) -> dict:
    """Leave-one-speaker-out: train on nine speakers' clips (all versions), test on the tenth."""
    x = np.array(rows["x"])
    speakers, letters = np.array(rows["speaker"]), np.array(rows["letter"])
    versions, files = np.array(rows["version"]), np.array(rows["file"])
    results: dict = {}
    for test_version in (*VERSIONS, UNSEEN):
        for mode in ("session", "online", "utterance"):
            results[(test_version, mode)] = {
                "true": [],
                "pred": [],
                "ar_t": [],
                "ar_p": [],
                "va_t": [],
                "va_p": [],
            }
    for held in np.unique(speakers):
        train_mask = (speakers != held) & (versions != UNSEEN)
        model = train(
            x[train_mask], speakers[train_mask], letters[train_mask], files[train_mask], rng
        )
        norm = SessionNormaliser(model["pop"], model["within"], PRIOR_WEIGHT)
        for test_version in (*VERSIONS, UNSEEN):
            test = np.flatnonzero((speakers == held) & (versions == test_version))
            test = test[np.argsort(files[test])]
            for mode in ("session", "online", "utterance"):
                z = normalise_group(x[test].astype(np.float32), norm, mode)
                p, av = predict(model, z)
                r = results[(test_version, mode)]
                for j, i in enumerate(test):
                    r["ar_t"].append(AROUSAL_VALENCE[letters[i]][0])
                    r["va_t"].append(AROUSAL_VALENCE[letters[i]][1])
                    r["ar_p"].append(av[j, 0])
                    r["va_p"].append(av[j, 1])
                    if CLASS_OF[letters[i]]:
                        r["true"].append(CLASSES.index(CLASS_OF[letters[i]]))
                        r["pred"].append(int(np.argmax(p[j])))
    return results


def summarise(results: dict) -> str:
    """A markdown table of the leave-one-speaker-out results, plus the clean/session confusion."""
    lines = [
        "| test audio | normalisation | accuracy | UAR | "
        + " | ".join(f"recall {c}" for c in CLASSES)
        + " | arousal sign agreement | arousal r | valence r |",
        "|---" * (7 + len(CLASSES)) + "|",
    ]
    for (version, mode), r in results.items():
        t, p = np.array(r["true"]), np.array(r["pred"])
        recalls = [float(np.mean(p[t == k] == k)) for k in range(len(CLASSES))]
        at, ap = np.array(r["ar_t"]), np.array(r["ar_p"])
        vt, vp = np.array(r["va_t"]), np.array(r["va_p"])
        lines.append(
            f"| {version} | {mode} | {np.mean(t == p):.3f} | {np.mean(recalls):.3f} | "
            + " | ".join(f"{v:.2f}" for v in recalls)
            + f" | {np.mean((at > 0) == (ap > 0)):.3f} | {np.corrcoef(at, ap)[0, 1]:.3f}"
            + f" | {np.corrcoef(vt, vp)[0, 1]:.3f} |"
        )
    r = results[("clean", "session")]
    t, p = np.array(r["true"]), np.array(r["pred"])
    lines += ["", "Confusion (clean, session; rows true, columns predicted):", ""]
    lines.append("| true \\ pred | " + " | ".join(CLASSES) + " |")
    lines.append("|---" * (len(CLASSES) + 1) + "|")
    for k, name in enumerate(CLASSES):
        counts = [int(np.sum((t == k) & (p == j))) for j in range(len(CLASSES))]
        lines.append(f"| {name} | " + " | ".join(map(str, counts)) + " |")
    return "\n".join(lines)


def export(model: dict, path: Path) -> None:
    """Write the ONNX graph (Gemm + Softmax, Gemm + Clip) with its normalisation metadata."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    d, k = model["w"].shape
    inits = [
        numpy_helper.from_array(model["w"].astype(np.float32), "W"),
        numpy_helper.from_array(model["b"].astype(np.float32), "B"),
        numpy_helper.from_array(model["wv"].astype(np.float32), "WV"),
        numpy_helper.from_array(model["bv"].astype(np.float32), "BV"),
        numpy_helper.from_array(np.array(-1.0, np.float32), "LO"),
        numpy_helper.from_array(np.array(1.0, np.float32), "HI"),
    ]
    nodes = [
        helper.make_node("Gemm", ["features", "W", "B"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
        helper.make_node("Gemm", ["features", "WV", "BV"], ["av_raw"]),
        helper.make_node("Clip", ["av_raw", "LO", "HI"], ["arousal_valence"]),
    ]
    graph = helper.make_graph(
        nodes,
        "voice_emotion",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", d])],
        [
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", k]),
            helper.make_tensor_value_info("arousal_valence", TensorProto.FLOAT, ["N", 2]),
        ],
        inits,
    )
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx_model.ir_version = 8
    onnx_model.producer_name = "petbrain models/train_voice_emotion.py"
    meta = {
        "feature_names": json.dumps(list(FEATURE_NAMES)),
        "classes": json.dumps(list(CLASSES)),
        "population_mean": json.dumps([round(float(v), 6) for v in model["pop"]]),
        "within_std": json.dumps([round(float(v), 6) for v in model["within"]]),
        "prior_weight": str(PRIOR_WEIGHT),
    }
    helper.set_model_props(onnx_model, meta)
    onnx.checker.check_model(onnx_model)
    onnx.save(onnx_model, str(path))


def main() -> int:
    """Extract, evaluate leave-one-speaker-out, train on everyone, export."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "emodb")
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "voice_emotion.onnx")
    parser.add_argument(
        "--features",
        type=Path,
        help="cache of the extracted features (.npz): read when it exists, else written",
    )
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"no EmoDB at {args.data}", file=sys.stderr)
        return 1
    if args.features is not None and args.features.is_file():
        cached = np.load(args.features)
        rows = {key.removeprefix("col_"): list(cached[key]) for key in cached.files}
    else:
        rows = extract(args.data)
        if args.features is not None:
            columns = {f"col_{key}": np.array(value) for key, value in rows.items()}
            np.savez(args.features, **columns)  # prefixed: "file" is savez's own argument
    print(f"{len(rows['x'])} clip versions from {len(set(rows['file']))} files", file=sys.stderr)
    print(summarise(evaluate(rows, np.random.default_rng(1))))
    keep = np.array(rows["version"]) != UNSEEN
    model = train(
        np.array(rows["x"])[keep],
        np.array(rows["speaker"])[keep],
        np.array(rows["letter"])[keep],
        np.array(rows["file"])[keep],
        np.random.default_rng(2),
    )
    export(model, args.out)
    weights = {
        name: [round(float(v), 3) for v in model["w"][i]] for i, name in enumerate(FEATURE_NAMES)
    }
    print("\nclass weights per feature (" + ", ".join(CLASSES) + "):")
    for name, row in weights.items():
        print(
            f"  {name:20s} {row}  arousal {model['wv'][FEATURE_NAMES.index(name), 0]:+.3f}"
            f"  valence {model['wv'][FEATURE_NAMES.index(name), 1]:+.3f}"
        )
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
