"""``petbrain eval touch DIR`` on labelled recordings (``*.npz`` + ``skin.yaml`` + ``labels.yaml``).

``DIR`` is one recording folder, or holds several (one per skin); each
folder's frames are read through its own ``skin.yaml``, so a grid never
seen before needs no code. Problems with a folder or a file are one line on
stderr each; everything else is still scored.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from brain.errors import UserError

if TYPE_CHECKING:
    from sensors.touch.realeval import Evaluation
    from sensors.touch.recording import Recording
    from sensors.touch.skin import TouchSurface


def _is_folder(path: Path) -> bool:
    return (path / "skin.yaml").exists() or any(path.glob("*.npz"))


def is_recording_tree(root: Path) -> bool:
    """True when ``root`` (or a folder right under it) holds recordings or a ``skin.yaml``."""
    return _is_folder(root) or any(_is_folder(p) for p in root.iterdir() if p.is_dir())


def load_tree(root: Path, errors: list[str]) -> tuple[list[Recording], dict[str, TouchSurface]]:
    """Every recording under ``root`` with its surface; names prefixed by folder when several."""
    from sensors.touch.recording import load_folder

    folders = [root] if _is_folder(root) else sorted(p for p in root.iterdir() if _is_folder(p))
    recordings: list[Recording] = []
    surfaces: dict[str, TouchSurface] = {}
    for folder in folders:
        loaded = load_folder(folder)
        errors.extend(loaded.errors)
        if loaded.skin is None:
            continue
        surface = loaded.surface()
        for recording in loaded.recordings:
            name = recording.name if folder == root else f"{folder.name}/{recording.name}"
            recording = replace(recording, name=name)
            recordings.append(recording)
            surfaces[name] = surface
    return recordings, surfaces


def run_recordings(root: Path, args: argparse.Namespace) -> int:
    """Score, print, plot; exit 1 under ``--min-accuracy``."""
    from sensors.touch.realeval import cross_validate, fingerprint, held_out
    from sensors.touch.report import plot_confusion, text_report
    from sensors.touch.skin_classifier import MODEL_PATH, OnnxGestureModel

    errors: list[str] = []
    recordings, surfaces = load_tree(root, errors)
    for line in errors:
        print(f"petbrain eval touch: {line}", file=sys.stderr)
    if not recordings:
        raise UserError(f"{root}: no recording could be read (see the lines above)")
    if args.folds < 2:
        raise UserError("--folds must be at least 2")
    model_path = Path(args.model) if args.model else MODEL_PATH
    model = None
    seen = 0
    if args.protocol in ("auto", "shipped"):
        try:
            model = OnnxGestureModel(model_path)
        except Exception as error:  # a missing or foreign model file
            if args.protocol == "shipped":
                raise UserError(f"{model_path}: cannot load the gesture model ({error})") from None
        if model is not None:
            seen = sum(fingerprint(r) in model.trained_on for r in recordings)
            if seen and args.protocol == "shipped":
                raise UserError(
                    f"{model_path} was trained on {seen} of these {len(recordings)} recordings; "
                    "scoring it there would flatter it (use --protocol cv)"
                )
    evaluation: Evaluation
    if model is not None and not seen:
        evaluation = held_out(recordings, surfaces, model)
    else:
        evaluation = cross_validate(
            recordings,
            surfaces,
            folds=args.folds,
            progress=(lambda line: print(line, file=sys.stderr)) if not args.json else None,
        )
        if seen:
            evaluation.protocol += (
                f" (the shipped model was trained on {seen} of these recordings, so it is "
                "refitted without each fold)"
            )
    report: dict[str, object] = {
        "protocol": evaluation.protocol,
        "folds": evaluation.folds,
        "recordings": len(recordings),
        "learned": evaluation.learned.to_json(),
        "rules": evaluation.rules.to_json(),
        "settings": [vars(s) for s in evaluation.chosen],
        "errors": errors,
    }
    if args.json:
        print(json.dumps(report))
    else:
        print("\n".join(text_report(evaluation, len(recordings))))
    if args.plot:
        try:
            plot_confusion(
                evaluation.learned,
                args.plot,
                f"{root.name}: {evaluation.protocol.split(' (')[0]}, "
                f"balanced accuracy {evaluation.learned.balanced_accuracy():.3f}",
            )
        except OSError as error:
            raise UserError(f"{args.plot}: cannot write ({error.strerror or error})") from None
    score = evaluation.learned.balanced_accuracy()
    if args.min_accuracy is not None and score < args.min_accuracy:
        print(
            f"petbrain eval touch: balanced accuracy {score:.3f} is below {args.min_accuracy}",
            file=sys.stderr,
        )
        return 1
    return 0
