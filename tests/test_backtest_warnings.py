"""Warnings raised while the backtest fits and forecasts are recorded per task, not silenced.

ARMA(2,2) with a constant on M3 yearly series Y5 (14 observations of training data) has a
flat likelihood: its search stops at the evaluation cap and the model reports a
ConvergenceWarning in ``fit_warnings_``. The backtest used to drop such reports.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import forecast as fc
from forecast.evaluation import backtest as run_backtest
from forecast.evaluation import load_result
from forecast.models.baseline import Naive


@pytest.fixture(scope="module")
def y5():
    train, _, _ = fc.datasets.load_m3("yearly", split=True)
    return train["Y5"]


@pytest.fixture(scope="module")
def short_arma(y5):
    return run_backtest(["arma(2,2)", "ar(1)", "naive"], y5, horizon=2, initial=10, step=1, refit=2)


def test_non_convergence_is_recorded_per_task(short_arma):
    table = short_arma.fit_warnings()
    assert list(table.columns) == ["series_id", "model", "segment", "stage", "category", "message", "count"]
    arma = table[table["model"] == "arma(2,2)"]
    n_segments = int(short_arma.timings.query("model == 'arma(2,2)'")["segment"].nunique())
    # every refit of ARMA(2,2) on this series stops before converging; each is listed
    assert sorted(arma["segment"]) == list(range(n_segments)) and n_segments == 2
    assert set(arma["category"]) == {"ConvergenceWarning"} and set(arma["stage"]) == {"fit"}
    # (the estimator says why: no convergence, or a likelihood highest at a unit root)
    assert (arma["series_id"] == "Y5").all() and arma["message"].str.contains("converg|unit root").all()
    # a well-posed AR(1) and the naive forecast converge silently
    assert set(table["model"]) == {"arma(2,2)"}
    board = short_arma.leaderboard().set_index("model")
    assert board.loc["arma(2,2)", "n_warnings"] == arma["count"].sum() == n_segments
    assert board.loc[["ar(1)", "naive"], "n_warnings"].tolist() == [0, 0]
    # the same report as fitting the model directly on the first segment's training data
    direct = fc.ARMA(p=2, q=2).fit(short_arma.actuals["y"].iloc[:10].reset_index(drop=True))
    assert arma["message"].iloc[0] == direct.fit_warnings_[0].partition(": ")[2]


def test_warnings_survive_save_and_load(short_arma, tmp_path):
    back = load_result(short_arma.save(tmp_path / "res", format="csv"))
    assert back.fit_warnings().equals(short_arma.fit_warnings())
    meta = json.loads((tmp_path / "res" / "meta.json").read_text())
    assert len(meta["meta"]["warnings"]) == 2


class _Noisy(Naive):
    """The naive forecast, with a numerical warning at every fit and a deprecation notice at
    every forecast."""

    def _fit(self, y, X):
        warnings.warn(f"{type(self).__name__}: scale is tiny", RuntimeWarning, stacklevel=2)
        return super()._fit(y, X)

    def _predict_origins(self, *args, **kwargs):
        for _ in range(2):
            warnings.warn("this call is deprecated", DeprecationWarning, stacklevel=2)
            warnings.warn("overflow in the forecast", RuntimeWarning, stacklevel=2)
        return super()._predict_origins(*args, **kwargs)


def test_python_warnings_are_recorded_by_stage_and_deprecations_passed_on():
    y = fc.datasets.load("airline")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        res = run_backtest({"noisy": _Noisy(), "naive": "naive"}, y, horizon=6, initial=120, step=6, refit=False)
    table = res.fit_warnings()
    assert table[["stage", "category", "message", "count"]].values.tolist() == [
        ["fit", "RuntimeWarning", "_Noisy: scale is tiny", 1],
        ["predict", "RuntimeWarning", "overflow in the forecast", 2],
    ]
    # not recorded, not swallowed: the deprecation reaches the caller
    assert [str(w.message) for w in seen if w.category is DeprecationWarning] == ["this call is deprecated"] * 2
    assert not [w for w in seen if w.category is RuntimeWarning]
    np.testing.assert_allclose(res.forecasts.query("model == 'noisy'")["y_pred"],
                               res.forecasts.query("model == 'naive'")["y_pred"])


def test_a_cached_task_without_warnings_is_recomputed(y5, tmp_path):
    kwargs = dict(horizon=2, initial=10, step=1, refit=2, cache_dir=tmp_path)
    first = run_backtest(["arma(2,2)"], y5, **kwargs)
    for path in (tmp_path / "tasks").glob("*.json"):  # as written before warnings were recorded
        record = json.loads(path.read_text())
        for one in record.get("records", [record]):  # a chain of refits holds one per segment
            del one["warnings"]
        path.write_text(json.dumps(record))
    again = run_backtest(["arma(2,2)"], y5, **kwargs)
    assert again.meta["tasks_computed"] == again.meta["tasks_total"] == first.meta["tasks_total"] >= 1
    assert again.fit_warnings().equals(first.fit_warnings()) and len(first.fit_warnings()) == 2
