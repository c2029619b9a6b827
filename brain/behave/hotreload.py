"""Hot reload of the behaviour library: poll file times, swap atomically, keep the last good.

``LibraryWatcher.poll(now_ms)`` looks at the library's files at most every
``interval_ms``. When any changed (edited, added, removed) it loads the whole
library again: a valid result is returned for the caller to swap in at once;
an invalid one yields the located error messages and the pet carries on with
the library it had. With ``background=True`` the (slow, pure-Python) parse
runs on a worker thread and the result is handed over by a later ``poll``,
so the pet's step never stalls while a designer saves a file.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from behaviors.library import (
    DEFAULT_LIBRARY_DIR,
    DEFAULT_POSES,
    DEFAULT_SOUNDS_DIR,
    DEFAULT_TEMPERAMENT,
    BehaviourLibrary,
    LibraryError,
    library_files,
    load_library,
)

Stamp = dict[Path, tuple[int, int]]


@dataclass(frozen=True)
class Reload:
    """The outcome of a reload: a new library, or the errors that kept the old one."""

    t_ms: int
    library: BehaviourLibrary | None
    messages: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the new library was loaded."""
        return self.library is not None


@dataclass
class LibraryWatcher:
    """Watches library files, poses, temperament and sounds for changes."""

    paths: Sequence[Path] = (DEFAULT_LIBRARY_DIR,)
    poses_path: Path = DEFAULT_POSES
    sounds_dir: Path = DEFAULT_SOUNDS_DIR
    temperament_path: Path = DEFAULT_TEMPERAMENT
    interval_ms: int = 500
    background: bool = False
    _stamp: Stamp = field(default_factory=dict)
    _next_ms: int = 0
    _worker: threading.Thread | None = None
    _done: Reload | None = None

    def __post_init__(self) -> None:
        self._stamp = self.stamp()
        self._lock = threading.Lock()

    def files(self) -> list[Path]:
        """Every file whose change triggers a reload."""
        sounds = sorted(self.sounds_dir.glob("*.wav")) if self.sounds_dir.is_dir() else []
        return [*library_files(self.paths), self.poses_path, self.temperament_path, *sounds]

    def stamp(self) -> Stamp:
        """Modification time and size of every watched file that exists."""
        out: Stamp = {}
        for path in self.files():
            try:
                info = path.stat()
            except OSError:
                continue
            out[path] = (info.st_mtime_ns, info.st_size)
        return out

    def load(self) -> BehaviourLibrary:
        """Load the watched library now (raises :class:`LibraryError`)."""
        return load_library(
            list(self.paths), self.poses_path, self.sounds_dir, self.temperament_path
        )

    def poll(self, now_ms: int) -> Reload | None:
        """A :class:`Reload` when files changed (or a background load finished), else None."""
        with self._lock:
            done, self._done = self._done, None
        if done is not None:
            self._worker = None
            return done
        if self._worker is not None or now_ms < self._next_ms:
            return None
        self._next_ms = now_ms + self.interval_ms
        stamp = self.stamp()
        if stamp == self._stamp:
            return None
        changed = tuple(
            sorted(
                str(p) for p in set(stamp) | set(self._stamp) if stamp.get(p) != self._stamp.get(p)
            )
        )
        self._stamp = stamp
        if not self.background:
            return self._reload(now_ms, changed)
        self._worker = threading.Thread(
            target=self._work, args=(now_ms, changed), name="library-reload", daemon=True
        )
        self._worker.start()
        return None

    def wait(self, timeout_s: float = 10.0) -> None:
        """Block until a background load finishes (tests and tools)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout_s)

    def _work(self, now_ms: int, changed: tuple[str, ...]) -> None:
        result = self._reload(now_ms, changed)
        with self._lock:
            self._done = result

    def _reload(self, now_ms: int, changed: tuple[str, ...]) -> Reload:
        try:
            library = self.load()
        except LibraryError as error:
            return Reload(now_ms, None, tuple(error.messages), changed)
        except Exception as error:  # a loader bug must not end hot reload for good
            where = changed[0] if changed else "behaviour library"
            text = f"{where}:1:1: (file): not loaded: {type(error).__name__}: {error}"
            return Reload(now_ms, None, (text,), changed)
        return Reload(now_ms, library, (), changed)
