"""Privacy: nothing leaves the robot, nothing is written but the files the owner asked for."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from strace_audit import TRACED, violations

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("brain", "sensors", "sim", "behaviors", "models", "firmware")


def _imports(pattern: str) -> list[str]:
    regex = re.compile(pattern, re.M)
    return [
        str(path.relative_to(REPO))
        for folder in SOURCES
        for path in (REPO / folder).rglob("*.py")
        if regex.search(path.read_text(encoding="utf-8"))
    ]


def test_onnxruntime_and_mediapipe_are_imported_only_through_their_guards() -> None:
    # ORT_DISABLE_TELEMETRY must be set before onnxruntime loads; mediapipe's
    # package init must not pull in sounddevice and matplotlib.
    assert _imports(r"^\s*(import onnxruntime|from onnxruntime)") == ["sensors/onnx_runtime.py"]
    assert _imports(r"^\s*(import mediapipe|from mediapipe)") == [
        "sensors/camera/mediapipe_import.py"
    ]


def test_the_audit_flags_network_dns_and_stray_files(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    trace = [
        "1 connect(5, {sa_family=AF_INET, sin_port=htons(443), "
        'sin_addr=inet_addr("13.69.109.130")}, 16) = 0',
        "1 connect(5, {sa_family=AF_INET, sin_port=htons(8765), "
        'sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
        '1 sendto(6, "\\1\\2", 2, 0, {sa_family=AF_INET, sin_port=htons(53), '
        'sin_addr=inet_addr("127.0.0.53")}, 16) = 2',
        '1 openat(AT_FDCWD, "/etc/resolv.conf", O_RDONLY|O_CLOEXEC) = 3',
        '1 openat(AT_FDCWD, "/root/.cache/Microsoft/x.db", O_RDWR|O_CREAT|O_CLOEXEC, 0644) = 4',
        '1 openat(AT_FDCWD, "report.json", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 3',
        '1 openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3',
        '1 openat(AT_FDCWD, "/dev/pts/3", O_RDWR|O_NOCTTY) = 7',
        '1 mkdir("/root/.cache/matplotlib", 0777) = 0',
        '1 openat(AT_FDCWD, "/nowhere", O_WRONLY|O_CREAT, 0666) = -1 EACCES (Permission denied)',
    ]
    found = violations(trace, [report], tmp_path)
    assert len(found) == 5, found
    assert sum(f.startswith("DNS lookup") for f in found) == 2
    assert sum(f.startswith("network") for f in found) == 1
    assert sum(f.startswith("file written") for f in found) == 2


@pytest.mark.slow
def test_a_simulated_session_sends_nothing_and_writes_only_what_was_asked(
    tmp_path: Path,
) -> None:
    # Camera and microphone from files (owner_comes_home: portraits and
    # voices), the real vision, audio and fusion models, a recording and a
    # report. strace is a Debian package (dev.sh installs it).
    strace = shutil.which("strace")
    assert strace is not None, "strace is missing: bash dev.sh setup installs it"
    home = tmp_path / "home"
    home.mkdir()
    record, report, log = tmp_path / "run.mcap", tmp_path / "report.json", tmp_path / "trace"
    env = {
        **os.environ,
        "HOME": str(home),
        # .pyc files belong to the installation, not to a run.
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("ORT_DISABLE_TELEMETRY", None)  # the product must switch it off by itself
    command = [sys.executable, "-m", "brain.cli", "sim", "--headless", "--events-only"]
    command += ["--scenario", "owner_comes_home", "--record", "run.mcap"]
    command += ["--report", "report.json"]
    done = subprocess.run(
        [strace, "-f", "-qq", "-e", f"trace={TRACED}", "-o", str(log), *command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert record.stat().st_size > 0 and report.stat().st_size > 0
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    assert any("run.mcap" in line for line in lines)  # the trace did see the writes
    found = violations(lines, [record, report], tmp_path)
    assert found == [], "\n".join(found[:20])
    assert list(home.iterdir()) == []
