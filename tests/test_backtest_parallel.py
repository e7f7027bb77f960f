"""joblib and Dask give exactly the results of an in-process run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_backtest_support import LSAR, FailAt, Noisy

import forecast as fc
from forecast.errors import InputError


@pytest.fixture(scope="module")
def setup():
    macro = fc.datasets.load("macro")
    panel = {c: macro[c] for c in ("realgdp", "realcons", "unemp")}
    bad = macro.index[183]  # an origin: initial - 1 + 2 * step
    models = {"naive": "naive", "ar": LSAR(p=2), "noisy": Noisy(), "fails": FailAt(origin=bad)}
    kwargs = dict(horizon=4, initial=180, step=2, refit=2, seed=3)
    serial = fc.backtest(models, panel, **kwargs)
    return models, panel, kwargs, serial


def _same(a, b):
    cols = ["series_id", "model", "origin", "step", "timestamp", "y_true", "y_pred", "lower", "upper"]
    pd.testing.assert_frame_equal(a.forecasts[cols], b.forecasts[cols])
    pd.testing.assert_frame_equal(a.failures, b.failures)
    pd.testing.assert_frame_equal(a.leaderboard().drop(columns=["fit_seconds", "predict_seconds"]),
                                  b.leaderboard().drop(columns=["fit_seconds", "predict_seconds"]))


def test_joblib_two_workers_identical(setup):
    models, panel, kwargs, serial = setup
    assert len(serial.failures) >= 1
    _same(serial, fc.backtest(models, panel, n_jobs=2, **kwargs))


def test_dask_local_cluster_identical(setup):
    distributed = pytest.importorskip("distributed", reason="the optional dask extra: pip install 'forecast[dask]'")
    models, panel, kwargs, serial = setup
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            _same(serial, fc.backtest(models, panel, backend=client, **kwargs))
            _same(serial, fc.backtest(models, panel, backend="dask", **kwargs))
            workers = client.run(lambda: __import__("os").getpid())
            assert len(set(workers.values())) == 2
        _same(serial, fc.backtest(models, panel, backend=cluster.scheduler_address, **kwargs))


def test_unknown_backend_and_bad_n_jobs():
    y = fc.datasets.load("airline")
    with pytest.raises(InputError, match="unknown backend"):
        fc.backtest(["naive"], y, horizon=2, backend="spark")
    with pytest.raises(InputError, match="n_jobs"):
        fc.backtest(["naive"], y, horizon=2, n_jobs=0)
    assert np.isfinite(fc.backtest(["naive"], y, horizon=2, initial=140, n_jobs=1).scores()).all().all()


@pytest.mark.keras
def test_dask_local_cluster_gives_bit_identical_global_networks():
    """Global sliding-window LSTM and GRU fitted in two Dask worker processes (whose event
    loops draw from Python's ``random`` meanwhile) give exactly the in-process forecasts."""
    distributed = pytest.importorskip("distributed", reason="the optional dask extra: pip install 'forecast[dask]'")
    from forecast.datasets import load_m3

    series, _ = load_m3("quarterly")
    # 3 series cut to 40 quarters: origins 28, 31, 34 and 36 (window 28), refit every 2nd:
    # two fits per model, enough to catch any dependence on the worker that runs them
    panel = {sid: series[sid].iloc[:40] for sid in ("Q1", "Q2", "Q3")}
    tiny = dict(time_steps=4, horizon=2, units=4, epochs=2, batch_size=16)
    models = {"lstm": fc.LSTM(**tiny), "gru": fc.GRU(**tiny, dropout=0.1)}
    kwargs = dict(horizon=4, initial=28, window=28, step=3, refit=2, seed=7)
    serial = fc.backtest(models, panel, **kwargs)
    assert serial.failures.empty and serial.meta["models"]["lstm"]["global"]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        _same(serial, fc.backtest(models, panel, backend=client, **kwargs))


def test_more_workers_than_cores_are_capped_with_a_warning(monkeypatch):
    # issue 17 §4: --jobs 1000 on 2 cores ran 378 s instead of 1.6 s
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    if hasattr(os, "process_cpu_count"):
        monkeypatch.setattr(os, "process_cpu_count", lambda: 1)
    y = fc.datasets.load("airline")
    with pytest.warns(fc.errors.ForecastWarning, match=r"n_jobs=2 asks for more workers than the 1 CPU core.*running 1"):
        capped = fc.backtest(["naive", "drift"], y, horizon=3, initial=130, step=3, n_jobs=2)
    serial = fc.backtest(["naive", "drift"], y, horizon=3, initial=130, step=3)
    pd.testing.assert_frame_equal(capped.forecasts, serial.forecasts)
    from forecast.evaluation.parallel import capped_jobs

    assert capped_jobs(-1) == (-1, None) and capped_jobs(5, "dask") == (5, None) and capped_jobs(1) == (1, None)
