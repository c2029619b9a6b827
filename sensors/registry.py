"""Choose an implementation by a ``type`` key in config, never an if/elif chain.

CAMERAS: Registry[CameraSource] = Registry("camera")

@CAMERAS.register("file")
class FileCamera: ...

camera = CAMERAS.create({"type": "file", "path": "clip.mp4"})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """A named table of factories of ``T``, keyed by the config's ``type`` value."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[..., T]] = {}

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        """Decorator: make ``factory`` available as ``type: name``."""

        def decorate(factory: Callable[..., T]) -> Callable[..., T]:
            if name in self._factories:
                raise ValueError(f"{self.kind} type '{name}' registered twice")
            self._factories[name] = factory
            return factory

        return decorate

    def names(self) -> list[str]:
        """Registered type names, sorted."""
        return sorted(self._factories)

    def create(self, config: Mapping[str, Any]) -> T:
        """Build from ``config``: its ``type`` picks the factory, the other keys are arguments."""
        options = dict(config)
        name = options.pop("type", None)
        if name not in self._factories:
            known = ", ".join(self.names()) or "none"
            raise ValueError(f"unknown {self.kind} type {name!r} (known: {known})")
        return self._factories[name](**options)
