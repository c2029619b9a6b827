"""Hostile or broken files: one located error line, quickly, and nothing else happens."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from behaviors.library import LibraryError, load_library
from behaviors.templates import MAX_EXPANDED_STEPS
from behaviors.yamlfile import MAX_YAML_BYTES, MAX_YAML_NODES, YamlError, load_yaml
from brain.behave.hotreload import LibraryWatcher

BEHAVIOUR = """\
behaviors:
  - name: flick
    when:
      - touch: {gesture: pat}
    priority: 30
    do:
      - wait: {duration_ms: 100}
"""


def _error(path: Path) -> str:
    with pytest.raises(YamlError) as caught:
        load_yaml(path)
    (message,) = caught.value.messages
    assert message.startswith(f"{path}:1:1: ")
    return message


def test_a_huge_file_is_refused_by_its_size_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as stream:
        stream.truncate(10 * 1024 * 1024)  # 10 MB (sparse: costs no disk)
    assert f"over the {MAX_YAML_BYTES} byte limit" in _error(path)


def test_a_named_pipe_or_a_link_to_a_device_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    done: list[str] = []
    worker = threading.Thread(target=lambda: done.extend([_error(fifo), _error(zero)]))
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "blocked on a pipe"
    assert all("not a regular file" in m for m in done) and len(done) == 2


def test_an_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert f"aliases expand to more than {MAX_YAML_NODES} nodes" in _error(path)
    # The same through a behaviour file: a located error, the library not loaded.
    library = tmp_path / "library"
    library.mkdir()
    (library / "bomb.yaml").write_text(BEHAVIOUR + "\n".join(f"# {line}" for line in lines))
    load_library([library])  # comments are fine
    (library / "bomb.yaml").write_text("\n".join(lines) + "\n" + BEHAVIOUR)
    with pytest.raises(LibraryError) as caught:
        load_library([library])
    assert any("aliases expand" in m for m in caught.value.messages)


def test_nested_template_uses_stop_at_the_expansion_limit(tmp_path: Path) -> None:
    templates = ["templates:"]
    for level in range(7):
        templates.append(f"  t{level}:")
        templates.append("    steps:")
        if level == 6:
            templates.append("      - wait: {duration_ms: 10}")
        else:
            templates += [f"      - use: t{level + 1}"] * 10
    behaviour = BEHAVIOUR.replace("- wait: {duration_ms: 100}", "- use: t0")
    library = tmp_path / "library"
    library.mkdir()
    (library / "nested.yaml").write_text("\n".join(templates) + "\n" + behaviour)
    with pytest.raises(LibraryError) as caught:
        load_library([library])
    assert any(
        f"expand to more than {MAX_EXPANDED_STEPS} steps" in m for m in caught.value.messages
    )
    assert all(":" in m.split(" ", 1)[0] for m in caught.value.messages)  # file:line:col


def test_hot_reload_survives_a_crash_of_the_loader_and_keeps_watching(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    (library / "flick.yaml").write_text(BEHAVIOUR)
    watcher = LibraryWatcher(paths=(library,), interval_ms=0)
    original = LibraryWatcher.load

    def crash(self: LibraryWatcher) -> object:
        raise RuntimeError("a bug in the loader")

    monkeypatch.setattr(LibraryWatcher, "load", crash)
    (library / "flick.yaml").write_text(BEHAVIOUR.replace("priority: 30", "priority: 31"))
    failed = watcher.poll(1)
    assert failed is not None and not failed.ok
    assert "RuntimeError: a bug in the loader" in failed.messages[0]
    monkeypatch.setattr(LibraryWatcher, "load", original)
    (library / "flick.yaml").write_text(BEHAVIOUR.replace("priority: 30", "priority: 32"))
    again = watcher.poll(2)
    assert again is not None and again.ok and again.library is not None


def test_a_10_mb_file_saved_into_a_running_pet_is_rejected_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ruamel.yaml import YAML

    library = tmp_path / "library"
    library.mkdir()
    (library / "flick.yaml").write_text(BEHAVIOUR)
    watcher = LibraryWatcher(paths=(library,), interval_ms=0)
    parsed: list[int] = []
    load = YAML.load

    def counting(self: YAML, stream: object) -> object:
        parsed.append(len(stream) if isinstance(stream, str | bytes) else -1)
        return load(self, stream)

    monkeypatch.setattr(YAML, "load", counting)
    with (library / "huge.yaml").open("wb") as stream:
        stream.truncate(10 * 1024 * 1024)
    result = watcher.poll(1)
    assert result is not None and not result.ok
    assert any("huge.yaml:1:1" in m and "byte limit" in m for m in result.messages)
    # Only the small files were parsed: the main loop never waits on 10 MB of YAML.
    assert parsed and all(0 <= size <= MAX_YAML_BYTES for size in parsed), parsed


def test_checking_an_empty_folder_is_an_error_not_the_shipped_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from brain.cli import main

    assert main(["behaviors", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path}: no behaviour files" in out and "ok:" not in out


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("priority: true", "not a whole number"),
        ("priority: '60'", "not a whole number"),
        ("priority: 60.5", "not a whole number"),
    ],
)
def test_numbers_must_be_numbers_not_booleans_or_strings(
    tmp_path: Path, change: str, words: str
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    (library / "flick.yaml").write_text(BEHAVIOUR.replace("priority: 30", change))
    with pytest.raises(LibraryError) as caught:
        load_library([library])
    (message,) = caught.value.messages
    assert message.startswith(f"{library / 'flick.yaml'}:5:5: behaviors[0].priority: ")
    assert words in message
