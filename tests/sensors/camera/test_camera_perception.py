from __future__ import annotations

from pathlib import Path

import numpy as np

from sensors.camera.pipeline import VisionConfig
from sensors.camera.sources import StillCamera
from sensors.camera.stream import CameraPerception


def test_the_simulator_shows_the_pet_a_face_and_takes_it_away(portrait: np.ndarray) -> None:
    vision = CameraPerception.from_config({"type": "still"})
    assert vision.enabled
    still = vision.camera.source
    assert isinstance(still, StillCamera)
    vision.connect()
    try:
        assert vision.poll() is None  # nothing shown yet
        still.show(portrait)
        seen = vision.poll()
        assert seen is not None and seen.face.present and seen.face.looking_at_pet
        still.show(np.full_like(portrait, 40))
        blank = vision.poll()
        assert blank is not None and not blank.face.present
    finally:
        vision.close()


def test_a_broken_model_leaves_vision_off_but_polling_works(tmp_path: Path) -> None:
    broken = tmp_path / "expression.onnx"
    broken.write_bytes(b"")
    vision = CameraPerception.from_config({"type": "still"}, VisionConfig(expression_model=broken))
    vision.connect()
    assert not vision.enabled and vision.poll() is None
    vision.close()
