"""``petbrain eval faces DIR``: expression accuracy on labelled images, one folder per class."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from brain.cli import CommandGroups
from brain.errors import UserError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from sensors.camera.evaluation import Evaluation

# Folder names other datasets use for our classes.
ALIASES = {
    "anger": "angry",
    "disgusted": "disgust",
    "fearful": "fear",
    "afraid": "fear",
    "happiness": "happy",
    "sadness": "sad",
    "surprised": "surprise",
    "calm": "neutral",
}
CROP_MAX_PX = 100  # images no larger than this on both sides are taken as face crops


def register(groups: CommandGroups) -> None:
    """Add ``petbrain eval faces``."""
    parser = groups.subcommand(
        "eval",
        "faces",
        run,
        "expression accuracy on a folder with one sub-folder of images per class",
        group_help="evaluate perception on labelled data",
    )
    parser.add_argument("folder", type=Path, metavar="DIR", help="DIR/<class>/*.jpg")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--crops", action="store_true", help="every image is an aligned face crop")
    mode.add_argument("--detect", action="store_true", help="find the face in every image")
    parser.add_argument("--plot", type=Path, metavar="PNG", help="draw the confusion matrix")
    parser.add_argument("--model", type=Path, help="expression model (default: the shipped one)")
    parser.add_argument("--limit", type=int, metavar="N", help="at most N images per class")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    """Classify every image, then print accuracy, per-class recall and the confusion matrix."""
    from sensors.camera.evaluation import collect, evaluate
    from sensors.camera.expression import DEFAULT_MODEL, ModelError
    from sensors.camera.observations import EXPRESSIONS

    if not args.folder.is_dir():
        raise UserError(f"{args.folder} is not a folder")
    items, skipped = collect(args.folder, ALIASES, args.limit)
    if not items:
        raise UserError(
            f"{args.folder} has no images in class folders named {', '.join(EXPRESSIONS)}"
        )
    if skipped:
        print(f"skipping folders that are not classes: {', '.join(skipped)}", file=sys.stderr)
    mode = "crops" if args.crops else "detect" if args.detect else "auto"
    try:
        result = evaluate(
            items,
            model_path=args.model or DEFAULT_MODEL,
            mode=mode,
            crop_max_px=CROP_MAX_PX,
            progress=None if args.json else _progress,
        )
    except ModelError as error:
        raise UserError(str(error)) from None
    if not args.json:
        print(file=sys.stderr)
    if args.plot:
        from sensors.camera.evaluation import draw_confusion

        draw_confusion(result, args.plot)
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        _print_report(result)
        if args.plot:
            print(f"confusion matrix drawn to {args.plot}")
    return 0


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    bar = "#" * filled + "-" * (width - filled)
    print(f"\r[{bar}] {done}/{total}", end="", file=sys.stderr, flush=True)


def _print_report(result: Evaluation) -> None:
    classes = result.classes
    print(f"images {result.total}  accuracy {result.accuracy:.2%}  (mode: {result.mode_summary})")
    if result.no_face:
        print(f"no face found in {result.no_face} image(s) (counted as wrong)")
    print("per-class recall:")
    for name, recall, count in zip(classes, result.recall, result.counts, strict=True):
        print(f"  {name:<9} {recall:7.2%}  of {count}")
    print("confusion matrix (rows: true class, columns: predicted):")
    matrix: npt.NDArray[np.int64] = result.confusion
    print("          " + " ".join(f"{name[:7]:>7}" for name in classes))
    for name, row in zip(classes, matrix, strict=True):
        print(f"  {name:<8}" + " ".join(f"{int(v):>7}" for v in row))
