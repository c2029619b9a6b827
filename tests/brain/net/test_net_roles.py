"""``petbrain run --role core`` here and ``--role perception`` in a second process, on loopback.

The core is a PetApp in this process on the live virtual body; the perception
node is a real ``petbrain run --role perception`` process whose microphone is
a wav file, connected over TCP to 127.0.0.1 with multicast scouting off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from robot_run_helpers import RunningPet, robot_yaml, write_wav

from brain.app.pet import PetApp
from brain.net.roles import attach_core
from brain.net.session import free_loopback_port
from brain.setup.config import load_robot_file
from sensors.touch.layout import DEFAULT_LAYOUT
from sensors.touch.synthetic import Stroke
from sim.live_body import LiveBody


def _wait(predicate: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _network(role: str, port: int) -> str:
    side = "listen" if role == "core" else "connect"
    return (
        f"network:\n  role: {role}\n  pet_id: cat\n  {side}: [tcp/127.0.0.1:{port}]\n"
        "  perception_timeout_ms: 1500\n"
    )


@pytest.mark.slow  # two perception processes load the audio models: ~12 s
def test_core_and_perception_processes_with_kill_and_restart(tmp_path: Path) -> None:
    port = free_loopback_port()
    wav = tmp_path / "room.wav"
    write_wav(wav, seconds=2.0)
    with LiveBody(tmp_path / "petbody") as body:
        core_yaml = tmp_path / "core.yaml"
        core_yaml.write_text(robot_yaml(body.link_path, extra=_network("core", port)))
        node_yaml = tmp_path / "perception.yaml"
        node_yaml.write_text(
            robot_yaml(
                body.link_path,
                microphone=f"type: wav\n  path: {wav}",
                extra=_network("perception", port),
            )
        )
        config = load_robot_file(core_yaml)
        app = PetApp(config)
        part = attach_core(app, config, "core", tmp_path)
        thread = threading.Thread(target=app.run, daemon=True)
        thread.start()
        node = RunningPet(node_yaml, tmp_path, "--role", "perception")
        try:
            _wait(lambda: app.brain.torque)
            _wait(lambda: app.health.state("perception").ok is True)
            assert app.workers == []  # no camera or microphone on the core
            _wait(lambda: part.remote is not None and part.remote.received >= 2)
            failures = app.health.state("perception").failures
            recoveries = app.health.state("perception").recoveries
            node.kill()  # SIGKILL
            _wait(lambda: app.health.state("perception").ok is False)
            assert app.health.state("perception").failures == failures + 1  # said once
            if app.brain.fusion is not None:
                weights = app.brain.fusion.weights(app.clock_ms())
                assert weights["voice"] == weights["face"] == weights["body"] == 0.0
            # Touch is still answered with the perception node gone.
            decisions = len([e for e in app.view.log if e["kind"] == "decision"])
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
            _wait(lambda: len([e for e in app.view.log if e["kind"] == "decision"]) > decisions)
            received = part.remote.received if part.remote else 0
            node = RunningPet(node_yaml, tmp_path, "--role", "perception")
            _wait(lambda: app.health.state("perception").ok is True)
            assert app.health.state("perception").recoveries == recoveries + 1
            _wait(lambda: part.remote is not None and part.remote.received > received)
            assert part.remote is not None and part.remote.decoder.stats.dropped == 0
            assert node.stop() == 0
        finally:
            node.kill()
            app.request_stop()
            thread.join(10)
    assert not thread.is_alive()
