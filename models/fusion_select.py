"""Choosing the fusion's variant on training pairs only: an inner leave-one-corpus-out split.

The held-out evaluation uses TESS voices and 40 % of the FER2013 publictest
faces; nothing here touches them. Inside the training part, the voices of one
training corpus (EmoDB or EMOVO) are held out in turn and the training faces are
split again by a second hash byte, so each variant is scored on voices of a
corpus its fit never saw, as the final model is scored on TESS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

INNER_CORPORA = ("emodb", "emovo")
INNER_FACE_FRACTION = 0.4


def inner_tables(tables: dict, held_corpus: str) -> dict:
    """The training part of ``tables`` with ``held_corpus`` voices and some faces as validation."""
    face, voice = tables["face"], tables["voice"]
    keep_face = ~face["held_out"]
    inner_face = {k: v[keep_face] for k, v in face.items()}
    inner_face["held_out"] = np.array(
        [hashlib.sha256(str(n).encode()).digest()[1] / 256.0 < INNER_FACE_FRACTION
         for n in inner_face["name"]]
    )  # fmt: skip
    keep_voice = ~voice["held_out"]  # TESS stays out entirely
    inner_voice = {k: v[keep_voice] for k, v in voice.items()}
    inner_voice["held_out"] = inner_voice["corpus"] == held_corpus
    return {
        "face": inner_face,
        "voice": inner_voice,
        "touch_train": tables["touch_train"],
        "touch_eval": tables["touch_train"],
    }


def select(
    tables: dict,
    variants: dict[str, dict[str, Any]],
    fit_variant: Callable[[dict, dict[str, Any], int], Any],
    score: Callable[[Any, dict, int], dict[str, dict[str, float]]],
) -> tuple[str, list[str]]:
    """The variant with the best worst degradation row, averaged over the inner folds.

    ``fit_variant(tables, variant, seed)`` fits on the tables' training part;
    ``score(params, tables, seed)`` returns the degradation rows on their
    validation part. Returns the chosen name and a markdown table of every variant.
    """
    lines = [
        "| variant | inner fold (voices held out) | clean - best single "
        "| worst row - best single |",
        "|---|---|---|---|",
    ]
    summary: dict[str, float] = {}
    for name, variant in variants.items():
        worst = []
        for i, corpus in enumerate(INNER_CORPORA):
            inner = inner_tables(tables, corpus)
            params = fit_variant(inner, variant, 100 + i)
            rows = score(params, inner, 200 + i)
            clean = rows["clean (voice judged alone, as perceive)"]["delta"]
            low = min(r["delta"] for r in rows.values())
            worst.append(low)
            lines.append(f"| {name} | {corpus} | {100 * clean:+.1f} | {100 * low:+.1f} |")
            print(lines[-1], flush=True)
        summary[name] = float(np.mean(worst))
    best = max(summary, key=lambda k: summary[k])
    lines.append("")
    lines.append(f"Chosen: {best} (mean worst row {100 * summary[best]:+.1f} points).")
    return best, lines
