"""``petbrain calibrate servo|pads``: measure the body and write the results into robot.yaml."""

from __future__ import annotations

import argparse
import queue
import sys
import threading
from pathlib import Path

from brain.cli import CommandGroups
from brain.errors import UserError

GROUP_HELP = "calibrate servos (limits, rest) and touch pads (noise, touched level)"


def register(groups: CommandGroups) -> None:
    """Add ``petbrain calibrate servo`` and ``petbrain calibrate pads``."""
    servo = groups.subcommand(
        "calibrate",
        "servo",
        calibrate_servo_command,
        "step one joint by hand and record min, max and rest into robot.yaml",
        GROUP_HELP,
    )
    servo.add_argument("joint", help="joint name from robot.yaml (head_yaw, ear_left, ...)")
    servo.add_argument("--step-deg", type=float, default=2.0, help="size of one + or - step")
    servo.add_argument(
        "--limit-deg", type=float, default=90.0, help="never command beyond +/- this"
    )
    pads = groups.subcommand(
        "calibrate",
        "pads",
        calibrate_pads_command,
        "measure untouched noise and a palm's level per pad; set touch thresholds",
    )
    pads.add_argument("--pads", help="comma-separated pad names (default: every pad)")
    pads.add_argument("--seconds", type=float, default=2.0, help="length of each measurement")
    for parser in (servo, pads):
        parser.add_argument("--config", type=Path, default=Path("robot.yaml"))
        parser.add_argument("--port", help="body port (default: body.port of robot.yaml)")


def stdin_lines() -> queue.Queue[str | None]:
    """Lines typed on stdin, read by a daemon thread so the link keeps beating meanwhile."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in sys.stdin:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, name="stdin", daemon=True).start()
    return lines


def say(text: str) -> None:
    """Prompts and results, flushed at once (a person or a script is waiting on them)."""
    print(text, flush=True)


def calibrate_servo_command(args: argparse.Namespace) -> int:
    """Interactive servo calibration; exit 1 when quit without saving."""
    from behaviors.yamlfile import YamlError
    from brain.cli.run import load_config_or_fail
    from brain.setup.calibrate import BodySession, calibrate_servo
    from brain.setup.config import RobotFile
    from brain.setup.config_edit import update_robot_file

    config = load_config_or_fail(args.config)
    assert isinstance(config, RobotFile)
    robot = config.robot_config()
    try:
        joint = robot.joint(args.joint)
    except KeyError as error:
        names = ", ".join(j.name for j in robot.joints)
        raise UserError(f"no joint '{args.joint}' in {args.config} (joints: {names})") from error
    session = BodySession(args.port or config.body.port, robot)
    try:
        result = calibrate_servo(session, joint, stdin_lines(), say, args.step_deg, args.limit_deg)
    finally:
        session.close()
    if not result.saved:
        return 1
    assert result.min_deg is not None and result.max_deg is not None
    assert result.rest_deg is not None
    values = {"min_deg": result.min_deg, "max_deg": result.max_deg, "rest_deg": result.rest_deg}
    try:
        update_robot_file(args.config, servo=values, servo_name=joint.name)
    except YamlError as error:
        raise UserError("not saved:\n" + "\n".join(error.messages)) from error
    say(f"saved {joint.name}: {values} in {args.config}")
    return 0


def calibrate_pads_command(args: argparse.Namespace) -> int:
    """Pad calibration; writes each pad's levels and the suggested thresholds."""
    from behaviors.yamlfile import YamlError
    from brain.cli.run import load_config_or_fail
    from brain.setup.calibrate import BodySession, calibrate_pads, suggest_thresholds
    from brain.setup.config import RobotFile
    from brain.setup.config_edit import update_robot_file

    config = load_config_or_fail(args.config)
    assert isinstance(config, RobotFile)
    robot = config.robot_config()
    known = [p.name for p in robot.layout.pads]
    names = args.pads.split(",") if args.pads else known
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UserError(f"unknown pad(s) {', '.join(unknown)} (pads: {', '.join(known)})")
    session = BodySession(args.port or config.body.port, robot)
    try:
        results = calibrate_pads(session, names, stdin_lines(), say, args.seconds)
    finally:
        session.close()
    for r in results:
        say(f"{r.name}: noise {r.noise_counts:g}, palm {r.touched_counts:g} counts")
    touch = suggest_thresholds(results)
    if touch is None:
        raise UserError("no pad responded to touch: nothing saved")
    pads = {
        r.name: {"noise_counts": r.noise_counts, "touched_counts": r.touched_counts}
        for r in results
        if r.responds
    }
    try:
        validated = update_robot_file(args.config, pads=pads, touch=touch)
    except YamlError as error:
        raise UserError("not saved:\n" + "\n".join(error.messages)) from error
    say(f"saved {len(pads)} pad(s) and touch thresholds {touch} in {args.config}")
    for warning in validated.warnings():
        say(f"warning: {warning}")
    return 0
