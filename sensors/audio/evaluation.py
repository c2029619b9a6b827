"""Scoring the voice-emotion estimate on labelled clips (``petbrain eval voice``)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sensors.audio.clips import analyse_file
from sensors.audio.emotion import (
    CLASSES,
    EmotionEstimate,
    VoiceEmotionModel,
    normalise_group,
)
from sensors.audio.vad import VoiceActivity

# Label spellings of common corpora -> our class (None: scored for arousal only).
LABELS: dict[str, str | None] = {
    "angry": "angry", "anger": "angry", "ang": "angry",
    "happy": "happy", "happiness": "happy", "joy": "happy", "hap": "happy",
    "sad": "sad", "sadness": "sad",
    "afraid": "afraid", "fear": "afraid", "fearful": "afraid", "fea": "afraid",
    "calm": "calm", "neutral": "calm", "neu": "calm", "boredom": "calm", "bored": "calm",
    "disgust": None, "disgusted": None, "dis": None,
    "surprise": None, "surprised": None, "sur": None, "ps": None,
}  # fmt: skip
# EmoDB's letters (single letters mean different things in other corpora, so only here).
EMODB_LETTERS = {
    "W": "anger", "L": "boredom", "E": "disgust", "A": "fear",
    "F": "happiness", "T": "sadness", "N": "neutral",
}  # fmt: skip
# Whether a label is high (+1) or low (-1) arousal, for the arousal scores. Disgust is
# not scored: its arousal is ambiguous (moderate in the circumplex literature, low and
# slow in TESS, loud in EMOVO); see models/voice_emotion.md.
AROUSAL_SIGN = {
    "angry": 1, "happy": 1, "afraid": 1, "sad": -1, "calm": -1,
    "surprise": 1, "surprised": 1, "sur": 1,
}  # fmt: skip
FOUR_CLASSES = ("angry", "happy", "sad", "calm")  # the 4-class score: afraid is left out
EMODB_NAME = re.compile(r"^(\d\d)[a-z]\d\d([WLEAFTN])[a-z]?\.wav$")


@dataclass(frozen=True)
class LabelledClip:
    """A clip, its raw label, and who spoke it (None when unknown)."""

    path: Path
    label: str
    speaker: str | None

    @property
    def target(self) -> str | None:
        """Our class for the label (None: not one of ours)."""
        return LABELS.get(self.label.lower())

    @property
    def arousal_sign(self) -> int | None:
        """+1 high, -1 low arousal, None when the label does not say."""
        target = self.target
        return AROUSAL_SIGN.get(target if target else self.label.lower())


def emodb_clips(folder: Path) -> list[LabelledClip]:
    """Clips named the EmoDB way (``03a01Fa.wav``) under ``folder``."""
    clips = []
    for path in sorted(folder.rglob("*.wav")):
        match = EMODB_NAME.match(path.name)
        if match:
            clips.append(LabelledClip(path, EMODB_LETTERS[match.group(2)], match.group(1)))
    return clips


def csv_clips(folder: Path, labels_csv: Path) -> list[LabelledClip]:
    """Rows ``path,label[,speaker]`` (a header row is allowed); paths relative to ``folder``."""
    clips = []
    with labels_csv.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            cells = [c.strip() for c in row]
            if not cells or not cells[0] or cells[0].startswith("#"):
                continue
            if number == 1 and cells[0].lower() == "path":
                continue
            if len(cells) < 2:
                raise ValueError(f"{labels_csv}:{number}: expected path,label[,speaker]")
            path = Path(cells[0])
            clips.append(
                LabelledClip(
                    path if path.is_absolute() else folder / path,
                    cells[1],
                    cells[2] if len(cells) > 2 and cells[2] else None,
                )
            )
    return clips


def assign_speakers(
    clips: Sequence[LabelledClip], speaker_regex: str | None = None
) -> list[LabelledClip]:
    r"""Fill in unknown speakers: from ``speaker_regex`` on the file name, else the folder.

    The regex's group ``speaker`` (or its first group) names the speaker, e.g.
    ``-(\d\d)\.wav$`` for RAVDESS or ``^(\d{4})_`` for CREMA-D. Without one, clips
    spread over several folders are grouped by folder (corpora often keep one
    folder per actor); otherwise all unknown clips form one group.
    """
    pattern = re.compile(speaker_regex) if speaker_regex else None
    folders = {c.path.parent for c in clips if c.speaker is None}
    out = []
    for clip in clips:
        speaker = clip.speaker
        if speaker is None and pattern is not None:
            match = pattern.search(clip.path.name)
            if match is None:
                raise ValueError(f"--speaker-regex does not match {clip.path.name}")
            groups = match.groupdict()
            speaker = groups.get("speaker") or (match.group(1) if pattern.groups else match[0])
        if speaker is None and len(folders) > 1:
            speaker = clip.path.parent.name
        out.append(LabelledClip(clip.path, clip.label, speaker))
    return out


def evaluate_clips(
    clips: Sequence[LabelledClip],
    vad: VoiceActivity,
    model: VoiceEmotionModel,
    normalise: str = "session",
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Accuracy, per-class recall, confusion and arousal agreement over ``clips``.

    Clips are normalised per speaker (clips without a speaker form one group):
    see :func:`sensors.audio.emotion.normalise_group` for the modes.
    """
    vectors: list[npt.NDArray[np.float32]] = []
    kept: list[LabelledClip] = []
    skipped: dict[str, str] = {}
    for i, clip in enumerate(clips):
        if progress:
            progress(i, len(clips))
        try:
            analysis = analyse_file(clip.path, vad)
        except (OSError, ValueError) as error:
            skipped[str(clip.path)] = str(error)
            continue
        if not analysis.has_speech:
            skipped[str(clip.path)] = "no speech found"
            continue
        vectors.append(analysis.vector)
        kept.append(clip)
    normaliser = model.new_session()
    z = np.zeros((len(kept), len(model.population_mean)), dtype=np.float32)
    groups = sorted({c.speaker or "" for c in kept})
    for group in groups:
        idx = [i for i, c in enumerate(kept) if (c.speaker or "") == group]
        # Corpora name files by emotion; "online" hears them in a fixed shuffled order.
        idx = [idx[j] for j in np.random.default_rng(7).permutation(len(idx))]
        z[idx] = normalise_group(np.array([vectors[i] for i in idx]), normaliser, normalise)
    estimates = model.predict(z) if kept else []
    k = len(CLASSES)
    confusion = np.zeros((k, k), dtype=int)
    arousal_hits: list[bool] = []
    for clip, estimate in zip(kept, estimates, strict=True):
        if clip.target is not None:
            confusion[CLASSES.index(clip.target), CLASSES.index(estimate.label)] += 1
        if clip.arousal_sign is not None:
            arousal_hits.append((estimate.arousal > 0) == (clip.arousal_sign > 0))
    totals = confusion.sum(axis=1)
    recall = {c: (float(confusion[i, i] / totals[i]) if totals[i] else None)
              for i, c in enumerate(CLASSES)}  # fmt: skip
    present = [v for v in recall.values() if v is not None]
    scored = int(confusion.sum())
    four = four_class_scores(kept, estimates)
    high = [e.arousal > 0 for e in estimates]
    signs = [c.arousal_sign for c in kept]
    arousal_recall = {
        name: (float(np.mean(np.array([h for h, s in zip(high, signs, strict=True) if s == sign])
                             == want))
               if any(s == sign for s in signs) else None)
        for name, sign, want in (("high", 1, True), ("low", -1, False))
    }  # fmt: skip
    arousal_present = [v for v in arousal_recall.values() if v is not None]
    unknown = sorted({c.label for c in kept if c.target is None and c.arousal_sign is None})
    return {
        "clips": len(clips),
        "speakers": len(groups),
        "scored": scored,
        "normalise": normalise,
        "accuracy": float(np.trace(confusion) / scored) if scored else None,
        "unweighted_recall": float(np.mean(present)) if present else None,
        "balanced_accuracy": float(np.mean(present)) if present else None,
        "recall": recall,
        "confusion": {"classes": list(CLASSES), "rows_true": confusion.tolist()},
        "four_class": four,
        "arousal_balanced_accuracy": float(np.mean(arousal_present)) if arousal_present else None,
        "arousal_recall": arousal_recall,
        "arousal_agreement": float(np.mean(arousal_hits)) if arousal_hits else None,
        "arousal_scored": len(arousal_hits),
        "skipped": skipped,
        "unknown_labels": unknown,
    }


