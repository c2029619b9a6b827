"""Read behaviour files one by one: parse (cached), validate, expand templates, check names.

:func:`behaviors.library.load_library` drives a :class:`FileLoader` over a
library's files and turns what it collected into a ``BehaviourLibrary`` or one
``LibraryError`` with every message.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from behaviors.mistakes import top_level_mistake
from behaviors.schema import Behaviour, Entry, LibraryFile, Template
from behaviors.templates import Expander, TemplateSource, check_holes, name_hint
from behaviors.yamlfile import Location, YamlError, load_yaml, locate_in, model_field_names
from behaviors.yamlfile import validation_messages as _messages

FIELD_NAMES = sorted(model_field_names(LibraryFile))


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


def clear_parse_cache() -> None:
    """Forget every parsed document (the benchmark's cold load)."""
    _PARSED.clear()


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
class FileLoader:
    """Reads behaviour files one by one, expands templates and collects every error located."""

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
