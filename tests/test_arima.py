"""The ARMA family against statsmodels itself, simulated processes, and the contract."""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.arima.model import ARIMA as SMARIMA
from statsmodels.tsa.arima_process import ArmaProcess

import forecast as fc
from forecast.base import Forecaster
from forecast.errors import InputError, ModelError

# statsmodels' tiny state-space matrices run far slower with many BLAS threads
pytestmark = pytest.mark.usefixtures("one_blas_thread")


def _simulate(ar, ma, n, seed, mean=0.0):
    rng = np.random.default_rng(seed)
    proc = ArmaProcess(np.r_[1, -np.asarray(ar)], np.r_[1, np.asarray(ma)])
    values = mean + proc.generate_sample(n, distrvs=rng.standard_normal, burnin=200)
    return pd.Series(values, index=pd.RangeIndex(n))


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def SMEXACT(y, **spec):
    """statsmodels' ARIMA with the likelihood the toolkit uses for differenced models: the
    differencing states start from an exact diffuse prior (for d = D = 0 nothing changes)."""
    mod = SMARIMA(y, **spec)
    if spec.get("order", (0, 0, 0))[1] or spec.get("seasonal_order", (0, 0, 0, 0))[1]:
        mod.use_exact_diffuse = True
        mod.loglikelihood_burn = 0
        mod.initialize_default()
    return mod


# ------------------------------------------------------------------ against statsmodels
def test_arma_matches_statsmodels_on_sunspots(sunspots):
    model = fc.ARMA(p=2, q=1, method="statespace").fit(sunspots)
    assert model.fit_method_ == "statespace"
    ref = _quiet(SMARIMA(sunspots.to_numpy(), order=(2, 0, 1), trend="c").fit)
    fcst = model.predict(10)
    np.testing.assert_allclose(fcst.mean.to_numpy(), ref.forecast(10), rtol=1e-10)
    band = fcst.interval(95)
    conf = ref.get_forecast(10).conf_int(alpha=0.05)
    np.testing.assert_allclose(band["lower"].to_numpy(), conf[:, 0], rtol=1e-9)
    np.testing.assert_allclose(band["upper"].to_numpy(), conf[:, 1], rtol=1e-9)
    np.testing.assert_allclose(model.params_.to_numpy(), ref.params, rtol=1e-10)
    assert model.params_.index.tolist() == ["const", "ar.L1", "ar.L2", "ma.L1", "sigma2"]
    assert model.aic_ == pytest.approx(ref.aic) and model.bic_ == pytest.approx(ref.bic)
    assert fcst.index[0] == sunspots.index[-1] + 1 and len(fcst.index) == 10


def test_arima_default_trend_and_seasonal_match_statsmodels(airline):
    model = fc.ARIMA(order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)).fit(airline)
    assert model.trend_ == "n"
    ref = _quiet(SMEXACT(airline.to_numpy(), order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)).fit)
    got = model.predict(12)
    np.testing.assert_allclose(got.mean.to_numpy(), ref.forecast(12), rtol=1e-10)
    np.testing.assert_allclose(got.se, ref.get_forecast(12).se_mean, rtol=1e-9)
    assert fc.ARIMA(order=(1, 0, 0)).fit(airline).trend_ == "c"


# ------------------------------------------------------------------ simulated processes
@pytest.mark.parametrize(
    "model, ar, ma, names",
    [
        (fc.AR(p=2), [0.6, -0.3], [], ["ar.L1", "ar.L2"]),
        (fc.MA(q=1), [], [0.5], ["ma.L1"]),
        (fc.ARMA(p=1, q=1), [0.7], [0.3], ["ar.L1", "ma.L1"]),
    ],
    ids=["AR(2)", "MA(1)", "ARMA(1,1)"],
)
def test_estimates_recover_simulated_coefficients(model, ar, ma, names):
    y = _simulate(ar, ma, n=2000, seed=7, mean=5.0)
    model.fit(y)
    np.testing.assert_allclose(model.params_[names].to_numpy(), ar + ma, atol=0.07)
    assert model.params_["const"] == pytest.approx(5.0, abs=0.2)
    assert model.params_["sigma2"] == pytest.approx(1.0, abs=0.08)


