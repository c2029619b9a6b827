"""``petbrain link probe`` and ``petbrain firmware check|deploy``."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from brain.cli import main
from brain.setup import firmware_tools
from firmware import wire
from sim.body import BodyThread, VirtualBody


@pytest.fixture
def live_body() -> Iterator[VirtualBody]:
    body = VirtualBody(14, 8)
    thread = BodyThread(body).start()
    yield body
    thread.stop()
    body.close()


def test_probe_prints_versions_capabilities_and_statistics(
    live_body: VirtualBody, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["link", "probe", "--port", live_body.path, "--listen-s", "0.3"]) == 0
    out = capsys.readouterr().out
    assert "board sim, firmware 0.1.0" in out
    v = f"{wire.PROTOCOL_MAJOR}.{wire.PROTOCOL_MINOR}"
    assert f"protocol {v} (brain {v}), schema matches" in out
    assert "capabilities: servos, touch, imu, vibration, leds, battery" in out
    assert "touch pads: 14, servos: 8" in out
    assert "dropped 0 (crc 0, framing 0)" in out


def test_probe_json(live_body: VirtualBody, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["link", "probe", "--port", live_body.path, "--listen-s", "0.3", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["board"] == "sim" and report["schema_matches"] is True
    assert report["messages"]["TOUCH_FRAME"] > 5
    assert report["stats"]["frames_in"] > 0


def test_probe_of_a_missing_board_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["link", "probe", "--port", "/dev/ttyACM_no_such_board"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("petbrain: error: cannot open body port")


def test_probe_of_a_silent_board_times_out_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    body = VirtualBody(14, 8)
    body.port.unplug()  # the port exists but no firmware answers
    try:
        assert main(["link", "probe", "--port", body.path, "--timeout-s", "0.3"]) == 1
    finally:
        body.close()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no answer from a body" in err


def test_deploy_dry_run_builds_the_mpremote_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["firmware", "deploy", "--port", "/dev/ttyACM0", "--board", "pico", "--dry-run"]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    files = [line.strip() for line in out if line.startswith("  ")]
    assert "main.py" in files and "firmware/wire.py" in files and "firmware/main.py" in files
    assert len(files) == len(firmware_tools.firmware_sources()) + 1
    command = out[-1]
    assert " -m mpremote connect /dev/ttyACM0 fs cp -r " in command
    assert command.endswith(":main.py + reset")


def test_deploy_can_ship_compiled_mpy(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "firmware",
                "deploy",
                "--port",
                "/dev/ttyACM0",
                "--board",
                "esp32s3",
                "--mpy",
                "--dry-run",
            ]
        )
        == 0
    )
    files = [line.strip() for line in capsys.readouterr().out.splitlines() if line.startswith("  ")]
    assert "firmware/wire.mpy" in files and "main.py" in files
    assert not any(f.startswith("firmware/") and f.endswith(".py") for f in files)


def test_staged_main_boots_the_chosen_board(tmp_path: Path) -> None:
    files = firmware_tools.stage(tmp_path, "esp32s3")
    main_py = tmp_path / "main.py"
    assert main_py in files
    assert "run('esp32s3')" in main_py.read_text()
    (result,) = firmware_tools.compile_all(tmp_path / "mpy", [main_py])
    assert result.ok
    with pytest.raises(ValueError):
        firmware_tools.stage(tmp_path / "other", "arduino")


def test_deploy_to_a_missing_board_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["firmware", "deploy", "--port", "/dev/ttyACM_none", "--board", "pico"]) == 1
    err = capsys.readouterr().err
    assert err == "petbrain: error: no board at /dev/ttyACM_none: is it plugged in?\n"


def test_firmware_check_compiles_everything(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["firmware", "check", "--no-micropython"]) == 0
    out = capsys.readouterr().out
    n = len(firmware_tools.firmware_sources())
    assert f"mpy-cross: {n} of {n} files compiled" in out
    assert out.rstrip().endswith("firmware check: ok")


@pytest.mark.hardware
def test_deploy_and_probe_a_real_board(capsys: pytest.CaptureFixture[str]) -> None:
    port = os.environ.get("PETBRAIN_BOARD_PORT", "/dev/ttyACM0")
    board = os.environ.get("PETBRAIN_BOARD", "pico")
    assert main(["firmware", "deploy", "--port", port, "--board", board]) == 0
    assert main(["link", "probe", "--port", port, "--timeout-s", "8"]) == 0
    assert f"board {board}" in capsys.readouterr().out
