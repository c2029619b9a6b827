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


def test_an_impossible_port_is_one_line_not_an_overflow_traceback() -> None:
    done = petbrain("demo", "--port", "99999")
    assert done.returncode == 2
    assert "port 99999 is out of range (0-65535" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_port_in_use_says_how_to_pick_another() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = petbrain("demo", "--port", port, "--start-now")
    assert done.returncode == 1
    assert f"cannot serve the dashboard on 127.0.0.1:{port}" in done.stderr
    assert "--port" in done.stderr
    assert "Traceback" not in done.stderr


def test_devices_with_headless_are_refused_not_ignored() -> None:
    for argv in (("demo", "--headless", "--mic"), ("sim", "--headless", "--camera", "0")):
        done = petbrain(*argv)
        assert done.returncode == 1, argv
        option = argv[2]
        assert f"{option} runs in real time with the dashboard" in done.stderr
        assert "--headless" in done.stderr


def test_perceive_fails_when_every_input_failed_and_names_no_python_classes(
    tmp_path: Path,
) -> None:
    fake = tmp_path / "fake.jpg"
    fake.write_text("not a picture")
    done = petbrain("perceive", str(fake), str(tmp_path / "missing.jpg"), "--json")
    assert done.returncode == 1
    records = [__import__("json").loads(line) for line in done.stdout.splitlines()]
    assert [r["error"] for r in records][1] == "no such file"
    assert all("Error" not in r["error"] for r in records), records
    assert "2 file(s) had errors" in done.stderr


def test_native_chatter_is_filtered_from_stderr_unless_verbose() -> None:
    face = str(Path(__file__).resolve().parents[3] / "sim" / "faces" / "happy.jpg")
    quiet = petbrain("perceive", face)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""  # MediaPipe's TFLite and absl lines are gone, nothing else was said
    loud = petbrain("-v", "perceive", face)
    assert loud.returncode == 0
    assert "TensorFlow Lite" in loud.stderr or "W0000" in loud.stderr


def test_every_readme_example_names_a_command_that_exists() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    examples = [
        line.split()[1]
        for line in readme.splitlines()
        if line.startswith("    petbrain ") and not line.split()[1].startswith("-")
    ]
    assert len(examples) > 10
    listed = petbrain("--help").stdout.split("COMMAND\n", 1)[1].splitlines()
    commands = {line.split()[0] for line in listed if line[:4] == "    " and line[4:5].isalpha()}
    assert set(examples) <= commands, set(examples) - commands