def test_auto_order_selection_picks_true_order_from_training_data_only():
    y = _simulate([0.6, -0.3], [], n=600, seed=3)
    train = y[:500]
    model = fc.ARMA(p="auto", q="auto", max_p=3, max_q=1, criterion="bic").fit(train)
    assert model.order_ == (2, 0, 0)
    table = model.selection_
    assert len(table) == 4 * 2 and table["bic"].is_monotonic_increasing
    # the criteria are those of the training data alone
    ref = _quiet(SMARIMA(train.to_numpy(), order=(2, 0, 0), trend="c").fit)
    assert table.iloc[0]["bic"] == pytest.approx(ref.bic, rel=1e-8)
    # the order stays fixed when later data arrive
    model.update(y[500:])
    assert model.order_ == (2, 0, 0)


# ------------------------------------------------------------------ the fast estimator
def _polished(mod, start=None):
    """statsmodels' fit (or ``start``), then its own likelihood maximised further by BFGS
    with tight tolerances (statsmodels' L-BFGS can stop early along flat directions)."""
    from scipy.optimize import minimize

    res = _quiet(mod.fit) if start is None else mod.filter(start)
    x0 = mod.untransform_params(np.asarray(res.params))

    def objective(x):
        return -mod.loglike(mod.transform_params(x))

    opt = _quiet(minimize, objective, x0, method="BFGS", options={"gtol": 1e-7})
    if -opt.fun > res.llf:
        res = mod.filter(mod.transform_params(opt.x))
    return res


FAST_CASES = {
    "sunspots ARMA(2,1)": (lambda d: d["sunspots"], lambda: fc.ARMA(p=2, q=1), dict(order=(2, 0, 1), trend="c")),
    "sunspots AR(2)": (lambda d: d["sunspots"], lambda: fc.AR(p=2), dict(order=(2, 0, 0), trend="c")),
    "sunspots MA(3)": (lambda d: d["sunspots"], lambda: fc.MA(q=3), dict(order=(0, 0, 3), trend="c")),
    "log airline ARIMA(1,1,1) drift": (lambda d: np.log(d["airline"]), lambda: fc.ARIMA(order=(1, 1, 1), trend="t"),
                                       dict(order=(1, 1, 1), trend="t")),
    "macro cpi ARIMA(2,2,1)": (lambda d: d["macro"]["cpi"], lambda: fc.ARIMA(order=(2, 2, 1)), dict(order=(2, 2, 1))),
}


@pytest.mark.parametrize("case", list(FAST_CASES))
def test_fast_estimator_reaches_the_statsmodels_optimum(case, sunspots, airline, macro):
    data = {"sunspots": sunspots, "airline": airline, "macro": macro}
    series, make, spec = FAST_CASES[case]
    y = series(data)
    model = make().fit(y)
    assert model.fit_method_ == "exact-ls"
    mod = SMEXACT(y.to_numpy(), **spec)
    ref = _polished(mod)
    # same likelihood (statsmodels' own, evaluated at our parameters), never a worse optimum
    assert model.llf_ >= ref.llf - 1e-6 * abs(ref.llf)
    # and a true optimum: statsmodels' own BFGS started from it finds nothing higher
    assert _polished(mod, model.params_.to_numpy()).llf == pytest.approx(model.llf_, rel=1e-7)
    if model.llf_ <= ref.llf + 1e-6 * abs(ref.llf):  # the same optimum: the same forecasts
        np.testing.assert_allclose(model.predict(12).mean.to_numpy(), ref.forecast(12), rtol=1e-3)
    assert model.params_.index.tolist() == list(ref.param_names)


def test_fast_estimator_finds_a_better_optimum_than_a_stalled_statsmodels_fit(macro):
    # statsmodels' L-BFGS stops 30 log-likelihood units short on this regression with AR(1)
    # errors; the fast estimator's optimum, evaluated by statsmodels, is higher
    y, X = macro["realcons"][:-8], macro[["realdpi"]][:-8]
    fast = fc.ARMAX(p=1).fit(y, X=X)
    slow = fc.ARMAX(p=1, method="statespace").fit(y, X=X)
    assert fast.fit_method_ == "exact-ls" and slow.fit_method_ == "statespace"
    assert fast.llf_ > slow.llf_ + 1.0


