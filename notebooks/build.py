"""Build the notebooks from their reviewable Python sources.

Each ``src/NN_name.py`` is written in the "percent" format: a line ``# %%`` starts a code
cell and ``# %% [markdown]`` starts a markdown cell whose lines are comments (the leading
``# `` is removed). Running this script writes ``NN_name.ipynb`` next to it; the notebooks in git are then
executed once (``--execute``) and stored with their outputs, figures included, so that they
read without a kernel on a code host::

    python notebooks/build.py                    # rebuild every notebook (no outputs)
    python notebooks/build.py --execute [NN ...] # rebuild, then run and store with outputs
    python notebooks/build.py --check            # exit 1 if a notebook's cells differ from its source

``--check`` compares the cells' sources only: stored outputs do not make a notebook stale.
``--execute`` runs at the size the environment asks for (``FORECAST_FAST=1``: the small
run), with one BLAS thread, 30 minutes per cell at most.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"


def parse(text: str) -> list[tuple[str, str]]:
    """Split a percent-format source into ``(kind, source)`` cells."""
    cells: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("# %%"):
            kind = "markdown" if "[markdown]" in line else "code"
            cells.append((kind, []))
            continue
        if not cells:
            if line.strip():
                raise ValueError(f"text before the first '# %%' marker: {line!r}")
            continue
        kind, lines = cells[-1]
        if kind == "markdown":
            if line.startswith("# "):
                line = line[2:]
            elif line.strip() == "#":
                line = ""
        lines.append(line)
    out = []
    for kind, lines in cells:
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if lines:
            out.append((kind, "\n".join(lines)))
    return out


def build(source: Path) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, (kind, text) in enumerate(parse(source.read_text(encoding="utf-8"))):
        maker = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = maker(text)
        cell["id"] = f"{source.stem[:2]}-{i:03d}"
        nb.cells.append(cell)
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def stripped(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without outputs and execution counts (what ``--check`` compares)."""
    nb = copy.deepcopy(nb)
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata = {}
    return nb


def execute(target: Path) -> None:
    """Run ``target`` top to bottom in its folder and store it with its outputs."""
    import os

    from nbclient import NotebookClient

    os.environ.setdefault("PYTHONPATH", str(HERE.parent))
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    nb = nbformat.read(target, as_version=4)
    NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
    target.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    print(f"executed {target.relative_to(HERE.parent)}")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    run = "--execute" in argv
    only = [a for a in argv if not a.startswith("--")]
    stale = []
    for source in sorted(SOURCES.glob("[0-9][0-9]_*.py")):
        if only and source.stem[:2] not in only:
            continue
        target = HERE / f"{source.stem}.ipynb"
        text = render(build(source))
        if check:
            if not target.exists() or render(stripped(nbformat.read(target, as_version=4))) != text:
                stale.append(target.name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(HERE.parent)}")
            if run:
                execute(target)
    if stale:
        print(f"out of date with notebooks/src: {', '.join(stale)}; run python notebooks/build.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
