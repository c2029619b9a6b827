"""Labelled touch recordings: a folder anyone can produce, for any pads or grid.

Format (``petbrain-touch-recordings``), one folder::

    skin.yaml       the grid: zone, rows, cols, pitch_mm, rate_hz, along,
                    head_at, full_scale (see sensors.touch.skin.TaxelGrid);
                    or ``pads:`` (a pad layout) with frames [T, 1, pads]
    labels.yaml     the recordings' own gesture names -> the pet's gestures
                    (a name mapped to ``none`` means "no gesture"); without
                    it, only the pet's own gesture names are known
    *.npz           one recording each (numpy.savez, no pickled objects):
        frames      [T, rows, cols], any numeric dtype, as the skin read it
        rate_hz     scalar (must match skin.yaml's within 1 %)
        labels      [T] str, per-frame gesture names (``none`` between gestures), or
        label       scalar str, one gesture for the whole recording
        subject     optional scalar str: who touched (enables leave-one-subject-out)

A gesture *instance* is a run of frames with the same (non-``none``) label,
or the whole recording when it has one ``label``. Every problem with one
file is one line naming the file and what is wrong; the other files load.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sensors.touch.events import ALL_GESTURES
from sensors.touch.skin import SkinFile, TouchSurface, _read_yaml, load_skin

Array = npt.NDArray[Any]

NONE_LABEL = "none"
MIN_INSTANCE_FRAMES = 2  # a one-frame run of a label is an annotation slip, not a gesture


@dataclass(frozen=True)
class Recording:
    """One recording: frames [T, rows, cols] float64, pet-gesture labels per frame."""

    name: str
    frames: Array
    rate_hz: float
    labels: tuple[str, ...]  # the pet's gesture per frame, ``none`` between gestures
    subject: str | None = None
    whole: bool = False  # one label for the whole recording


@dataclass(frozen=True)
class Instance:
    """One gesture instance: frames ``start``..``stop`` of recording ``recording``."""

    recording: str
    start: int
    stop: int
    gesture: str
    subject: str | None


@dataclass
class RecordingFolder:
    """A loaded folder: its skin, its label map, the recordings that loaded, the problems."""

    root: Path
    skin: SkinFile | None
    label_map: dict[str, str]
    recordings: list[Recording]
    errors: list[str]

    def surface(self) -> TouchSurface:
        """The skin's cells on the body (only when ``skin.yaml`` loaded)."""
        if self.skin is None:
            raise ValueError(f"{self.root}: no usable skin.yaml")
        return self.skin.surface()


def load_label_map(path: Path) -> dict[str, str]:
    """``labels.yaml``: the recording's names -> the pet's gestures (or ``none``)."""
    raw = _read_yaml(path, "labels")
    if isinstance(raw.get("labels"), dict):
        raw = raw["labels"]
    out: dict[str, str] = {}
    for key, value in raw.items():
        target = str(value)
        if target != NONE_LABEL and target not in ALL_GESTURES:
            raise ValueError(
                f"{path}: {key!r} maps to {target!r}, not one of the pet's gestures "
                f"({', '.join(ALL_GESTURES)}) or 'none'"
            )
        out[str(key)] = target
    return out


