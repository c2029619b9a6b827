"""An on-disk cache of the checked library, so the pet starts without re-parsing YAML.

Parsing and checking every file takes a few hundred milliseconds in pure
Python; loading the checked result takes a few. The key is a hash of every
input file's bytes, the sound names and the language's own schema, so any
edit (or a new petbrain version) misses the cache and loads from source.
A cache that cannot be read or written is ignored: it is only ever a shortcut.

The cache stores and returns the library as plain JSON data
(``BehaviourLibrary.to_json``); turning it back into a library is the
library module's job, so this module never imports its caller.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from behaviors.schema import LibraryFile

log = logging.getLogger(__name__)
FORMAT = 1


def default_cache_dir() -> Path:
    """``$PETBRAIN_CACHE_DIR``, else ``$XDG_CACHE_HOME/petbrain``, else ``~/.cache/petbrain``."""
    if os.environ.get("PETBRAIN_CACHE_DIR"):
        return Path(os.environ["PETBRAIN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "petbrain"


@functools.cache
def _schema_digest() -> bytes:
    schema = json.dumps(LibraryFile.model_json_schema(), sort_keys=True)
    return hashlib.sha256(f"format {FORMAT}\n{schema}".encode()).digest()


def library_key(files: Iterable[Path], sounds: Iterable[str]) -> str | None:
    """Hash of the inputs, or None when one cannot be read (then nothing is cached)."""
    digest = hashlib.sha256(_schema_digest())
    try:
        for path in files:
            digest.update(str(path.resolve()).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return None
    digest.update("\0".join(sorted(sounds)).encode())
    return digest.hexdigest()


LAST_GOOD = "last-good.json"


def load_cached(folder: Path, key: str) -> dict[str, Any] | None:
    """The library data stored under ``key``, or None (missing or unreadable)."""
    return _read(folder / f"library-{key}.json")


def load_last_good(folder: Path) -> dict[str, Any] | None:
    """The data of the last library that loaded without errors, whatever the files say now."""
    return _read(folder / LAST_GOOD)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        log.debug("ignoring behaviour cache %s: %s", path, error)
        return None
    if not isinstance(data, dict):
        log.debug("ignoring behaviour cache %s: not a JSON object", path)
        return None
    return data


def store(folder: Path, key: str, data: dict[str, Any]) -> None:
    """Write the library ``data`` under ``key`` (atomically; failures are only logged)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("library-*.json"):
            old.unlink(missing_ok=True)
        text = json.dumps(data)
        for name in (f"library-{key}.json", LAST_GOOD):
            partial = folder / f".{name}.tmp"
            partial.write_text(text, encoding="utf-8")
            partial.replace(folder / name)
    except OSError as error:
        log.debug("cannot write behaviour cache in %s: %s", folder, error)
