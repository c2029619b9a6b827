"""``petbrain eval touch``: score the touch classifiers on labelled data.

``petbrain eval touch DIR`` reads labelled recordings (``DIR/*.npz`` with
``skin.yaml`` and ``labels.yaml``, or several such folders under ``DIR``; see
``sensors/touch/recording.py``) or pad traces (``DIR/<gesture>/*.jsonl``);
``petbrain eval touch --synthetic --seed N --count M`` generates M pad traces
of every gesture under freshly drawn, realistic conditions and scores those.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from brain.cli import CommandGroups
from brain.errors import UserError

if TYPE_CHECKING:
    from sensors.touch.evaluate import TouchScore
    from sensors.touch.trace import Trace


def register(groups: CommandGroups) -> None:
    """Add ``petbrain eval touch``."""
    parser = groups.subcommand(
        "eval",
        "touch",
        run,
        "touch gestures: accuracy, per-gesture recall and confusion on labelled traces",
        group_help="evaluate perception on labelled data",
    )
    parser.add_argument(
        "dir",
        nargs="?",
        metavar="DIR",
        help="labelled recordings (*.npz + skin.yaml + labels.yaml) or DIR/<gesture>/*.jsonl",
    )
    parser.add_argument(
        "--protocol",
        choices=("auto", "cv", "shipped"),
        default="auto",
        help="recordings: score the shipped model when it never saw them (auto, shipped), "
        "else nested cross-validation, leave-one-subject-out or leave-recordings-out (cv)",
    )
    parser.add_argument(
        "--folds", type=int, default=5, metavar="K", help="leave-recordings-out folds"
    )
    parser.add_argument("--model", metavar="FILE", help="gesture model (default: the shipped one)")
    parser.add_argument("--plot", metavar="PNG", help="write the confusion matrix as a PNG")
    parser.add_argument("--synthetic", action="store_true", help="generate a fresh labelled set")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic set")
    parser.add_argument(
        "--count", type=int, default=50, metavar="M", help="synthetic traces per gesture"
    )
    parser.add_argument(
        "--save", metavar="DIR", help="also write the synthetic set as DIR/<gesture>/*.jsonl"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--min-accuracy",
        type=float,
        metavar="X",
        help="exit with status 1 when accuracy (recordings: balanced accuracy) is below X",
    )


def _labelled_dir(root: Path, errors: list[str]) -> Iterator[tuple[str, dict[str, object], Trace]]:
    from sensors.touch.events import GESTURES
    from sensors.touch.trace import TraceError, read_trace

    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name not in GESTURES:
            errors.append(f"{folder}: not a gesture name, skipped")
            continue
        for path in sorted(folder.glob("*.jsonl")):
            try:
                trace = read_trace(path)
            except TraceError as error:
                errors.append(str(error))
                continue
            label: dict[str, object] = {"gesture": folder.name}
            meta_label = trace.header.meta.get("label")
            if isinstance(meta_label, dict) and meta_label.get("gesture") == folder.name:
                label.update(meta_label)
            yield str(path), label, trace


def _synthetic(
    seed: int, count: int, save: Path | None
) -> Iterator[tuple[str, dict[str, object], Trace]]:
    from sensors.touch.synthetic import realistic_set
    from sensors.touch.trace import write_trace

    for index, trace in enumerate(realistic_set(seed, count)):
        label = dict(trace.header.meta["label"])
        name = f"{label['gesture']}/{seed}-{index:05d}.jsonl"
        if save is not None:
            (save / str(label["gesture"])).mkdir(parents=True, exist_ok=True)
            write_trace(save / name, trace)
        yield name, label, trace


def run(args: argparse.Namespace) -> int:
    """Score and print; exit 1 under ``--min-accuracy``."""
    from sensors.touch.evaluate import TouchScore

    errors: list[str] = []
    if args.synthetic:
        if args.dir:
            raise UserError("give either DIR or --synthetic, not both")
        if args.count < 1:
            raise UserError("--count must be at least 1")
        items = _synthetic(args.seed, args.count, Path(args.save) if args.save else None)
    else:
        if not args.dir:
            raise UserError("give DIR (labelled traces in DIR/<gesture>/*.jsonl) or --synthetic")
        root = Path(args.dir)
        if not root.is_dir():
            raise UserError(f"{root}: not a folder")
        from brain.cli.eval_touch_recordings import is_recording_tree, run_recordings

        if is_recording_tree(root):
            return run_recordings(root, args)
        items = _labelled_dir(root, errors)
    score = TouchScore()
    score.add_all(items)
    if score.total == 0:
        raise UserError(f"no labelled traces found in {args.dir}/<gesture>/*.jsonl")
    report = score.to_json()
    report["errors"] = errors
    if args.synthetic:
        report["synthetic"] = {"seed": args.seed, "count_per_gesture": args.count}
    if args.json:
        print(json.dumps(report))
    else:
        _print(score, report)
    for line in errors:
        print(f"petbrain eval touch: {line}", file=sys.stderr)
    accuracy = float(report["accuracy"])  # type: ignore[arg-type]
    if args.min_accuracy is not None and accuracy < args.min_accuracy:
        print(
            f"petbrain eval touch: accuracy {accuracy:.3f} is below {args.min_accuracy}",
            file=sys.stderr,
        )
        return 1
    return 0


def _print(score: TouchScore, report: dict[str, object]) -> None:
    from sensors.touch.evaluate import NONE

    print(f"traces    {score.total}")
    print(f"accuracy  {report['accuracy']:.3f}")
    for key in ("zone_accuracy", "direction_accuracy"):
        if report[key] is not None:
            print(f"{key.replace('_', ' '):9s} {report[key]:.3f}")
    labels = sorted(score.confusion)
    columns = [*labels, NONE]
    seen = {g for row in score.confusion.values() for g in row}
    columns += sorted(seen - set(columns))
    width = max(len(c) for c in columns) + 1
    print()
    print("recall and confusion (rows: truth, columns: predicted)")
    print(" " * width + "recall " + "".join(c[:7].rjust(8) for c in columns))
    recall = score.recall()
    for label in labels:
        row = score.confusion[label]
        cells = "".join(str(row.get(c, 0)).rjust(8) for c in columns)
        print(f"{label.ljust(width)}{recall[label]:6.3f} {cells}")
