"""Start the pet at boot: a systemd unit and a udev rule that names the body's port.

The unit runs ``petbrain run --config robot.yaml``, restarts it when it fails
and sends its log to the journal (``journalctl -u petbrain``). The udev rule
matches the body's USB ids and adds the stable name ``/dev/petbody``.
Everything is written under a root folder (``/`` on the robot, a temporary
folder in tests); systemctl and udevadm run only for the real root.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

UNIT_NAME = "petbrain.service"
UNIT_DIR = Path("etc/systemd/system")
RULE_NAME = "99-petbody.rules"
RULE_DIR = Path("etc/udev/rules.d")
STABLE_PORT = "/dev/petbody"

# USB ids of MicroPython on each board profile (what `petbrain devices` shows as vid:pid).
BOARD_USB_IDS = {
    "pico": ("2e8a", "0005"),  # Raspberry Pi Pico / Pico W, MicroPython CDC
    "esp32s3": ("303a", "1001"),  # ESP32-S3 built-in USB Serial/JTAG
}


@dataclass(frozen=True)
class ServiceSpec:
    """What the unit and the rule are made from."""

    config: Path  # absolute path of robot.yaml
    python: Path  # the interpreter of the environment petbrain is installed in
    user: str
    vid: str
    pid: str
    serial: str | None = None  # the board's USB serial number: pins one particular body

    @property
    def exec_start(self) -> str:
        """The command systemd runs."""
        return shlex.join(
            [str(self.python), "-m", "brain.cli", "run", "--config", str(self.config)]
        )


def render_unit(spec: ServiceSpec) -> str:
    """The text of ``petbrain.service``."""
    return f"""\
# Written by `petbrain service install`; remove with `petbrain service uninstall`.
[Unit]
Description=petbrain: the companion pet's brain
# Reference: docs/robot.md in the petbrain sources; log: journalctl -u petbrain
After=sound.target
# Keep retrying however often it fails: an owner never has to log in to restart it.
StartLimitIntervalSec=0

[Service]
Type=simple
User={spec.user}
# Serial port, microphone/speaker and camera access.
SupplementaryGroups=dialout audio video
WorkingDirectory={spec.config.parent}
ExecStart={spec.exec_start}
# SIGTERM: the brain releases torque over the link and closes its ports.
KillSignal=SIGTERM
TimeoutStopSec=10
Restart=on-failure
RestartSec=2
Environment=PYTHONUNBUFFERED=1
# Lets the main loop (touch -> servo) ask for real-time priority (SCHED_FIFO 20)
# without root; perception runs in its own process at nice +10.
LimitRTPRIO=20
StandardOutput=journal
StandardError=journal
SyslogIdentifier=petbrain

[Install]
WantedBy=multi-user.target
"""


def render_rule(spec: ServiceSpec) -> str:
    """The text of ``99-petbody.rules``."""
    serial = f', ATTRS{{serial}}=="{spec.serial}"' if spec.serial else ""
    return (
        "# Written by `petbrain service install`: the pet's body is always /dev/petbody.\n"
        "# Find the ids with `petbrain devices` (vid:pid) or `udevadm info /dev/ttyACM0`.\n"
        f'SUBSYSTEM=="tty", ATTRS{{idVendor}}=="{spec.vid}", '
        f'ATTRS{{idProduct}}=="{spec.pid}"{serial}, '
        'SYMLINK+="petbody", MODE="0660", GROUP="dialout", TAG+="systemd"\n'
    )


def _run(command: list[str]) -> str:
    """Run a system tool; its failure is one line in the result, never an exception."""
    if shutil.which(command[0]) is None:
        return f"{command[0]} not found: skipped `{shlex.join(command)}`"
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    out = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        return f"`{shlex.join(command)}` failed ({done.returncode}): {out}"
    return f"`{shlex.join(command)}`" + (f": {out}" if out else "")


def install(spec: ServiceSpec, root: Path, start: bool = True) -> list[str]:
    """Write the unit and the rule under ``root``; for ``/``, also enable and start the pet."""
    unit = root / UNIT_DIR / UNIT_NAME
    rule = root / RULE_DIR / RULE_NAME
    unit.parent.mkdir(parents=True, exist_ok=True)
    rule.parent.mkdir(parents=True, exist_ok=True)
    unit.write_text(render_unit(spec), encoding="utf-8")
    rule.write_text(render_rule(spec), encoding="utf-8")
    done = [f"wrote {unit}", f"wrote {rule}"]
    if _is_real_root(root):
        done.append(_run(["udevadm", "control", "--reload-rules"]))
        done.append(_run(["udevadm", "trigger", "--subsystem-match=tty"]))
        done.append(_run(["systemctl", "daemon-reload"]))
        done.append(_run(["systemctl", "enable", *(["--now"] if start else []), UNIT_NAME]))
    return done


def uninstall(root: Path) -> list[str]:
    """Stop and disable the pet (real root only) and remove both files."""
    done = []
    if _is_real_root(root):
        done.append(_run(["systemctl", "disable", "--now", UNIT_NAME]))
    for path in (root / UNIT_DIR / UNIT_NAME, root / RULE_DIR / RULE_NAME):
        if path.exists():
            path.unlink()
            done.append(f"removed {path}")
        else:
            done.append(f"not installed: {path}")
    if _is_real_root(root):
        done.append(_run(["systemctl", "daemon-reload"]))
        done.append(_run(["udevadm", "control", "--reload-rules"]))
    return done


def status(root: Path) -> list[str]:
    """Whether the files are installed, what systemd says, and where /dev/petbody points."""
    unit = root / UNIT_DIR / UNIT_NAME
    rule = root / RULE_DIR / RULE_NAME
    lines = [
        f"unit: {unit} ({'installed' if unit.exists() else 'not installed'})",
        f"udev rule: {rule} ({'installed' if rule.exists() else 'not installed'})",
    ]
    if _is_real_root(root):
        for query in ("is-enabled", "is-active"):
            lines.append(f"systemctl {query}: {_systemctl_word(query)}")
        port = Path(STABLE_PORT)
        if port.exists():
            lines.append(f"{STABLE_PORT} -> {os.path.realpath(port)}")
        else:
            lines.append(f"{STABLE_PORT} is absent (body unplugged, or the rule does not match)")
        lines.append("log: journalctl -u petbrain -f")
    return lines


def _systemctl_word(query: str) -> str:
    if shutil.which("systemctl") is None:
        return "systemctl not found"
    done = subprocess.run(
        ["systemctl", query, UNIT_NAME], capture_output=True, text=True, check=False, timeout=30
    )
    return (done.stdout.strip() or done.stderr.strip() or "unknown").splitlines()[0]


def _is_real_root(root: Path) -> bool:
    return root.resolve() == Path("/")
