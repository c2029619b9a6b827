"""Scoring the touch classifier on labelled traces: accuracy, per-gesture recall, confusion.

A trace counts as right when the classifier reports at least one finished
gesture and every finished gesture it reports is the label (a pat trace with
three taps must give three pats). Ongoing reports are not scored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sensors.touch.classifier import TouchClassifier, TouchThresholds
from sensors.touch.events import GESTURES, TouchGesture
from sensors.touch.layout import zone_matches
from sensors.touch.trace import Trace

NONE = "none"  # the classifier found no gesture at all


def finished_gestures(
    trace: Trace, thresholds: TouchThresholds | None = None
) -> list[TouchGesture]:
    """Every finished (not ongoing) gesture the classifier reports on ``trace``."""
    classifier = TouchClassifier(trace.header.layout, thresholds)
    out: list[TouchGesture] = []
    last_t = 0
    for frame in trace.frames:
        last_t = frame.t_ms
        for event in classifier.feed(frame.t_ms, frame.values):
            if isinstance(event, TouchGesture) and not event.ongoing:
                out.append(event)
    for event in classifier.finish(last_t + classifier.thresholds.release_ms):
        if isinstance(event, TouchGesture) and not event.ongoing:
            out.append(event)
    return out


def predicted_label(label: str, gestures: list[TouchGesture]) -> str:
    """What a trace's gestures amount to: the first that is not ``label``, else ``label``."""
    if not gestures:
        return NONE
    for gesture in gestures:
        if gesture.gesture != label:
            return gesture.gesture
    return label


@dataclass
class TouchScore:
    """Running totals over labelled traces."""

    labels: tuple[str, ...] = GESTURES
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    zone_checked: int = 0
    zone_right: int = 0
    direction_checked: int = 0
    direction_right: int = 0
    mistakes: list[dict[str, object]] = field(default_factory=list)

    def add(self, name: str, label: dict[str, object], gestures: list[TouchGesture]) -> str:
        """Score one trace; ``label`` has ``gesture`` and optionally ``zone``/``direction``."""
        truth = str(label["gesture"])
        guess = predicted_label(truth, gestures)
        row = self.confusion.setdefault(truth, {})
        row[guess] = row.get(guess, 0) + 1
        if guess != truth:
            self.mistakes.append({"trace": name, "label": truth, "predicted": guess})
            return guess
        zone = label.get("zone")
        if isinstance(zone, str):
            self.zone_checked += 1
            self.zone_right += all(zone_matches(g.zone, zone) for g in gestures)
        direction = label.get("direction")
        if isinstance(direction, str):
            self.direction_checked += 1
            self.direction_right += all(g.direction == direction for g in gestures)
        return guess

    def add_all(self, items: Iterable[tuple[str, dict[str, object], Trace]]) -> None:
        """Score many ``(name, label, trace)`` items."""
        for name, label, trace in items:
            self.add(name, label, finished_gestures(trace))

    @property
    def total(self) -> int:
        """Traces scored."""
        return sum(sum(row.values()) for row in self.confusion.values())

    @property
    def correct(self) -> int:
        """Traces classified right."""
        return sum(row.get(label, 0) for label, row in self.confusion.items())

    def recall(self) -> dict[str, float]:
        """Per-gesture recall (only gestures that occur)."""
        return {
            label: row.get(label, 0) / max(1, sum(row.values()))
            for label, row in sorted(self.confusion.items())
        }

    def to_json(self) -> dict[str, object]:
        """Accuracy, recall, confusion, zone and direction accuracy, and the mistakes."""
        return {
            "traces": self.total,
            "accuracy": round(self.correct / max(1, self.total), 4),
            "recall": {k: round(v, 4) for k, v in self.recall().items()},
            "confusion": self.confusion,
            "zone_accuracy": round(self.zone_right / self.zone_checked, 4)
            if self.zone_checked
            else None,
            "direction_accuracy": round(self.direction_right / self.direction_checked, 4)
            if self.direction_checked
            else None,
            "mistakes": self.mistakes[:50],
        }
