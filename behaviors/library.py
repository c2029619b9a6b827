"""Load and check behaviour libraries: every error in every file, located.

A broken file never stops the pet: callers keep the last good
:class:`BehaviourLibrary` and show the messages.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from behaviors.mistakes import top_level_mistake
from behaviors.schema import Behaviour, Entry, LibraryFile, PosesFile, Temperament, Template
from behaviors.templates import Expander, TemplateSource, check_holes, name_hint
from behaviors.yamlfile import (
    Location,
    YamlError,
    load_model,
    load_yaml,
    locate_in,
    model_field_names,
)
from behaviors.yamlfile import validation_messages as _messages

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_LIBRARY_DIR = PACKAGE_DIR / "library"
DEFAULT_POSES = PACKAGE_DIR / "poses.yaml"
DEFAULT_SOUNDS_DIR = PACKAGE_DIR / "sounds"
DEFAULT_TEMPERAMENT = PACKAGE_DIR / "temperament.yaml"
FIELD_NAMES = sorted(model_field_names(LibraryFile))
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


def _step_refs(
    steps: Any, loc: tuple[str | int, ...]
) -> Iterator[tuple[str, str, tuple[str | int, ...]]]:
    """(kind, name, loc) of every pose or sound named in a raw step list."""
    if not isinstance(steps, CommentedSeq):
        return
    for index, step in enumerate(steps):
        if not isinstance(step, CommentedMap):
            continue
        here = (*loc, index)
        for kind in ("pose", "sound"):
            spec = step.get(kind)
            if isinstance(spec, CommentedMap) and isinstance(spec.get("name"), str):
                yield kind, spec["name"], (*here, kind, "name")
        for key in ("parallel", "sequence"):
            yield from _step_refs(step.get(key), (*here, key))
        variants = step.get("choose")
        if isinstance(variants, CommentedSeq):
            for v_index, variant in enumerate(variants):
                if isinstance(variant, CommentedMap):
                    yield from _step_refs(variant.get("do"), (*here, "choose", v_index, "do"))


_PARSED: dict[Path, tuple[int, int, Any]] = {}


def parse_cached(path: Path) -> Any:
    """``load_yaml(path)``, reusing the last parse while the file is unchanged.

    Round-trip parsing is slow in pure Python; hot reload re-reads only the
    files that changed. Parsed documents are never mutated (expansion copies).
    """
    try:
        info = path.stat()
    except OSError as error:
        raise YamlError([f"{path}:1:1: (file): cannot read: {error}"]) from error
    key = (info.st_mtime_ns, info.st_size)
    hit = _PARSED.get(path)
    if hit is not None and hit[:2] == key:
        return hit[2]
    document = load_yaml(path)
    _PARSED[path] = (*key, document)
    return document


@dataclass
class _Loader:
    poses: dict[str, dict[str, float]]
    sounds: tuple[str, ...]
    messages: list[str] = field(default_factory=list)
    templates: dict[str, TemplateSource] = field(default_factory=dict)
    behaviours: list[Behaviour] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)

    def read(self, path: Path) -> tuple[Any, list[tuple[int, Entry]]] | None:
        """Parse and validate one file; collect its templates; return its valid entries.

        A file with errors still contributes its valid templates and behaviours,
        so one mistake does not cascade into errors elsewhere.
        """
        if not path.exists():
            self.messages.append(f"{path}:1:1: (file): no such file")
            return None
        try:
            document = parse_cached(path)
        except YamlError as error:
            self.messages.extend(error.messages)
            return None
        if document is None:
            self.messages.append(f"{path}:1:1: (document): the file is empty")
            return None
        mistake = top_level_mistake(path, document)
        if mistake is not None:
            self.messages.append(mistake)
            return None
        try:
            loaded = LibraryFile.model_validate(document)
            templates = loaded.templates
            entries = list(enumerate(loaded.behaviors))
        except ValidationError as error:
            self.messages.extend(_messages(path, document, error, None, FIELD_NAMES))
            if not isinstance(document, CommentedMap):
                return None
            templates, entries = _salvage(document)
            self._check_refs_of_broken(path, document, {index for index, _ in entries})
        for name, template in templates.items():
            if name in self.templates:
                where = locate_in(path, document, ("templates", name))
                first = self.templates[name].path
                self.messages.append(
                    where.message(f"duplicate template '{name}' (first in {first})")
                )
                continue
            source = TemplateSource(name, template, document["templates"][name], path)
            self.messages.extend(check_holes(source))
            self.templates[name] = source
        return document, entries

    def add(self, path: Path, document: Any, entries: list[tuple[int, Entry]]) -> None:
        """Expand templates, validate and cross-check each behaviour of one file."""
        expander = Expander(self.templates)
        for index, entry in entries:
            base = locate_in(path, document, ("behaviors", index))
            node = expander.behaviour(path, document, index)
            for message in expander.messages:
                if message not in self.messages:
                    self.messages.append(message)
            expander.messages.clear()
            if node is None:
                continue
            try:
                behaviour = Behaviour.model_validate(node)
            except ValidationError as error:
                for message in _messages(path, node, error, base, FIELD_NAMES):
                    if message not in self.messages:
                        self.messages.append(message)
                self._check_refs(path, node, base)  # in the same pass as the schema errors
                continue
            if entry.name in self.sources:
                where = locate_in(path, document, ("behaviors", index, "name"))
                first = self.sources[entry.name]
                self.messages.append(
                    where.message(f"duplicate behaviour name '{entry.name}' (first in {first})")
                )
                continue
            self._check_refs(path, node, base)
            self.sources[behaviour.name] = path
            self.behaviours.append(behaviour)

    def _check_refs(self, path: Path, node: Any, base: Location) -> None:
        known = {"pose": self.poses, "sound": self.sounds}
        for kind, name, loc in _step_refs(node.get("do"), ("do",)):
            if name not in known[kind]:
                hint = name_hint(name, known[kind])
                where = locate_in(path, node, loc, base)
                message = where.message(f"unknown {kind} '{name}' ({hint})")
                if message not in self.messages:
                    self.messages.append(message)

    def _check_refs_of_broken(self, path: Path, document: CommentedMap, valid: set[int]) -> None:
        """Unknown poses and sounds of the plain behaviours that failed validation."""
        raw = document.get("behaviors")
        if not isinstance(raw, CommentedSeq):
            return
        for index, node in enumerate(raw):
            if index in valid or not isinstance(node, CommentedMap) or "use" in node:
                continue
            self._check_refs(path, node, locate_in(path, document, ("behaviors", index)))

    def check_recent(self, documents: dict[Path, Any]) -> None:
        """``recent: {behaviour: X}`` must name a behaviour of the library."""
        for behaviour in self.behaviours:
            for field_name in ("unless", "only_if"):
                for index, condition in enumerate(getattr(behaviour, field_name)):
                    recent = condition.recent
                    if recent is None or recent.behaviour is None:
                        continue
                    if recent.behaviour not in self.sources:
                        path = self.sources[behaviour.name]
                        where = _find(path, documents[path], behaviour.name, field_name, index)
                        hint = name_hint(recent.behaviour, self.sources)
                        self.messages.append(
                            where.message(f"unknown behaviour '{recent.behaviour}' ({hint})")
                        )


_ENTRY: TypeAdapter[Entry] = TypeAdapter(Entry)


def _salvage(document: CommentedMap) -> tuple[dict[str, Template], list[tuple[int, Entry]]]:
    """The templates and behaviours of a broken file that are valid on their own."""
    templates: dict[str, Template] = {}
    raw_templates = document.get("templates")
    if isinstance(raw_templates, CommentedMap):
        for name, node in raw_templates.items():
            try:
                templates[str(name)] = Template.model_validate(node)
            except ValidationError:
                continue
    entries: list[tuple[int, Entry]] = []
    raw_behaviours = document.get("behaviors")
    if isinstance(raw_behaviours, CommentedSeq):
        for index, node in enumerate(raw_behaviours):
            try:
                entries.append((index, _ENTRY.validate_python(node)))
            except ValidationError:
                continue
    return templates, entries


def _find(path: Path, document: Any, name: str, field_name: str, index: int) -> Location:
    for position, node in enumerate(document.get("behaviors") or []):
        if isinstance(node, CommentedMap) and node.get("name") == name:
            loc = ("behaviors", position, field_name, index, "recent", "behaviour")
            return locate_in(path, document, loc)
    return Location(path, 1, 1, "behaviors")


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
    loader = _Loader(poses, sound_names(sounds_dir))
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
