"""YAML with positions: every error becomes ``file:line:col: path.in.document: message``.

Used for behaviour files, scenarios and robot configuration alike. Nodes
copied from another place (a template expanded where it is used) can carry an
:class:`Origin`, so an error inside them points at the template's own file,
line and path, and says where it was used.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

M = TypeVar("M", bound=BaseModel)
_ORIGINS = "petbrain_origins"


class YamlError(Exception):
    """One or more located problems in one file; ``messages`` are ready to print."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class Origin:
    """Where a copied child node really comes from: file, its path there, and a note."""

    path: Path
    prefix: tuple[str, ...]
    via: str = ""


@dataclass(frozen=True)
class Location:
    """A place in a YAML file: 1-based line and column plus the dotted document path."""

    path: Path
    line: int
    col: int
    dotted: str
    via: str = ""

    def message(self, text: str) -> str:
        """``file:line:col: path: text`` (plus where a template was used)."""
        suffix = f" ({self.via})" if self.via else ""
        return f"{self.path}:{self.line}:{self.col}: {self.dotted}: {text}{suffix}"


def set_origin(
    container: CommentedMap | CommentedSeq,
    key: str | int,
    origin: Origin,
    position: tuple[int, int] | None = None,
) -> None:
    """Mark ``container[key]`` as copied from ``origin``; ``position`` is 0-based line, col."""
    origins = getattr(container, _ORIGINS, None)
    if origins is None:
        origins = {}
        setattr(container, _ORIGINS, origins)
    origins[key] = origin
    if position is not None and isinstance(container, CommentedMap):
        line, col = position
        container.lc.add_kv_line_col(key, [line, col, line, col])


# Limits for every YAML file petbrain reads (behaviours, scenarios, robot.yaml).
# The shipped files are under 10 KB; a 50 MB file hung `behaviors check` and
# cost a running pet 2.2 GB, and ruamel's time grows faster than the size.
MAX_YAML_BYTES = 256 * 1024
# Nodes a document may have once aliases are expanded (an alias bomb is a
# few lines that expand to billions of nodes when something walks them).
MAX_YAML_NODES = 200_000


