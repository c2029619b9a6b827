"""The simulator carries its own date and time: same results at any hour, in any time zone.

The proofs: a shipped scenario whose behaviours depend on the time of day, and
a recorded session's replay, give the same decisions in subprocesses with
different ``TZ`` values and with the host clock faked to the middle of the
night (Debian's ``faketime``); in-process, the host's calendar is never even
asked for. ``--start`` moves the simulated home's clock, and a recording keeps it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from brain.clock import DEFAULT_SIM_START, SimulatedClock, SystemClock, parse_start
from brain.errors import UserError
from sim.console import with_start
from sim.record import SessionRecorder
from sim.replay import load_recording, replay
from sim.runner import SimSession
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
PETBRAIN = [sys.executable, "-m", "brain.cli"]


def _petbrain(args: list[str], env: dict[str, str], faked: str | None = None) -> str:
    command = [*PETBRAIN, *args]
    if faked is not None:
        # The host's wall clock says it is the middle of the night.
        command = ["faketime", faked, *command]
    done = subprocess.run(
        command,
        check=False,
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def _behaviours(report: Path) -> list[tuple[int, str]]:
    data = json.loads(report.read_text())
    return [(b["t_ms"], b["behaviour"]) for b in data["behaviours"]]


def test_the_host_calendar_is_never_asked_in_a_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> object:
        raise AssertionError("the simulation read the host's calendar")

    monkeypatch.setattr(SystemClock, "local_time", refuse)
    report = SimSession(load_scenario(Path("owner_comes_home"))).run()
    assert report.passed, report.expectations


def test_time_of_day_rules_follow_the_simulated_start_not_the_host() -> None:
    scenario = load_scenario(Path("owner_comes_home"))
    assert scenario.start == DEFAULT_SIM_START
    by_day = SimSession(scenario).run().decisions()
    at_night = SimSession(with_start(scenario, "2026-03-14T23:45")).run().decisions()
    assert "greet_owner" in {name for _, name in by_day}
    # greet_owner has `unless: time_of_day 23:30-06:00`: at night the pet stays calm.
    assert "greet_owner" not in {name for _, name in at_night}


def test_simulated_clock_is_start_plus_brain_time() -> None:
    clock = SimulatedClock(datetime(2026, 3, 14, 23, 59))
    assert clock.local_time(90_000) == datetime(2026, 3, 15, 0, 0, 30)
    clock.now_ms = 1234
    assert clock.monotonic_ms() == 1234.0


def test_a_bad_start_is_one_clear_error() -> None:
    with pytest.raises(UserError, match="2026-03-14T07:30"):
        parse_start("tomorrow morning")
    assert parse_start("2026-03-14T07:30+09:00") == datetime(2026, 3, 14, 7, 30)


def test_a_recording_keeps_its_start_and_replays_identically(tmp_path: Path) -> None:
    scenario = with_start(load_scenario(Path("owner_comes_home")), "2026-03-16T07:30")
    path = tmp_path / "morning.mcap"
    session = SimSession(scenario)
    recorder = SessionRecorder(session, path)
    report = session.run()
    recorder.close(report)
    recording = load_recording(path)
    assert recording.scenario.start == datetime(2026, 3, 16, 7, 30)
    assert replay(recording, session.brain.library).matches


@pytest.mark.skipif(
    shutil.which("faketime") is None, reason="Debian's faketime (dev.sh installs it)"
)
def test_scenario_and_replay_agree_across_time_zones_and_a_night_host_clock(
    tmp_path: Path,
) -> None:
    recording = tmp_path / "och.mcap"
    runs = []
    for i, (tz, faked) in enumerate([("UTC", None), ("Asia/Tokyo", "2026-03-15 02:30:00")]):
        report = tmp_path / f"report{i}.json"
        args = ["sim", "--scenario", "owner_comes_home", "--headless", "--report", str(report)]
        if i == 0:
            args += ["--record", str(recording)]
        _petbrain(args, {"TZ": tz}, faked)
        runs.append(_behaviours(report))
    assert runs[0] == runs[1]
    assert "greet_owner" in {name for _, name in runs[0]}
    night = "2026-03-16 23:50:00"
    out = _petbrain(["replay", str(recording)], {"TZ": "America/Los_Angeles"}, night)
    assert "ok: all" in out
