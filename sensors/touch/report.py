"""Printing and plotting a gesture evaluation: recall per gesture and the confusion matrix."""

from __future__ import annotations

from pathlib import Path

from sensors.touch.realeval import Evaluation, Score


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
            "settings chosen by inner folds: "
            + "; ".join(
                f"level {s.touch_level} l2 {s.l2} hidden {s.hidden}" for s in evaluation.chosen
            )
        )
    lines += ["", "learned: recall and confusion (rows: truth, columns: predicted)"]
    lines += confusion_lines(learned)
    lines += ["", "rules: recall and confusion"]
    lines += confusion_lines(rules)
    return lines


def plot_confusion(score: Score, path: str | Path, title: str) -> None:
    """Write the row-normalised confusion matrix as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    labels = sorted(score.confusion)
    seen = {g for row in score.confusion.values() for g in row}
    columns = [*labels, *sorted(seen - set(labels))]
    counts = np.array([[score.confusion[t].get(p, 0) for p in columns] for t in labels], float)
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    fig, ax = plt.subplots(figsize=(1.0 + 0.8 * len(columns), 1.0 + 0.7 * len(labels)))
    ax.imshow(share, cmap="Blues", vmin=0.0, vmax=1.0)
    ax.set_xticks(range(len(columns)), columns, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("truth")
    ax.set_title(title, fontsize=9)
    for i in range(len(labels)):
        for j in range(len(columns)):
            if counts[i, j]:
                colour = "white" if share[i, j] > 0.5 else "black"
                ax.text(j, i, str(int(counts[i, j])), ha="center", va="center", color=colour)
    fig.tight_layout()
    fig.savefig(str(path), dpi=100)
    plt.close(fig)
