"""Held-out evaluation of the fusion model: every modality subset, and unimodal baselines.

Each held-out face crop is paired three times with a held-out speaker's clip
of the same emotion (clean recording, judged alone as ``petbrain perceive``
does) and a held-out synthetic touch. Every subset of modalities is scored on
the *same* pairs, so the rows of the table compare like with like.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

import numpy as np

from brain.fusion.features import (
    BLOCKS,
    EMOTIONS,
    EXPRESSIONS,
    GESTURES,
    INPUT_SIZE,
    LEARNED_MODALITIES,
    PRESENCE_OFFSET,
    VALENCE_AROUSAL,
    VOICE_CLASSES,
)

REPEATS = 3
FACE_TO_EMOTION = {"angry": "angry", "disgust": "angry", "fear": "afraid", "happy": "happy"}
FACE_TO_EMOTION |= {"neutral": "calm", "sad": "sad", "surprise": "surprised"}

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


def evaluate(params: list[np.ndarray], forward: Forward, pools: Any, tables: Any) -> dict[str, Any]:
    """Scores per modality subset and per baseline on the same held-out pairs."""
    del tables
    labels, blocks = [], {m: [] for m in LEARNED_MODALITIES}
    for e in range(len(EMOTIONS)):
        for face in pools.face[e]:
            for _ in range(REPEATS):
                labels.append(e)
                blocks["face"].append(face)
                blocks["voice"].append(pools.voice_of(e))
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
    results["baselines"] = {
        "face model alone": scores(face_raw, y),
        "voice model alone": scores(voice_raw, y),
        "average of face and voice models": scores((face_raw + voice_raw) / 2, y),
    }
    return results


def evaluate_runtime(results: dict[str, Any], model_path: Any) -> None:
    """Score the runtime (``OwnerFusion.instant``: model + conflict policy) on the same pairs."""
    from brain.fusion.model import FusionModel
    from brain.fusion.owner import OwnerFusion

    full, y = results["held_out_pairs"]
    model = FusionModel(model_path)
    results["runtime"] = {}
    for subset in (("face", "voice"), ("face", "voice", "touch")):
        probs = np.zeros((len(y), len(EMOTIONS)), np.float32)
        va = np.zeros((len(y), 2), np.float32)
        conflicted = 0
        for i in range(len(y)):
            fusion = OwnerFusion(model)
            for m in subset:
                _observe(fusion, m, full[m][i])
            estimate = fusion.instant(0.0)
            probs[i] = [estimate.emotion[e] for e in EMOTIONS]
            va[i] = (estimate.valence, estimate.arousal)
            conflicted += estimate.conflict > fusion.config.conflict_start
        s = scores(probs, y, va)
        s["conflicted_share"] = conflicted / len(y)
        results["runtime"]["+".join(subset)] = s


def _observe(fusion: Any, modality: str, block: np.ndarray) -> None:
    """Give ``fusion`` one evaluation block through its public update methods."""
    if modality == "face":
        fusion.update_face(dict(zip(EXPRESSIONS, block.tolist(), strict=True)), 0.0)
    elif modality == "voice":
        k = len(VOICE_CLASSES)
        probs = dict(zip(VOICE_CLASSES, block[:k].tolist(), strict=True))
        fusion.update_voice(probs, float(block[k]), float(block[k + 1]), 0.0)
    else:
        g = len(GESTURES)
        direction = "with_fur" if block[g + 1] else "against_fur" if block[g + 2] else None
        fusion.update_touch(
            GESTURES[int(np.argmax(block[:g]))],
            float(block[g]),
            direction,
            float(block[g + 3]) * 500.0,
            float(block[g + 4]) * 2000.0,
            0.0,
        )


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
    return "\n".join(lines)
