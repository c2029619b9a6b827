"""Who may import whom, read from the source of every module (lazy imports included).

The rules (docs/development.md): ``firmware`` imports nothing of ours (it runs
on the body's MicroPython); ``sensors`` nothing of ``brain`` or ``sim``;
``behaviors`` nothing of ``brain``; ``brain`` nothing of ``sim`` (the robot
never needs the simulator: sim plugs its commands in by entry point).

Every ``.py`` file is parsed, not imported, so an import inside a function,
under ``TYPE_CHECKING`` or behind ``importlib.import_module("...")`` counts as
much as one at the top. A string constant that names one of our modules
(``"sim.runner"``, ``"sim.cli:main"``) counts too, because that is how a
module is handed to ``importlib`` indirectly. A name built at run time
(``f"{package.__name__}.{name}"`` in ``brain/plugins.py``) cannot be read
this way; the only such look-ups walk the importing package's own modules or
the entry points ``pyproject.toml`` declares.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
OURS = ("brain", "sensors", "behaviors", "firmware", "sim", "models")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "firmware": tuple(p for p in OURS if p != "firmware"),
    "sensors": ("brain", "sim"),
    "behaviors": ("brain",),
    "brain": ("sim",),
}
MODULE_STRING = re.compile("(" + "|".join(OURS) + r")(\.[A-Za-z_]\w*)+(:[A-Za-z_][\w.]*)?")


@dataclass(frozen=True)
class Import:
    """One module named by a file: where, and how (import, importlib or a string)."""

    path: str  # relative to the repository
    line: int
    target: str
    how: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.how} {self.target}"


def module_name(path: Path, root: Path = REPO) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str, root: Path = REPO) -> bool:
    """True when ``name`` is a module or package of ours on disk."""
    base = root.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(path: Path, root: Path = REPO) -> Iterator[Import]:
    """Every module ``path`` imports or names, lazily or not."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    where = path.relative_to(root).as_posix()
    package = module_name(path, root)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(where, node.lineno, alias.name, "import")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield Import(where, node.lineno, base, "from")
            for alias in node.names:
                if is_module(f"{base}.{alias.name}", root):
                    yield Import(where, node.lineno, f"{base}.{alias.name}", "from")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.strip()
            if MODULE_STRING.fullmatch(text) and is_module(text.split(":")[0], root):
                yield Import(where, node.lineno, text.split(":")[0], "names")


def violations(root: Path = REPO) -> list[Import]:
    """Every import that breaks a rule in :data:`FORBIDDEN`, in file order."""
    found = []
    for top, banned in FORBIDDEN.items():
        for path in sorted((root / top).rglob("*.py")):
            for imported in imports_of(path, root):
                if imported.target.split(".")[0] in banned:
                    found.append(imported)
    return found


def test_every_layer_imports_only_what_it_may() -> None:
    broken = violations()
    assert not broken, "import rules broken:\n" + "\n".join(map(str, broken))


def test_every_layer_has_files_to_check() -> None:
    for top in FORBIDDEN:
        assert len(list((REPO / top).rglob("*.py"))) > 3, top


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("import sim.runner\n", "sim.runner"),
        ("from sim import runner\n", "sim.runner"),
        ("def f():\n    from sim.body import VirtualBody\n", "sim.body"),
        ("import typing\nif typing.TYPE_CHECKING:\n    import sim\n", "sim"),
        ("import importlib\nimportlib.import_module('sim.runner')\n", "sim.runner"),
        ("PLUGIN = 'sim.cli:register'\n", "sim.cli"),
        ("from .. import runner\n", "sim.runner"),
    ],
)
def test_the_check_sees_every_way_of_importing(tmp_path: Path, source: str, caught: str) -> None:
    for package in ("brain", "brain/deep", "sim", "sim/cli"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "sim" / "runner.py").write_text("")
    (tmp_path / "sim" / "body.py").write_text("")
    offender = tmp_path / "brain" / "deep" / "mod.py"
    offender.write_text(source)
    if source.startswith("from .."):  # relative: only wrong from inside sim's sibling
        offender = tmp_path / "sim" / "cli" / "mod.py"
        offender.write_text(source)
        assert caught in {i.target for i in imports_of(offender, tmp_path)}
        return
    found = violations(tmp_path)
    assert caught in [i.target for i in found]
    assert all(str(i).startswith("brain/deep/mod.py:") for i in found)


def test_words_and_file_names_are_not_taken_for_modules(tmp_path: Path) -> None:
    (tmp_path / "brain").mkdir()
    (tmp_path / "sim").mkdir()
    (tmp_path / "sim" / "__init__.py").write_text("")
    (tmp_path / "brain" / "mod.py").write_text(
        '"""Runs like ``sim.runner`` does."""\nCOMMAND = "sim"\nFILE = "sim.yaml"\n'
    )
    assert violations(tmp_path) == []


# Cycles that exist today and are someone's to break; a new one fails the test.
# brain.app: PetApp <-> integrations <-> the robot's dashboard view;
# sim: the runner <-> its actions and virtual camera and microphone.
# Both are type hints (TYPE_CHECKING imports of PetApp and SimSession) back to the caller.
KNOWN_CYCLES = (
    {"brain.app.integrations", "brain.app.pet", "brain.dashboard.view"},
    {"sim.actions", "sim.audio", "sim.camera", "sim.runner"},
)


def import_graph(root: Path = REPO) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (lazily or not), for every module."""
    graph: dict[str, set[str]] = {}
    for top in OURS:
        for path in sorted((root / top).rglob("*.py")):
            name = module_name(path, root)
            targets = {i.target for i in imports_of(path, root)}
            graph[name] = {t for t in targets if t != name and is_module(t, root)}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []
    for start, targets in graph.items():
        if start in index:
            continue
        work = [(start, iter(sorted(targets)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, edges = work[-1]
            step = next((w for w in edges if w in graph), None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    work.append((step, iter(sorted(graph[step]))))
                elif step in stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_no_module_imports_its_caller_back() -> None:
    new = [c for c in cycles(import_graph()) if c not in KNOWN_CYCLES]
    assert not new, "import cycles: " + "; ".join(" <-> ".join(sorted(c)) for c in new)


def test_the_cycle_finder_finds_a_lazy_cycle_and_nothing_in_a_chain() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
