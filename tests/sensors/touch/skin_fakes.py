"""Synthetic pressure-grid recordings of a few gestures, for tests (not a model of real hands)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sensors.touch.recording import write_label_map, write_recording
from sensors.touch.skin import TaxelGrid, write_skin


def blob(rows: int, cols: int, row: float, col: float, radius: float, level: float) -> np.ndarray:
    """A smooth round contact centred at (row, col), ``radius`` taxels wide."""
    r, c = np.mgrid[0:rows, 0:cols]
    d2 = (r - row) ** 2 + (c - col) ** 2
    out: np.ndarray = level * np.exp(-d2 / (2.0 * radius**2))
    return out


def gesture_frames(
    gesture: str, rows: int, cols: int, rate_hz: float, rng: np.random.Generator
) -> np.ndarray:
    """Frames [T, rows, cols] (0..1) of one instance: stroke, hug or pat, slightly varied."""
    jitter = rng.uniform(0.85, 1.15)
    if gesture == "stroke":  # a palm sliding along the cols, head (col 0) to tail
        n = max(4, int(1.2 * rate_hz * jitter))
        cols_path = np.linspace(1.0, cols - 2.0, n)
        return np.stack([blob(rows, cols, rows / 2, c, 1.5, 0.7) for c in cols_path])
    if gesture == "hug":  # most of the skin, firmly, for a couple of seconds
        n = max(6, int(2.0 * rate_hz * jitter))
        frame = blob(rows, cols, rows / 2, cols / 2, max(rows, cols) / 2.0, 0.9)
        return np.stack([frame * (0.8 + 0.2 * np.sin(i / 3.0)) for i in range(n)])
    if gesture == "pat":  # a short, light press of a few taxels
        n = max(2, int(0.25 * rate_hz * jitter))
        centre = (rng.uniform(1, rows - 2), rng.uniform(1, cols - 2))
        return np.stack([blob(rows, cols, *centre, 0.8, 0.5) for _ in range(n)])
    raise ValueError(gesture)


def write_folder(
    root: Path,
    *,
    rows: int = 8,
    cols: int = 10,
    rate_hz: float = 50.0,
    full_scale: float = 1000.0,
    subjects: tuple[str, ...] = ("s1", "s2", "s3"),
    per_subject: int = 2,
    seed: int = 0,
) -> TaxelGrid:
    """A recording folder with its own names (``Streichen`` ...) mapped by ``labels.yaml``."""
    root.mkdir(parents=True, exist_ok=True)
    grid = TaxelGrid("back_middle", rows, cols, 12.0, rate_hz, full_scale=full_scale)
    write_skin(root / "skin.yaml", grid)
    names = {"stroke": "Streichen", "hug": "Umarmen", "pat": "Klaps"}
    write_label_map(root / "labels.yaml", {"-": "none", **{v: k for k, v in names.items()}})
    rng = np.random.default_rng(seed)
    quiet = int(0.4 * rate_hz)
    for subject in subjects:
        for k in range(per_subject):
            for gesture, own in names.items():
                frames, labels = [np.zeros((quiet, rows, cols))], ["-"] * quiet
                for _ in range(3):
                    g = gesture_frames(gesture, rows, cols, rate_hz, rng)
                    frames += [g, np.zeros((quiet, rows, cols))]
                    labels += [own] * len(g) + ["-"] * quiet
                data = np.concatenate(frames) * full_scale
                data += rng.normal(0.0, 0.005 * full_scale, data.shape)
                data = np.clip(data, 0, None).astype(np.uint16)
                path = root / f"{subject}_{gesture}_{k}.npz"
                write_recording(path, data, rate_hz, labels=labels, subject=subject)
    return grid
