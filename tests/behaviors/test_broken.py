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
