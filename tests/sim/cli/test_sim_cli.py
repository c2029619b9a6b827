"""``petbrain sim``, ``replay`` and the live ``demo`` as a user runs them."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from sim.scenario import shipped_scenarios

PETBRAIN = [sys.executable, "-m", "brain.cli"]


def petbrain(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PETBRAIN, *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_headless_sim_records_reports_and_replays_identically(tmp_path: Path) -> None:
    recording = tmp_path / "demo.mcap"
    report_path = tmp_path / "report.json"
    plot = tmp_path / "timeline.png"
    done = petbrain(
        "sim", "--headless", "--events-only", "--record", str(recording),
        "--report", str(report_path), "--plot", str(plot),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"to {recording}" in done.stdout
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = json.loads(report_path.read_text())
    # The report carries the timeline's rows (one per 250 ms), which 'petbrain plot' draws.
    timeline = report["timeline"]
    assert [r["t_ms"] for r in timeline[:3]] == [0, 250, 500]
    assert "purr_when_stroked" in {r["behaviour"] for r in timeline}
    again = tmp_path / "again.png"
    plotted = petbrain("plot", str(report_path), str(again))
    assert plotted.returncode == 0, plotted.stderr
    assert again.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert petbrain("plot", str(recording), str(again)).returncode == 1
    behaviours = [b["behaviour"] for b in report["behaviours"]]
    assert "purr_when_stroked" in behaviours
    latency = report["reaction_latency"]
    assert latency["count"] >= 4
    assert all(r["latency_ms"] >= 0 for r in latency["each"])
    assert report["link"]["crc_errors"] == 0
    replayed = petbrain("replay", str(recording))
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert f"ok: all {len(behaviours)} decisions reproduced" in replayed.stdout


def test_play_previews_one_behaviour_and_shows_its_timeline() -> None:
    done = petbrain("sim", "--headless", "--play", "startle_when_hit")
    assert done.returncode == 0, done.stderr
    assert "played on request" in done.stdout
    # The flattened ears show in the timeline (ear columns reach their lower limit).
    assert "-60.0" in done.stdout


def test_play_of_an_unknown_behaviour_lists_the_known_ones() -> None:
    done = petbrain("sim", "--headless", "--play", "fly_away")
    assert done.returncode == 1
    assert "no behaviour called 'fly_away' (known: " in done.stderr
    assert "purr_when_stroked" in done.stderr


def test_play_without_headless_previews_in_the_terminal_and_exits() -> None:
    # The same preview as 'behaviors play': the body's timeline, then exit (no dashboard).
    done = petbrain("sim", "--play", "look_at_pat", "--speed", "20")
    assert done.returncode == 0, done.stderr
    assert "petbrain behaviors play: look_at_pat" in done.stdout
    assert "played on request" in done.stdout
    assert "dashboard" not in done.stdout


def test_play_and_scenario_are_exclusive() -> None:
    done = petbrain("sim", "--play", "look_at_pat", "--scenario", "x.yaml")
    assert done.returncode == 1
    assert "--play and --scenario do not go together" in done.stderr


def test_live_demo_serves_the_dashboard_and_stops_cleanly_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [*PETBRAIN, "demo", "--port", "0", "--speed", "8"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "dashboard at http://127.0.0.1:" in first, first
        url = first.split("dashboard at ", 1)[1].split()[0]
        assert "starting when the page connects" in first
        with urllib.request.urlopen(url + "config", timeout=10) as response:
            assert json.loads(response.read())["scenario"] == "demo"
        # The scenario waits for a page: opening the event stream starts its clock at 0.
        with urllib.request.urlopen(url + "events", timeout=10) as stream:
            line = stream.readline()
            while not line.startswith(b"data: "):
                line = stream.readline()
            assert json.loads(line[len(b"data: ") :])["t_ms"] < 2000
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "the pet lives on" in line:
                break
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    text = "".join(lines) + out
    assert process.returncode == 0, err
    assert "ok   purr_when_stroked" in text
    assert "link:" in out


def test_list_names_every_shipped_scenario_and_names_work_as_scenarios() -> None:
    done = petbrain("sim", "--list")
    assert done.returncode == 0
    listed = [line.split()[0] for line in done.stdout.splitlines()]
    assert listed == shipped_scenarios() and "demo" in listed
    run = petbrain("sim", "--headless", "--events-only", "--scenario", "rough_play")
    assert run.returncode == 0, run.stderr
    assert "ok   startle_when_hit" in run.stdout
