"""Parts of petbrain that live outside ``brain`` and plug into it by entry point.

The simulator adds commands (``petbrain sim``, ``demo``, ``behaviors play``)
and benchmark groups that need its virtual body. ``brain`` never imports
``sim`` (the robot must not need it): ``sim`` declares itself in
``pyproject.toml`` under ``[project.entry-points."petbrain.commands"]`` and
``"petbrain.bench"``, and the brain finds whatever is installed. A robot
build without the simulator simply has fewer commands.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from importlib.metadata import entry_points
from types import ModuleType

log = logging.getLogger(__name__)

COMMANDS_GROUP = "petbrain.commands"
BENCH_GROUP = "petbrain.bench"


def plugin_modules(group: str) -> list[ModuleType]:
    """Every module of every package registered under the entry-point ``group``.

    A package entry point contributes all its public modules, sorted by name;
    a plugin that fails to import is logged and skipped, never fatal.
    """
    modules: list[ModuleType] = []
    for point in sorted(entry_points(group=group), key=lambda p: p.name):
        try:
            package = point.load()
        except ImportError as error:
            log.warning("plugin %s (%s) not loaded: %s", point.name, point.value, error)
            continue
        modules.append(package)
        path = getattr(package, "__path__", None)
        if path is None:
            continue
        for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
            if not info.name.startswith("_"):
                modules.append(importlib.import_module(f"{package.__name__}.{info.name}"))
    return modules
