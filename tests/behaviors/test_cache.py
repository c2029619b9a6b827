"""The on-disk library cache is a shortcut only: same result, never stale, never fatal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from behaviors import cache
from behaviors.library import DEFAULT_LIBRARY_DIR, LibraryError, load_library


def test_cached_library_equals_the_source_and_edits_miss_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    shutil.copytree(DEFAULT_LIBRARY_DIR, folder)
    store = tmp_path / "cache"
    fresh = load_library([folder], cache_dir=store)
    assert len(list(store.glob("library-*.json"))) == 1
    again = load_library([folder], cache_dir=store)
    assert again == fresh
    assert again.by_name("purr_when_stroked") == fresh.by_name("purr_when_stroked")

    reflexes = folder / "reflexes.yaml"
    reflexes.write_text(reflexes.read_text().replace("priority: 95", "priority: 97"))
    edited = load_library([folder], cache_dir=store)
    assert edited.by_name("startle_when_hit").priority == 97
    assert len(list(store.glob("library-*.json"))) == 1  # the old entry was replaced

    reflexes.write_text(reflexes.read_text().replace("priority: 97", "priority: loud"))
    with pytest.raises(LibraryError):
        load_library([folder], cache_dir=store)  # errors are never hidden by the cache


def test_a_corrupt_or_unwritable_cache_is_ignored(tmp_path: Path) -> None:
    store = tmp_path / "cache"
    library = load_library(cache_dir=store)
    (entry,) = store.glob("library-*.json")
    entry.write_text("{not json")
    assert load_library(cache_dir=store) == library
    for stale in ('{"behaviours": [{"name": 1}]}', "[]", '{"poses": {}}'):
        entry.write_text(stale)  # JSON, but not a library this version wrote
        assert load_library(cache_dir=store) == library
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    assert load_library(cache_dir=blocked) == library


def test_default_cache_dir_honours_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PETBRAIN_CACHE_DIR", "/somewhere/else")
    assert cache.default_cache_dir() == Path("/somewhere/else")
    monkeypatch.delenv("PETBRAIN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    assert cache.default_cache_dir() == Path("/xdg/petbrain")


def test_a_library_broken_while_the_pet_was_off_falls_back_to_the_last_good(
    tmp_path: Path,
) -> None:
    from behaviors.library import load_or_last_good

    folder = tmp_path / "lib"
    shutil.copytree(DEFAULT_LIBRARY_DIR, folder)
    store = tmp_path / "cache"
    good, errors = load_or_last_good([folder], cache_dir=store)
    assert errors == []
    reflexes = folder / "reflexes.yaml"
    reflexes.write_text(reflexes.read_text().replace("priority: 95", "priority: loud"))
    kept, errors = load_or_last_good([folder], cache_dir=store)
    assert kept == good
    assert errors and errors[0].startswith(f"{reflexes}:8:5: behaviors[0].priority:")
    with pytest.raises(LibraryError):
        load_or_last_good([folder], cache_dir=tmp_path / "empty")  # nothing good to fall back on
