"""The systemd unit and udev rule: their text, and install/uninstall under a temporary root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from robot_run_helpers import REPO, robot_yaml

from brain.setup.service import ServiceSpec, install, render_rule, render_unit, status, uninstall


def _spec(tmp_path: Path, serial: str | None = None) -> ServiceSpec:
    return ServiceSpec(
        tmp_path / "pet" / "robot.yaml",
        Path("/opt/petbrain/bin/python"),
        "mochi",
        "2e8a",
        "0005",
        serial,
    )


def test_unit_starts_at_boot_restarts_on_failure_and_logs_to_the_journal(tmp_path: Path) -> None:
    unit = render_unit(_spec(tmp_path))
    lines = unit.splitlines()
    config = tmp_path / "pet" / "robot.yaml"
    assert f"ExecStart=/opt/petbrain/bin/python -m brain.cli run --config {config}" in lines
    assert "Restart=on-failure" in lines
    assert "StandardError=journal" in lines and "StandardOutput=journal" in lines
    assert "WantedBy=multi-user.target" in lines
    assert "User=mochi" in lines
    assert "KillSignal=SIGTERM" in lines
    assert f"WorkingDirectory={tmp_path / 'pet'}" in lines
    assert "SupplementaryGroups=dialout audio video" in lines


def test_paths_with_spaces_are_quoted(tmp_path: Path) -> None:
    spec = ServiceSpec(
        Path("/home/me/my pet/robot.yaml"), Path("/usr/bin/python3"), "me", "2e8a", "0005"
    )
    assert "--config '/home/me/my pet/robot.yaml'" in render_unit(spec)


def test_udev_rule_names_the_body_petbody(tmp_path: Path) -> None:
    rule = render_rule(_spec(tmp_path, serial="E6614C311B7E6F35"))
    (line,) = [x for x in rule.splitlines() if not x.startswith("#")]
    assert line.startswith('SUBSYSTEM=="tty", ATTRS{idVendor}=="2e8a", ATTRS{idProduct}=="0005"')
    assert 'ATTRS{serial}=="E6614C311B7E6F35"' in line
    assert 'SYMLINK+="petbody"' in line
    assert "ATTRS{serial}" not in render_rule(_spec(tmp_path))


def test_install_status_uninstall_under_a_temporary_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    done = install(_spec(tmp_path), root)
    unit = root / "etc/systemd/system/petbrain.service"
    rule = root / "etc/udev/rules.d/99-petbody.rules"
    assert done == [f"wrote {unit}", f"wrote {rule}"]  # no systemctl for a non-real root
    assert unit.read_text() == render_unit(_spec(tmp_path))
    assert "(installed)" in status(root)[0]
    removed = uninstall(root)
    assert removed == [f"removed {unit}", f"removed {rule}"]
    assert not unit.exists() and not rule.exists()
    assert "(not installed)" in status(root)[0]


def _petbrain(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "brain.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def test_service_commands(tmp_path: Path) -> None:
    config = tmp_path / "robot.yaml"
    text = robot_yaml(tmp_path / "ttyACM0").replace("board: pico", "board: esp32s3")
    config.write_text("\n".join(line for line in text.splitlines() if "eyelids" not in line))
    root = tmp_path / "root"
    dry = _petbrain(
        "service",
        "install",
        "--config",
        str(config),
        "--root",
        str(root),
        "--dry-run",
        "--user",
        "cat",
    )
    assert dry.returncode == 0, dry.stderr
    assert "ExecStart=" in dry.stdout and 'ATTRS{idVendor}=="303a"' in dry.stdout
    assert "esp32s3 profile's defaults" in dry.stdout
    assert not root.exists()  # a dry run writes nothing
    assert _petbrain("service", "status", "--root", str(root)).returncode == 1
    done = _petbrain(
        "service",
        "install",
        "--config",
        str(config),
        "--root",
        str(root),
        "--vid",
        "1A86",
        "--pid",
        "7523",
    )
    assert done.returncode == 0, done.stderr
    rule = (root / "etc/udev/rules.d/99-petbody.rules").read_text()
    assert 'ATTRS{idVendor}=="1a86", ATTRS{idProduct}=="7523"' in rule
    assert "hint: set body.port to /dev/petbody" in done.stdout
    assert _petbrain("service", "status", "--root", str(root)).returncode == 0
    assert _petbrain("service", "uninstall", "--root", str(root)).returncode == 0
    assert not (root / "etc/systemd/system/petbrain.service").exists()
    half = _petbrain(
        "service", "install", "--config", str(config), "--root", str(root), "--vid", "1a86"
    )
    assert half.returncode == 1 and "give both --vid and --pid" in half.stderr
