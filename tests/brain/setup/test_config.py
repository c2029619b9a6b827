"""robot.yaml: the shipped file is valid; broken files give located one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from robot_run_helpers import REPO, robot_yaml

from behaviors.yamlfile import YamlError
from brain.body.joints import DEFAULT_ROBOT
from brain.setup.config import RobotFile, load_robot_file
from brain.setup.config_template import render_config
from brain.setup.devices import AudioDevice, Camera, DeviceReport, SerialDevice


def _errors(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "robot.yaml"
    path.write_text(text)
    with pytest.raises(YamlError) as error:
        load_robot_file(path)
    return error.value.messages


def test_shipped_robot_yaml_is_valid_and_matches_the_reference_cat() -> None:
    config = load_robot_file(REPO / "robot.yaml")
    robot = config.robot_config()
    assert robot.joints == DEFAULT_ROBOT.joints
    assert robot.layout.pads == DEFAULT_ROBOT.layout.pads
    assert config.body.port.startswith("/dev/serial/by-id/")
    assert config.dashboard.loopback


def test_servo_range_errors_are_located(tmp_path: Path) -> None:
    text = robot_yaml(Path("/dev/petbody")).replace(
        "name: spine, channel: 6, min_deg: -25, max_deg: 25",
        "name: spine, channel: 6, min_deg: 30, max_deg: 25",
    )
    (message,) = _errors(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'robot.yaml'}:")
    assert ": servos[6]: " in message
    assert "min_deg 30 must be below max_deg 25" in message


@pytest.mark.parametrize(
    ("change", "where", "what"),
    [
        (("board: pico", "board: arduino"), "body.board", "'pico', 'esp32s3' or 'pico_grid'"),
        (("name: head_yaw,", "name: neck_twist,"), "servos[0].name", "unknown joint 'neck_twist'"),
        (("channel: 7,", "channel: 0,"), "servos", "servo channel '0' appears twice"),
        (("zone: chin,", "zone: nose,"), "pads[3].zone", "unknown zone 'nose'"),
        (("port: ", "prot: "), "body.prot", "unknown field 'prot'"),
        (("port: ", "prot: "), "body", "missing field 'port'"),
        (("max_deg: 60,", "max_deg: 400,"), "servos[0].max_deg", "327.67"),
        (("max_deg: 60,", "max_deg: .inf,"), "servos[0].max_deg", ""),
        (("min_deg: -60,", "min_deg: -328,"), "servos[0].min_deg", "-327.67"),
        (("board: pico\n", "board: pico\n  baudrate: 1e20\n"), "body.baudrate", ""),
        (
            ("board: pico\n", "board: pico\n  baudrate: 100000000\n"),
            "body.baudrate",
            "above the maximum",
        ),
    ],
)
def test_broken_fields_name_their_path(
    tmp_path: Path, change: tuple[str, str], where: str, what: str
) -> None:
    text = robot_yaml(Path("/dev/petbody")).replace(*change, 1)
    messages = _errors(tmp_path, text)
    assert any(f": {where}: " in m and what in m for m in messages), messages


def test_lan_dashboard_needs_a_token(tmp_path: Path) -> None:
    base = robot_yaml(Path("/dev/petbody")).replace("dashboard:\n  enabled: false\n", "")
    (message,) = _errors(tmp_path, base + "dashboard:\n  bind: 0.0.0.0\n")
    assert ": dashboard: " in message and "token" in message
    path = tmp_path / "ok.yaml"
    path.write_text(base + "dashboard:\n  bind: 192.168.1.20\n  token: correct-horse-battery\n")
    assert not load_robot_file(path).dashboard.loopback


def test_camera_rotation_and_microphone_rules(tmp_path: Path) -> None:
    text = robot_yaml(
        Path("/dev/petbody"), camera="type: none\n  rotation_deg: 45", microphone="type: wav"
    )
    messages = _errors(tmp_path, text)
    assert any(": camera.rotation_deg: " in m and "0, 90, 180 or 270" in m for m in messages)
    assert any(": microphone: " in m and "type wav needs a path" in m for m in messages)


def test_unknown_microphone_type_lists_the_registered_ones(tmp_path: Path) -> None:
    (message,) = _errors(tmp_path, robot_yaml(Path("/dev/petbody"), microphone="type: alsa"))
    assert ": microphone.type: " in message
    assert "unknown type 'alsa'" in message and "pyaudio" in message


def test_syntax_error_and_empty_file(tmp_path: Path) -> None:
    (message,) = _errors(tmp_path, "body:\n  port: [unclosed\n")
    assert ":(syntax):" in message.replace(" ", "")
    (message,) = _errors(tmp_path, "")
    assert "the file is empty" in message


def test_config_check_command(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(robot_yaml(Path("/dev/petbody")))
    bad = tmp_path / "bad.yaml"
    bad.write_text(robot_yaml(Path("/dev/petbody")).replace("position_mm: 40", "position_mm: -4"))
    ok = _petbrain("config", "check", str(good))
    assert ok.returncode == 0, ok.stderr
    assert "ok: 'test cat'" in ok.stdout
    failed = _petbrain("config", "check", str(bad))
    assert failed.returncode == 1
    assert f"{bad}:" in failed.stderr and "pads[0].position_mm" in failed.stderr
    assert "Traceback" not in failed.stderr
    missing = _petbrain("config", "check", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 1
    assert "petbrain config init" in missing.stderr


def test_init_template_uses_what_was_found_and_is_valid(tmp_path: Path) -> None:
    report = DeviceReport(
        cameras=[
            Camera("/dev/video0", 0, False, note="metadata"),
            Camera("/dev/video2", 2, True, 1280, 720),
        ],
        audio=[AudioDevice(3, "USB Audio Device: - (hw:2,0)", 1, 2, 48000.0)],
        serial=[
            SerialDevice("/dev/ttyS0", None, "n/a", None, None),
            SerialDevice(
                "/dev/ttyACM0",
                "/dev/serial/by-id/usb-Espressif_abc-if00",
                "USB JTAG/serial debug unit",
                "303a:1001",
                "abc",
                body={
                    "board": "esp32s3",
                    "firmware": "0.1.0",
                    "protocol": "1.0",
                    "compatible": True,
                    "schema_matches": True,
                    "pads": 14,
                    "servos": 8,
                },
            ),
        ],
    )
    path = tmp_path / "robot.yaml"
    path.write_text(render_config(report, "tom"))
    config = load_robot_file(path)
    assert config.name == "tom"
    assert config.body.port == "/dev/serial/by-id/usb-Espressif_abc-if00"
    assert config.body.board == "esp32s3"
    assert (config.camera.type, config.camera.index) == ("opencv", 2)
    assert config.microphone.device == "USB Audio Device: -"  # without the ALSA card number
    assert config.speaker.device == "USB Audio Device: -"
    empty = tmp_path / "empty.yaml"
    empty.write_text(render_config(DeviceReport()))
    fallback = load_robot_file(empty)
    assert fallback.body.port == "/dev/petbody"
    assert fallback.camera.type == "none"
    assert isinstance(fallback, RobotFile)


def test_config_init_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "robot.yaml"
    out.write_text("mine\n")
    done = _petbrain("config", "init", "--out", str(out), "--no-probe")
    assert done.returncode == 1
    assert "exists; pass --force" in done.stderr
    assert out.read_text() == "mine\n"


def _petbrain(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "brain.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def test_servo_channels_and_pads_must_exist_on_the_board(tmp_path: Path) -> None:
    # The ESP32-S3 profile drives 7 servos directly: no eyelids on channel 7.
    text = robot_yaml(Path("/dev/petbody")).replace("board: pico", "board: esp32s3")
    (message,) = _errors(tmp_path, text)
    assert ": servos: " in message
    assert "board esp32s3 drives servo channels 0-6; not: eyelids (7)" in message
    text = robot_yaml(Path("/dev/petbody")).replace(
        "  - {name: tail_base, zone: tail_base, position_mm: 400}\n", ""
    )
    (message,) = _errors(tmp_path, text)
    assert ": pads: " in message
    assert "board pico scans 14 pads, this list has 13" in message


def _grid_yaml(
    grid: str = "{zone: back_middle, rows: 19, cols: 27, pitch_mm: 10, rate_hz: 10, "
    "origin_mm: 145}",
) -> str:
    """The test cat on the pico_grid board: the six back pads replaced by a mat."""
    lines = [
        line
        for line in robot_yaml(Path("/dev/petbody"))
        .replace("board: pico", "board: pico_grid")
        .splitlines()
        if "name: back_" not in line
    ]
    text = "\n".join(lines) + "\n"
    if "\ntouch:" in text:
        return text.replace("\ntouch:\n", f"\ntouch:\n  grids:\n    - {grid}\n", 1)
    return text + f"touch:\n  grids:\n    - {grid}\n"


def test_a_grid_board_config_gives_the_runtime_its_taxel_grid(tmp_path: Path) -> None:
    path = tmp_path / "robot.yaml"
    path.write_text(_grid_yaml())
    robot = load_robot_file(path).robot_config()
    (grid,) = robot.grids
    assert (grid.zone, grid.shape, grid.rate_hz, grid.origin_mm) == (
        "back_middle",
        (19, 27),
        10,
        145,
    )
    assert robot.layout.pad_count == 8


@pytest.mark.parametrize(
    ("grid", "what"),
    [
        (
            "{zone: back_middle, rows: 20, cols: 27, pitch_mm: 10, rate_hz: 10}",
            "board pico_grid scans 19 x 27 taxels, the config says 20 x 27",
        ),
        (
            "{zone: back_middle, rows: 19, cols: 27, rate_hz: 10}",
            "grid 0: taxel grid lacks pitch_mm",
        ),
        (
            "{zone: back_middle, rows: 19, cols: 27, pitch_mm: 10, rate_hz: 20}",
            "board pico_grid sends 10 frames/s, the config says 20",
        ),
        (
            "{zone: back_middle, rows: 19, cols: 27, pitch_mm: 10, rate_hz: 10, full_scale: 1000}",
            "sends cells of at most 255; full_scale 1000 could never be reached",
        ),
        (
            "{zone: head, rows: 19, cols: 27, pitch_mm: 10, rate_hz: 10}",
            "zone(s) head have pads and a taxel grid: give one",
        ),
    ],
)
def test_a_grid_that_does_not_fit_the_board_or_the_pads_is_refused(
    tmp_path: Path, grid: str, what: str
) -> None:
    (message,) = _errors(tmp_path, _grid_yaml(grid))
    assert what in message
