"""AutoARIMA (forecast.models.auto_arima): the Hyndman-Khandakar choices on real series,
checked against statsmodels' own estimates of the chosen model."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.arima.model import ARIMA as SMARIMA

import forecast as fc
from forecast.errors import InputError
from forecast.models import registry

# statsmodels' tiny state-space matrices run far slower with many BLAS threads
pytestmark = pytest.mark.usefixtures("one_blas_thread")


@pytest.fixture(scope="module")
def log_airline():
    return np.log(fc.datasets.load("airline"))


@pytest.fixture(scope="module")
def airline_fit(log_airline):
    return fc.AutoARIMA().fit(log_airline)


def _sm_fit(y, order, seasonal_order, trend):
    """statsmodels' own fit of the same model under the likelihood the toolkit uses for
    differenced models (exact diffuse start of the differencing states)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mod = SMARIMA(y.to_numpy(float), order=order, seasonal_order=seasonal_order, trend=trend)
        if order[1] or seasonal_order[1]:
            mod.use_exact_diffuse = True
            mod.loglikelihood_burn = 0
            mod.initialize_default()
        return mod.fit()


def test_log_airline_gets_the_airline_model_with_statsmodels_estimates(airline_fit, log_airline):
    model = airline_fit
    # the season from the monthly PeriodIndex, D by seasonal strength, d by KPSS
    assert model.m_ == 12
    assert model.differencing_["D"] == 1 and model.differencing_["D_by"] == "seasonal strength"
    assert model.differencing_["seasonal_strength"] >= 0.64
    assert model.differencing_["d"] == 1 and model.differencing_["d_by"] == "KPSS"
    # R's auto.arima(log(AirPassengers)) chooses the same model
    assert model.order_ == (0, 1, 1) and model.seasonal_order_ == (0, 1, 1, 12) and model.trend_ == "n"
    assert model.fit_method_ == "exact-ml"
    ref = _sm_fit(log_airline, (0, 1, 1), (0, 1, 1, 12), "n")
    np.testing.assert_allclose(model.params_.to_numpy(), ref.params, rtol=1e-3)
    assert model.llf_ >= ref.llf - 1e-6
    assert model.params_.index.tolist() == ["ma.L1", "ma.S.L12", "sigma2"]
    np.testing.assert_allclose(model.predict(12).mean.to_numpy(), ref.forecast(12), rtol=1e-4)


def test_selection_table_lists_every_candidate_and_marks_the_best(airline_fit):
    table = airline_fit.selection_
    assert list(table.columns) == ["p", "q", "P", "Q", "constant", "ic", "status", "chosen"]
    assert table["chosen"].sum() == 1
    best = table.loc[table["chosen"]].iloc[0]
    assert best["ic"] == table["ic"].min()
    # the four starting models of the stepwise search come first
    starts = [tuple(r) for r in table[["p", "q", "P", "Q"]].to_numpy()[:4]]
    assert starts == [(2, 2, 1, 1), (0, 0, 0, 0), (1, 0, 1, 0), (0, 1, 0, 1)]
    assert not table.duplicated(["p", "q", "P", "Q", "constant"]).any()
    # d + D = 2: no constant may enter
    assert not table["constant"].any()
    rejected = table[~np.isfinite(table["ic"])]
    assert (rejected["status"] != "ok").all()


def test_m_overrides_the_index(log_airline):
    model = fc.AutoARIMA(m=1).fit(log_airline)
    assert model.m_ == 1 and model.seasonal_order_ == (0, 0, 0, 0)
    assert model.differencing_["D"] == 0
    assert (model.selection_[["P", "Q"]] == 0).all().all()


def test_fixed_d_and_D_are_used_and_reported(log_airline):
    model = fc.AutoARIMA(d=1, D=0).fit(log_airline)
    assert model.order_[1] == 1 and model.seasonal_order_[1] == 0
    assert model.differencing_["d_by"] == "given" and model.differencing_["D_by"] == "given"


def test_quarterly_period_index_gives_season_four_and_drift_follows_the_rules():
    train, _, h = fc.datasets.load_m3("quarterly", split=True)
    y = train["Q1"]
    model = fc.create("arima(auto)").fit(y)
    assert isinstance(model, fc.AutoARIMA) and model.m_ == 4
    assert len(model.predict(h)) == h
    d, D = model.differencing_["d"], model.differencing_["D"]
    table = model.selection_
    assert table["constant"].any() == (d + D <= 1)
    if model.trend_ != "n":
        assert model.trend_ == {0: "c", 1: "t"}[d + D]


