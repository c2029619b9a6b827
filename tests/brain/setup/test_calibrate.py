"""Servo and pad calibration against the real-time virtual body, written into robot.yaml."""

from __future__ import annotations

import queue
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from robot_run_helpers import REPO, robot_yaml

from behaviors.yamlfile import YamlError
from brain.errors import UserError
from brain.setup.calibrate import BodySession, calibrate_pads, calibrate_servo, suggest_thresholds
from brain.setup.config import load_robot_file
from brain.setup.config_edit import update_robot_file
from sensors.touch.synthetic import Press
from sim.live_body import LiveBody


@pytest.fixture
def body(tmp_path: Path) -> Iterator[LiveBody]:
    with LiveBody(tmp_path / "petbody") as live:
        yield live


def _config(tmp_path: Path, body: LiveBody) -> Path:
    path = tmp_path / "robot.yaml"
    path.write_text("# my cat, hand-tuned\n" + robot_yaml(body.link_path))
    return path


def test_servo_calibration_moves_past_old_limits_and_saves(tmp_path: Path, body: LiveBody) -> None:
    path = _config(tmp_path, body)
    config = load_robot_file(path)
    robot = config.robot_config()
    joint = robot.joint("ear_left")  # old range -60..30 on channel 2
    session = BodySession(str(body.link_path), robot)
    lines: queue.Queue[str | None] = queue.Queue()
    for line in ("=-70", "min", "+", "+5", "=25", "max", "= 3", "rest", "save"):
        lines.put(line)
    seen_angles: list[float | None] = []
    said: list[str] = []

    def say(text: str) -> None:
        said.append(text)
        if text == "ear_left at -70 deg":
            session.pump(1600)  # the calibration CONFIG allows 60 deg/s
            seen_angles.append(body.servo_angles_deg()[joint.channel])

    try:
        result = calibrate_servo(session, joint, lines, say)
    finally:
        session.close()
    assert result.saved
    assert (result.min_deg, result.max_deg, result.rest_deg) == (-70, 25, 3)
    assert "ear_left at -63 deg" in said  # + is one 2-degree step, +5 five degrees
    # The body really went beyond the old calibrated minimum of -60.
    assert seen_angles[0] is not None and seen_angles[0] < -65
    assert not body.torque()  # released on close

    update_robot_file(
        path, servo={"min_deg": -70, "max_deg": 25, "rest_deg": 3}, servo_name="ear_left"
    )
    saved = load_robot_file(path).robot_config().joint("ear_left")
    assert (saved.min_deg, saved.max_deg, saved.rest_deg) == (-70, 25, 3)
    assert path.read_text().startswith("# my cat, hand-tuned\n")


def test_pad_calibration_measures_noise_and_palm_and_sets_thresholds(
    tmp_path: Path, body: LiveBody
) -> None:
    path = _config(tmp_path, body)
    robot = load_robot_file(path).robot_config()
    layout = robot.layout
    session = BodySession(str(body.link_path), robot)
    lines: queue.Queue[str | None] = queue.Queue()

    def say(text: str) -> None:
        if text.startswith("touch pad "):
            index = layout.by_name(text.split()[2]).index
            body.set_contact(Press(layout, body.now_ms, 60_000, (index,), pressure=0.8))
            lines.put("")
        elif text.startswith("let go"):
            body.set_contact(None)

    try:
        results = calibrate_pads(session, ["head", "chin"], lines, say, seconds=0.4)
    finally:
        session.close()
    by_name = {r.name: r for r in results}
    assert set(by_name) == {"head", "chin"}
    for r in results:
        assert r.responds
        assert r.noise_counts < 15  # the virtual pads' noise is 3 counts
        assert 200 < r.touched_counts < 600  # 0.8 of a 420-count palm, +-25 % per pad
    touch = suggest_thresholds(results)
    assert touch is not None
    assert 15 < touch["touch_counts"] < touch["full_scale_counts"]
    pads = {
        r.name: {"noise_counts": r.noise_counts, "touched_counts": r.touched_counts}
        for r in results
    }
    validated = update_robot_file(path, pads=pads, touch=touch)
    assert validated.touch.touch_counts == touch["touch_counts"]
    assert validated.warnings() == []
    again = load_robot_file(path)
    calibrated = [p for p in again.pads if p.calibration is not None]
    assert [p.name for p in calibrated] == ["head", "chin"]


def test_calibrate_servo_command_reads_stdin_and_writes_the_file(
    tmp_path: Path, body: LiveBody
) -> None:
    path = _config(tmp_path, body)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "brain.cli",
            "calibrate",
            "servo",
            "tail_lift",
            "--config",
            str(path),
        ],
        input="=-10\nmin\n=60\nmax\n=15\nrest\nsave\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "saved tail_lift" in done.stdout
    joint = load_robot_file(path).robot_config().joint("tail_lift")
    assert (joint.min_deg, joint.max_deg, joint.rest_deg) == (-10, 60, 15)


def test_calibration_without_a_body_is_one_clear_error(tmp_path: Path) -> None:
    robot = load_robot_file(_write(tmp_path)).robot_config()
    with pytest.raises(UserError, match="no pet body on"):
        BodySession(str(tmp_path / "absent"), robot, handshake_timeout_ms=300)


def test_an_invalid_calibration_is_not_written(tmp_path: Path) -> None:
    path = _write(tmp_path)
    before = path.read_text()
    with pytest.raises(YamlError) as error:
        update_robot_file(
            path, servo={"min_deg": 10, "max_deg": 5, "rest_deg": 7}, servo_name="spine"
        )
    assert "servos[6]" in error.value.messages[0]
    assert path.read_text() == before


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "robot.yaml"
    path.write_text(robot_yaml(tmp_path / "absent"))
    return path
