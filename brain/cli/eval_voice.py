"""``petbrain eval voice DIR|CORPUS``: score the voice-emotion estimate on labelled clips."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from brain.cli import CommandGroups
from brain.errors import UserError


def register(groups: CommandGroups) -> None:
    """Add ``petbrain eval voice``."""
    parser = groups.subcommand(
        "eval",
        "voice",
        run,
        "score voice emotion on labelled clips (emodb, tess, emovo by name, or --labels CSV)",
        group_help="evaluate perception on labelled data",
    )
    parser.add_argument(
        "folder",
        metavar="DIR|CORPUS",
        help="a shared corpus by name (emodb, tess, emovo: read from --data), or a folder of "
        "clips (searched recursively; a folder named like a corpus is read the corpus's way)",
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        type=Path,
        help="where the shared corpora live (default: $PETBRAIN_DATA or ../shared/data)",
    )
    parser.add_argument(
        "--plot", metavar="PNG", type=Path, help="draw the 4-class confusion matrix to this PNG"
    )
    parser.add_argument(
        "--model",
        metavar="ONNX",
        type=Path,
        help="another voice-emotion model (e.g. a leave-one-corpus-out one from "
        "models/train_voice_emotion.py); default: the shipped models/voice_emotion.onnx",
    )
    parser.add_argument(
        "--labels",
        metavar="CSV",
        type=Path,
        help="rows path,label[,speaker] (paths relative to DIR); default: EmoDB file names",
    )
    parser.add_argument(
        "--normalise",
        choices=("session", "online", "utterance"),
        default="session",
        help="per-speaker baseline from all the speaker's clips (session, the default), from "
        "the clips before each one (online, as live), or none (utterance)",
    )
    parser.add_argument(
        "--speaker-regex",
        metavar="REGEX",
        help="find the speaker in each file name (group 'speaker' or group 1), for --labels "
        "rows without a speaker column; default: one group per folder",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    """Analyse every labelled clip and print the scores."""
    from sensors.audio.corpora import CORPORA, corpus_rows, default_root
    from sensors.audio.evaluation import (
        LabelledClip,
        assign_speakers,
        csv_clips,
        emodb_clips,
        evaluate_clips,
        format_report,
    )
    from sensors.audio.pipeline import load_emotion, load_vad

    folder = Path(args.folder)
    corpus = None
    if args.folder in CORPORA and not folder.is_dir():
        corpus = args.folder
        folder = (args.data or default_root()) / corpus
        if not folder.is_dir():
            raise UserError(f"corpus {corpus} not found at {folder} (use --data DIR)")
    elif folder.name in CORPORA and args.labels is None:
        corpus = folder.name
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder")
    if corpus is not None and args.labels is None:
        clips = [LabelledClip(p, label, who) for p, label, who in corpus_rows(corpus, folder)]
    elif args.labels is not None:
        if not args.labels.is_file():
            raise UserError(f"labels file {args.labels} not found")
        try:
            clips = csv_clips(folder, args.labels)
        except (ValueError, UnicodeDecodeError) as error:
            raise UserError(str(error)) from error
    else:
        clips = emodb_clips(folder)
    if not clips:
        how = f"rows in {args.labels}" if args.labels else "EmoDB-named clips (e.g. 03a01Fa.wav)"
        raise UserError(f"no {how} under {folder}; use --labels file.csv for other corpora")
    try:
        clips = assign_speakers(clips, args.speaker_regex)
    except (ValueError, re.error) as error:
        raise UserError(f"--speaker-regex: {error}") from error
    if args.model is not None:
        from sensors.audio.emotion import VoiceEmotionModel
        from sensors.audio.vad import ModelLoadError

        try:
            model: VoiceEmotionModel | None = VoiceEmotionModel(args.model)
        except (ModelLoadError, OSError) as error:
            raise UserError(f"--model {args.model}: {error}") from error
    else:
        model = load_emotion()
    if model is None:
        raise UserError("the voice-emotion model cannot load (see the message above)")

    def progress(done: int, total: int) -> None:
        if not args.json and done % 50 == 0:
            print(f"  {done}/{total} clips", file=sys.stderr, flush=True)

    report = evaluate_clips(clips, load_vad(), model, args.normalise, progress)
    print(json.dumps(report) if args.json else format_report(report))
    if args.plot is not None:
        from sensors.plots import draw_confusion_png

        four = report["four_class"]
        title = (
            f"{corpus or folder.name}: 4-class balanced accuracy "
            f"{100 * (four['balanced_accuracy'] or 0.0):.1f}% ({args.normalise})"
        )
        try:
            draw_confusion_png(four["confusion"]["classes"], four["confusion"]["rows_true"],
                               title, args.plot)  # fmt: skip
        except OSError as error:
            raise UserError(str(error)) from error
        if not args.json:
            print(f"confusion matrix drawn to {args.plot}")
    return 0
