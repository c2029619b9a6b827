"""The shipped library, poses, sounds, temperament and schema are valid and in sync."""

import json
from pathlib import Path
from typing import Any, get_args

import pytest

from behaviors.jsonschema import DRAFT_07_KEYWORDS, json_schema, schema_text
from behaviors.library import (
    DEFAULT_LIBRARY_DIR,
    DEFAULT_SOUNDS_DIR,
    PACKAGE_DIR,
    library_files,
    load_library,
)
from behaviors.schema import Joint
from behaviors.vocabulary import JOINTS

LIBRARY_FILES = library_files([DEFAULT_LIBRARY_DIR])
# What issue #8 asks the default library to cover, by behaviour name.
REQUIRED = {
    "purr_when_stroked",
    "notice_touch",
    "dislike_against_fur",
    "startle_when_hit",
    "look_at_pat",
    "chin_scratch_bliss",
    "resting_hand_settle",
    "tickle_squirm",
    "picked_up_relaxed",
    "picked_up_wriggle",
    "put_down_shake_off",
    "comfort_sad_owner",
    "play_with_happy_owner",
    "quiet_when_owner_angry",
    "calm_presence_afraid_owner",
    "startle_loud_sound",
    "greet_owner",
    "owner_leaves_watch",
    "idle_look_around",
    "idle_groom",
    "sleepy_yawn",
    "curl_up_sleep",
    "wake_up_stretch",
    "night_calm",
    "seek_attention",
}


def test_the_default_library_loads_with_no_errors() -> None:
    library = load_library()
    assert len(library.behaviours) >= 25
    assert set(library.names) >= REQUIRED
    assert set(library.sources.values()) <= set(LIBRARY_FILES)


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=[p.stem for p in LIBRARY_FILES])
def test_every_library_file_is_valid_on_its_own_with_the_templates(path: Path) -> None:
    templates = DEFAULT_LIBRARY_DIR / "templates.yaml"
    load_library(sorted({path, templates}))


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=[p.stem for p in LIBRARY_FILES])
def test_library_files_point_editors_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema.json"


@pytest.mark.parametrize(
    ("kind", "file"),
    [
        ("library", "schema.json"),
        ("poses", "poses.schema.json"),
        ("temperament", "temperament.schema.json"),
    ],
)
def test_committed_schemas_are_in_sync(kind: str, file: str) -> None:
    committed = (PACKAGE_DIR / file).read_text(encoding="utf-8")
    command = f"petbrain behaviors schema --kind {kind} --out behaviors/{file}"
    assert committed == schema_text(kind), f"run: {command}"


@pytest.mark.parametrize(
    ("path", "schema"),
    [("poses.yaml", "poses.schema.json"), ("temperament.yaml", "temperament.schema.json")],
)
def test_config_files_point_editors_at_their_schema(path: str, schema: str) -> None:
    first = (PACKAGE_DIR / path).read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema={schema}"


def _keywords(node: Any, out: set[str], in_properties: bool = False) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if not in_properties:
                out.add(key)
            named = key in ("properties", "definitions", "patternProperties") and not in_properties
            _keywords(value, out, in_properties=named)
    elif isinstance(node, list):
        for item in node:
            _keywords(item, out)


@pytest.mark.parametrize("kind", ["library", "poses", "temperament"])
def test_schema_uses_only_draft_07_keywords(kind: str) -> None:
    schema = json_schema(kind)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    used: set[str] = set()
    _keywords(schema, used)
    assert used <= DRAFT_07_KEYWORDS, used - DRAFT_07_KEYWORDS
    text = json.dumps(schema)
    assert "$defs" not in text
    for ref in [r for r in text.split('"$ref": "')[1:]]:
        name = ref.split('"')[0].removeprefix("#/definitions/")
        assert name in schema["definitions"]


def test_joint_literal_matches_the_vocabulary() -> None:
    assert get_args(Joint) == JOINTS


def test_every_sound_the_library_uses_exists() -> None:
    library = load_library()
    assert set(library.sounds) >= {"purr", "purr_soft", "trill", "meow", "hiss", "chirp"}
    for name in library.sounds:
        assert (DEFAULT_SOUNDS_DIR / f"{name}.wav").is_file()


def test_temperament_is_loaded_from_yaml() -> None:
    library = load_library()
    assert library.temperament.baseline.affection == pytest.approx(0.3)
    assert library.temperament.half_life_overrides_ms["affection"] == 600_000


def test_pose_angle_ranges_match_the_vocabulary() -> None:
    from behaviors.schema import PoseAngles
    from behaviors.vocabulary import JOINT_RANGES_DEG

    schema = PoseAngles.model_json_schema()["properties"]
    assert tuple(schema) == JOINTS
    for joint, (lo, hi) in JOINT_RANGES_DEG.items():
        numeric = next(s for s in schema[joint]["anyOf"] if s.get("type") == "number")
        assert (numeric["minimum"], numeric["maximum"]) == (lo, hi)
