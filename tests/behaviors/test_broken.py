"""The corpus of broken files: every error, exactly located, in every file."""

from pathlib import Path

import pytest

from behaviors.library import LibraryError, load_library

BROKEN = Path(__file__).parent / "broken"
FILES = sorted(BROKEN.glob("*.yaml"))


def expected(path: Path) -> list[str]:
    """The ``# expect:`` lines at the end of ``path``, as full messages."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect: "):
            text = line.removeprefix("# expect: ").replace("{file}", str(path))
            out.append(f"{path}:{text}")
    return out


def messages(*paths: Path) -> list[str]:
    with pytest.raises(LibraryError) as caught:
        load_library(list(paths))
    return caught.value.messages


def test_the_corpus_covers_the_kinds_of_mistakes() -> None:
    assert len(FILES) >= 12
    assert all(expected(path) for path in FILES), "every broken file lists its expected errors"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_broken_file_gives_exactly_its_expected_messages(path: Path) -> None:
    assert messages(path) == expected(path)


def test_every_message_is_located_never_line_unknown() -> None:
    for message in messages(*FILES):
        file, line, col, rest = message.split(":", 3)
        assert Path(file).exists()
        assert int(line) >= 1 and int(col) >= 1
        assert "?" not in (line + col)
        assert rest.startswith(" ") and ": " in rest


def test_checking_all_files_at_once_reports_every_error_of_every_file() -> None:
    together = messages(*FILES)
    for path in FILES:
        for message in expected(path):
            assert message in together


def test_a_template_defined_twice_is_reported_where_the_second_one_is(tmp_path: Path) -> None:
    body = "templates:\n  blink:\n    steps:\n      - wait: {duration_ms: 10}\n"
    (tmp_path / "a.yaml").write_text(body)
    (tmp_path / "b.yaml").write_text("# second\n" + body)
    assert messages(tmp_path) == [
        f"{tmp_path / 'b.yaml'}:3:3: templates.blink: duplicate template 'blink' "
        f"(first in {tmp_path / 'a.yaml'})"
    ]


def test_broken_poses_and_temperament_files_are_located_too() -> None:
    from behaviors.library import load_poses, load_temperament

    folder = Path(__file__).parent / "broken_config"
    poses, temperament = folder / "poses.yaml", folder / "temperament.yaml"
    with pytest.raises(LibraryError) as caught:
        load_poses(poses)
    assert caught.value.messages == [
        f"{poses}:2:26: poses.neutral.tail: unknown field 'tail' (did you mean 'tail_lift'?)",
        f"{poses}:3:3: poses.lean_in: expected a mapping (key: value)",
    ]
    with pytest.raises(LibraryError) as caught:
        load_temperament(temperament)
    assert caught.value.messages == [
        f"{temperament}:2:3: baseline.valence: 2 is above the maximum 1",
        f"{temperament}:3:3: baseline.mood: unknown field 'mood'",
        f"{temperament}:4:1: half_life_ms: 'fast' is not a whole number",
        f"{temperament}:6:22: rhythm[0].before: '30:00' is not a time of day HH:MM (00:00..23:59)",
    ]


def test_a_broken_poses_file_does_not_cascade_into_every_behaviour(tmp_path: Path) -> None:
    poses = tmp_path / "poses.yaml"
    poses.write_text("poses:\n  rest: {spine: 0}\n  curl: {spine: 99}\n")
    library = tmp_path / "lib.yaml"
    library.write_text(
        "behaviors:\n  - name: a\n    when: [{touch: {}}]\n    do: [{pose: {name: curl}}]\n"
    )
    assert messages_with_poses(library, poses) == [
        f"{poses}:3:10: poses.curl.spine: 99 is above the maximum 25"
    ]


def messages_with_poses(library: Path, poses: Path) -> list[str]:
    with pytest.raises(LibraryError) as caught:
        load_library([library], poses_path=poses)
    return caught.value.messages
