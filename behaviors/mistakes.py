"""Whole-file mistakes a designer makes, each explained in one message.

Field-by-field validation reports a wrongly shaped file as a burst of
"unknown field" errors that hide the one real mistake. These checks run
before it and say what is actually wrong: the British spelling of the
top-level key, or a single behaviour written at the top level of the file
instead of as an item of the ``behaviors:`` list, or the list without its key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from behaviors.yamlfile import locate_in

# The top-level keys of a library file, and spellings designers reach for instead.
TOP_LEVEL_KEYS = ("behaviors", "templates")
BRITISH = {"behaviours": "behaviors", "behaviour": "behaviors", "behavior": "behaviors"}
# Fields that only a behaviour has: a mapping with these at the top is one behaviour.
BEHAVIOUR_FIELDS = ("name", "when", "do")


def top_level_mistake(path: Path, document: Any) -> str | None:
    """One located message for a wrongly shaped library file, or ``None`` when it is fine."""
    if isinstance(document, CommentedSeq) and any(
        isinstance(item, CommentedMap) and "name" in item for item in document
    ):
        return locate_in(path, document, ()).message(
            "this file is a bare list of behaviours; a library file puts the list under "
            "'behaviors:' - write 'behaviors:' on the first line and indent the list under it"
        )
    if not isinstance(document, CommentedMap):
        return None
    for key in document:
        if key in BRITISH and "behaviors" not in document:
            where = locate_in(path, document, (key,))
            return where.message(
                f"the list of behaviours is spelled 'behaviors:' (US spelling, like every "
                f"key of the language; 'behaviour' in the docs is prose): rename '{key}:' "
                "to 'behaviors:'"
            )
    if not any(key in document for key in TOP_LEVEL_KEYS) and (
        sum(key in document for key in BEHAVIOUR_FIELDS) >= 2
    ):
        name = document.get("name")
        called = f" '{name}'" if isinstance(name, str) else ""
        where = locate_in(path, document, ())
        return where.message(
            f"this file holds a single behaviour{called} at the top level; a library file "
            "lists its behaviours under 'behaviors:' - write 'behaviors:' on the first "
            "line and indent the behaviour under it as an item starting '- name: ...'"
        )
    return None