def read_bounded(path: Path, max_bytes: int = MAX_YAML_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; anything else is a YamlError.

    A named pipe, a device (a link to /dev/zero) or a directory is refused
    before it is opened, so nothing blocks or fills memory.
    """
    where = f"{path}:1:1: (file)"
    try:
        info = path.stat()
    except OSError as error:
        raise YamlError([f"{where}: cannot read: {error.strerror or error}"]) from error
    if not stat.S_ISREG(info.st_mode):
        raise YamlError([f"{where}: not a regular file (a pipe, device or directory)"])
    if info.st_size > max_bytes:
        raise YamlError([f"{where}: {info.st_size} bytes is over the {max_bytes} byte limit"])
    try:
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as error:
        raise YamlError([f"{where}: cannot read: {error.strerror or error}"]) from error
    if len(data) > max_bytes:
        raise YamlError([f"{where}: over the {max_bytes} byte limit"])
    return data


def expanded_size(document: Any, limit: int = MAX_YAML_NODES) -> int:
    """Nodes of ``document`` with every alias expanded (counting stops past ``limit``)."""
    sizes: dict[int, int] = {}

    def size(node: Any) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        total = 1
        if isinstance(node, dict):
            for key, value in node.items():
                total += size(key) + size(value)
                if total > limit:
                    break
        elif isinstance(node, list):
            for value in node:
                total += size(value)
                if total > limit:
                    break
        if isinstance(node, dict | list):
            sizes[id(node)] = total
        return total

    return size(document)


def load_yaml(path: Path) -> Any:
    """Parse ``path`` keeping positions; syntax errors raise :class:`YamlError`."""
    data = read_bounded(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlError([f"{path}:1:1: (file): cannot read: {error}"]) from error
    try:
        document = YAML(typ="rt").load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context or "invalid YAML"
        context = error.context_mark
        if error.problem and error.context and context is not None and context is not mark:
            problem += f" ({error.context} at line {context.line + 1})"
        raise YamlError([f"{path}:{line}:{col}: (syntax): {problem}"]) from error
    except RecursionError as error:
        raise YamlError([f"{path}:1:1: (syntax): nested too deeply"]) from error
    except Exception as error:  # ruamel raises a few unmarked kinds too
        raise YamlError([f"{path}:1:1: (syntax): {error}"]) from error
    try:
        nodes = expanded_size(document)
    except RecursionError as error:
        raise YamlError([f"{path}:1:1: (document): nested too deeply"]) from error
    if nodes > MAX_YAML_NODES:
        raise YamlError(
            [f"{path}:1:1: (document): aliases expand to more than {MAX_YAML_NODES} nodes"]
        )
    return document


def key_position(node: CommentedMap, key: Any) -> tuple[int, int] | None:
    """0-based line and column of ``key`` in ``node``, when ruamel recorded it."""
    try:
        position = node.lc.key(key)
    except (KeyError, AttributeError, TypeError):
        return None
    return (position[0], position[1]) if position else None


def item_position(node: CommentedSeq, index: int) -> tuple[int, int] | None:
    """0-based line and column of item ``index`` of ``node``, when recorded."""
    try:
        position = node.lc.item(index)
    except (KeyError, AttributeError, TypeError, IndexError):
        return None
    return (position[0], position[1]) if position else None


def _dotted(path: list[str]) -> str:
    return ".".join(path).replace(".[", "[") or "(document)"


def locate_in(
    path: Path, document: Any, loc: Sequence[int | str], base: Location | None = None
) -> Location:
    """The :class:`Location` of the deepest node of ``document`` that ``loc`` reaches.

    Parts of ``loc`` that name no node (pydantic's union tags) are skipped.
    ``base`` is where ``document`` itself sits when it is a piece of a larger file.
    """
    node = document
    file, line, col, via = path, 1, 1, ""
    parts: list[str] = []
    if base is not None:
        file, line, col, via = base.path, base.line, base.col, base.via
        parts = [base.dotted]
    for part in loc:
        position: tuple[int, int] | None
        if isinstance(node, CommentedMap) and part in node:
            position = key_position(node, part)
            step = str(part)
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            position = item_position(node, part)
            step = f"[{part}]"
        else:
            continue
        origin: Origin | None = getattr(node, _ORIGINS, {}).get(part)
        if origin is not None:
            file, parts, via = origin.path, list(origin.prefix), origin.via
        else:
            parts.append(step)
        if position is not None:
            line, col = position[0] + 1, position[1] + 1
        node = node[part]
    return Location(file, line, col, _dotted(parts), via)


def locate(document: Any, loc: Sequence[int | str]) -> tuple[int, int, str]:
    """Line, column (1-based) and dotted path of the deepest node ``loc`` reaches."""
    where = locate_in(Path(), document, loc)
    return where.line, where.col, where.dotted


def error_text(item: Any, field_names: Sequence[str] = ()) -> str:
    """A designer-friendly message for one pydantic error.

    ``field_names`` are all the field names of the language, for "did you mean".
    """
    loc = item["loc"]
    kind = item["type"]
    value = item.get("input")
    ctx = item.get("ctx") or {}
    if kind == "extra_forbidden":
        close = get_close_matches(str(loc[-1]), field_names, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown field '{loc[-1]}'{hint}"
    if kind == "missing":
        return f"missing field '{loc[-1]}'"
    if kind in ("literal_error", "enum") and isinstance(value, str | int | float):
        expected = str(ctx.get("expected", "?"))
        close = get_close_matches(str(value), re.findall(r"'([^']*)'", expected), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"'{value}' is not allowed here; {hint}use one of: {expected}"
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "name":
        return f"'{value}' is not a valid name: use lower_case letters, digits and _"
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "colour":
        return f"'{value}' is not a colour like #ffb060"
    bounds = {
        "less_than_equal": ("is above the maximum", "le"),
        "less_than": ("must be below", "lt"),
        "greater_than_equal": ("is below the minimum", "ge"),
        "greater_than": ("must be above", "gt"),
    }
    if kind in bounds and isinstance(value, int | float):
        words, key = bounds[kind]
        bound = ctx.get(key)
        shown = f"{bound:g}" if isinstance(bound, int | float) else str(bound)
        return f"{value:g} {words} {shown}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"'{value}' is not a whole number"
    if kind in ("float_parsing", "float_type"):
        return f"'{value}' is not a number"
    if kind in ("bool_parsing", "bool_type"):
        return f"'{value}' is not true or false"
    if kind == "list_type":
        return "expected a list (items start with '- ')"
    if kind in {"dict_type", "model_type"}:
        return "expected a mapping (key: value)"
    message = str(item["msg"])
    return message.removeprefix("Value error, ")


def validation_messages(
    path: Path,
    document: Any,
    error: ValidationError,
    base: Location | None = None,
    field_names: Sequence[str] = (),
) -> list[str]:
    """Every pydantic error of ``error`` as a located one-line message.

    ``base`` is where ``document`` sits when it is a piece of a larger file;
    ``field_names`` feed "did you mean" hints for unknown fields.
    """
    located = []
    for item in error.errors():
        where = locate_in(path, document, item["loc"], base)
        located.append((where.line, where.col, where.message(error_text(item, field_names))))
    # Top to bottom, as a designer reads the file (pydantic goes by field order).
    return [message for _, _, message in sorted(located, key=lambda m: (m[0], m[1]))]


def load_model(path: Path, model: type[M]) -> M:
    """Load ``path`` and validate it as ``model``; every problem raises :class:`YamlError`."""
    document = load_yaml(path)
    if document is None:
        raise YamlError([f"{path}:1:1: (document): the file is empty"])
    try:
        return model.model_validate(document)
    except ValidationError as error:
        names = sorted(model_field_names(model))
        raise YamlError(validation_messages(path, document, error, None, names)) from error


def model_field_names(model: type[BaseModel]) -> set[str]:
    """Every field name (by alias) of ``model`` and the models nested in it."""
    names: set[str] = set()
    schema = model.model_json_schema()
    for definition in [schema, *schema.get("$defs", {}).values()]:
        names.update(definition.get("properties", {}))
    return names
