"""Load and check behaviour libraries: every error in every file, located.

A broken file never stops the pet: callers keep the last good
:class:`BehaviourLibrary` and show the messages.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from behaviors.loader import FileLoader
from behaviors.schema import Behaviour, PosesFile, Temperament
from behaviors.yamlfile import (
    YamlError,
    load_model,
    load_yaml,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_LIBRARY_DIR = PACKAGE_DIR / "library"
DEFAULT_POSES = PACKAGE_DIR / "poses.yaml"
DEFAULT_SOUNDS_DIR = PACKAGE_DIR / "sounds"
DEFAULT_TEMPERAMENT = PACKAGE_DIR / "temperament.yaml"
log = logging.getLogger(__name__)


class LibraryError(Exception):
    """The library has errors; ``messages`` are ``file:line:col: path: message`` lines."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__(f"{len(messages)} error(s) in the behaviour library")
        self.messages = list(messages)


@dataclass(frozen=True)
class BehaviourLibrary:
    """A checked, immutable set of behaviours plus the poses, sounds and temperament they use."""

    behaviours: tuple[Behaviour, ...]
    poses: dict[str, dict[str, float]]
    sources: dict[str, Path] = field(default_factory=dict)
    sounds: tuple[str, ...] = ()
    temperament: Temperament = field(default_factory=Temperament)
    templates: tuple[str, ...] = ()

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

    def to_json(self) -> dict[str, Any]:
        """The checked library as JSON data (what :mod:`behaviors.cache` stores)."""
        return {
            "behaviours": [b.model_dump(mode="json") for b in self.behaviours],
            "poses": self.poses,
            "sources": {name: str(p) for name, p in self.sources.items()},
            "sounds": list(self.sounds),
            "temperament": self.temperament.model_dump(mode="json"),
            "templates": list(self.templates),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BehaviourLibrary:
        """The library :meth:`to_json` wrote (KeyError, TypeError or ValueError if not)."""
        return cls(
            tuple(Behaviour.model_validate(b) for b in data["behaviours"]),
            {name: dict(joints) for name, joints in data["poses"].items()},
            {name: Path(p) for name, p in data["sources"].items()},
            tuple(data["sounds"]),
            Temperament.model_validate(data["temperament"]),
            tuple(data["templates"]),
        )


def _from_cache(data: dict[str, Any] | None) -> BehaviourLibrary | None:
    """A cached library, or None when there is none or it is stale or corrupt."""
    if data is None:
        return None
    try:
        return BehaviourLibrary.from_json(data)
    except (ValueError, KeyError, TypeError, AttributeError) as error:  # ValidationError too
        log.debug("ignoring the cached behaviour library: %s", error)
        return None


def library_files(paths: Iterable[Path]) -> list[Path]:
    """YAML files named or found under folders named, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.y*ml") if p.is_file()))
        else:
            files.append(path)
    return files


def load_poses(path: Path = DEFAULT_POSES) -> dict[str, dict[str, float]]:
    """Named poses from ``path``; raises :class:`LibraryError` on any problem."""
    try:
        poses = load_model(path, PosesFile)
    except YamlError as error:
        raise LibraryError(error.messages) from error
    return {name: joints.angles() for name, joints in poses.poses.items()}


def load_temperament(path: Path = DEFAULT_TEMPERAMENT) -> Temperament:
    """The pet's temperament from ``path``; raises :class:`LibraryError` on any problem."""
    try:
        return load_model(path, Temperament)
    except YamlError as error:
        raise LibraryError(error.messages) from error


def sound_names(folder: Path = DEFAULT_SOUNDS_DIR) -> tuple[str, ...]:
    """Names of the sounds in ``folder`` (the stems of its WAV files)."""
    return tuple(sorted(p.stem for p in folder.glob("*.wav"))) if folder.is_dir() else ()


def _pose_names_of_broken_file(path: Path) -> dict[str, dict[str, float]]:
    """Pose names a broken poses file still declares, so its errors do not cascade."""
    try:
        document = load_yaml(path)
    except YamlError:
        return {}
    poses = document.get("poses") if isinstance(document, CommentedMap) else None
    return {str(name): {} for name in poses} if isinstance(poses, CommentedMap) else {}


def load_library(
    paths: Sequence[Path] | None = None,
    poses_path: Path = DEFAULT_POSES,
    sounds_dir: Path = DEFAULT_SOUNDS_DIR,
    temperament_path: Path = DEFAULT_TEMPERAMENT,
    cache_dir: Path | None = None,
) -> BehaviourLibrary:
    """Load every behaviour file under ``paths`` (default: the shipped library).

    Collects every error of every file before raising :class:`LibraryError`.
    With ``cache_dir`` a checked library is kept on disk and reused while no
    input changed (see :mod:`behaviors.cache`).
    """
    if cache_dir is not None:
        from behaviors import cache

        roots = list(paths or [DEFAULT_LIBRARY_DIR])
        inputs = [*library_files(roots), poses_path, temperament_path]
        key = cache.library_key(inputs, sound_names(sounds_dir))
        if key is not None:
            hit = _from_cache(cache.load_cached(cache_dir, key))
            if hit is not None:
                return hit
            library = load_library(paths, poses_path, sounds_dir, temperament_path)
            cache.store(cache_dir, key, library.to_json())
            return library
    messages: list[str] = []
    try:
        poses = load_poses(poses_path)
    except LibraryError as error:
        messages.extend(error.messages)
        poses = _pose_names_of_broken_file(poses_path)
    try:
        temperament = load_temperament(temperament_path)
    except LibraryError as error:
        messages.extend(error.messages)
        temperament = Temperament()
    roots = list(paths or [DEFAULT_LIBRARY_DIR])
    files = library_files(roots)
    if not files:
        messages.append(f"{roots[0]}:1:1: (files): no behaviour files")
    loader = FileLoader(poses, sound_names(sounds_dir))
    read = {path: loader.read(path) for path in files}
    documents: dict[Path, Any] = {}
    for path, result in read.items():
        if result is not None:
            documents[path] = result[0]
            loader.add(path, *result)
    loader.check_recent(documents)
    messages.extend(loader.messages)
    if messages:
        raise LibraryError(messages)
    return BehaviourLibrary(
        tuple(loader.behaviours),
        poses,
        loader.sources,
        loader.sounds,
        temperament,
        tuple(sorted(loader.templates)),
    )


def load_or_last_good(
    paths: Sequence[Path] | None = None,
    cache_dir: Path | None = None,
    **files: Path,
) -> tuple[BehaviourLibrary, list[str]]:
    """Load the library; when it is broken, fall back to the last good one in ``cache_dir``.

    Returns the library and the error messages that made it fall back (empty
    when the files loaded). Raises :class:`LibraryError` only when the files
    are broken and no good library was ever stored: a broken edit made while
    the pet was off does not stop it from starting.
    """
    try:
        return load_library(paths, cache_dir=cache_dir, **files), []
    except LibraryError as error:
        if cache_dir is None:
            raise
        from behaviors.cache import load_last_good

        last = _from_cache(load_last_good(cache_dir))
        if last is None:
            raise
        return last, error.messages


def library_sources(paths: Sequence[Path]) -> dict[str, Any]:
    """Library files and folders split by role, as ``load_library`` and the watcher take them.

    ``poses.yaml`` and ``temperament.yaml`` replace the shipped ones; sounds
    are read from their folder; every other YAML file holds behaviours.
    """
    sources: dict[str, Any] = {}
    library: list[Path] = []
    for path in library_files(list(paths)):
        if path.name == "poses.yaml":
            sources["poses_path"] = path
        elif path.name == "temperament.yaml":
            sources["temperament_path"] = path
        elif path.parent.name != "sounds":
            library.append(path)
    if library:
        sources["paths"] = library
    return sources
