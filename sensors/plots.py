"""A confusion matrix as a PNG, drawn with OpenCV (no plotting library in the product)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt


def draw_confusion_png(
    classes: Sequence[str],
    confusion: npt.ArrayLike,
    title: str,
    path: Path,
    cell_px: int = 72,
) -> None:
    """Draw the row-normalised confusion matrix (rows true) with counts to ``path``."""
    import cv2

    counts = np.asarray(confusion, dtype=float)
    n = len(classes)
    margin = 110
    size = margin + n * cell_px + 20
    top = margin + 30  # room for the title above the column labels
    image = np.full((size + 70, max(size, 12 * len(title) + 20), 3), 255, dtype=np.uint8)
    rows = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(image, title, (10, 25), font, 0.6, (0, 0, 0), 1, cv2.LINE_AA)
    for i in range(n):
        for j in range(n):
            x, y = margin + j * cell_px, top + i * cell_px
            shade = int(255 - 200 * rows[i, j])
            cv2.rectangle(image, (x, y), (x + cell_px, y + cell_px), (255, shade, shade), -1)
            cv2.rectangle(image, (x, y), (x + cell_px, y + cell_px), (200, 200, 200), 1)
            colour = (255, 255, 255) if rows[i, j] > 0.55 else (0, 0, 0)
            cv2.putText(image, f"{rows[i, j]:.0%}", (x + 8, y + 30), font, 0.5, colour, 1)
            count = str(int(counts[i, j]))
            cv2.putText(image, count, (x + 8, y + 52), font, 0.4, colour, 1, cv2.LINE_AA)
        label = classes[i]
        cv2.putText(image, label, (8, top + i * cell_px + 40), font, 0.5, (0, 0, 0), 1)
        column = np.full((cell_px - 4, 100, 3), 255, dtype=np.uint8)
        cv2.putText(column, label, (4, 40), font, 0.5, (0, 0, 0), 1)
        x = margin + i * cell_px + 2
        image[top - 100 : top, x : x + cell_px - 4] = np.rot90(column)
    cv2.putText(image, "predicted", (margin, size + 55), font, 0.5, (0, 0, 0), 1)
    if not cv2.imwrite(str(path), image):
        raise OSError(f"cannot write {path}")