def test_order_search_fits_each_candidate_once(sunspots, monkeypatch):
    from forecast.models import _arma_mle

    calls = []
    original = _arma_mle.fit_arma

    def counting(*args, **kwargs):
        calls.append(args[2:4])
        return original(*args, **kwargs)

    monkeypatch.setattr(_arma_mle, "fit_arma", counting)
    model = fc.ARMA(p="auto", q="auto", max_p=1, max_q=1).fit(sunspots)
    # four candidates, the chosen one reused rather than fitted a fifth time
    assert sorted(calls) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert model.fit_method_ == "exact-ls" and model.order_ in [(p, 0, q) for p, q in calls]


def test_unsupported_specifications_use_statsmodels(airline, sunspots):
    assert fc.ARIMA(order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)).fit(airline).fit_method_ == "statespace"
    assert fc.ARMA(p=1, q=1, trend="ct").fit(sunspots).fit_method_ == "statespace"
    assert fc.ARMA(p=1, q=1, maxiter=50).fit(sunspots).fit_method_ == "statespace"
    assert fc.ARMA(p=1, q=1, method="innovations_mle").fit(sunspots).fit_method_ == "innovations_mle"


# ------------------------------------------------------------------ ARMAX
def test_armax_on_macro_matches_statsmodels_and_needs_future_X(macro):
    y, X = macro["realcons"], macro[["realdpi"]]
    model = fc.ARMAX(p=1, q=0, method="statespace").fit(y[:-8], X=X[:-8])
    assert "realdpi" in model.params_.index
    got = model.predict(8, X=X[-8:])
    ref = _quiet(SMARIMA(y[:-8].to_numpy(), exog=X[:-8].to_numpy(), order=(1, 0, 0), trend="c").fit)
    np.testing.assert_allclose(got.mean.to_numpy(), ref.forecast(8, exog=X[-8:].to_numpy()), rtol=1e-8)
    with pytest.raises(InputError, match="pass X"):
        model.predict(8)
    with pytest.raises(InputError, match="X"):
        model.predict(8, X=X[-9:-1])  # shifted by one quarter
    with pytest.raises(InputError, match="X has 4 rows"):
        model.predict(8, X=X[-8:-4])
    with pytest.raises(InputError, match="needs exogenous"):
        fc.ARMAX().fit(y)


# ------------------------------------------------------------------ update
def test_update_keeps_params_and_equals_statsmodels_append(sunspots):
    train, new = sunspots[:250], sunspots[250:290]
    model = fc.ARMA(p=2, q=1).fit(train)
    before = model.params_.copy()
    ref = model.results_.append(new.to_numpy()).get_forecast(12)
    model.update(new[:10]).update(new[10:])
    pd.testing.assert_series_equal(model.params_, before)
    got = model.predict(12)
    np.testing.assert_allclose(got.mean.to_numpy(), ref.predicted_mean, rtol=1e-8)
    np.testing.assert_allclose(got.se, ref.se_mean, rtol=1e-8)
    assert got.index[0] == new.index[-1] + 1


def test_update_with_time_trend_continues_the_trend(sunspots):
    # statsmodels' own extend restarts the time trend; update must not
    model = fc.ARIMA(order=(1, 1, 0), trend="t").fit(sunspots[:250])
    ref = model.results_.append(sunspots[250:].to_numpy()).forecast(5)
    got = model.update(sunspots[250:]).predict(5).mean.to_numpy()
    np.testing.assert_allclose(got, ref, rtol=1e-8)


