"""PetApp in this process against the live virtual body: sounds reach the speaker."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fake_sound_card import FakeSoundCard
from robot_run_helpers import robot_yaml

from brain.app.pet import PetApp
from brain.body import speaker
from brain.setup.config import load_robot_file
from sensors.touch.layout import DEFAULT_LAYOUT
from sensors.touch.synthetic import Stroke
from sim.live_body import LiveBody


def _wait(predicate: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_stroke_purrs_through_the_speaker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = FakeSoundCard()
    monkeypatch.setattr(speaker, "_default_backend", card.backend)
    with LiveBody(tmp_path / "petbody") as body:
        path = tmp_path / "robot.yaml"
        path.write_text(robot_yaml(body.link_path))
        app = PetApp(load_robot_file(path))
        thread = threading.Thread(target=app.run, daemon=True)
        thread.start()
        try:
            _wait(lambda: app.brain.torque)
            _wait(lambda: app.health.state("speaker").ok is True)
            back = [DEFAULT_LAYOUT.pads[i].position_mm for i in DEFAULT_LAYOUT.indices(["back"])]
            body.set_contact(
                Stroke(
                    DEFAULT_LAYOUT,
                    body.now_ms + 50,
                    min(back) - 30,
                    max(back) + 30,
                    zones=("back",),
                )
            )
            _wait(lambda: "purr" in app.speaker.played)
            _wait(lambda: app.brain.fusion is not None)  # loaded after the handshake
            _wait(lambda: len(card.written) >= 5)
        finally:
            app.request_stop()
            thread.join(10)
    assert not thread.is_alive()
    assert app.stopped_cleanly
    assert any(abs(int(block.max())) > 0 for block in card.written)
