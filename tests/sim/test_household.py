"""``sim --pets 3`` and a household view over three processes, all on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from brain.cli import main
from brain.dashboard.household import HouseholdView
from brain.net.session import free_loopback_port, loopback_network, open_session

SHORT = """
name: short_stroke
description: one stroke on the back.
duration_ms: 1500
events:
  - at_ms: 200
    touch: {gesture: stroke, zone: back, direction: with_fur}
expect:
  - {behaviour: purr_when_stroked, after_ms: 200, within_ms: 1200}
"""


def test_three_pets_are_heard_by_the_household_view(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "short.yaml"
    scenario.write_text(SHORT)
    assert main(["sim", "--pets", "3", "--headless", "--scenario", str(scenario)]) == 0
    out = capsys.readouterr().out
    assert "household view heard 3 of 3 pets" in out
    for name in ("Mochi", "Tofu", "Miso"):
        assert f"{name:<8} last decision purr_when_stroked" in out
    assert "'dropped': 0" in out


@pytest.mark.slow  # a core and its perception process start and load the audio models: ~8 s
def test_view_core_and_perception_in_three_processes() -> None:
    port = free_loopback_port()
    zsession = open_session(loopback_network("dashboard", port, listen=True))
    view = HouseholdView(zsession, lambda: time.monotonic() * 1000.0)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "brain.cli", "sim", "--headless", "--split", "--events-only",
             "--scenario", "door_slam", "--household", str(port)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert "0 dropped, 0 ticks waited out" in done.stdout, done.stdout
        time.sleep(0.3)
        document = view.document()
    finally:
        view.close()
        zsession.close()
    [card] = document["pets"]
    assert card["pet"] == "sim" and card["perception"] == "up"
    assert card["last_decision"] == "startle_loud_sound"
    assert card["body_ready"] is True
    assert document["wire"]["dropped"] == 0
