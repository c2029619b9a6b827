"""``petbrain firmware check|deploy``: build, self-test and flash the body's MicroPython."""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from brain.cli import CommandGroups
from brain.errors import UserError

GROUP_HELP = "build, test and flash the body's MicroPython firmware"


def register(groups: CommandGroups) -> None:
    """Add ``petbrain firmware check`` and ``petbrain firmware deploy``."""
    from firmware import boards

    check_parser = groups.subcommand(
        "firmware",
        "check",
        check,
        "compile every firmware file with mpy-cross and run the self-test under MicroPython",
        GROUP_HELP,
    )
    check_parser.add_argument(
        "--no-micropython", action="store_true", help="only compile (skip the MicroPython run)"
    )
    deploy_parser = groups.subcommand(
        "firmware", "deploy", deploy, "copy the firmware and a main.py to a board with mpremote"
    )
    deploy_parser.add_argument("--port", required=True, help="serial port, e.g. /dev/ttyACM0")
    deploy_parser.add_argument("--board", required=True, choices=sorted(boards.PROFILES))
    deploy_parser.add_argument(
        "--mpy",
        action="store_true",
        help="copy .mpy files compiled by mpy-cross (less RAM; needs MicroPython >= 1.23)",
    )
    deploy_parser.add_argument(
        "--dry-run", action="store_true", help="print the mpremote command and copy nothing"
    )


def check(args: argparse.Namespace) -> int:
    """Compile with mpy-cross, then run the self-test under MicroPython; exit 1 on any failure."""
    from brain.setup import firmware_tools

    ok = True
    try:
        with tempfile.TemporaryDirectory(prefix="petbrain-mpy-") as tmp:
            results = firmware_tools.compile_all(Path(tmp))
    except firmware_tools.ToolMissingError as error:
        raise UserError(str(error)) from None
    for r in results:
        status = f"{r.mpy_bytes:6d} B" if r.ok else f"FAILED: {r.message}"
        print(f"mpy-cross  {r.path.name:<14} {status}")
        ok = ok and r.ok
    print(f"mpy-cross: {sum(r.ok for r in results)} of {len(results)} files compiled")
    if not args.no_micropython:
        try:
            selftest = firmware_tools.micropython_selftest()
        except firmware_tools.ToolMissingError as error:
            raise UserError(str(error)) from None
        for line in selftest.lines:
            if line.startswith(("ok ", "FAIL ")):
                print(f"micropython  {line}")
        if selftest.error is not None:
            print(f"micropython: {selftest.error}")
        else:
            from firmware import wire

            agree = "agrees" if selftest.schema_hash == wire.schema_hash() else "DIFFERS"
            print(
                f"micropython {selftest.interpreter}: {selftest.passed} passed, "
                f"{selftest.failed} failed; schema hash {agree} with the brain"
            )
        ok = ok and selftest.ok
    print("firmware check: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


def deploy(args: argparse.Namespace) -> int:
    """Stage the firmware and copy it to the board with mpremote, then reset the board."""
    import importlib.util

    from brain.setup import firmware_tools

    if not args.dry_run:
        if importlib.util.find_spec("mpremote") is None:
            raise UserError("mpremote is not installed: pip install 'petbrain[firmware]'")
        if args.port.startswith("/dev/") and not os.path.exists(args.port):
            raise UserError(f"no board at {args.port}: is it plugged in?")
    with tempfile.TemporaryDirectory(prefix="petbrain-deploy-") as tmp:
        staged = Path(tmp)
        try:
            files = firmware_tools.stage(staged, args.board, compiled=args.mpy)
        except (ValueError, firmware_tools.ToolMissingError) as error:
            raise UserError(str(error)) from None
        command = firmware_tools.deploy_command(args.port, args.board, staged)
        print(f"deploying {len(files)} files for {args.board} to {args.port}")
        if args.dry_run:
            for path in files:
                print(f"  {path.relative_to(staged)}")
            print(f"send ENTER_REPL to {args.port}, wait for the board to reboot, then:")
            print(" ".join(command))
            return 0
        try:
            firmware_tools.request_repl(args.port)
        except (OSError, ValueError) as error:
            raise UserError(f"cannot open {args.port}: {error}") from None
        if not firmware_tools.wait_for_port(args.port):
            raise UserError(f"{args.port} did not come back after the reboot into the REPL")
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        reason = lines[-1] if lines else f"exit code {proc.returncode}"
        raise UserError(f"mpremote could not deploy to {args.port}: {reason}")
    print(f"deployed; {args.board} reset and running the body firmware")
    return 0
