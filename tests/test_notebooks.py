"""Every notebook in notebooks/ runs top to bottom, in fast mode, without an error.

The notebooks are built from the percent-format sources in notebooks/src by
notebooks/build.py; the first test keeps the two in step (cell sources only), the second
that each is stored with the outputs of a run and no error.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NAMES = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
CELL_TIMEOUT = 300  # seconds per cell


def test_five_notebooks_built_from_their_sources():
    sources = sorted(p.stem for p in (NOTEBOOKS / "src").glob("[0-9][0-9]_*.py"))
    assert [Path(n).stem for n in NAMES] == sources
    assert len(NAMES) == 5
    done = subprocess.run([sys.executable, str(NOTEBOOKS / "build.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_with_outputs_and_no_error(name):
    """Stored with the outputs of a run (figures included), so it reads without a kernel on a
    code host; none of them an error."""
    nbformat = pytest.importorskip("nbformat", reason="needs nbformat: pip install 'forecast[test]'")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"], f"{name} is stored with an error output"
    assert all(c.get("execution_count") for c in code), f"{name}: some code cells were not run"
    assert sum(bool(c.get("outputs")) for c in code) >= len(code) // 2, f"{name} is stored without outputs"
    assert any("image/png" in o.get("data", {}) for o in outputs), f"{name} is stored without its figures"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name, monkeypatch):
    why = "runs notebooks only with the optional test extra: pip install 'forecast[test]'"
    nbformat = pytest.importorskip("nbformat", reason=why)
    nbclient = pytest.importorskip("nbclient", reason=why)
    pytest.importorskip("ipykernel", reason=why)
    # the kernel inherits this environment: fast mode, the package importable from a
    # source checkout, and quiet TensorFlow start-up logs
    monkeypatch.setenv("FORECAST_FAST", "1")
    path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), path]) if path else str(ROOT))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    # one BLAS/OpenMP thread per kernel: the small statsmodels fits run many times faster
    # than with a thread pool fighting the other test processes for the cores
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, "1")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, with the failing cell and traceback
    elapsed = time.perf_counter() - start
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    print(f"{name}: {elapsed:.1f} s")
