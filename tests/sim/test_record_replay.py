"""Recordings open as MCAP with JSON schemas, and a replay reproduces or flags decisions."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from mcap.reader import make_reader

from behaviors.library import load_library
from brain.errors import UserError
from sensors.audio.observations import SoundEvent
from sim.dashboard.live import LiveSim
from sim.hands import HandSample
from sim.record import SessionRecorder
from sim.replay import compare_decisions, load_recording, replay
from sim.runner import SimSession
from sim.scenario import SCENARIO_DIR, Scenario, load_scenario

SCENARIO = {
    "name": "stroke then pat",
    "duration_ms": 3000,
    "seed": 3,
    "events": [
        {"at_ms": 300, "touch": {"gesture": "stroke", "zone": "back"}},
        {"at_ms": 2200, "touch": {"gesture": "pat", "zone": "head"}},
        {"at_ms": 2500, "handling": {"action": "pick_up"}},
    ],
}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[int, str]]]:
    path = tmp_path_factory.mktemp("rec") / "session.mcap"
    session = SimSession(Scenario.model_validate(SCENARIO))
    recorder = SessionRecorder(session, path)
    report = session.run()
    recorder.close(report)
    return path, report.decisions()


def test_recording_is_foxglove_readable_mcap_with_every_channel(
    recorded: tuple[Path, list[tuple[int, str]]],
) -> None:
    path, decisions = recorded
    with path.open("rb") as stream:
        reader = make_reader(stream)
        summary = reader.get_summary()
        assert summary is not None
        topics = {c.topic: c for c in summary.channels.values()}
        assert set(topics) >= {
            "/sim/contact",
            "/body/touch_frame",
            "/brain/commands",
            "/brain/events",
            "/brain/decisions",
            "/body/state",
        }
        for channel in topics.values():
            assert channel.message_encoding == "json"
            schema = summary.schemas[channel.schema_id]
            assert schema.encoding == "jsonschema"
            json.loads(schema.data)
        recorded_decisions = [
            (json.loads(m.data)["t_ms"], json.loads(m.data)["behaviour"])
            for _, _, m in reader.iter_messages(topics=["/brain/decisions"])
        ]
    assert recorded_decisions == decisions
    assert "purr_when_stroked" in {name for _, name in decisions}


def test_replay_reproduces_every_decision(recorded: tuple[Path, list[tuple[int, str]]]) -> None:
    path, decisions = recorded
    recording = load_recording(path)
    assert [(e.action, e.at_ms) for e in recording.actions] == [("handling", 2500)]
    result = replay(recording)
    assert result.matches, result.differences
    assert result.replayed == decisions


def test_replay_with_a_changed_library_is_a_regression(
    recorded: tuple[Path, list[tuple[int, str]]],
) -> None:
    path, _ = recorded
    library = load_library()
    without_purr = dataclasses.replace(
        library,
        behaviours=tuple(b for b in library.behaviours if b.name != "purr_when_stroked"),
    )
    result = replay(load_recording(path), without_purr)
    assert not result.matches
    assert any("purr_when_stroked" in line for line in result.differences)


def test_compare_decisions_names_missing_extra_and_moved() -> None:
    assert compare_decisions([(10, "a")], [(10, "a")]) == []
    lines = compare_decisions([(10, "a"), (20, "b")], [(10, "a"), (30, "b"), (40, "c")])
    assert lines == [
        "#1: recorded b at 20 ms, replay chose b at 30 ms",
        "#2: extra decision c at 40 ms",
    ]
    assert compare_decisions([(5, "x")], []) == ["#0: recorded x at 5 ms, replay decided nothing"]


def test_a_file_that_is_not_a_recording_is_one_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.mcap"
    bogus.write_bytes(b"\x89MCAP0\r\n" + b"\x00" * 40)
    with pytest.raises(UserError, match="unreadable recording"):
        load_recording(bogus)
    with pytest.raises(UserError, match="recording not found"):
        load_recording(tmp_path / "absent.mcap")


def test_a_session_stroked_through_the_dashboard_replays_identically(tmp_path: Path) -> None:
    import time

    path = tmp_path / "live.mcap"
    live = LiveSim(Scenario(name="live", duration_ms=200), port=0, speed=4.0)
    recorder = SessionRecorder(live.session, path)
    live.start()
    while not live.session.brain.torque:
        time.sleep(0.01)
    live.hand.feed(
        [HandSample(i * 25.0, 210.0 + i * 10.0, 145.0, 0.6) for i in range(25)]
        + [HandSample(625.0, 460.0, 145.0, 0.0)]
    )
    deadline = time.monotonic() + 10
    while "purr_when_stroked" not in {n for _, n in live.session.report.decisions()}:
        assert time.monotonic() < deadline, live.session.report.decisions()
        time.sleep(0.02)
    report = live.stop()
    assert report is not None
    recorder.close(report)
    result = replay(load_recording(path))
    assert result.matches, result.differences
    assert "purr_when_stroked" in {name for _, name in result.replayed}


def test_a_loud_sound_heard_by_the_pipeline_is_replayed_from_its_observation(
    tmp_path: Path,
) -> None:

    path = tmp_path / "slam.mcap"
    session = SimSession(load_scenario(SCENARIO_DIR / "door_slam.yaml"))
    recorder = SessionRecorder(session, path)
    report = session.run()
    recorder.close(report)
    assert "startle_loud_sound" in {name for _, name in report.decisions()}
    recording = load_recording(path)

    assert len([o for _, o in recording.heard if isinstance(o, SoundEvent)]) == 1
    result = replay(recording)
    assert result.matches, result.differences


@pytest.mark.slow
def test_ctrl_c_mid_run_still_finishes_a_replayable_recording_and_the_report(
    tmp_path: Path,
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    record, report = tmp_path / "run.mcap", tmp_path / "report.json"
    command = [sys.executable, "-m", "brain.cli", "sim", "--headless", "--events-only"]
    command += ["--scenario", "demo", "--speed", "1", "--record", str(record)]
    command += ["--report", str(report)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    for line in process.stdout:  # wait until the pet has purred (~1 s of the 9 s demo)
        assert time.monotonic() < deadline, "no purr"
        if "purr_when_stroked" in line:
            break
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=60)
    assert process.returncode == 130, rest
    assert "interrupted at" in rest
    data = json.loads(report.read_text())
    assert data["interrupted"] and 0 < data["duration_ms"] < 9000
    recording = load_recording(record)
    assert recording.scenario.duration_ms == data["duration_ms"]
    result = replay(recording)
    assert result.matches, result.differences
    assert any(name == "purr_when_stroked" for _, name in result.replayed)
