"""The test suite never skips over the package's own modules or its required dependencies.

``pytest.importorskip`` (or a ``skipif`` on ``find_spec``) turns a missing module into a
skip; for an internal module or a package in ``install_requires`` that hides breakage, so
only the optional extras (dask, the notebook runner, other Keras backends) may be skipped.
"""

from __future__ import annotations

import ast
import configparser
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: distribution name -> import name, where they differ
_IMPORT_NAMES = {"scikit-learn": "sklearn", "tensorflow-cpu": "tensorflow"}


def _required_imports() -> set[str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    names = set()
    for line in cfg["options"]["install_requires"].strip().splitlines():
        dist = re.split(r"[<>=!;\[ ]", line.strip(), maxsplit=1)[0].lower()
        names.add(_IMPORT_NAMES.get(dist, dist))
    return names


def _call_name(node: ast.Call) -> str:
    return node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")


def _skipped_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every ``importorskip("module")`` and every ``find_spec(...)`` (the
    test-side way of skipping when a module is absent) in a test file; a ``find_spec(b)``
    inside ``[... for b in ("jax", "torch")]`` names each module of the literal tuple."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    literal_loops: dict[int, list[str]] = {}  # id of a find_spec call -> modules it is given
    for comp in ast.walk(tree):
        if isinstance(comp, ast.ListComp | ast.GeneratorExp | ast.SetComp):
            for gen in comp.generators:
                if isinstance(gen.iter, ast.Tuple | ast.List) and all(
                        isinstance(e, ast.Constant) for e in gen.iter.elts):
                    for node in ast.walk(comp):
                        if isinstance(node, ast.Call) and _call_name(node) == "find_spec":
                            literal_loops[id(node)] = [e.value for e in gen.iter.elts]
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args or _call_name(node) not in ("importorskip", "find_spec"):
            continue
        arg = node.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.append((node.lineno, arg.value))
        elif id(node) in literal_loops:
            found.extend((node.lineno, m) for m in literal_loops[id(node)])
        else:  # a computed module name: no way to tell it is optional
            found.append((node.lineno, "<computed>"))
    return found


def test_required_dependencies_are_read_from_setup_cfg():
    assert {"numpy", "pandas", "statsmodels", "keras", "matplotlib", "sklearn"} <= _required_imports()


@pytest.mark.parametrize("path", sorted((ROOT / "tests").glob("test_*.py")), ids=lambda p: p.name)
def test_no_skip_on_internal_modules_or_required_dependencies(path):
    required = _required_imports()
    bad = [f"{path.name}:{line} skips when {module!r} is missing"
           for line, module in _skipped_modules(path)
           if module == "<computed>" or module.split(".")[0] in required | {"forecast"}]
    assert not bad, "; ".join(bad) + ": a missing internal module or required dependency must fail, not skip"
