"""docs/behaviors.md documents every field of the language, and nothing that is not one."""

from __future__ import annotations

import re
from pathlib import Path

from behaviors.jsonschema import json_schema

DOC = Path(__file__).resolve().parents[2] / "docs" / "behaviors.md"
INHERITS = {"TemplatedBehaviour": "Behaviour"}
TOP_LEVEL = {"library": "LibraryFile", "poses": "PosesFile", "temperament": "Temperament"}


def schema_fields() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for kind, name in TOP_LEVEL.items():
        schema = json_schema(kind)
        out[name] = set(schema["properties"])
        for definition, body in schema.get("definitions", {}).items():
            out[definition] = set(body.get("properties", {}))
    for child, parent in INHERITS.items():
        out[child] -= out[parent]
    return out


def documented() -> dict[str, set[str]]:
    """Rows ``| `field` |`` after each ``<!-- schema: A B -->`` marker, by schema name."""
    out: dict[str, set[str]] = {}
    current: list[str] = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        marker = re.match(r"<!-- schema: ([\w ]+) -->", line)
        if marker:
            current = marker.group(1).split()
            for name in current:
                out[name] = set()
            continue
        if line.startswith("#"):
            current = []
        row = re.match(r"\| `(\w+)` \|", line)
        if row and current:
            for name in current:
                out[name].add(row.group(1))
    return out


def test_every_schema_object_has_a_reference_section() -> None:
    assert set(schema_fields()) <= set(documented())


def test_every_field_is_documented_and_nothing_else() -> None:
    fields = schema_fields()
    docs = documented()
    steps = {n for n in docs if n.endswith("Step") and n != "UseStep"}
    step_rows = set().union(*(docs[n] for n in steps))
    for name, wanted in fields.items():
        got = step_rows if name in steps else docs[name]
        if name in steps:
            assert wanted <= got, f"{name}: undocumented {sorted(wanted - got)}"
            continue
        assert got == wanted, (
            f"{name}: undocumented {sorted(wanted - got)}, stale {sorted(got - wanted)}"
        )
    all_step_fields = set().union(*(fields[n] for n in steps))
    assert step_rows == all_step_fields


def test_the_tutorial_example_is_a_valid_behaviour(tmp_path: Path) -> None:
    from behaviors.library import load_library

    text = DOC.read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "my_first.yaml").write_text(example)
    library = load_library([tmp_path])
    assert library.names == ["happy_chirp_on_head_pat"]
