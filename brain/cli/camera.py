"""``petbrain camera watch``: run the vision pipeline on a camera and print what it sees."""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from brain.cli import CommandGroups
from brain.errors import UserError


def register(groups: CommandGroups) -> None:
    """Add ``petbrain camera watch``."""
    parser = groups.subcommand(
        "camera",
        "watch",
        watch,
        "print face and body observations from a camera, video or images (JSON lines)",
        group_help="camera sources and live vision",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--device", default="0", help="V4L2 index or path (default 0)")
    source.add_argument("--video", type=Path, help="a video file instead of a device")
    source.add_argument("--images", type=Path, help="an image or folder instead of a device")
    parser.add_argument("--seconds", type=float, default=10.0, help="stop after this long")
    parser.add_argument("--every", type=int, default=1, metavar="N", help="print every Nth frame")
    parser.add_argument(
        "--debug-record-frames",
        type=Path,
        metavar="DIR",
        help="DEBUG ONLY: also write every processed frame to DIR as JPEG (breaks privacy)",
    )


def watch(args: argparse.Namespace) -> int:
    """Read frames for ``--seconds``, print one JSON line per printed frame."""
    from sensors.camera import CAMERAS, ResilientCamera
    from sensors.camera.expression import ModelError
    from sensors.camera.pipeline import VisionConfig, VisionPipeline

    logging.basicConfig(level=logging.WARNING, format="petbrain: %(message)s")
    if args.video is not None:
        config: dict[str, object] = {"type": "video", "path": args.video}
    elif args.images is not None:
        config = {"type": "images", "path": args.images}
    else:
        device = int(args.device) if str(args.device).isdigit() else args.device
        config = {"type": "opencv", "device": device}
    camera = ResilientCamera(CAMERAS.create(config))
    try:
        pipeline = VisionPipeline(VisionConfig(still_images=args.images is not None))
    except ModelError as error:
        raise UserError(str(error)) from None
    recorder = None
    if args.debug_record_frames is not None:
        from sensors.camera.debug import FrameRecorder

        recorder = FrameRecorder(args.debug_record_frames)
    camera.connect()
    live = camera.info.live
    end = time.monotonic() + args.seconds
    count = 0
    try:
        while time.monotonic() < end:
            item = camera.read()
            if item is None:
                if not live and camera.available:
                    break  # end of the file or folder
                time.sleep(0.05)
                continue
            t_ms, frame = item
            observation = pipeline.process(t_ms, frame)
            if recorder is not None:
                recorder.write(t_ms, frame)
            if count % max(1, args.every) == 0:
                print(json.dumps(observation.to_json()), flush=True)
            count += 1
    finally:
        camera.disconnect()
        pipeline.close()
        if recorder is not None:
            recorder.close()
    return 0
