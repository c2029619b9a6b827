"""The figures of a gesture evaluation: a confusion matrix per instance, and per recording.

Filled by :mod:`sensors.touch.realeval` (the protocol), printed and plotted by
:mod:`sensors.touch.report`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Score:
    """Confusion of one classifier over instances, and the recordings they came from."""

    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    by_recording: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, recording: str, truth: str, guess: str) -> None:
        """One instance."""
        row = self.confusion.setdefault(truth, {})
        row[guess] = row.get(guess, 0) + 1
        self.by_recording.setdefault(recording, []).append((truth, guess))

    def recall(self) -> dict[str, float]:
        """Recall of every gesture that occurs."""
        return {
            g: row.get(g, 0) / max(1, sum(row.values()))
            for g, row in sorted(self.confusion.items())
        }

    def balanced_accuracy(self) -> float:
        """Mean recall over the gestures that occur."""
        recall = self.recall()
        return sum(recall.values()) / max(1, len(recall))

    def accuracy(self) -> float:
        """Instances right / instances."""
        total = sum(sum(r.values()) for r in self.confusion.values())
        return sum(r.get(g, 0) for g, r in self.confusion.items()) / max(1, total)

    def recording_accuracy(self) -> float:
        """Recordings whose majority guess is their majority gesture."""
        right = 0
        for pairs in self.by_recording.values():
            truth = Counter(t for t, _ in pairs).most_common(1)[0][0]
            guess = Counter(g for _, g in pairs).most_common(1)[0][0]
            right += truth == guess
        return right / max(1, len(self.by_recording))

    def to_json(self) -> dict[str, object]:
        """Figures, recall per gesture and the confusion matrix."""
        return {
            "instances": sum(sum(r.values()) for r in self.confusion.values()),
            "balanced_accuracy": round(self.balanced_accuracy(), 4),
            "accuracy": round(self.accuracy(), 4),
            "recall": {g: round(v, 4) for g, v in self.recall().items()},
            "recording_majority_accuracy": round(self.recording_accuracy(), 4),
            "confusion": self.confusion,
        }
