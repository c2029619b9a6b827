"""``petbrain perceive`` for images and videos: one JSON-ready dict per image or kept frame.

Images are unrelated to each other, so they go through a pipeline in
still-image mode (no tracking); each video gets its own tracking pipeline,
as a camera stream would. ``--crops`` skips detection: the image is already an
aligned face crop (FER2013 style) and only the expression model runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from sensors.camera.expression import ExpressionModel
from sensors.camera.pipeline import VisionConfig, VisionPipeline
from sensors.camera.sources import IMAGE_SUFFIXES, VIDEO_SUFFIXES, VideoFileCamera, read_image

SUFFIXES = IMAGE_SUFFIXES + VIDEO_SUFFIXES
"""Lower-case file suffixes this module perceives."""


@cache
def _still_pipeline() -> VisionPipeline:
    return VisionPipeline(VisionConfig(still_images=True))


@cache
def _crop_model() -> ExpressionModel:
    return ExpressionModel()


def perceive_crop(image: npt.NDArray[np.uint8]) -> dict[str, Any]:
    """Expression of an already cropped, aligned face (BGR or grey)."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    expression = _crop_model().classify(np.asarray(grey, dtype=np.uint8))
    return {
        "face": {"present": True, "expression": {k: round(v, 4) for k, v in expression.items()}},
        "body": {"present": False},
    }


def perceive_file(path: Path, args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    """Dicts for one image, or one per kept frame of a video (``args.every``)."""
    crops = bool(getattr(args, "crops", False))
    if path.suffix.lower() in IMAGE_SUFFIXES:
        image = read_image(path)
        if crops:
            yield {"path": str(path), **perceive_crop(image)}
            return
        observation = _still_pipeline().process(0, image)
        record = observation.to_json()
        yield {"path": str(path), "face": record["face"], "body": record["body"]}
        return
    yield from _perceive_video(path, max(1, int(getattr(args, "every", 1))), crops)


def _perceive_video(path: Path, every: int, crops: bool) -> Iterator[dict[str, Any]]:
    camera = VideoFileCamera(path, every=every)
    camera.connect()
    pipeline = None if crops else VisionPipeline(VisionConfig())
    try:
        while (item := camera.read()) is not None:
            _, frame = item
            head = {"path": str(path), "frame": camera.index, "t_s": camera.position_ms / 1000}
            if pipeline is None:
                yield {**head, **perceive_crop(frame)}
                continue
            t_ms = int(camera.position_ms)
            record = pipeline.process(t_ms, frame).to_json()
            yield {**head, "face": record["face"], "body": record["body"]}
    finally:
        camera.disconnect()
        if pipeline is not None:
            pipeline.close()
