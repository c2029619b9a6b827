"""Compare expression models: held-out accuracy on 10 % of FER2013 ``train`` and cost per face.

The held-out split is the one ``train_expression.py`` selects on (stratified,
``--seed 4``, 10 % of each class), so an own CNN is measured on images it
never trained on. Models trained on all of ``train`` (fer's mini-Xception)
score too high here; their figure is shown, not used to choose.

Cost is the median wall time of one single-face call (``ExpressionModel.predict``
on one crop already at the model's side, the pipeline's onnxruntime options,
one thread), the process pinned to one CPU, the models called in turn within
each round so they all see the same load on a shared machine. Publictest is
not read here: measure it once, at the end, with ``petbrain eval faces``.

    .venv/bin/python models/compare_expression.py ../shared/data/fer2013/train \
      models/expression.onnx /tmp/candidate.onnx --calls 500
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sensors.camera.expression import ExpressionModel, fit_crop
from sensors.camera.observations import EXPRESSIONS


def held_out(train: Path, seed: int = 4) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64]]:
    """The held-out 10 % of ``train``, exactly as ``train_expression.py`` draws it."""
    images, labels = [], []
    for index, name in enumerate(EXPRESSIONS):
        for path in sorted((train / name).iterdir()):
            image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
            if image is None:
                continue
            images.append(cv2.resize(image, (48, 48)))
            labels.append(index)
    x, y = np.stack(images), np.array(labels, dtype=np.int64)
    rng = np.random.default_rng(seed)
    held = np.zeros(len(y), bool)
    for c in range(len(EXPRESSIONS)):
        idx = np.flatnonzero(y == c)
        held[rng.choice(idx, size=len(idx) // 10, replace=False)] = True
    return x[held], y[held]


def accuracy(model: ExpressionModel, x: npt.NDArray[np.uint8], y: npt.NDArray[np.int64]) -> float:
    """Fraction of crops whose most probable class is the label."""
    crops = np.stack([fit_crop(image, model.size) for image in x])
    probs = np.concatenate([model.predict(crops[i : i + 256]) for i in range(0, len(crops), 256)])
    return float(np.mean(probs.argmax(axis=1) == y))


def cost_ms(models: list[ExpressionModel], crop: npt.NDArray[np.uint8], calls: int) -> list[float]:
    """Median ms of one single-face call per model, calls interleaved round by round."""
    inputs = [fit_crop(crop, model.size)[None] for model in models]
    for _ in range(20):
        for model, one in zip(models, inputs, strict=True):
            model.predict(one)
    samples: list[list[float]] = [[] for _ in models]
    for _ in range(calls):
        for model, one, times in zip(models, inputs, samples, strict=True):
            start = time.perf_counter()
            model.predict(one)
            times.append((time.perf_counter() - start) * 1000.0)
    return [statistics.median(times) for times in samples]


def main() -> None:
    """Command line: the train folder, the models; prints one line per model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train", type=Path, help="FER2013 train folder (one folder per class)")
    parser.add_argument("models", type=Path, nargs="+", help="expression ONNX files")
    parser.add_argument("--calls", type=int, default=500, help="timed calls per model")
    parser.add_argument("--cost-only", action="store_true", help="skip the held-out accuracy")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    models = [ExpressionModel(path, threads=1) for path in args.models]
    x, y = held_out(args.train)
    costs = cost_ms(models, x[0], args.calls)
    for path, model, cost in zip(args.models, models, costs, strict=True):
        held = "" if args.cost_only else f"  held-out {accuracy(model, x, y):.4f} of {len(y)}"
        size = path.stat().st_size
        print(f"{path}: {cost:.3f} ms/face (median of {args.calls}){held}  {size} bytes")


if __name__ == "__main__":
    main()
