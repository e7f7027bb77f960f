"""Refits that start where the last fit ended (issue 18, item 2), on real series.

Consecutive backtest origins differ by a few observations, so the ARMA family's exact
likelihood search starts at the previous origin's optimum; it still runs its other starts
wherever that search is not conclusive, and the estimate stays statsmodels' optimum or
better (issue 11's guarantee). In the backtest, consecutive refits of a series run as one
chain task, fixed by the plan, so serial, parallel and resumed runs give the same bits.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import forecast as fc
from forecast.evaluation import chains


@pytest.fixture(scope="module")
def sunspots():
    return fc.datasets.load("sunspots").astype(float)


def _statsmodels_llf(spec, y):
    model = fc.create(spec).set_params(method="statespace")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(y).llf_


# ARMA(2,1) on sunspots: a well-defined optimum, so nearly every warm start is conclusive;
# ARIMA(1,1,1): a flat likelihood where searches need hundreds of evaluations, so the warm
# search is rarely conclusive and every start (and statsmodels) still runs
@pytest.mark.parametrize("spec, min_warm", [("arma(2,1)", 10), ("arima(1,1,1)", 0)])
def test_warm_started_refits_reach_statsmodels_optimum_or_better(spec, min_warm, sunspots):
    previous, warm = None, 0
    for n in range(260, 300, 3):
        y = sunspots.iloc[:n]
        model = fc.create(spec)
        if previous is not None:
            model.warm_start_from(previous)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(y)
            cold = fc.create(spec).fit(y)
        warm += model.warm_started_
        assert model.llf_ >= _statsmodels_llf(spec, y) - 1e-3, n
        assert model.llf_ >= cold.llf_ - 1e-3, n  # never a worse optimum than a cold fit
        previous = model
    assert warm >= min_warm  # of 13 fits (the first starts cold)


def test_warm_start_needs_the_same_specification(sunspots):
    y = sunspots.iloc[:250]
    previous = fc.create("arma(2,1)").fit(y)
    other = fc.create("arma(1,1)").warm_start_from(previous).fit(y)
    same = fc.create("arma(2,1)").warm_start_from(previous).fit(y)
    assert not other.warm_started_ and same.warm_started_
    assert not fc.create("naive").get_tags()["warm_start"]
    # AutoARIMA's stepwise search has no warm start, so its refits are not chained
    assert not fc.create("arima(auto)").get_tags()["warm_start"]
    fc.create("naive").warm_start_from(previous).fit(y)  # ignored by other models


def _run(y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fc.backtest(["arma(2,1)", "naive"], y, horizon=6, initial=270, step=1, refit=True, **kw)


def test_backtest_chains_consecutive_refits_and_matches_cold_refits(sunspots, monkeypatch, tmp_path):
    y = sunspots.iloc[:300]  # 25 origins of ARMA(2,1): 3 chains; naive: 25 plain tasks
    warm = _run(y)
    assert warm.meta["tasks_total"] == 3 + 25
    monkeypatch.setattr(chains, "CHAIN", 1)
    cold = _run(y)
    assert cold.meta["tasks_total"] == 25 + 25
    a, b = warm.forecasts.sort_values(["model", "origin", "step"]), cold.forecasts.sort_values(
        ["model", "origin", "step"])
    # the same optimum, to the search's convergence tolerance (forecasts within 0.1%)
    np.testing.assert_allclose(a["y_pred"].to_numpy(), b["y_pred"].to_numpy(), rtol=2e-3)
    np.testing.assert_allclose(a["upper"].to_numpy(), b["upper"].to_numpy(), rtol=2e-3)
    monkeypatch.undo()
    # the chains are fixed by the plan: two workers and a resumed run give the same bits
    parallel = _run(y, n_jobs=2)
    first = _run(y, cache_dir=tmp_path / "cache")
    resumed = _run(y, cache_dir=tmp_path / "cache")
    assert resumed.meta["tasks_computed"] == 0
    for other in (parallel, first, resumed):
        assert other.forecasts.equals(warm.forecasts)