def write_label_map(path: Path, mapping: dict[str, str]) -> None:
    """Write ``labels.yaml``."""
    lines = ["# recording's gesture name: the pet's gesture (none = no gesture)", "labels:"]
    lines += [f'  "{key}": {value}' for key, value in mapping.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_recording(path: Path, skin: SkinFile, label_map: dict[str, str]) -> Recording:
    """Read and check one ``.npz``; ``ValueError`` with one line naming the file."""
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {key: z[key] for key in z.files}
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise ValueError(f"{path}: not a readable .npz ({error})".splitlines()[0]) from None
    if "frames" not in arrays:
        raise ValueError(f"{path}: no 'frames' array")
    frames = arrays["frames"]
    rows, cols = skin.shape
    if frames.ndim != 3 or tuple(frames.shape[1:]) != (rows, cols):
        raise ValueError(
            f"{path}: frames have shape {tuple(frames.shape)}, skin.yaml says [T, {rows}, {cols}]"
        )
    if frames.shape[0] < 1:
        raise ValueError(f"{path}: no frames")
    if not np.issubdtype(frames.dtype, np.number) or np.issubdtype(
        frames.dtype, np.complexfloating
    ):
        raise ValueError(f"{path}: frames are {frames.dtype}, not real numbers")
    frames = frames.astype(np.float64)
    bad = ~np.isfinite(frames)
    if bad.any():
        t, r, c = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{path}: {int(bad.sum())} non-finite value(s), first at frame {t} row {r} col {c}"
        )
    if "rate_hz" not in arrays:
        raise ValueError(f"{path}: no 'rate_hz'")
    try:
        rate = float(arrays["rate_hz"])
    except (TypeError, ValueError):
        raise ValueError(f"{path}: 'rate_hz' is not a number") from None
    if not math.isfinite(rate) or abs(rate - skin.rate_hz) > 0.01 * skin.rate_hz:
        raise ValueError(f"{path}: rate_hz {rate} differs from skin.yaml's {skin.rate_hz}")
    t_count = frames.shape[0]
    whole = False
    if "labels" in arrays:
        raw = arrays["labels"]
        if raw.shape != (t_count,):
            raise ValueError(f"{path}: 'labels' has shape {raw.shape}, expected ({t_count},)")
        names = [str(v) for v in raw.tolist()]
    elif "label" in arrays:
        names = [str(arrays["label"])] * t_count
        whole = True
    else:
        raise ValueError(f"{path}: neither per-frame 'labels' nor one 'label'")
    unknown = sorted({n for n in names if n not in label_map and n != NONE_LABEL})
    if unknown:
        raise ValueError(
            f"{path}: unknown label(s) {', '.join(map(repr, unknown))} (not in labels.yaml)"
        )
    labels = tuple(NONE_LABEL if n == NONE_LABEL else label_map[n] for n in names)
    subject = str(arrays["subject"]) if "subject" in arrays else None
    return Recording(path.stem, frames, rate, labels, subject, whole)


def load_folder(root: str | Path) -> RecordingFolder:
    """Load every ``*.npz`` of ``root``; problems go to ``errors``, one line each."""
    root = Path(root)
    errors: list[str] = []
    skin: SkinFile | None = None
    label_map: dict[str, str] = {}
    paths = sorted(root.glob("*.npz"))
    recordings: list[Recording] = []
    try:
        skin = load_skin(root / "skin.yaml")
    except ValueError as error:
        errors.append(f"{error}; {len(paths)} recording(s) in {root} skipped")
        return RecordingFolder(root, skin, label_map, recordings, errors)
    label_map = {g: g for g in ALL_GESTURES}  # without labels.yaml: the pet's own names
    if (root / "labels.yaml").exists():
        try:
            label_map = load_label_map(root / "labels.yaml")
        except ValueError as error:
            errors.append(str(error))
    for path in paths:
        try:
            recordings.append(read_recording(path, skin, label_map))
        except ValueError as error:
            errors.append(str(error))
    return RecordingFolder(root, skin, label_map, recordings, errors)


def instances(recording: Recording) -> Iterator[Instance]:
    """The gesture instances of a recording (runs of one label; the whole one if ``label``)."""
    labels = recording.labels
    if recording.whole:
        if labels and labels[0] != NONE_LABEL:
            yield Instance(recording.name, 0, len(labels), labels[0], recording.subject)
        return
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            if labels[start] != NONE_LABEL and i - start >= MIN_INSTANCE_FRAMES:
                yield Instance(recording.name, start, i, labels[start], recording.subject)
            start = i


def write_recording(
    path: Path,
    frames: Array,
    rate_hz: float,
    *,
    labels: list[str] | None = None,
    label: str | None = None,
    subject: str | None = None,
) -> None:
    """Write one recording ``.npz`` (no pickled objects)."""
    arrays: dict[str, Array] = {
        "frames": np.asarray(frames),
        "rate_hz": np.asarray(float(rate_hz)),
    }
    if labels is not None:
        arrays["labels"] = np.asarray(labels, dtype=str)
    if label is not None:
        arrays["label"] = np.asarray(label)
    if subject is not None:
        arrays["subject"] = np.asarray(subject)
    np.savez_compressed(path, **arrays)
