"""``petbrain config init|check`` and ``petbrain devices``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from brain.cli import CommandGroups
from brain.errors import UserError

GROUP_HELP = "write and check robot.yaml, the description of a physical pet"


def register(groups: CommandGroups) -> None:
    """Add ``petbrain config init``, ``petbrain config check`` and ``petbrain devices``."""
    init = groups.subcommand(
        "config",
        "init",
        config_init,
        "write a commented robot.yaml from the devices found",
        GROUP_HELP,
    )
    init.add_argument("--out", type=Path, default=Path("robot.yaml"), help="where to write it")
    init.add_argument("--name", default="pet", help="the pet's name")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.add_argument("--no-probe", action="store_true", help="do not send HELLO to serial ports")
    check = groups.subcommand("config", "check", config_check, "validate a robot.yaml")
    check.add_argument("file", type=Path)
    devices = groups.command(
        "devices", list_devices, "list cameras, microphones, speakers, serial ports and pet bodies"
    )
    devices.add_argument("--json", action="store_true", help="machine-readable output")
    devices.add_argument(
        "--no-probe", action="store_true", help="do not send HELLO to serial ports"
    )
    devices.add_argument(
        "--timeout-ms", type=int, default=1500, help="how long each port has to answer HELLO"
    )
    devices.add_argument(
        "--all-ports",
        action="store_true",
        help="also probe built-in UARTs (a body wired to the Pi's GPIO serial port)",
    )


def config_check(args: argparse.Namespace) -> int:
    """Exit 0 when the file is valid; print every located problem otherwise."""
    from brain.cli.run import load_config_or_fail
    from brain.setup.config import RobotFile

    config = load_config_or_fail(args.file)
    assert isinstance(config, RobotFile)
    for warning in config.warnings():
        print(f"{args.file}: warning: {warning}")
    robot = config.robot_config()
    print(
        f"{args.file}: ok: '{config.name}', body on {config.body.port} ({config.body.board}), "
        f"{len(robot.joints)} servos, {robot.layout.pad_count} pads, camera {config.camera.type}, "
        f"microphone {config.microphone.type}, dashboard on {config.dashboard.bind}"
    )
    return 0


def config_init(args: argparse.Namespace) -> int:
    """Discover devices and write a starting robot.yaml, refusing to overwrite one."""
    from brain.setup.config_template import render_config
    from brain.setup.devices import discover

    if args.out.exists() and not args.force:
        raise UserError(f"{args.out} exists; pass --force to overwrite it")
    report = discover(probe=not args.no_probe)
    text = render_config(report, args.name)
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write {args.out}: {error}") from error
    found = "a pet body" if report.bodies else "no pet body (port left as /dev/petbody)"
    print(f"wrote {args.out} with {found}; check it with `petbrain config check {args.out}`")
    return 0


def list_devices(args: argparse.Namespace) -> int:
    """Print what is plugged in."""
    from brain.setup.devices import discover, format_report

    report = discover(
        probe=not args.no_probe, probe_timeout_ms=args.timeout_ms, all_ports=args.all_ports
    )
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(format_report(report))
    return 0