def test_integer_index_is_non_seasonal_and_matches_statsmodels():
    train, _, h = fc.datasets.load_m3("other", split=True)
    y = train["O1"]
    model = fc.AutoARIMA().fit(y)
    assert model.m_ == 1 and model.seasonal_order_[:3] == (0, 0, 0)
    ref = _sm_fit(y.reset_index(drop=True), model.order_, (0, 0, 0, 0), model.trend_)
    assert model.llf_ == pytest.approx(ref.llf, abs=1e-2)
    np.testing.assert_allclose(model.predict(h).mean.to_numpy(), ref.forecast(h), rtol=1e-3)


def test_long_series_are_searched_by_css_and_refitted_by_exact_ml():
    # R's rule: more than 150 observations means the CSS search; the chosen model is then
    # estimated by exact maximum likelihood (statsmodels' optimum of the same model)
    sunspots = fc.datasets.load("sunspots")  # 309 yearly values: m = 1
    model = fc.AutoARIMA().fit(sunspots)
    assert model.m_ == 1 and model.fit_method_ == "css+exact-ml"
    assert not any("search's estimate" in w for w in model.fit_warnings_)
    ref = _sm_fit(sunspots, model.order_, model.seasonal_order_, model.trend_)
    assert model.llf_ == pytest.approx(ref.llf, abs=1e-2)
    np.testing.assert_allclose(model.predict(8).mean.to_numpy(), ref.forecast(8), rtol=1e-3)


def test_css_search_on_airline_forecasts_like_the_exact_search(log_airline, airline_fit):
    model = fc.AutoARIMA(approximation=True).fit(log_airline)
    assert model.fit_method_ == "css+exact-ml" and model.seasonal_order_[1] == 1 and model.seasonal_order_[3] == 12
    chosen = model.selection_.loc[model.selection_["chosen"]].iloc[0]
    assert chosen["ic"] == model.selection_["ic"].min()
    np.testing.assert_allclose(model.predict(12).mean.to_numpy(), airline_fit.predict(12).mean.to_numpy(), rtol=2e-2)


def test_save_load_round_trip_keeps_choices(tmp_path, airline_fit):
    path = airline_fit.save(tmp_path / "auto")
    back = fc.load(path)
    assert back.order_ == airline_fit.order_ and back.seasonal_order_ == airline_fit.seasonal_order_
    assert back.m_ == 12 and back.differencing_ == airline_fit.differencing_
    pd.testing.assert_frame_equal(back.selection_, airline_fit.selection_, check_dtype=False)
    np.testing.assert_allclose(back.predict(6).mean.to_numpy(), airline_fit.predict(6).mean.to_numpy(), rtol=1e-10)


@pytest.mark.parametrize("params, word", [
    ({"ic": "hqic"}, "ic"), ({"m": 0}, "m"), ({"D": 2}, "D"), ({"max_p": -1}, "max_p"),
    ({"approximation": "yes"}, "approximation"), ({"d": 1.5}, "d"),
])
def test_bad_settings_are_named(params, word, log_airline):
    with pytest.raises(InputError, match=word):
        fc.AutoARIMA(**params).fit(log_airline)


def test_registry_spellings():
    model = registry.create("arima(auto, m=4, ic=bic)")
    assert isinstance(model, fc.AutoARIMA) and model.m == 4 and model.ic == "bic"
    assert isinstance(registry.create("autoarima(12)"), fc.AutoARIMA)
    assert "autoarima" in registry.available()
    assert registry.create("arima(1,1,1)").order == (1, 1, 1)  # the fixed-order spec is unchanged


def test_deterministic_series_keep_their_level_and_slope():
    # a constant series forecasts its value (not zero), a straight line continues its slope
    flat = fc.AutoARIMA().fit(pd.Series(np.full(30, 5.0)))
    np.testing.assert_allclose(flat.predict(3).mean.to_numpy(), 5.0, rtol=1e-9)
    line = fc.AutoARIMA().fit(pd.Series(np.arange(40.0)))
    assert line.order_[1] == 1 and line.trend_ == "t"
    np.testing.assert_allclose(line.predict(3).mean.to_numpy(), [40.0, 41.0, 42.0], rtol=1e-9)


@pytest.mark.parametrize("size", [1, 2, 3])
def test_coefficient_transform_is_statsmodels_own(size):
    # start values are mapped back with statsmodels' inverse, so the forward transform
    # must be statsmodels' exactly (a mirrored one starts every search at the wrong point)
    from statsmodels.tsa.statespace.tools import (
        constrain_stationary_univariate,
        unconstrain_stationary_univariate,
    )

    from forecast.models.sarima_lik import constrain_pacf as _constrain

    u = np.linspace(-1.5, 2.0, size)
    np.testing.assert_allclose(_constrain(u), constrain_stationary_univariate(u), rtol=1e-12)
    np.testing.assert_allclose(unconstrain_stationary_univariate(_constrain(u)), u, rtol=1e-9)
