"""End to end: a stroke on the back becomes a purr, over a real pty, on a simulated clock."""

import json
import subprocess
import sys
from pathlib import Path

from sim.runner import SimSession
from sim.scenario import DEMO_SCENARIO, Scenario, load_scenario


def test_stroke_along_the_back_leads_to_a_felt_purr_and_lean_in() -> None:
    scenario = Scenario.model_validate(
        {
            "name": "one stroke",
            "duration_ms": 3000,
            "events": [
                {
                    "at_ms": 300,
                    "touch": {"gesture": "stroke", "zone": "back", "direction": "with_fur"},
                }
            ],
        }
    )
    session = SimSession(scenario)
    report = session.run()
    decisions = report.decisions()
    purr = [t for t, name in decisions if name == "purr_when_stroked"]
    assert purr, decisions
    # Classified while the hand is still moving, well within a second of contact.
    assert 300 < purr[0] <= 1300
    # The body really purrs and leans in: vibration felt, spine arched towards the hand.
    after = [s for s in report.samples if s.t_ms >= purr[0] + 400]
    assert max(s.vibration for s in after) > 0.3
    spine = [s.joints_deg["spine"] for s in after if s.joints_deg["spine"] is not None]
    assert max(spine) > 8.0
    # Nothing went wrong on the wire.
    assert report.link["crc_errors"] == 0
    assert report.link["connects"] == 1
    assert report.settle_timeouts == 0


def test_against_the_fur_is_not_a_purr() -> None:
    scenario = Scenario.model_validate(
        {
            "name": "wrong way",
            "duration_ms": 2500,
            "events": [
                {
                    "at_ms": 300,
                    "touch": {"gesture": "stroke", "zone": "back", "direction": "against_fur"},
                }
            ],
        }
    )
    report = SimSession(scenario).run()
    names = [name for _, name in report.decisions()]
    assert "dislike_against_fur" in names
    assert "purr_when_stroked" not in names
    ears = [s.joints_deg["ear_left"] for s in report.samples if s.t_ms > 800]
    assert min(e for e in ears if e is not None) < -30.0


def test_servos_are_limp_until_the_handshake_enables_torque() -> None:
    scenario = Scenario.model_validate({"name": "idle", "duration_ms": 400})
    session = SimSession(scenario)
    first = session.sample()
    assert all(v is None for v in first.joints_deg.values())
    report = session.run()
    assert all(v is not None for v in report.samples[-1].joints_deg.values())


def test_headless_demo_command_prints_the_timeline_and_meets_its_expectations(
    tmp_path: Path,
) -> None:
    report_path = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "brain.cli", "demo", "--headless", "--report", str(report_path)],
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "purr_when_stroked" in done.stdout
    assert "ok   purr_when_stroked" in done.stdout
    report = json.loads(report_path.read_text())
    assert report["passed"] is True
    assert {b["behaviour"] for b in report["behaviours"]} >= {
        "purr_when_stroked",
        "dislike_against_fur",
        "look_at_pat",
    }


def test_demo_scenario_file_is_valid() -> None:
    scenario = load_scenario(DEMO_SCENARIO)
    assert scenario.expect


def test_body_ready_is_stamped_with_the_time_it_happened() -> None:
    scenario = Scenario.model_validate({"name": "idle", "duration_ms": 300})
    session = SimSession(scenario)
    session.now_ms = 5000  # start the clock late: the stamp must follow it
    scenario_end = 5300
    while session.now_ms <= scenario_end:
        session.step()
    session.close()
    ready = [e for e in session.report.events if e.kind == "body_ready"]
    assert ready and 5000 <= ready[0].t_ms <= scenario_end