# ------------------------------------------------------------------ multi-origin path
def _cases(sunspots, airline, macro):
    return {
        "AR": (fc.AR(p=2), sunspots, None),
        "MA": (fc.MA(q=2), sunspots, None),
        "ARMA": (fc.ARMA(p=2, q=1), sunspots, None),
        "ARMAX": (fc.ARMAX(p=1, q=0), macro["realcons"], macro[["realdpi"]]),
        "SARIMA": (fc.ARIMA(order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)), airline, None),
        "ARIMA-t": (fc.ARIMA(order=(1, 1, 0), trend="t"), sunspots, None),
    }


@pytest.mark.parametrize("case", ["AR", "MA", "ARMA", "ARMAX", "SARIMA", "ARIMA-t"])
def test_predict_origins_equals_update_then_predict(case, sunspots, airline, macro):
    model, y, X = _cases(sunspots, airline, macro)[case]
    n, h = len(y) - 30, 6
    model.fit(y[:n], X=None if X is None else X[:n])
    y_new, X_new = y[n:], None if X is None else X[n:]
    stamps = [model.cutoff_, *y_new.index]
    origins = [stamps[i] for i in (0, 1, 7, 20, 24)]
    fast = model.predict_origins(y_new, origins, h, X_new=X_new)
    for origin, got in zip(origins, fast, strict=True):
        k = stamps.index(origin)
        ref_model = copy.deepcopy(model)
        if k:
            ref_model.update(y_new[:k], None if X is None else X_new[:k])
        ref = ref_model.predict(h, X=None if X is None else X_new[k:k + h])
        np.testing.assert_allclose(got.mean.to_numpy(), ref.mean.to_numpy(), rtol=1e-8)
        np.testing.assert_allclose(got.se, ref.se, rtol=1e-8)
        assert got.index.equals(ref.index) and got.index[0] == stamps[k + 1]
    assert model.cutoff_ == y.index[n - 1]  # the model itself is unchanged


@pytest.mark.parametrize("case", ["MA", "SARIMA"])
def test_predict_origins_matches_statsmodels_append_directly(case, sunspots, airline):
    if case == "MA":
        model, y_new = fc.MA(q=2).fit(sunspots[:260]), sunspots[260:]
    else:
        model = fc.ARIMA(order=(1, 1, 0), seasonal_order=(0, 1, 1, 12)).fit(airline[:100])
        y_new = airline[100:]
    got = model.predict_origins(y_new, [y_new.index[9], y_new.index[30]], 5)
    for k, fcst in zip((10, 31), got, strict=True):
        ref = model.results_.append(y_new[:k].to_numpy()).get_forecast(5)
        np.testing.assert_allclose(fcst.mean.to_numpy(), ref.predicted_mean, rtol=1e-8)
        np.testing.assert_allclose(fcst.se, ref.se_mean, rtol=1e-8)


def test_predict_origins_fast_path_equals_generic_fallback(airline):
    model = fc.ARIMA(order=(1, 1, 1), seasonal_order=(0, 1, 1, 12)).fit(airline[:100])
    y_new = airline[100:]
    positions = list(range(0, len(y_new) + 1, 4))
    fast = model._predict_origins(y_new, positions, 12, None)
    slow = Forecaster._predict_origins(model, y_new, positions, 12, None)
    for a, b in zip(fast, slow, strict=True):
        np.testing.assert_allclose(a.mean, b.mean, rtol=1e-8)
        np.testing.assert_allclose(a.se, b.se, rtol=1e-8)


def test_predict_origins_has_no_look_ahead(sunspots):
    model = fc.ARMA(p=2, q=1).fit(sunspots[:250])
    y_new = sunspots[250:]
    origin = y_new.index[19]
    before = model.predict_origins(y_new, [origin], 8)[0]
    changed = y_new.copy()
    changed.iloc[20:] = changed.iloc[20:] * 3 + 100
    after = model.predict_origins(changed, [origin], 8)[0]
    np.testing.assert_array_equal(before.mean.to_numpy(), after.mean.to_numpy())
    np.testing.assert_array_equal(before.se, after.se)
    moved = model.predict_origins(changed, [y_new.index[20]], 8)[0]
    assert not np.allclose(moved.mean.to_numpy(), model.predict_origins(y_new, [y_new.index[20]], 8)[0].mean.to_numpy())


