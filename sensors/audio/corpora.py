"""The shared emotional-speech corpora by name: EmoDB, TESS and EMOVO.

Each is read from its own naming scheme (see ``../shared/data/README.md``)
into :class:`~sensors.audio.evaluation.LabelledClip` rows with one canonical
label spelling and the speaker, so ``petbrain eval voice emodb`` and the
training scripts agree on who said what in which emotion.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

CORPORA = ("emodb", "tess", "emovo")
LANGUAGE = {"emodb": "German", "tess": "English", "emovo": "Italian"}

# Canonical labels (the spellings `sensors.audio.evaluation.LABELS` knows).
EMODB_LETTERS = {
    "W": "anger", "L": "boredom", "E": "disgust", "A": "fear",
    "F": "happiness", "T": "sadness", "N": "neutral",
}  # fmt: skip
TESS_LABELS = {
    "angry": "anger", "disgust": "disgust", "fear": "fear", "happy": "happiness",
    "neutral": "neutral", "ps": "surprise", "sad": "sadness",
}  # fmt: skip
EMOVO_LABELS = {
    "rab": "anger", "dis": "disgust", "pau": "fear", "gio": "happiness",
    "tri": "sadness", "sor": "surprise", "neu": "neutral",
}  # fmt: skip
EMODB_NAME = re.compile(r"^(\d\d)[a-z]\d\d([WLEAFTN])[a-z]?\.wav$")
EMOVO_NAME = re.compile(r"^([a-z]{3})-([fm]\d)-[a-z]\d\.flac$")


def default_root() -> Path:
    """``$PETBRAIN_DATA`` when set, else ``../shared/data`` beside the project checkout."""
    override = os.environ.get("PETBRAIN_DATA")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


def corpus_rows(name: str, folder: Path) -> list[tuple[Path, str, str]]:
    """``(path, canonical label, speaker)`` for every labelled clip of corpus ``name``.

    Files that do not follow the corpus's naming are left out (none in the
    shared copies). Raises ``ValueError`` for an unknown corpus name.
    """
    rows: list[tuple[Path, str, str]] = []
    if name == "emodb":
        for path in sorted(folder.rglob("*.wav")):
            match = EMODB_NAME.match(path.name)
            if match:
                rows.append((path, EMODB_LETTERS[match.group(2)], f"emodb-{match.group(1)}"))
    elif name == "tess":
        for path in sorted(folder.rglob("*.flac")):
            label = TESS_LABELS.get(path.stem.rsplit("_", 1)[-1].lower())
            if label:  # the speaker is the folder: one file name is misspelt (OA_bite_neutral)
                rows.append((path, label, f"tess-{path.parent.name}"))
    elif name == "emovo":
        for path in sorted(folder.rglob("*.flac")):
            match = EMOVO_NAME.match(path.name)
            if match and match.group(1) in EMOVO_LABELS:
                rows.append((path, EMOVO_LABELS[match.group(1)], f"emovo-{match.group(2)}"))
    else:
        raise ValueError(f"unknown corpus {name!r} (known: {', '.join(CORPORA)})")
    return rows
