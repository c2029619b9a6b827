"""``petbrain service install|uninstall|status``: start the pet at boot, name its port."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from brain.cli import CommandGroups
from brain.errors import UserError

GROUP_HELP = "start the pet at boot (systemd unit) and name its serial port (udev rule)"


def register(groups: CommandGroups) -> None:
    """Add the ``service`` group."""
    install = groups.subcommand(
        "service", "install", service_install, "install the unit and the udev rule", GROUP_HELP
    )
    install.add_argument("--config", type=Path, default=Path("robot.yaml"), help="robot.yaml")
    install.add_argument("--user", help="who the pet runs as (default: the invoking user)")
    install.add_argument("--vid", help="USB vendor id of the body (default: from its port)")
    install.add_argument("--pid", help="USB product id of the body")
    install.add_argument("--serial", help="USB serial number: match only this one board")
    install.add_argument("--dry-run", action="store_true", help="print the files, change nothing")
    install.add_argument("--no-start", action="store_true", help="enable but do not start now")
    uninstall = groups.subcommand(
        "service", "uninstall", service_uninstall, "stop the pet and remove the unit and rule"
    )
    status = groups.subcommand("service", "status", service_status, "is the pet installed?")
    for parser in (install, uninstall, status):
        parser.add_argument(
            "--root", type=Path, default=Path("/"), help="install under this folder (default: /)"
        )


def _usb_ids(port: str) -> tuple[str, str, str | None] | None:
    """(vid, pid, serial) of the USB device behind ``port``, when it is plugged in."""
    try:
        from serial.tools import list_ports
    except ImportError:
        return None
    real = os.path.realpath(port)
    for info in list_ports.comports():
        if os.path.realpath(info.device) == real and info.vid is not None:
            return f"{info.vid:04x}", f"{info.pid:04x}", info.serial_number
    return None


def service_install(args: argparse.Namespace) -> int:
    """Write (or print) the unit and the rule."""
    from brain.cli.run import load_config_or_fail
    from brain.setup.config import RobotFile
    from brain.setup.service import (
        BOARD_USB_IDS,
        STABLE_PORT,
        ServiceSpec,
        install,
        render_rule,
        render_unit,
    )

    config = load_config_or_fail(args.config)
    assert isinstance(config, RobotFile)
    found = _usb_ids(config.body.port)
    vid, pid = BOARD_USB_IDS[config.body.board]
    serial = None
    source = f"the {config.body.board} profile's defaults"
    if found is not None:
        vid, pid, serial = found
        source = f"the device on {config.body.port}"
    if args.vid or args.pid:
        if not (args.vid and args.pid):
            raise UserError("give both --vid and --pid")
        vid, pid, source = args.vid.lower(), args.pid.lower(), "the command line"
    serial = args.serial or serial
    user = args.user or os.environ.get("SUDO_USER") or getpass.getuser()
    spec = ServiceSpec(args.config.resolve(), Path(sys.executable), user, vid, pid, serial)
    if args.dry_run:
        print(f"# {args.root / 'etc/systemd/system/petbrain.service'}")
        print(render_unit(spec))
        print(f"# {args.root / 'etc/udev/rules.d/99-petbody.rules'} (USB ids from {source})")
        print(render_rule(spec))
        return 0
    try:
        lines = install(spec, args.root, start=not args.no_start)
    except PermissionError as error:
        raise UserError(f"{error} (run with sudo, or --root DIR)") from error
    print("\n".join(lines))
    print(f"USB ids {vid}:{pid} from {source}")
    if config.body.port != STABLE_PORT:
        print(f"hint: set body.port to {STABLE_PORT} in {args.config} once the rule is active")
    return 0


def service_uninstall(args: argparse.Namespace) -> int:
    """Remove both files (and stop the pet on the real root)."""
    from brain.setup.service import uninstall

    try:
        lines = uninstall(args.root)
    except PermissionError as error:
        raise UserError(f"{error} (run with sudo, or --root DIR)") from error
    print("\n".join(lines))
    return 0


def service_status(args: argparse.Namespace) -> int:
    """Print what is installed; exit 1 when the unit is not."""
    from brain.setup.service import UNIT_DIR, UNIT_NAME, status

    print("\n".join(status(args.root)))
    return 0 if (args.root / UNIT_DIR / UNIT_NAME).exists() else 1
