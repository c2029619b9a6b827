"""The firmware self-test under CPython and under a real MicroPython (WASI build)."""

from __future__ import annotations

import importlib.util
import io
import platform
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from brain.setup import firmware_tools
from firmware import selftest, wire


def test_selftest_passes_under_cpython() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        failed = selftest.main()
    result = firmware_tools.parse_selftest(out.getvalue())
    assert failed == 0 and result.ok
    assert result.passed == len(selftest.CHECKS)


def test_selftest_passes_under_micropython_and_agrees_on_the_schema() -> None:
    result = firmware_tools.micropython_selftest()
    assert result.error is None, result.error
    assert result.interpreter.startswith("micropython ")
    assert result.failed == 0 and result.passed == len(selftest.CHECKS), result.lines
    assert result.schema_hash == wire.schema_hash()
    assert result.ok


# The dev extra installs the MicroPython Unix port on x86_64 (missing there is a
# broken set-up: these fail); PyPI has no wheel for other machines: they skip.
NO_UNIX_PORT = (
    platform.machine() != "x86_64" and importlib.util.find_spec("micropython_unix") is None
)


@pytest.mark.skipif(NO_UNIX_PORT, reason="no MicroPython Unix port wheel here")
def test_selftest_passes_under_the_micropython_unix_port() -> None:
    # The interpreter of the simulator's MicroPython body: its struct.unpack
    # ignores trailing bytes, so the size checks in wire.py are what hold.
    result = firmware_tools.micropython_unix_selftest()
    assert result.error is None, result.error
    assert result.interpreter.startswith("micropython ")
    assert result.failed == 0 and result.passed == len(selftest.CHECKS), result.lines
    assert result.schema_hash == wire.schema_hash()


def test_a_failing_or_unfinished_selftest_is_not_ok() -> None:
    failing = firmware_tools.parse_selftest(
        f"FAIL check_x: AssertionError\nschema_hash: {wire.schema_hash()}\n"
        "selftest: 7 passed, 1 failed\n"
    )
    assert not failing.ok
    assert firmware_tools.parse_selftest("ok check_x\n").error is not None
    other_schema = firmware_tools.parse_selftest("schema_hash: 1\nselftest: 8 passed, 0 failed\n")
    assert not other_schema.ok


def test_every_firmware_file_compiles_with_mpy_cross(tmp_path: Path) -> None:
    results = firmware_tools.compile_all(tmp_path)
    names = {r.path.name for r in results}
    assert {"wire.py", "main.py", "body.py", "motion.py"} <= names
    assert all(r.ok and r.mpy_bytes > 0 for r in results), [r for r in results if not r.ok]


def test_mpy_cross_rejects_what_micropython_cannot_run(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f(:\n    pass\n")
    (result,) = firmware_tools.compile_all(tmp_path / "out", [bad])
    assert not result.ok and result.message
