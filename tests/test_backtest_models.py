"""The backtest with the ARMA family and the recurrent networks on the macro data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forecast as fc
from forecast.models import recurrent as rec


@pytest.fixture(scope="module")
def growth():
    """Quarterly growth (percent) of consumption, and regressors lagged by 4 quarters, so
    that their values over a 4-step horizon are known at the origin."""
    macro = fc.datasets.load("macro")
    g = 100 * np.log(macro[["realcons", "realdpi"]]).diff()
    X = pd.DataFrame({"dpi_lag4": g["realdpi"].shift(4), "unemp_lag4": macro["unemp"].shift(4)})
    keep = slice(5, None)
    return g["realcons"].iloc[keep], X.iloc[keep]


def test_arma_refit_false_is_one_fit_and_one_batched_pass(growth, monkeypatch):
    y, _ = growth
    calls = {"fit": 0, "origins": 0}
    cls = type(fc.create("arma(2,1)"))
    fit, origins = cls._fit, cls._predict_origins

    def counting_fit(self, *a, **k):
        calls["fit"] += 1
        return fit(self, *a, **k)

    def counting_origins(self, *a, **k):
        calls["origins"] += 1
        return origins(self, *a, **k)

    monkeypatch.setattr(cls, "_fit", counting_fit)
    monkeypatch.setattr(cls, "_predict_origins", counting_origins)
    res = fc.backtest(["arma(2,1)"], y, horizon=4, initial=150, refit=False)
    assert calls == {"fit": 1, "origins": 1}
    model = fc.create("arma(2,1)").fit(y.iloc[:150])
    origins_ = list(y.index[149:len(y) - 4])
    direct = model.predict_origins(y.iloc[150:len(y) - 4], origins_, 4)
    np.testing.assert_allclose(res.forecasts["y_pred"].to_numpy(),
                               np.concatenate([f.mean.to_numpy() for f in direct]), rtol=1e-9)
    assert res.forecasts["lower"].notna().all()


def test_classical_family_on_macro_with_dm_pvalues(growth):
    y, X = growth
    res = fc.backtest(["naive", "ar(2)", "arma(2,1)", "armax(1,1)"], y, X=X,
                      known_exog=["dpi_lag4", "unemp_lag4"], horizon=4, initial=170, step=3, refit=4)
    board = res.leaderboard()
    assert set(board["model"]) == {"naive", "ar(2)", "arma(2,1)", "armax(1,1)"}
    assert board["dm_pvalue"].iloc[1:].between(0, 1).all()
    assert res.meta["models"]["armax(1,1)"]["exog"] == ["dpi_lag4", "unemp_lag4"]
    assert res.meta["models"]["ar(2)"]["exog"] == []
    assert len(res.failures) == 0


@pytest.mark.keras
def test_networks_and_classical_on_macro_leaderboard_and_plots(growth):
    y, X = growth
    models = {"naive": "naive", "ar": "ar(2)", "arma": "arma(2,1)", "armax": "armax(1,1)",
              "lstm": rec.LSTM(**rec.LSTM._tiny_params()), "gru": rec.GRU(**rec.GRU._tiny_params())}
    res = fc.backtest(models, y, X=X, known_exog=["dpi_lag4", "unemp_lag4"], horizon=4, initial=170,
                      step=2, refit=False, seed=0)
    board = res.leaderboard()
    assert len(board) == 6 and board["dm_pvalue"].iloc[1:].notna().all()
    again = fc.backtest(models, y, X=X, known_exog=["dpi_lag4", "unemp_lag4"], horizon=4, initial=170,
                        step=2, refit=False, seed=0)
    np.testing.assert_allclose(res.forecasts["y_pred"], again.forecasts["y_pred"], rtol=1e-6)
    figs = fc.plotting.plot_all(res)
    assert set(figs) == {"forecasts", "by_horizon", "leaderboard"}
