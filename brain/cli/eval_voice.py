"""``petbrain eval voice DIR``: score the voice-emotion estimate on labelled wav clips."""

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
        "score voice emotion on labelled clips (EmoDB names, or --labels CSV)",
        group_help="evaluate perception on labelled data",
    )
    parser.add_argument("folder", metavar="DIR", help="folder of wav clips (searched recursively)")
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
    from sensors.audio.evaluation import (
        assign_speakers,
        csv_clips,
        emodb_clips,
        evaluate_clips,
        format_report,
    )
    from sensors.audio.pipeline import load_emotion, load_vad

    folder = Path(args.folder)
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder")
    if args.labels is not None:
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
    model = load_emotion()
    if model is None:
        raise UserError("the voice-emotion model cannot load (see the message above)")

    def progress(done: int, total: int) -> None:
        if not args.json and done % 50 == 0:
            print(f"  {done}/{total} clips", file=sys.stderr, flush=True)

    report = evaluate_clips(clips, load_vad(), model, args.normalise, progress)
    print(json.dumps(report) if args.json else format_report(report))
    return 0
