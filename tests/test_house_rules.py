"""House rules the code keeps (checked on the source, so a change that breaks one fails
here): modules under 600 lines; functions at most 80 lines unless a one-line comment
directly above the ``def`` gives the reason; no private name of one module imported by
another (what crosses modules has a public name)."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "forecast"
MAX_MODULE, MAX_FUNCTION = 600, 80


def _sources():
    for f in sorted(PKG.rglob("*.py")):
        text = f.read_text(encoding="utf-8")
        yield f.relative_to(PKG.parent), text, ast.parse(text)


def test_no_module_over_600_lines():
    long = {str(f): len(text.splitlines()) for f, text, _ in _sources() if len(text.splitlines()) > MAX_MODULE}
    assert not long, f"modules over {MAX_MODULE} lines: {long}"


def test_no_function_over_80_lines_without_a_reason_above_it():
    bad = []
    for f, text, tree in _sources():
        lines = text.splitlines()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                above = lines[first - 2].strip() if first >= 2 else ""
                reason = above.startswith("#") and not set(above) <= set("#- ")
                if n > MAX_FUNCTION and not reason:
                    bad.append(f"{f}:{node.lineno} {node.name} ({n} lines)")
    assert not bad, "functions over 80 lines without a reason comment above them:\n" + "\n".join(bad)


def test_no_private_name_imported_from_another_module():
    bad = []
    for f, _, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("forecast")):
                for alias in node.names:
                    private = alias.name.startswith("_") and not alias.name.startswith("__")
                    if private and not _is_module(f, node, alias.name):
                        bad.append(f"{f}:{node.lineno} imports {alias.name} from {node.module or '.'}")
    assert not bad, "private names imported across modules:\n" + "\n".join(bad)


def _is_module(f: Path, node: ast.ImportFrom, name: str) -> bool:
    """``from . import _keras_net``: a (private) module of the package, not a private name."""
    base = (PKG.parent / f).parent
    for _ in range(max(node.level - 1, 0)):
        base = base.parent
    if not node.level:
        base = PKG.parent
    for part in (node.module or "").split(".") if node.module else []:
        base = base / part
    return (base / f"{name}.py").exists() or (base / name / "__init__.py").exists()


def test_the_rules_catch_what_they_are_for(tmp_path):
    """The checks themselves: a long function without a reason and a private import are found."""
    body = "\n".join(f"    x{i} = {i}" for i in range(90))
    tree = ast.parse(f"def long():\n{body}\n")
    node = tree.body[0]
    assert node.end_lineno - node.lineno + 1 > MAX_FUNCTION
    imp = ast.parse("from .io.timeindex import _hidden").body[0]
    assert not _is_module(Path("forecast/x.py"), imp, "_hidden")
    assert _is_module(Path("forecast/models/recurrent.py"), ast.parse("from . import _keras_net").body[0], "_keras_net")
