"""Printing and plotting a gesture evaluation: recall per gesture and the confusion matrix."""

from __future__ import annotations

from pathlib import Path

from sensors.touch.confusion import Score
from sensors.touch.realeval import Evaluation


def confusion_lines(score: Score) -> list[str]:
    """Recall and the confusion matrix as text (rows: truth, columns: predicted)."""
    labels = sorted(score.confusion)
    seen = {g for row in score.confusion.values() for g in row}
    columns = [*labels, *sorted(seen - set(labels))]
    width = max(len(c) for c in columns) + 1
    lines = [" " * width + "recall " + "".join(c[:7].rjust(8) for c in columns)]
    recall = score.recall()
    for label in labels:
        row = score.confusion[label]
        cells = "".join(str(row.get(c, 0)).rjust(8) for c in columns)
        lines.append(f"{label.ljust(width)}{recall[label]:6.3f} {cells}")
    return lines


def text_report(evaluation: Evaluation, recordings: int) -> list[str]:
    """The whole report as lines."""
    learned, rules = evaluation.learned, evaluation.rules
    lines = [
        f"protocol  {evaluation.protocol} ({evaluation.folds} fold(s), {recordings} recordings)",
        f"instances {sum(sum(r.values()) for r in learned.confusion.values())}",
        f"learned   balanced accuracy {learned.balanced_accuracy():.3f}  "
        f"accuracy {learned.accuracy():.3f}  "
        f"recordings by majority {learned.recording_accuracy():.3f}",
        f"rules     balanced accuracy {rules.balanced_accuracy():.3f}  "
        f"accuracy {rules.accuracy():.3f}  (hand-tuned baseline, same instances)",
    ]
    if evaluation.chosen:
        lines.append(
            "settings chosen by inner folds: " + "; ".join(s.describe() for s in evaluation.chosen)
        )
    lines += ["", "learned: recall and confusion (rows: truth, columns: predicted)"]
    lines += confusion_lines(learned)
    lines += ["", "rules: recall and confusion"]
    lines += confusion_lines(rules)
    return lines


def plot_confusion(score: Score, path: str | Path, title: str, cell_px: int = 64) -> None:
    """Write the row-normalised confusion matrix with counts as a PNG (OpenCV, like eval faces)."""
    import cv2
    import numpy as np

    labels = sorted(score.confusion)
    seen = {g for row in score.confusion.values() for g in row}
    columns = [*labels, *sorted(seen - set(labels))]
    counts = np.array([[score.confusion[t].get(p, 0) for p in columns] for t in labels], float)
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    margin, top = 90, 140
    width = max(margin + len(columns) * cell_px + 20, 12 * len(title) + 20)
    height = top + len(labels) * cell_px + 50
    image = np.full((height, width, 3), 255, dtype=np.uint8)
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(image, title, (10, 25), font, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.putText(image, "predicted", (margin, 48), font, 0.45, (90, 90, 90), 1, cv2.LINE_AA)
    for j, name in enumerate(columns):
        column = np.full((cell_px - 4, 80, 3), 255, dtype=np.uint8)
        cv2.putText(column, name, (2, 36), font, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
        rotated = cv2.rotate(column, cv2.ROTATE_90_COUNTERCLOCKWISE)
        x = margin + j * cell_px + 2
        image[top - 82 : top - 2, x : x + cell_px - 4] = rotated
    for i, name in enumerate(labels):
        y = top + i * cell_px
        cv2.putText(image, name, (8, y + cell_px // 2 + 5), font, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
        for j in range(len(columns)):
            x = margin + j * cell_px
            shade = int(255 - 200 * share[i, j])
            cv2.rectangle(image, (x, y), (x + cell_px, y + cell_px), (255, shade, shade), -1)
            cv2.rectangle(image, (x, y), (x + cell_px, y + cell_px), (200, 200, 200), 1)
            if counts[i, j]:
                colour = (255, 255, 255) if share[i, j] > 0.55 else (0, 0, 0)
                text = str(int(counts[i, j]))
                cv2.putText(image, text, (x + 8, y + cell_px // 2 + 5), font, 0.5, colour, 1)
    if not cv2.imwrite(str(path), image):
        raise OSError(f"cannot write {path}")
