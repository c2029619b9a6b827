"""The runtime scored on the fusion's held-out pairs: the model plus ``OwnerFusion``'s policies.

``evaluate_runtime`` runs every held-out pair through ``OwnerFusion.instant``
(the conflict policy, the reported confidence) and ``evaluate_trust``
simulates owner sessions to score the agreement-based trust
(``brain/fusion/reliability.py``). The model-only tables are in
``models/fusion_eval.py``.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from brain.fusion.features import EMOTIONS, EXPRESSIONS, GESTURES, VOICE_CLASSES
from models.fusion_eval import expected_calibration_error, scores


def reported_confidence_error(confidence: np.ndarray, right: np.ndarray, bins: int = 10) -> float:
    """ECE of a reported confidence taken as the chance that the top emotion is right."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for lo, hi in itertools.pairwise(edges):
        m = (confidence > lo) & (confidence <= hi) if lo > 0 else confidence <= hi
        if np.any(m):
            error += float(m.mean()) * abs(float(confidence[m].mean()) - float(right[m].mean()))
    return error


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
        confidence = np.zeros(len(y), np.float32)
        for i in range(len(y)):
            fusion = OwnerFusion(model)
            for m in subset:
                _observe(fusion, m, full[m][i])
            estimate = fusion.instant(0.0)
            probs[i] = [estimate.emotion[e] for e in EMOTIONS]
            va[i] = (estimate.valence, estimate.arousal)
            conflicted += estimate.conflict > fusion.config.conflict_start
            confidence[i] = estimate.confidence
        s = scores(probs, y, va)
        s["conflicted_share"] = conflicted / len(y)
        s["ece"] = expected_calibration_error(probs, y)[0]
        # The confidence the pet reports, as a probability of its top emotion being right.
        s["confidence_ece"] = reported_confidence_error(confidence, probs.argmax(1) == y)
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


def evaluate_trust(
    results: dict[str, Any], model_path: Any, pools: Any, sessions: int = 40, steps: int = 30
) -> None:
    """The runtime's agreement-based trust over owner sessions, with and without it.

    Each session is one owner: every 10 s a held-out face of emotion e and a
    held-out voice clip arrive together. "voice right": the clip is of e too;
    "voice misread": this owner's voice is always read as another emotion
    (the clip is of a random other emotion), as when a voice model meets a
    voice unlike any it learned. The runtime estimate right after each pair
    is scored against e from the 10th pair on (the trust has had time to
    form). The same draws serve both settings and the face-alone reference.
    """
    from brain.fusion.model import FusionModel
    from brain.fusion.owner import OwnerFusion
    from brain.fusion.reliability import TrustConfig

    model = FusionModel(model_path)
    k = len(VOICE_CLASSES)
    out: dict[str, dict[str, float]] = {}
    settings = {"with trust": None, "trust off": TrustConfig(floor=1.0), "face alone": None}
    for case in ("voice right", "voice misread"):
        for name, config in settings.items():
            rng = np.random.default_rng(5)
            probs, labels = [], []
            for _ in range(sessions):
                fusion = OwnerFusion(model, trust=config)
                for step in range(steps):
                    e = int(rng.integers(len(EMOTIONS)))
                    ve = e if case == "voice right" else int((e + 1 + rng.integers(5)) % 6)
                    face = pools.face[e][rng.integers(len(pools.face[e]))]
                    pool = pools.voice_pairs[ve]
                    voice = pool[rng.integers(len(pool))][0]
                    now = step * 10_000.0
                    fusion.update_face(dict(zip(EXPRESSIONS, face.tolist(), strict=True)), now)
                    if name != "face alone":
                        fusion.update_voice(
                            dict(zip(VOICE_CLASSES, voice[:k].tolist(), strict=True)),
                            float(voice[k]),
                            float(voice[k + 1]),
                            now,
                        )
                    estimate = fusion.instant(now)
                    if step >= 9:
                        probs.append([estimate.emotion[x] for x in EMOTIONS])
                        labels.append(e)
            out[f"{case}: {name}"] = scores(np.array(probs), np.array(labels))
    results["trust"] = out


def trust_markdown(results: dict[str, Any]) -> str:
    """The trust table for the card."""
    lines = [
        "| owner session | runtime setting | balanced acc. | log loss |",
        "|---|---|---|---|",
    ]
    for name, s in results["trust"].items():
        case, setting = name.split(": ")
        lines.append(f"| {case} | {setting} | {s['balanced_accuracy']:.3f} | {s['log_loss']:.3f} |")
    return "\n".join(lines)
