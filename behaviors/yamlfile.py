"""YAML with positions: every error becomes ``file:line:col: path.in.document: message``.

Used for behaviour files, scenarios and robot configuration alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

M = TypeVar("M", bound=BaseModel)


class YamlError(Exception):
    """One or more located problems in one file; ``messages`` are ready to print."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


def load_yaml(path: Path) -> Any:
    """Parse ``path`` keeping positions; syntax errors raise :class:`YamlError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise YamlError([f"{path}:1:1: (file): cannot read: {error}"]) from error
    try:
        return YAML(typ="rt").load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context or "invalid YAML"
        raise YamlError([f"{path}:{line}:{col}: (syntax): {problem}"]) from error
    except Exception as error:  # ruamel raises a few unmarked kinds too
        raise YamlError([f"{path}:1:1: (syntax): {error}"]) from error


def locate(document: Any, loc: Sequence[int | str]) -> tuple[int, int, str]:
    """Line, column (1-based) and dotted path of the deepest node ``loc`` reaches.

    Parts of ``loc`` that name no node (pydantic's union tags) are skipped.
    """
    node = document
    line, col = 1, 1
    path: list[str] = []
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            kl, kc = node.lc.key(part)
            line, col = kl + 1, kc + 1
            path.append(str(part))
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            il, ic = node.lc.item(part)
            line, col = il + 1, ic + 1
            path.append(f"[{part}]")
            node = node[part]
        elif isinstance(node, CommentedMap | CommentedSeq) and hasattr(node, "lc"):
            continue
    dotted = ".".join(path).replace(".[", "[") or "(document)"
    return line, col, dotted


def validation_messages(path: Path, document: Any, error: ValidationError) -> list[str]:
    """Every pydantic error of ``error`` as a located one-line message."""
    out = []
    for item in error.errors():
        loc = item["loc"]
        line, col, dotted = locate(document, loc)
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = f"unknown field '{loc[-1]}'"
        elif item["type"] == "missing":
            message = f"missing field '{loc[-1]}'"
        out.append(f"{path}:{line}:{col}: {dotted}: {message}")
    return out


def load_model(path: Path, model: type[M]) -> M:
    """Load ``path`` and validate it as ``model``; every problem raises :class:`YamlError`."""
    document = load_yaml(path)
    if document is None:
        raise YamlError([f"{path}:1:1: (document): the file is empty"])
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise YamlError(validation_messages(path, document, error)) from error
