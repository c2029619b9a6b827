"""A ``petbrain run`` process against a live virtual body, for the run tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[2]


def write_wav(path: Path, seconds: float = 1.0, rate_hz: int = 16000) -> None:
    """A quiet hum with a louder middle: something for the microphone pipeline to chew."""
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    level = 0.05 + 0.3 * (np.abs(t - seconds / 2) < seconds / 4)
    samples = (level * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2")
    tmp = path.with_suffix(".tmp")
    with wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate_hz)
        wav.writeframes(samples.tobytes())
    tmp.replace(path)


def robot_yaml(
    port: Path, *, microphone: str = "type: none", camera: str = "type: none", extra: str = ""
) -> str:
    """A small valid robot.yaml for the reference cat on ``port``."""
    from brain.body.joints import DEFAULT_ROBOT

    servos = "\n".join(
        f"  - {{name: {j.name}, channel: {j.channel}, min_deg: {j.min_deg:g}, "
        f"max_deg: {j.max_deg:g}, rest_deg: {j.rest_deg:g}, "
        f"max_speed_deg_per_s: {j.max_speed_deg_per_s:g}}}"
        for j in DEFAULT_ROBOT.joints
    )
    pads = "\n".join(
        f"  - {{name: {p.name}, zone: {p.zone}, position_mm: {p.position_mm:g}}}"
        for p in DEFAULT_ROBOT.layout.pads
    )
    return (
        f"name: test cat\nbody:\n  port: {port}\n  board: pico\n  reconnect_period_ms: 100\n"
        f"servos:\n{servos}\npads:\n{pads}\n"
        f"camera:\n  {camera}\nmicrophone:\n  {microphone}\n"
        "dashboard:\n  enabled: false\n" + extra
    )


class RunningPet:
    """``python -m brain.cli run`` with an events file, and ways to wait on it."""

    def __init__(self, config: Path, workdir: Path, *extra_args: str) -> None:
        self.events_path = workdir / "events.jsonl"
        self.stderr_path = workdir / "stderr.log"
        self._stderr = self.stderr_path.open("w")
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "brain.cli",
                "run",
                "--config",
                str(config),
                "--events",
                str(self.events_path),
                *extra_args,
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
            env=env,
        )

    def events(self) -> list[dict[str, Any]]:
        """Every event written so far."""
        if not self.events_path.exists():
            return []
        out = []
        for line in self.events_path.read_text().splitlines():
            if line.strip():
                out.append(json.loads(line))
        return out

    def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout_s: float = 10.0, after: int = 0
    ) -> dict[str, Any]:
        """The first event (from index ``after``) matching ``predicate``; fails on timeout."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for event in self.events()[after:]:
                if predicate(event):
                    return event
            if self.process.poll() is not None:
                raise AssertionError(f"petbrain run exited early:\n{self.stderr()}")
            time.sleep(0.05)
        raise AssertionError(f"no matching event in {timeout_s} s; stderr:\n{self.stderr()}")

    def stderr(self) -> str:
        """What the process logged."""
        return self.stderr_path.read_text()

    def stop(self, timeout_s: float = 10.0) -> int:
        """SIGTERM, then the exit code."""
        self.process.terminate()
        try:
            return self.process.wait(timeout_s)
        finally:
            self._stderr.close()

    def kill(self) -> None:
        """Make sure the process is gone (test clean-up)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        self._stderr.close()


def device(name: str, ok: bool | None) -> Callable[[dict[str, Any]], bool]:
    """Predicate: a health event saying ``name`` is now ``ok``."""
    return lambda e: e["kind"] == "device" and e["device"] == name and e["ok"] is ok
