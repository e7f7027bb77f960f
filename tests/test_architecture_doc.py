"""docs/architecture.md maps the code: its layout lists every module, and only modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_YET_LISTED: tuple[str, ...] = ()


def _documented() -> set[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = text.split("```\nforecast/\n", 1)[1].split("```", 1)[0]
    folders: list[tuple[int, str]] = []  # (indent, name) of the enclosing folders
    paths = set()
    for line in block.splitlines():
        match = re.match(r"^( *)([A-Za-z_0-9]+(?:\.py|/))(?:\s|$)", line)
        if match is None:
            continue
        indent, name = len(match.group(1)), match.group(2)
        if name.endswith("/") and indent == 0:
            break  # tests/, data/: outside the package
        folders = [(i, f) for i, f in folders if i < indent]
        path = "".join(f for _, f in folders) + name
        if name.endswith("/"):
            folders.append((indent, name))
            paths.add(path + "__init__.py")  # a subpackage's line stands for its __init__.py
        else:
            paths.add(path)
    return paths


def test_the_layout_lists_every_module_of_the_package_and_nothing_else():
    package = ROOT / "forecast"
    modules = {str(p.relative_to(package)) for p in package.rglob("*.py")}
    documented = _documented()
    missing = sorted(m for m in modules - documented if not m.startswith(NOT_YET_LISTED))
    stale = sorted(m for m in documented - modules)
    assert not missing, f"modules not in docs/architecture.md: {missing}"
    assert not stale, f"docs/architecture.md lists modules that do not exist: {stale}"


def _blocks(heading: str) -> list[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_add_a_model_walk_throughs_run_and_pass_the_conformance_checks():
    for heading in ("Adding a model", "Adding a global model"):
        blocks = _blocks(heading)
        assert blocks, heading
        for code in blocks:
            namespace: dict = {"__name__": f"walkthrough_{heading.split()[-1]}"}
            exec(compile(code, f"docs/architecture.md ({heading})", "exec"), namespace)  # noqa: S102
            assert all(not v.startswith("failed") for v in namespace["report"].values())
