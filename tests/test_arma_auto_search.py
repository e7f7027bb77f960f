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
