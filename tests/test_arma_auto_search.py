"""arma(auto)'s screened order search against the exhaustive search it replaced."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import forecast as fc


@pytest.fixture(scope="module")
def m3_monthly():
    train, _, _ = fc.datasets.load_m3("monthly", split=True)
    return train


def _fit(y, exhaustive: bool, **kw) -> fc.ARMA:
    model = fc.ARMA(p="auto", q="auto", **kw)
    model._exhaustive = exhaustive
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(y)


def _exhaustive_llf(old: fc.ARMA, order, k: int) -> float:
    p, _, q = order
    row = old.selection_[(old.selection_["p"] == p) & (old.selection_["q"] == q)].iloc[0]
    return (2 * k - row["aic"]) / 2


@pytest.mark.parametrize("name", ["co2", "M1", "M41"])
def test_screened_search_chooses_the_exhaustive_order_and_fit(name, m3_monthly):
    y = fc.datasets.load("co2").iloc[:450].diff().dropna() if name == "co2" else m3_monthly[name]
    kw = {"max_p": 3, "max_q": 3} if name == "co2" else {}
    new, old = _fit(y, False, **kw), _fit(y, True, **kw)
    assert new.order_ == old.order_
    # the reported fit is the exhaustive search's fit of that order, not a screened one
    assert new.llf_ >= _exhaustive_llf(old, new.order_, len(new.params_)) - 1e-9
    assert new.llf_ == pytest.approx(old.llf_, abs=1e-9)
    np.testing.assert_allclose(new.params_.to_numpy(), old.params_.to_numpy(), rtol=1e-10)


def test_selection_table_lists_every_candidate_and_marks_the_screened_ones(m3_monthly):
    model = _fit(m3_monthly["M41"], False)
    table = model.selection_
    assert len(table) == 36 and set(zip(table["p"], table["q"], strict=True)) == {(p, q) for p in range(6) for q in range(6)}
    assert table["exact"].dtype == bool
    screened = table[~table["exact"]]
    assert 0 < len(screened) < 36  # the screen spared exact fits, and some candidates were fitted exactly
    best = table.iloc[0]
    assert bool(best["exact"]) and (best["p"], 0, best["q"]) == model.order_
    assert best["aic"] == pytest.approx(model.aic_, abs=1e-6)
    # screened candidates lie more than the margin above the chosen order
    from forecast.models.arma_search import MARGIN

    assert (screened["aic"] > best["aic"] + MARGIN).all()
    assert np.isfinite(screened[["aic", "bic"]].to_numpy()).all()


def test_degenerate_fit_with_zero_log_likelihood_is_not_chosen(m3_monthly):
    # on M681 statsmodels' fit of ARMA(5,4) ends at cancelling unit roots and reports a
    # log-likelihood of exactly 0 (AIC 22 against ~1714 for every other order); the
    # exhaustive search chose it and forecast a flat line
    y = m3_monthly["M681"]
    model = _fit(y, False)
    assert model.llf_ != 0.0 and model.aic_ > 1000
    assert model.order_ != (5, 0, 4) or model.fit_method_ == "exact-ls"


def test_small_grids_and_bic_still_work(m3_monthly):
    y = m3_monthly["M1"]
    small = _fit(y, False, max_p=1, max_q=1)
    assert small.selection_["exact"].all() and len(small.selection_) == 4
    bic = _fit(y, False, criterion="bic")
    assert bic.selection_["bic"].is_monotonic_increasing
    assert bic.selection_.iloc[0]["bic"] == pytest.approx(bic.bic_, abs=1e-6)


def _hourly480():
    from benchmarks.peers import data

    return data.series().iloc[:480]


def test_long_series_agrees_with_exhaustive_and_refines_few_orders():
    # the benchmark series of the 1 s target: the screen must keep the exhaustive order
    # and fit, while fitting only a handful of the 36 candidates exactly
    y = _hourly480()
    new, old = _fit(y, False), _fit(y, True)
    assert new.order_ == old.order_ == (1, 0, 1)
    assert new.llf_ >= _exhaustive_llf(old, new.order_, len(new.params_)) - 1e-9
    assert 1 <= int(new.selection_["exact"].sum()) <= 10


@pytest.mark.parametrize("order", [(1, 0), (0, 2), (1, 1), (2, 1)])
def test_screen_fit_is_close_to_the_exact_optimum_and_never_above_it(order):
    # a screened log-likelihood is a point of the exact likelihood: never above its maximum,
    # and with the screen's stopping rule within a small fraction of the refine margin of it
    from forecast.models._arma_mle import fit_arma
    from forecast.models.arma_search import MARGIN, screen_fit

    y = _hourly480().to_numpy(dtype=float)
    p, q = order
    exact = fit_arma(y, np.ones((len(y), 1)), p, q)
    screened = screen_fit(y, True, p, q, np.zeros(p + q))
    assert screened.llf <= exact.llf + 1e-6
    assert screened.llf >= exact.llf - MARGIN / 8


def test_screen_stops_on_a_log_likelihood_gain_not_a_relative_one(monkeypatch):
    # the stopping rule is in log-likelihood units: a looser tolerance stops earlier (fewer
    # evaluations) and a screen with a huge tolerance stops after its first step
    from forecast.models import _arma_mle, arma_search

    y = _hourly480().to_numpy(dtype=float)
    calls = []
    real = _arma_mle.profile

    def counting(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(_arma_mle, "profile", counting)
    counts = {}
    for dllf in (1e-4, 0.01, 1e6):
        monkeypatch.setattr(arma_search, "SCREEN_DLLF", dllf)
        calls.clear()
        arma_search.screen_fit(y, True, 2, 2, np.zeros(4))
        counts[dllf] = len(calls)
    assert counts[1e6] < counts[0.01] <= counts[1e-4]
