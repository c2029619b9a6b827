"""``sim --split``: perception in a second process over Zenoh on 127.0.0.1 (explicit endpoints).

The core is this test's process; the perception process is a real
``petbrain sim --role perception`` child connected to it over TCP loopback,
with multicast scouting off.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from brain.net.core import REMOTE_MODALITIES
from brain.net.session import free_loopback_port, loopback_network, open_session
from sim.runner import SimReport, SimSession
from sim.scenario import load_scenario
from sim.split import (
    NODE_START_TIMEOUT_S,
    SplitPerception,
    spawn_perception_process,
)

KINDS = ("decision", "loud_sound", "owner_emotion", "owner")


class Core:
    """The core's Zenoh session and split-perception callback, listening on loopback."""

    def __init__(self) -> None:
        self.port = free_loopback_port()
        self.net = loopback_network("core", self.port, listen=True)
        assert self.net.loopback_only and not self.net.multicast_scouting
        self.zsession = open_session(self.net)
        self.split = SplitPerception(self.zsession, "sim")
        self.children: list[subprocess.Popen[bytes]] = []

    def spawn(self, scenario: str | Path) -> subprocess.Popen[bytes]:
        child = spawn_perception_process(scenario, "sim", self.port)
        self.children.append(child)
        assert self.split.remote.wait_node(NODE_START_TIMEOUT_S), "perception process came up"
        return child

    def close(self) -> None:
        self.split.stop_node()
        for child in self.children:
            if child.poll() is None:
                try:
                    child.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    child.kill()
        self.split.close()
        self.zsession.close()


@pytest.fixture
def core() -> Iterator[Core]:
    c = Core()
    yield c
    c.close()


def brain_record(report: SimReport) -> list[tuple[int, str, object]]:
    return [
        (e.t_ms, e.kind, e.data.get("behaviour", e.data.get("level_db")))
        for e in report.events
        if e.kind in KINDS
    ]


@pytest.mark.slow  # two runs and a second process loading the audio models: ~8 s
def test_split_run_makes_the_same_decisions_as_one_process(core: Core) -> None:
    scenario = load_scenario(Path("door_slam"))
    alone = SimSession(scenario).run()
    core.spawn("door_slam")
    session = SimSession(scenario, audio=False, camera=False)
    session.on_tick.append(core.split)
    split = session.run()
    assert split.decisions() == alone.decisions()
    assert brain_record(split) == brain_record(alone)
    assert any(kind == "loud_sound" for _, kind, _ in brain_record(split))
    assert split.passed
    stats = core.split.remote.stats()
    assert stats["observations"] > 0 and stats["dropped"] == 0
    assert core.split.waits_timed_out == 0


SCENARIO = """
name: perception_dies
description: the perception process is killed while the owner strokes the pet, then returns.
duration_ms: 7000
seed: 3
events:
  - at_ms: 500
    touch: {gesture: stroke, zone: back, direction: with_fur}
  - at_ms: 3000
    touch: {gesture: stroke, zone: back, direction: with_fur}
  - at_ms: 6000
    sound: {kind: loud, level_db: 102}
"""


@pytest.mark.slow  # two perception processes start: ~10 s
def test_perception_killed_and_restarted_mid_run(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "perception_dies.yaml"
    path.write_text(SCENARIO)
    scenario = load_scenario(path)
    first = core.spawn(path)
    session = SimSession(scenario, audio=False, camera=False)
    weights_after_loss: list[dict[str, float]] = []

    def chaos(s: SimSession, events: object) -> None:
        if s.now_ms == 1000:
            first.kill()  # SIGKILL: no goodbye, the TCP link just closes
            first.wait()
        if s.now_ms == 1100 and s.brain.fusion is not None:
            weights_after_loss.append(s.brain.fusion.weights(s.now_ms))
        if s.now_ms == 4500:
            core.spawn(path)  # a new process joins; the core was never restarted

    session.on_tick[:0] = [chaos]
    session.on_tick.append(core.split)
    report = session.run()
    changes = [(c.up, c.t_ms) for c in core.split.changes]
    # Said once each: up at the start, down at the kill, up again after the restart.
    assert [up for up, _ in changes] == [True, False, True], core.split.changes
    assert 1000 <= changes[1][1] <= 1100 and 4500 <= changes[2][1] <= 4600
    assert weights_after_loss and all(weights_after_loss[0][m] == 0 for m in REMOTE_MODALITIES)
    decisions = report.decisions()
    # Touch is answered while perception is gone ...
    assert any(3000 <= t < 4500 and b == "purr_when_stroked" for t, b in decisions), decisions
    # ... and the restarted process hears the door slam.
    assert any(6000 <= t <= 6200 and b == "startle_loud_sound" for t, b in decisions), decisions
    assert core.split.remote.stats()["dropped"] == 0
