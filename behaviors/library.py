"""Load and check behaviour libraries: every error in every file, located.

A broken file never stops the pet: callers keep the last good
:class:`BehaviourLibrary` and show the messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from behaviors.schema import (
    Behaviour,
    LibraryFile,
    ParallelStep,
    PosesFile,
    PoseStep,
    SequenceStep,
    Step,
)
from behaviors.yamlfile import YamlError, load_model, locate

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_LIBRARY_DIR = PACKAGE_DIR / "library"
DEFAULT_POSES = PACKAGE_DIR / "poses.yaml"


class LibraryError(Exception):
    """The library has errors; ``messages`` are ``file:line:col: path: message`` lines."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__(f"{len(messages)} error(s) in the behaviour library")
        self.messages = list(messages)


@dataclass(frozen=True)
class BehaviourLibrary:
    """A checked, immutable set of behaviours plus the named poses they use."""

    behaviours: tuple[Behaviour, ...]
    poses: dict[str, dict[str, float]]
    sources: dict[str, Path] = field(default_factory=dict)

    def by_name(self, name: str) -> Behaviour:
        """The behaviour called ``name`` (KeyError when absent)."""
        for behaviour in self.behaviours:
            if behaviour.name == name:
                return behaviour
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        """Behaviour names in library order."""
        return [b.name for b in self.behaviours]


def library_files(paths: Iterable[Path]) -> list[Path]:
    """YAML files named or found under folders named, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.y*ml") if p.is_file()))
        else:
            files.append(path)
    return files


def _pose_names(steps: Iterable[Step]) -> Iterable[str]:
    for step in steps:
        if isinstance(step, PoseStep) and step.pose.name is not None:
            yield step.pose.name
        elif isinstance(step, ParallelStep):
            yield from _pose_names(step.parallel)
        elif isinstance(step, SequenceStep):
            yield from _pose_names(step.sequence)


def load_poses(path: Path = DEFAULT_POSES) -> dict[str, dict[str, float]]:
    """Named poses from ``path``; raises :class:`LibraryError` on any problem."""
    try:
        poses = load_model(path, PosesFile)
    except YamlError as error:
        raise LibraryError(error.messages) from error
    return {name: {str(j): a for j, a in joints.items()} for name, joints in poses.poses.items()}


def load_library(
    paths: Sequence[Path] | None = None, poses_path: Path = DEFAULT_POSES
) -> BehaviourLibrary:
    """Load every behaviour file under ``paths`` (default: the shipped library).

    Collects every error of every file before raising :class:`LibraryError`.
    """
    messages: list[str] = []
    try:
        poses = load_poses(poses_path)
    except LibraryError as error:
        messages.extend(error.messages)
        poses = {}
    files = library_files(paths or [DEFAULT_LIBRARY_DIR])
    if not files:
        messages.append(f"{(paths or [DEFAULT_LIBRARY_DIR])[0]}:1:1: (files): no behaviour files")
    behaviours: list[Behaviour] = []
    sources: dict[str, Path] = {}
    for path in files:
        if not path.exists():
            messages.append(f"{path}:1:1: (file): no such file")
            continue
        try:
            loaded = load_model(path, LibraryFile)
        except YamlError as error:
            messages.extend(error.messages)
            continue
        from behaviors.yamlfile import load_yaml

        document = load_yaml(path)
        for index, behaviour in enumerate(loaded.behaviors):
            if behaviour.name in sources:
                line, col, dotted = locate(document, ("behaviors", index, "name"))
                messages.append(
                    f"{path}:{line}:{col}: {dotted}: duplicate behaviour name "
                    f"'{behaviour.name}' (first in {sources[behaviour.name]})"
                )
                continue
            for pose_name in _pose_names(behaviour.do):
                if pose_name not in poses:
                    line, col, dotted = locate(document, ("behaviors", index, "do"))
                    messages.append(
                        f"{path}:{line}:{col}: {dotted}: unknown pose '{pose_name}' "
                        f"(known: {', '.join(sorted(poses)) or 'none'})"
                    )
            sources[behaviour.name] = path
            behaviours.append(behaviour)
    if messages:
        raise LibraryError(messages)
    return BehaviourLibrary(tuple(behaviours), poses, sources)
