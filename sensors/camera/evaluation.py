"""Expression accuracy on labelled images: the engine behind ``petbrain eval faces``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from sensors.camera.expression import ExpressionModel, fit_crop
from sensors.camera.observations import EXPRESSIONS
from sensors.camera.sources import IMAGE_SUFFIXES
from sensors.plots import draw_confusion_png

Progress = Callable[[int, int], None]
BATCH = 256  # crops per model call


@dataclass(frozen=True)
class Evaluation:
    """Counts and rates of one evaluation run."""

    classes: tuple[str, ...]
    confusion: npt.NDArray[np.int64]  # [true, predicted]
    no_face: int  # images (detection mode) where no face was found: counted wrong
    crops: int  # images classified as crops
    detected: int  # images that went through face detection
    missed_per_class: tuple[int, ...] = ()  # per true class: unreadable or no face found

    @property
    def counts(self) -> list[int]:
        """Images per true class (including those without a face)."""
        return [int(c) for c in self.confusion.sum(axis=1) + self._missed]

    @property
    def _missed(self) -> npt.NDArray[np.int64]:
        missed = self.missed_per_class or (0,) * len(self.classes)
        return np.asarray(missed, dtype=np.int64)

    @property
    def total(self) -> int:
        """Images evaluated."""
        return int(sum(self.counts))

    @property
    def accuracy(self) -> float:
        """Correct / all images."""
        return float(np.trace(self.confusion)) / max(self.total, 1)

    @property
    def recall(self) -> list[float]:
        """Per class: correct / images of that class."""
        return [float(self.confusion[i, i]) / max(n, 1) for i, n in enumerate(self.counts)]

    @property
    def mode_summary(self) -> str:
        """How the images were read, e.g. '3589 crops'."""
        parts = []
        if self.crops:
            parts.append(f"{self.crops} crops")
        if self.detected:
            parts.append(f"{self.detected} with face detection")
        return ", ".join(parts) or "none"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "images": self.total,
            "accuracy": round(self.accuracy, 4),
            "recall": {c: round(r, 4) for c, r in zip(self.classes, self.recall, strict=True)},
            "confusion": self.confusion.tolist(),
            "classes": list(self.classes),
            "no_face": self.no_face,
            "crops": self.crops,
            "detected": self.detected,
        }


def collect(
    folder: Path, aliases: Mapping[str, str], limit: int | None = None
) -> tuple[list[tuple[Path, int]], list[str]]:
    """(image, class index) for every image under ``folder/<class>/``; and skipped folders."""
    items: list[tuple[Path, int]] = []
    skipped = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        name = aliases.get(sub.name.lower(), sub.name.lower())
        if name not in EXPRESSIONS:
            skipped.append(sub.name)
            continue
        files = sorted(p for p in sub.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        items.extend((p, EXPRESSIONS.index(name)) for p in files[:limit])
    return items, skipped


def evaluate(
    items: list[tuple[Path, int]],
    model_path: Path,
    mode: str = "auto",  # "crops", "detect" or "auto" (small images are crops)
    crop_max_px: int = 100,
    progress: Progress | None = None,
) -> Evaluation:
    """Classify every image and tally the confusion matrix."""
    model = ExpressionModel(model_path)
    n = len(EXPRESSIONS)
    confusion = np.zeros((n, n), dtype=np.int64)
    missed = [0] * n
    pending: list[tuple[npt.NDArray[np.uint8], int]] = []
    counts = {"crops": 0, "detected": 0}
    pipeline = None

    def flush() -> None:
        if not pending:
            return
        probs = model.predict(np.stack([crop for crop, _ in pending]))
        for (_, truth), predicted in zip(pending, probs.argmax(axis=1), strict=True):
            confusion[truth, int(predicted)] += 1
        pending.clear()

    try:
        for done, (path, truth) in enumerate(items, 1):
            raw = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
            grey = None if raw is None else np.asarray(raw, dtype=np.uint8)
            if grey is None:
                missed[truth] += 1
            elif mode == "crops" or (mode == "auto" and max(grey.shape) <= crop_max_px):
                counts["crops"] += 1
                pending.append((fit_crop(grey, model.size), truth))
                if len(pending) >= BATCH:
                    flush()
            else:
                counts["detected"] += 1
                if pipeline is None:
                    from sensors.camera.pipeline import VisionConfig, VisionPipeline

                    pipeline = VisionPipeline(
                        VisionConfig(expression_model=model_path, still_images=True)
                    )
                frame = np.asarray(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
                face = pipeline.process(0, frame, with_body=False).face
                if face.top_expression is None:
                    missed[truth] += 1
                else:
                    confusion[truth, EXPRESSIONS.index(face.top_expression)] += 1
            if progress is not None and (done % 50 == 0 or done == len(items)):
                progress(done, len(items))
        flush()
    finally:
        if pipeline is not None:
            pipeline.close()
    return Evaluation(
        classes=EXPRESSIONS,
        confusion=confusion,
        no_face=sum(missed),
        crops=counts["crops"],
        detected=counts["detected"],
        missed_per_class=tuple(missed),
    )


def draw_confusion(result: Evaluation, path: Path, cell_px: int = 72) -> None:
    """Draw the row-normalised confusion matrix with counts to a PNG (OpenCV only)."""
    title = f"accuracy {result.accuracy:.1%} on {result.total} images"
    draw_confusion_png(result.classes, result.confusion, title, path, cell_px)
