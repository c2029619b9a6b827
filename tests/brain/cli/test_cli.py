"""User mistakes get one clear line and a non-zero exit, never a traceback."""

import subprocess
import sys
from pathlib import Path


def petbrain(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "brain.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_unknown_option_is_one_line_and_exit_2() -> None:
    done = petbrain("demo", "--no-such-option")
    assert done.returncode == 2
    assert "unrecognized arguments: --no-such-option" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_command_is_rejected() -> None:
    done = petbrain("fly")
    assert done.returncode == 2
    assert "invalid choice: 'fly'" in done.stderr


def test_missing_scenario_file() -> None:
    done = petbrain("demo", "--headless", "--scenario", "/no/such/scenario.yaml")
    assert done.returncode == 1
    assert done.stderr.strip() == "petbrain: error: scenario file not found: /no/such/scenario.yaml"


def test_broken_scenario_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nduration_ms: 1000\nevents:\n  - at_ms: 10\n    touch: {gesture: lick}\n"
    )
    done = petbrain("demo", "--headless", "--scenario", str(bad))
    assert done.returncode == 1
    assert f"{bad}:5:" in done.stderr
    assert "events[0].touch.gesture" in done.stderr
    assert "Traceback" not in done.stderr


def test_bench_lists_its_groups() -> None:
    done = petbrain("bench", "--list")
    assert done.returncode == 0
    assert {"touch_latency", "memory"} <= set(done.stdout.split())


def test_bench_rejects_unknown_groups() -> None:
    done = petbrain("bench", "--only", "warp_drive")
    assert done.returncode == 1
    assert "unknown benchmark group(s): warp_drive" in done.stderr
