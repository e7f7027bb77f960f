"""The package's modules import one another in one direction: no circle, lazy imports
(inside functions) and parent packages (``a.b.c`` imports ``a.b`` first) included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from forecast import atomic, persistence

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "forecast"


def _modules() -> dict[str, Path]:
    out = {}
    for f in PKG.rglob("*.py"):
        name = ".".join(f.relative_to(ROOT).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = f
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports anywhere in its text (``forecast`` itself,
    the lazy public namespace, left out: every module may name it for ``__version__``)."""
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for mod, file in mods.items():
        package = mod if file.name == "__init__.py" else mod.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    target = ".".join(parts + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                names = [target] + [f"{target}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                while name in mods and name != "forecast":
                    if name != mod and not mod.startswith(name + "."):
                        graph[mod].add(name)
                    name = name.rsplit(".", 1)[0]  # importing a.b.c runs a.b's __init__ first
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_circle_lazy_imports_included():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_checker_finds_a_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    graph = import_graph()
    assert "forecast.io" in graph["forecast.base"]  # real edges are read


def _reachable(graph: dict[str, set[str]], roots: list[str]) -> set[str]:
    """``roots`` and every module they import, directly or through others."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        mod = todo.pop()
        if mod not in seen:
            seen.add(mod)
            todo.extend(graph[mod])
    return seen


def _under(graph: dict[str, set[str]], package: str) -> set[str]:
    return {m for m in graph if m == package or m.startswith(package + ".")}


def test_reporting_sits_above_the_evaluation_lazy_imports_included():
    graph = import_graph()
    reporting = _under(graph, "forecast.reporting")
    below = _reachable(graph, sorted(_under(graph, "forecast.evaluation")))  # the evaluation and all it imports
    assert not below & reporting, f"the evaluation reaches forecast.reporting: {sorted(below & reporting)}"
    importers = {m for m, targets in graph.items() if targets & reporting} - reporting
    assert importers <= _under(graph, "forecast.cli"), f"only the command line imports reporting: {importers}"
    # the edges are real: reporting reads the evaluation, the result reaches reporting through hooks
    assert "forecast.evaluation.members" in graph["forecast.reporting.folder"]
    assert "forecast.hooks" in graph["forecast.evaluation.result"] and not graph["forecast.hooks"]


def test_persistence_and_the_result_store_do_not_import_what_they_save():
    graph = import_graph()
    assert "forecast.base" not in graph["forecast.persistence"]
    assert "forecast.evaluation.result" not in graph["forecast.evaluation.stored"]


def test_atomic_folder_keeps_the_earlier_folder_when_writing_fails(tmp_path):
    target = tmp_path / "model"
    with atomic.atomic_folder(target) as tmp:
        (tmp / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic.atomic_folder(target) as tmp:
        (tmp / "new.txt").write_text("half")
        raise RuntimeError("interrupted")
    assert [p.name for p in target.iterdir()] == ["old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["model"]  # no temporary folder left


def test_a_failed_model_save_leaves_the_earlier_model_loadable(tmp_path, monkeypatch):
    import forecast as fc

    y = fc.datasets.load("airline")
    first = fc.ARMA(p=1, q=0).fit(y)
    first.save(tmp_path / "m")
    second = fc.ARMA(p=2, q=0).fit(y)
    monkeypatch.setattr(type(second), "_get_state", lambda self, folder: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        second.save(tmp_path / "m")
    loaded = persistence.load_model(tmp_path / "m")
    assert loaded.get_params()["p"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]
