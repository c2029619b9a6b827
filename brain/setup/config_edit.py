"""Write calibration results into ``robot.yaml`` without losing its comments.

The file is parsed round-trip (ruamel), changed in place, validated as a
whole :class:`brain.setup.config.RobotFile`, and only then written back
(atomically, beside the original), so a bad value never leaves a broken file.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from behaviors.yamlfile import YamlError, load_yaml, validation_messages
from brain.setup.config import RobotFile


def _number(value: float) -> float | int:
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def update_robot_file(
    path: Path,
    servo: dict[str, float] | None = None,
    servo_name: str | None = None,
    pads: dict[str, dict[str, float]] | None = None,
    touch: dict[str, int] | None = None,
) -> RobotFile:
    """Apply the changes, validate, write back; the validated file (YamlError when invalid)."""
    document: Any = load_yaml(path)
    if servo is not None:
        entry = _find(document.get("servos") or [], servo_name, path, "servo")
        for key, value in servo.items():
            entry[key] = _number(value)
    for name, values in (pads or {}).items():
        entry = _find(document.get("pads") or [], name, path, "pad")
        entry["calibration"] = CommentedMap((k, _number(v)) for k, v in values.items())
    if touch:
        section = document.get("touch")
        if section is None:
            section = document["touch"] = CommentedMap()
        for key, value in touch.items():
            section[key] = value
    try:
        validated = RobotFile.model_validate(document)
    except ValidationError as error:
        raise YamlError(validation_messages(path, document, error)) from error
    buffer = io.StringIO()
    yaml = YAML(typ="rt")
    yaml.width = 4096  # keep flow-style entries on one line
    yaml.dump(document, buffer)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(tmp, path)
    return validated


def _find(entries: Any, name: str | None, path: Path, what: str) -> Any:
    for entry in entries:
        if isinstance(entry, dict) and entry.get("name") == name:
            return entry
    raise YamlError([f"{path}:1:1: {what}s: no {what} named '{name}'"])
