"""The robot install's size on disk: ``scripts/install_size.sh`` in a fresh venv.

Runs exactly the documented robot install (``scripts/install_robot.sh``:
mediapipe without its unused jax/jaxlib, then ``.[robot]``) into a temporary
virtual environment, from pip's cache or the package index. The reference is
the same fresh venv before the install (Python's own venv with pip).
Needs the source checkout (the script installs ``.``); skipped with
``--quick`` because a cold install takes minutes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from brain.bench import BenchOptions, Reference, Result, benchmark

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "install_size.sh"


@benchmark("install")
def install(options: BenchOptions) -> list[Result]:
    """``robot_install_mb`` (and the install's wall time in the details)."""
    if options.quick:
        print("install: skipped with --quick (bash scripts/install_size.sh)", file=sys.stderr)
        return []
    if not SCRIPT.is_file():
        print(f"install: {SCRIPT} not found (needs the source checkout)", file=sys.stderr)
        return []
    python = f"python{sys.version_info.major}.{sys.version_info.minor}"
    done = subprocess.run(
        ["bash", str(SCRIPT), python], capture_output=True, text=True, check=False, timeout=1800
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"scripts/install_size.sh failed: {tail[0]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    details = {
        "install_s": float(report["install_s"]),
        "jax_installed": float(report["jax_installed"]),
    }
    details |= {f"{name}_mb": float(mb) for name, mb in report["largest_mb"].items()}
    return [
        Result(
            "robot_install_mb",
            float(report["robot_install_mb"]),
            "MB",
            Reference("the fresh venv before the install", float(report["reference_venv_mb"])),
            details=details,
        )
    ]
