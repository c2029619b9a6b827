"""JSON Schema export for editors: draft-07 compatible, so common YAML plug-ins accept it."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from behaviors.schema import LibraryFile, PosesFile, Temperament

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
SCHEMA_KINDS: dict[str, type[BaseModel]] = {
    "library": LibraryFile,
    "poses": PosesFile,
    "temperament": Temperament,
}
# Keywords draft-07 defines; the export must use nothing else (a test checks).
DRAFT_07_KEYWORDS = frozenset(
    {
        "$schema", "$id", "$ref", "$comment", "title", "description", "default", "examples",
        "readOnly", "writeOnly", "type", "enum", "const", "multipleOf", "maximum",
        "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
        "items", "additionalItems", "maxItems", "minItems", "uniqueItems", "contains",
        "maxProperties", "minProperties", "required", "properties", "patternProperties",
        "additionalProperties", "dependencies", "propertyNames", "if", "then", "else", "allOf",
        "anyOf", "oneOf", "not", "format", "definitions",
    }
)  # fmt: skip


def json_schema(kind: str = "library") -> dict[str, Any]:
    """The JSON Schema of a ``library``, ``poses`` or ``temperament`` file."""
    model = SCHEMA_KINDS[kind]
    schema = model.model_json_schema(ref_template="#/definitions/{model}")
    definitions = schema.pop("$defs", {})
    out: dict[str, Any] = {"$schema": DRAFT_07, **schema}
    if definitions:
        out["definitions"] = definitions
    return out


def schema_text(kind: str = "library") -> str:
    """The schema as stable, indented JSON text (what ``behaviors/schema.json`` holds)."""
    return json.dumps(json_schema(kind), indent=2, sort_keys=True) + "\n"