# ------------------------------------------------------------------ persistence
def test_save_load_round_trip(tmp_path, macro):
    y, X = macro["realcons"], macro[["realdpi"]]
    model = fc.ARMAX(p=1, q=1).fit(y[:-12], X=X[:-12])
    model.save(tmp_path / "m")
    loaded = fc.load(tmp_path / "m")
    a, b = model.predict(4, X=X[-12:-8]), loaded.predict(4, X=X[-12:-8])
    np.testing.assert_array_equal(a.mean.to_numpy(), b.mean.to_numpy())
    np.testing.assert_array_equal(a.se, b.se)
    pd.testing.assert_series_equal(model.params_, loaded.params_)
    assert loaded.order_ == model.order_ and loaded.fit_warnings_ == model.fit_warnings_
    # an updated model round-trips too
    model.update(y[-12:-8], X[-12:-8])
    model.save(tmp_path / "u")
    again = fc.load(tmp_path / "u")
    np.testing.assert_allclose(again.predict(4, X=X[-8:-4]).mean.to_numpy(),
                               model.predict(4, X=X[-8:-4]).mean.to_numpy(), rtol=1e-10)


def test_save_load_keeps_order_selection(tmp_path, sunspots):
    model = fc.ARMA(p="auto", q=0, max_p=3).fit(sunspots)
    model.save(tmp_path / "a")
    loaded = fc.load(tmp_path / "a")
    # "auto" on one side only searches that side
    assert sorted(model.selection_["p"]) == [0, 1, 2, 3] and set(model.selection_["q"]) == {0}
    assert loaded.order_ == model.order_
    pd.testing.assert_frame_equal(loaded.selection_, model.selection_, check_dtype=False)
    np.testing.assert_array_equal(loaded.predict(5).mean.to_numpy(), model.predict(5).mean.to_numpy())


# ------------------------------------------------------------------ parameters, warnings
@pytest.mark.parametrize(
    "model, word",
    [
        (fc.ARMA(p=-1), "p"),
        (fc.ARMA(p="many"), "p"),
        (fc.ARMA(p="auto", criterion="hqic"), "criterion"),
        (fc.MA(q=1.5), "q"),
        (fc.ARIMA(order=(1, 1)), "order"),
        (fc.ARIMA(order=(0, 1, 1), seasonal_order=(0, 1, 1, 1)), "seasonal_order"),
        (fc.ARIMA(order=(1, 1, 0), trend="c"), "trend"),
        (fc.AR(p=1, maxiter=0), "maxiter"),
    ],
)
def test_bad_parameters_name_the_parameter(model, word, sunspots):
    with pytest.raises(InputError, match=rf"\b{word}\b"):
        model.fit(sunspots)


def test_too_short_series_says_how_long(sunspots):
    model = fc.ARIMA(order=(0, 1, 1), seasonal_order=(0, 1, 1, 12))
    need = model.min_length()
    with pytest.raises(InputError, match=f"at least {need}"):
        model.fit(sunspots[: need - 1])
    model.fit(sunspots[:need])


def test_fit_warnings_are_recorded_not_printed(sunspots):
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        model = fc.ARMA(p=3, q=3, maxiter=2).fit(sunspots)
    assert shown == []
    assert any("Convergence" in w for w in model.fit_warnings_)


def test_params_verbatim_and_repr():
    model = fc.ARMA(p="auto", q="auto")
    assert model.get_params()["p"] == "auto" and model.clone().get_params() == model.get_params()
    from forecast.models.registry import create

    assert repr(create("arma(2,1)")) == "ARMA(p=2, q=1)"
    assert repr(fc.ARIMA(order=(1, 1, 1))) == "ARIMA(order=(1, 1, 1))"


def test_statsmodels_failures_are_wrapped(macro):
    X = pd.DataFrame({"one": 1.0}, index=macro.index)  # collides with the constant
    with pytest.raises(ModelError, match="constant") as info:
        fc.ARMAX(p=1).fit(macro["realcons"], X=X)
    assert isinstance(info.value.__cause__, ValueError)
