"""Held-out evaluation of the fusion model: every modality subset, and unimodal baselines.

Each held-out face crop is paired three times with a held-out speaker's clip
of the same emotion (clean recording, judged alone as ``petbrain perceive``
does) and a held-out synthetic touch. Every subset of modalities is scored on
the *same* pairs, so the rows of the table compare like with like.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from itertools import combinations
from typing import Any

import numpy as np

from brain.fusion.features import (
    BLOCKS,
    EMOTIONS,
    EXPRESSIONS,
    FACE_TO_EMOTION,
    INPUT_SIZE,
    LEARNED_MODALITIES,
    PRESENCE_OFFSET,
    VALENCE_AROUSAL,
    VOICE_CLASSES,
)

REPEATS = 3

Forward = Callable[[list[np.ndarray], np.ndarray], tuple[np.ndarray, np.ndarray]]


def _map(probs: np.ndarray, classes: tuple[str, ...], mapping: dict[str, str]) -> np.ndarray:
    out = np.zeros((len(probs), len(EMOTIONS)), np.float32)
    for j, c in enumerate(classes):
        out[:, EMOTIONS.index(mapping[c])] += probs[:, j]
    return out


def scores(probs: np.ndarray, labels: np.ndarray, va: np.ndarray | None = None) -> dict[str, float]:
    """Accuracy, balanced accuracy, mean log loss, and valence/arousal errors when given."""
    pred = probs.argmax(1)
    recall = [float(np.mean(pred[labels == e] == e)) for e in range(len(EMOTIONS))]
    out = {
        "accuracy": float(np.mean(pred == labels)),
        "balanced_accuracy": float(np.mean(recall)),
        "log_loss": float(
            -np.mean(np.log(np.clip(probs[np.arange(len(labels)), labels], 1e-6, 1)))
        ),
    }
    out |= {f"recall_{EMOTIONS[e]}": r for e, r in enumerate(recall)}
    if va is not None:
        target = np.array([VALENCE_AROUSAL[e] for e in EMOTIONS])[labels]
        out["valence_mae"] = float(np.mean(np.abs(va[:, 0] - target[:, 0])))
        out["arousal_mae"] = float(np.mean(np.abs(va[:, 1] - target[:, 1])))
    return out


def _rows(full: dict, subset: tuple[str, ...], n: int) -> np.ndarray:
    x = np.zeros((n, INPUT_SIZE), np.float32)
    for m in subset:
        x[:, BLOCKS[m]] = full[m]
        x[:, PRESENCE_OFFSET + LEARNED_MODALITIES.index(m)] = 1.0
    return x


def evaluate(params: list[np.ndarray], forward: Forward, pools: Any, tables: Any) -> dict[str, Any]:
    """Scores per modality subset and per baseline on the same held-out pairs."""
    del tables
    labels, blocks = [], {m: [] for m in (*LEARNED_MODALITIES, "voice_session")}
    for e in range(len(EMOTIONS)):
        for face in pools.face[e]:
            for _ in range(REPEATS):
                labels.append(e)
                blocks["face"].append(face)
                alone, session = pools.voice_pair_of(e)
                blocks["voice"].append(alone)
                blocks["voice_session"].append(session)
                blocks["touch"].append(pools.touch_of(e))
    y = np.array(labels)
    full = {m: np.array(b, np.float32) for m, b in blocks.items()}
    results: dict[str, Any] = {"pairs": len(y), "faces": len(y) // REPEATS, "subsets": {}}
    results["held_out_pairs"] = (full, y)
    for size in (1, 2, 3):
        for subset in combinations(LEARNED_MODALITIES, size):
            x = np.zeros((len(y), INPUT_SIZE), np.float32)
            for m in subset:
                x[:, BLOCKS[m]] = full[m]
                x[:, PRESENCE_OFFSET + LEARNED_MODALITIES.index(m)] = 1.0
            probs, va = forward(params, x)
            results["subsets"]["+".join(subset)] = scores(probs, y, va)
    face_raw = _map(full["face"], EXPRESSIONS, FACE_TO_EMOTION)
    voice_raw = _map(
        full["voice"][:, : len(VOICE_CLASSES)], VOICE_CLASSES, {c: c for c in VOICE_CLASSES}
    )
    fused_probs = forward(params, _rows(full, ("face", "voice"), len(y)))[0]
    results["ece"], results["reliability_bins"] = expected_calibration_error(fused_probs, y)
    face_alone = forward(params, _rows(full, ("face",), len(y)))[0]
    results["reliability_bins_face"] = expected_calibration_error(face_alone, y)[1]
    results["degradation"] = degradation_rows(params, forward, y, full)
    results["baselines"] = {
        "face model alone": scores(face_raw, y),
        "voice model alone": scores(voice_raw, y),
        "average of face and voice models": scores((face_raw + voice_raw) / 2, y),
    }
    return results


def expected_calibration_error(
    probs: np.ndarray, labels: np.ndarray, bins: int = 10
) -> tuple[float, list[tuple[float, float, int]]]:
    """Top-label ECE over equal-width confidence bins, and (confidence, accuracy, count) per bin."""
    confidence = probs.max(1)
    correct = probs.argmax(1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    table, ece = [], 0.0
    for lo, hi in itertools.pairwise(edges):
        m = (confidence > lo) & (confidence <= hi)
        if not np.any(m):
            continue
        conf, acc = float(confidence[m].mean()), float(correct[m].mean())
        ece += m.sum() / len(labels) * abs(conf - acc)
        table.append((conf, acc, int(m.sum())))
    return float(ece), table


def draw_reliability(curves: dict[str, list[tuple[float, float, int]]], path: Any) -> None:
    """A reliability diagram (accuracy against confidence per bin) as a PNG, with OpenCV."""
    import cv2

    size, margin = 420, 50
    image = np.full((size + 2 * margin, size + 2 * margin + 260, 3), 255, np.uint8)

    def xy(c: float, a: float) -> tuple[int, int]:
        return int(margin + c * size), int(margin + (1.0 - a) * size)

    cv2.rectangle(image, xy(0, 1), xy(1, 0), (0, 0, 0), 1)
    cv2.line(image, xy(0, 0), xy(1, 1), (160, 160, 160), 1)
    for k in range(11):
        cv2.putText(image, f"{k / 10:.1f}", (xy(k / 10, 0)[0] - 10, size + margin + 18),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.35, (0, 0, 0), 1)  # fmt: skip
        cv2.putText(image, f"{k / 10:.1f}", (12, xy(0, k / 10)[1] + 4),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.35, (0, 0, 0), 1)  # fmt: skip
    colours = [(200, 60, 30), (30, 140, 30), (30, 30, 200), (160, 30, 160)]
    for n, (name, table) in enumerate(curves.items()):
        colour = colours[n % len(colours)]
        points = [xy(c, a) for c, a, _ in table]
        for a, b in itertools.pairwise(points):
            cv2.line(image, a, b, colour, 2, cv2.LINE_AA)
        for point in points:
            cv2.circle(image, point, 3, colour, -1)
        cv2.putText(image, name, (size + margin + 10, margin + 20 + 20 * n),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.45, colour, 1, cv2.LINE_AA)  # fmt: skip
    cv2.putText(image, "confidence (top class)", (margin + size // 3, size + margin + 40),
                cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1)  # fmt: skip
    cv2.putText(image, "accuracy", (4, margin - 12), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1)
    if not cv2.imwrite(str(path), image):
        raise OSError(f"cannot write {path}")


DEGRADATIONS = {
    "clean (voice judged alone, as perceive)": {},
    "voice against its speaker's session": {"voice_mode": 1},
    "face faded to 0.3 (stale)": {"face": 0.3},
    "voice faded to 0.3 (stale)": {"voice": 0.3},
    "face and voice faded to 0.5": {"face": 0.5, "voice": 0.5},
}


def degradation_rows(
    params: list[np.ndarray], forward: Forward, y: np.ndarray, full: dict
) -> dict[str, dict[str, float]]:
    """Fused face+voice against the best single modality, under each degradation.

    The best single modality is the better of face and voice, each scored
    both as its own unimodal model and through the fusion model alone, under
    the same degradation; the fused row uses the same blocks and weights.
    """
    out: dict[str, dict[str, float]] = {}
    for name, change in DEGRADATIONS.items():
        voice = full["voice"]
        if "voice_mode" in change:
            voice = full["voice_session"]
        blocks = {"face": full["face"], "voice": voice}
        single: dict[str, float] = {}
        x = np.zeros((len(y), INPUT_SIZE), np.float32)
        for m in ("face", "voice"):
            w = float(change.get(m, 1.0))
            alone = np.zeros((len(y), INPUT_SIZE), np.float32)
            for row in (alone, x):
                row[:, BLOCKS[m]] = blocks[m] * w
                row[:, PRESENCE_OFFSET + LEARNED_MODALITIES.index(m)] = w
            single[f"{m} via fusion"] = scores(forward(params, alone)[0], y)["balanced_accuracy"]
        single["face model"] = scores(_map(blocks["face"], EXPRESSIONS, FACE_TO_EMOTION), y)[
            "balanced_accuracy"
        ]
        k = len(VOICE_CLASSES)
        voice_raw = _map(blocks["voice"][:, :k], VOICE_CLASSES, {c: c for c in VOICE_CLASSES})
        single["voice model"] = scores(voice_raw, y)["balanced_accuracy"]
        best = max(single, key=lambda key: single[key])
        fused_probs = forward(params, x)[0]
        fused = scores(fused_probs, y)["balanced_accuracy"]
        out[name] = {
            "best_single": single[best],
            "best_single_name": best,  # type: ignore[dict-item]
            "fused": fused,
            "delta": fused - single[best],
            "ece": expected_calibration_error(fused_probs, y)[0],
        }
    return out


def reliability(
    params: list[np.ndarray], forward: Forward, pools: Any, pairs: int = 12000
) -> dict[str, dict[str, Any]]:
    """Each modality alone on fresh *training-split* pairs: quality and per-class precision.

    quality = balanced accuracy above chance (0..1); precision[c] = how often the
    modality alone is right when it says c (chance when it never says c). The
    runtime uses them for confidence and for resolving conflicts, so they are
    measured away from the held-out evaluation.
    """
    labels = pools.rng.integers(len(EMOTIONS), size=pairs)
    chance = 1.0 / len(EMOTIONS)
    out: dict[str, dict[str, Any]] = {"quality": {}, "precision": {}}
    for m in LEARNED_MODALITIES:
        draw = {"face": pools.face_of, "voice": pools.voice_of, "touch": pools.touch_of}[m]
        x = np.zeros((pairs, INPUT_SIZE), np.float32)
        x[:, BLOCKS[m]] = np.array([draw(e) for e in labels], np.float32)
        x[:, PRESENCE_OFFSET + LEARNED_MODALITIES.index(m)] = 1.0
        probs, _ = forward(params, x)
        bacc = scores(probs, labels)["balanced_accuracy"]
        out["quality"][m] = round(max(0.05, (bacc - chance) / (1 - chance)), 4)
        pred = probs.argmax(1)
        out["precision"][m] = [
            round(float(np.mean(labels[pred == e] == e)) if np.any(pred == e) else chance, 4)
            for e in range(len(EMOTIONS))
        ]
    # Typical agreement of each modality alone with the fused reading of all three (the
    # probability it gives the fused top emotion), on training pairs: the runtime's
    # reference for "agrees as usual".
    blocks = {
        m: np.array(
            [
                {"face": pools.face_of, "voice": pools.voice_of, "touch": pools.touch_of}[m](e)
                for e in labels
            ],
            np.float32,
        )
        for m in LEARNED_MODALITIES
    }
    out["agreement"] = {}
    fused = forward(params, _rows(blocks, LEARNED_MODALITIES, pairs))[0]
    for m in LEARNED_MODALITIES:
        alone = forward(params, _rows(blocks, (m,), pairs))[0]
        given = alone[np.arange(pairs), fused.argmax(1)]
        out["agreement"][m] = round(float(np.mean(given)), 4)
    return out


def markdown(results: dict[str, Any]) -> str:
    """The card's evaluation tables."""
    lines = [
        f"Held-out pairs: {results['pairs']} ({results['faces']} face crops x {REPEATS} "
        "voice/touch draws).",
        "",
        "| inputs | accuracy | balanced acc. | log loss | valence MAE | arousal MAE |",
        "|---|---|---|---|---|---|",
    ]
    order = sorted(results["subsets"].items(), key=lambda kv: -kv[1]["balanced_accuracy"])
    for name, s in order:
        lines.append(
            f"| fusion: {name} | {s['accuracy']:.3f} | {s['balanced_accuracy']:.3f} | "
            f"{s['log_loss']:.3f} | {s['valence_mae']:.3f} | {s['arousal_mae']:.3f} |"
        )
    for name, s in results.get("runtime", {}).items():
        lines.append(
            f"| runtime (model + conflict policy): {name} | {s['accuracy']:.3f} | "
            f"{s['balanced_accuracy']:.3f} | {s['log_loss']:.3f} | {s['valence_mae']:.3f} | "
            f"{s['arousal_mae']:.3f} |"
        )
    for name, s in results["baselines"].items():
        lines.append(
            f"| baseline: {name} | {s['accuracy']:.3f} | {s['balanced_accuracy']:.3f} | "
            f"{s['log_loss']:.3f} | - | - |"
        )
    if "ece" in results:
        lines += [
            "",
            f"Expected calibration error (face+voice fused, 10 bins): {results['ece']:.3f}.",
        ]
    if "degradation" in results:
        lines += [
            "",
            "| condition (held-out pairs) | best single modality | its balanced acc. "
            "| fused face+voice | fused - best single | fused ECE |",
            "|---|---|---|---|---|---|",
        ]
        for name, row in results["degradation"].items():
            lines.append(
                f"| {name} | {row['best_single_name']} | {row['best_single']:.3f} | "
                f"{row['fused']:.3f} | {100 * row['delta']:+.1f} points | {row['ece']:.3f} |"
            )
    lines += ["", "Recall per emotion:", "", "| inputs | " + " | ".join(EMOTIONS) + " |"]
    lines.append("|---" * (len(EMOTIONS) + 1) + "|")
    rows = [(f"fusion: {k}", v) for k, v in results["subsets"].items()]
    rows += [(f"runtime: {k}", v) for k, v in results.get("runtime", {}).items()]
    rows += [(f"baseline: {k}", v) for k, v in results["baselines"].items()]
    for name, s in rows:
        lines.append(
            f"| {name} | " + " | ".join(f"{s[f'recall_{e}']:.2f}" for e in EMOTIONS) + " |"
        )
    if "reliability" in results:
        rel = results["reliability"]
        lines += [
            "",
            "Stored for the runtime, measured on training-split pairs (not the held-out ones):",
            "",
            "| modality | quality (balanced acc. above chance) | precision per class ("
            + ", ".join(EMOTIONS)
            + ") |",
            "|---|---|---|",
        ]
        for m in LEARNED_MODALITIES:
            precision = ", ".join(f"{v:.2f}" for v in rel["precision"][m])
            lines.append(f"| {m} | {rel['quality'][m]:.3f} | {precision} |")
    if "runtime" in results:
        shares = ", ".join(
            f"{k}: {v['conflicted_share']:.1%}" for k, v in results["runtime"].items()
        )
        lines += ["", f"Held-out pairs where the runtime's conflict policy engaged: {shares}."]
        lines += [
            "",
            "Runtime calibration (held-out pairs, 10 bins): "
            + "; ".join(
                f"{k}: top-emotion probability ECE {v['ece']:.3f}, reported confidence ECE "
                f"{v['confidence_ece']:.3f}"
                for k, v in results["runtime"].items()
            )
            + ".",
        ]
    return "\n".join(lines)
