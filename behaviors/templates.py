"""Templates: reusable behaviours and step lists with ``${param}`` holes (like blueprints).

A template is declared under ``templates:`` in any library file::

    templates:
      purr_back:
        params: {intensity: {default: 0.7}}
        steps:
          - vibrate: {pattern: purr, intensity: "${intensity}", duration_ms: 3000}

and used as a whole behaviour (``- name: x`` / ``use: T`` / ``with: {...}``) or
as a step (``- use: T`` / ``with: {...}``). Expansion works on the YAML tree
before validation, and copied nodes remember their origin, so an error in a
template points at the template's own line and says where it was used.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from behaviors.schema import Template
from behaviors.yamlfile import (
    Location,
    Origin,
    item_position,
    key_position,
    locate_in,
    set_origin,
)

_HOLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_MAX_DEPTH = 8
# Steps all template uses of one library may expand to (the shipped library
# uses under 200): templates nested 7 deep with 10 uses each once grew a
# running pet to 6.8 GB.
MAX_EXPANDED_STEPS = 2_000


@dataclass(frozen=True)
class TemplateSource:
    """A checked template with its raw YAML node and where it is declared."""

    name: str
    template: Template
    node: CommentedMap
    path: Path


class Expander:
    """Expands ``use:`` in behaviour nodes; collects located error messages."""

    def __init__(self, templates: dict[str, TemplateSource]) -> None:
        self.templates = templates
        self.messages: list[str] = []
        self.expanded_steps = 0

    # -- parameters -------------------------------------------------------

    def _params(
        self, source: TemplateSource, given: Any, where: Location, with_where: Location
    ) -> dict[str, Any] | None:
        values: dict[str, Any] = {}
        ok = True
        given = given if isinstance(given, dict) else {}
        for key in given:
            if key not in source.template.params:
                known = ", ".join(sorted(source.template.params)) or "none"
                at = with_where
                position = key_position(given, key) if isinstance(given, CommentedMap) else None
                if position is not None:
                    line, col = position[0] + 1, position[1] + 1
                    at = Location(at.path, line, col, f"{at.dotted}.{key}", at.via)
                self.messages.append(
                    at.message(
                        f"template '{source.name}' has no parameter '{key}' (known: {known})"
                    )
                )
                ok = False
        for name, param in source.template.params.items():
            if name in given:
                values[name] = given[name]
            elif param.required:
                self.messages.append(
                    where.message(f"template '{source.name}' needs parameter '{name}'")
                )
                ok = False
            else:
                values[name] = param.default
        return values if ok else None

    def _fill(self, node: Any, values: dict[str, Any]) -> Any:
        """``node`` with every ``${param}`` replaced (unknown holes are left as they are)."""
        if isinstance(node, CommentedMap):
            for key in list(node):
                node[key] = self._fill(node[key], values)
            return node
        if isinstance(node, CommentedSeq):
            for index, item in enumerate(node):
                node[index] = self._fill(item, values)
            return node
        if isinstance(node, str):
            whole = _HOLE.fullmatch(node)
            if whole and whole.group(1) in values:
                return copy.deepcopy(values[whole.group(1)])
            return _HOLE.sub(lambda m: str(values.get(m.group(1), m.group(0))), node)
        return node

    # -- behaviours -------------------------------------------------------

    def behaviour(self, path: Path, document: Any, index: int) -> CommentedMap | None:
        """The expanded node of ``behaviors[index]``, or None after reporting errors."""
        node = document["behaviors"][index]
        loc = ("behaviors", index)
        if "use" in node:
            expanded = self._behaviour_from_template(path, document, index)
            if expanded is None:
                return None
            node = expanded
        else:
            node = copy.deepcopy(node)
        do = node.get("do")
        if isinstance(do, CommentedSeq):
            # Where 'do' really is: the template's file when it came from one.
            where = locate_in(path, node, ("do",), locate_in(path, document, loc))
            self._steps(do, where, 0)
        return node if isinstance(node, CommentedMap) else None

    def _behaviour_from_template(
        self, path: Path, document: Any, index: int
    ) -> CommentedMap | None:
        instance = document["behaviors"][index]
        loc = ("behaviors", index)
        use_at = locate_in(path, document, (*loc, "use"))
        source = self.templates.get(str(instance["use"]))
        if source is None:
            hint = name_hint(str(instance["use"]), self.templates)
            self.messages.append(use_at.message(f"unknown template '{instance['use']}' ({hint})"))
            return None
        if source.template.behaviour is None:
            self.messages.append(
                use_at.message(f"template '{source.name}' is a step list; use it inside 'do'")
            )
            return None
        with_at = locate_in(path, document, (*loc, "with"))
        values = self._params(source, instance.get("with"), use_at, with_at)
        if values is None:
            return None
        body = copy.deepcopy(source.node["behaviour"])
        via = f"template '{source.name}' used at {use_at.path}:{use_at.line}:{use_at.col}"
        expanded = CommentedMap()
        for key in body:
            expanded[key] = body[key]
            kl, kc = key_position(body, key) or (0, 0)
            set_origin(
                expanded,
                key,
                Origin(source.path, ("templates", source.name, "behaviour", str(key)), via),
                (kl, kc),
            )
        for key in instance:
            if key in ("use", "with"):
                continue
            expanded[key] = copy.deepcopy(instance[key])
            kl, kc = key_position(instance, key) or (0, 0)
            expanded.lc.add_kv_line_col(key, [kl, kc, kl, kc])
            set_origin(expanded, key, Origin(path, (*_prefix(loc), str(key))))
        return self._fill(expanded, values)  # type: ignore[no-any-return]

    # -- steps ------------------------------------------------------------

    def _steps(self, steps: CommentedSeq, where: Location, depth: int) -> None:
        for index, step in enumerate(steps):
            if not isinstance(step, CommentedMap):
                continue
            if "use" in step:
                replaced = self._use_step(step, where, index, depth)
                if replaced is not None:
                    steps[index] = replaced
                continue
            for key in ("parallel", "sequence"):
                if isinstance(step.get(key), CommentedSeq):
                    self._steps(step[key], where, depth)
            if isinstance(step.get("choose"), CommentedSeq):
                for variant in step["choose"]:
                    if isinstance(variant, CommentedMap) and isinstance(
                        variant.get("do"), CommentedSeq
                    ):
                        self._steps(variant["do"], where, depth)

    def _use_step(
        self, step: CommentedMap, where: Location, index: int, depth: int
    ) -> CommentedMap | None:
        line, col = key_position(step, "use") or (0, 0)
        at = Location(where.path, line + 1, col + 1, f"{where.dotted}[{index}].use", where.via)
        source = self.templates.get(str(step["use"]))
        if source is None:
            hint = name_hint(str(step["use"]), self.templates)
            self.messages.append(at.message(f"unknown template '{step['use']}' ({hint})"))
            return None
        if source.template.steps is None:
            self.messages.append(
                at.message(f"template '{source.name}' is a behaviour; use it in 'behaviors'")
            )
            return None
        if depth >= _MAX_DEPTH:
            self.messages.append(at.message(f"templates nest deeper than {_MAX_DEPTH} (a loop?)"))
            return None
        if self.expanded_steps > MAX_EXPANDED_STEPS:
            return None  # said once, below
        self.expanded_steps += len(source.node["steps"])
        if self.expanded_steps > MAX_EXPANDED_STEPS:
            self.messages.append(
                at.message(f"templates expand to more than {MAX_EXPANDED_STEPS} steps")
            )
            return None
        with_line, with_col = key_position(step, "with") or (line, col)
        with_at = Location(
            where.path, with_line + 1, with_col + 1, f"{where.dotted}[{index}].with", where.via
        )
        values = self._params(source, step.get("with"), at, with_at)
        if values is None:
            return None
        body = self._fill(copy.deepcopy(source.node["steps"]), values)
        via = f"template '{source.name}' used at {at.path}:{at.line}:{at.col}"
        replaced = CommentedMap()
        replaced["sequence"] = body
        kl, kc = key_position(source.node, "steps") or (0, 0)
        set_origin(
            replaced,
            "sequence",
            Origin(source.path, ("templates", source.name, "steps"), via),
            (kl, kc),
        )
        inner = Location(source.path, kl + 1, kc + 1, f"templates.{source.name}.steps", via)
        self._steps(body, inner, depth + 1)
        return replaced


def name_hint(name: str, known: Iterable[str]) -> str:
    """``did you mean 'x'?`` when a known name is close, else the list of known names."""
    names = sorted(known)
    close = get_close_matches(name, names, n=3)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return "known: " + (", ".join(names) or "none")


def _prefix(loc: tuple[str | int, ...]) -> tuple[str, ...]:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(part)
    return tuple(parts)


def check_holes(source: TemplateSource) -> list[str]:
    """Located errors for ``${name}`` holes in ``source`` that name no declared parameter."""
    messages: list[str] = []
    declared = set(source.template.params)

    def walk(node: Any, parts: list[str], line: int, col: int) -> None:
        if isinstance(node, CommentedMap):
            for key in node:
                kl, kc = key_position(node, key) or (line - 1, col - 1)
                walk(node[key], [*parts, str(key)], kl + 1, kc + 1)
        elif isinstance(node, CommentedSeq):
            for index, item in enumerate(node):
                il, ic = item_position(node, index) or (line - 1, col - 1)
                walk(item, [*parts, f"[{index}]"], il + 1, ic + 1)
        elif isinstance(node, str):
            for name in _HOLE.findall(node):
                if name not in declared:
                    known = ", ".join(sorted(declared)) or "none"
                    dotted = ".".join(parts).replace(".[", "[")
                    messages.append(
                        f"{source.path}:{line}:{col}: {dotted}: unknown parameter "
                        f"'${{{name}}}' (declared: {known})"
                    )

    line, col = 1, 1
    walk(source.node, ["templates", source.name], line, col)
    return messages