def four_class_scores(
    clips: Sequence[LabelledClip], estimates: Sequence[EmotionEstimate]
) -> dict[str, Any]:
    """Balanced accuracy, recall and confusion over :data:`FOUR_CLASSES`.

    Clips of those four classes only; the prediction is the most probable of
    the four (the model's afraid output is ignored).
    """
    k = len(FOUR_CLASSES)
    confusion = np.zeros((k, k), dtype=int)
    for clip, estimate in zip(clips, estimates, strict=True):
        if clip.target in FOUR_CLASSES:
            best = max(FOUR_CLASSES, key=lambda c: estimate.probabilities.get(c, 0.0))
            confusion[FOUR_CLASSES.index(clip.target), FOUR_CLASSES.index(best)] += 1
    totals = confusion.sum(axis=1)
    recall = {c: (float(confusion[i, i] / totals[i]) if totals[i] else None)
              for i, c in enumerate(FOUR_CLASSES)}  # fmt: skip
    present = [v for v in recall.values() if v is not None]
    return {
        "balanced_accuracy": float(np.mean(present)) if present else None,
        "recall": recall,
        "confusion": {"classes": list(FOUR_CLASSES), "rows_true": confusion.tolist()},
        "scored": int(confusion.sum()),
    }


def format_report(report: dict[str, Any]) -> str:
    """The report as a short plain-text table."""

    def pct(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.1f}%"

    lines = [
        f"clips {report['clips']}, scored {report['scored']}, skipped {len(report['skipped'])}"
        f" (normalise: {report['normalise']} over {report['speakers']} speaker group(s))",
        f"accuracy {pct(report['accuracy'])}   balanced accuracy (5 classes) "
        f"{pct(report['unweighted_recall'])}   arousal agreement "
        f"{pct(report['arousal_agreement'])} of {report['arousal_scored']}",
        "recall: " + "  ".join(f"{c} {pct(v)}" for c, v in report["recall"].items()),
        f"arousal high/low balanced accuracy {pct(report['arousal_balanced_accuracy'])}"
        f" (recall high {pct(report['arousal_recall']['high'])},"
        f" low {pct(report['arousal_recall']['low'])})",
        f"4-class balanced accuracy {pct(report['four_class']['balanced_accuracy'])}"
        f" over {report['four_class']['scored']} clips (recall "
        + "  ".join(f"{c} {pct(v)}" for c, v in report["four_class"]["recall"].items())
        + ")",
        "confusion (rows true, columns predicted):",
        "          " + "".join(f"{c:>8}" for c in CLASSES),
    ]
    for name, row in zip(CLASSES, report["confusion"]["rows_true"], strict=True):
        lines.append(f"{name:>10}" + "".join(f"{v:>8}" for v in row))
    if report["unknown_labels"]:
        lines.append("labels not scored: " + ", ".join(report["unknown_labels"]))
    return "\n".join(lines)
