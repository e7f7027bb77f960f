"""The library itself holds classical work to one BLAS/OpenMP thread (forecast.threads):
a user's script or notebook sets no OPENBLAS_NUM_THREADS, and OpenBLAS threads contend
on statsmodels' small matrices as soon as the cores are busy (issue 18).

The test suite runs with the thread variables set to 1 (Makefile), so each check runs a
fresh interpreter with them removed and reads the thread counts threadpoolctl reports
inside the model's own ``_fit``/``_predict``."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
         "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")

SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    from threadpoolctl import threadpool_info
    import forecast as fc

    def blas_threads():
        return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")

    seen = []

    class Recording(fc.Naive):
        def _fit(self, y, X):
            seen.append(("fit", blas_threads()))
            super()._fit(y, X)

        def _predict(self, horizon, X):
            seen.append(("predict", blas_threads()))
            return super()._predict(horizon, X)

    y = fc.datasets.load("airline")
    outside = blas_threads()
    Recording().fit(y).predict(3)
    fc.backtest([Recording()], y, horizon=6, initial=120, step=6, refit=True)
    after = blas_threads()
    json.dump({"outside": outside, "after": after, "seen": seen}, sys.stdout)
""")


def _run_without_thread_variables() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _VARS}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_fit_predict_and_serial_backtest_run_on_one_blas_thread_without_env_variables():
    out = _run_without_thread_variables()
    stages = [stage for stage, _ in out["seen"]]
    assert stages.count("fit") >= 1 + 4, stages  # the plain fit, then the backtest's refits
    assert "predict" in stages
    assert all(n == 1 for _, n in out["seen"]), out["seen"]
    # the limit is the library's, held only around the model's work: outside it the
    # process keeps the threads it started with (more than one on a multi-core machine)
    assert out["after"] == out["outside"]
    if (os.cpu_count() or 1) > 1:
        assert out["outside"] > 1, out


def test_keras_models_are_not_limited_by_the_classical_guard():
    from forecast.base import Forecaster

    class Tagged(Forecaster):
        _tags = {"needs_keras": True}

    class Plain(Forecaster):
        pass

    from forecast import threads

    with Tagged()._few_threads():
        assert getattr(threads._state, "depth", 0) == 0
    with Plain()._few_threads():
        assert threads._state.depth == 1
        with Plain()._few_threads():  # nested: passes through, one limit held
            assert threads._state.depth == 2
        assert threads._state.depth == 1
    assert threads._state.depth == 0


@pytest.mark.parametrize("active", [True, False])
def test_single_thread_restores_the_previous_limits(active):
    import scipy.linalg  # noqa: F401 - both BLAS libraries loaded before the first count
    from threadpoolctl import threadpool_info, threadpool_limits

    from forecast.threads import single_thread

    def blas():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    with threadpool_limits(2):
        before = blas()
        with single_thread(active):
            inside = blas()
        assert blas() == before
    assert inside == ([1] * len(before) if active else before)
