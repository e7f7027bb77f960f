"""The house rules of issue 19, checked on the source: no module over 600 lines, no function
over 80 lines without a one-line reason (a comment) right above it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "forecast"
MAX_MODULE, MAX_FUNCTION = 600, 80


def _modules():
    return sorted(ROOT.rglob("*.py"))


def test_no_module_over_600_lines():
    long = {str(p.relative_to(ROOT)): n for p in _modules() if (n := len(p.read_text().splitlines())) > MAX_MODULE}
    assert not long, long


def test_no_function_over_80_lines_without_a_reason():
    long = []
    for path in _modules():
        lines = path.read_text().splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                size = node.end_lineno - node.lineno + 1
                reason = start >= 2 and lines[start - 2].strip().startswith("#")
                if size > MAX_FUNCTION and not reason:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({size} lines)")
    assert not long, long
