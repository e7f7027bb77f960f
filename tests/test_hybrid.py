"""The hybrid (Zhang 2003): a classical model plus a network trained on its residuals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import forecast as fc
from forecast.datasets import load_m3
from forecast.errors import InputError
from forecast.models.arima import ARIMA
from forecast.models.hybrid import Hybrid, one_step_residuals
from forecast.models.registry import create

ROOT = Path(__file__).resolve().parents[1]


def _tiny_lstm(**kw):
    from forecast.models.recurrent import LSTM

    return LSTM(**{"time_steps": 6, "horizon": 4, "units": 4, "epochs": 2, "batch_size": 16, "seed": 0, **kw})


@pytest.fixture(scope="module")
def airline():
    return fc.datasets.load("airline")


def test_residuals_are_the_classical_one_step_errors_on_the_training_data(airline):
    train = airline.iloc[:120]
    model = ARIMA(order=(1, 1, 0)).fit(train)
    r = one_step_residuals(model, train)
    assert r.index.equals(train.index)
    assert r.iloc[0] == 0.0  # the differenced model's diffuse start
    # one-step forecasts of a model fitted on the same data, parameters fixed: y - forecast
    fitted = train.to_numpy() - np.asarray(model.results_.fittedvalues)
    np.testing.assert_allclose(r.to_numpy()[1:], fitted[1:])


def test_residuals_of_a_model_without_state_space_results(airline):
    train = airline.iloc[:60]
    naive = fc.Naive().fit(train)
    r = one_step_residuals(naive, train)  # a copy fitted on the first min_length() values forecasts the rest
    k = naive.min_length()
    np.testing.assert_allclose(r.to_numpy()[:k], 0.0)
    np.testing.assert_allclose(r.to_numpy()[k:], np.diff(train.to_numpy())[k - 1:])


@pytest.mark.parametrize(("spec", "says"), [
    ("hybrid(arima(1,1,0))", "two model specs"),
    ("hybrid(arima(1,1,0), lstm, naive)", "two model specs"),
    ("hybrid(arima(1,1,0), combo(naive, drift))", "single model"),
    ("hybrid(arima(1,1,0), lstm, units=3)", "units"),
])
def test_bad_specs_are_refused(spec, says):
    with pytest.raises(InputError, match=says):
        create(spec)


def test_spec_builds_both_members():
    h = create("hybrid(arima(auto, m=1), lstm(units=8), horizon=6)")
    assert isinstance(h, Hybrid) and h.horizon == 6
    assert type(h.classical).__name__ == "AutoARIMA" and h.recurrent.units == 8


def test_bad_members_are_refused(airline):
    with pytest.raises(InputError, match="recurrent"):
        Hybrid(ARIMA(order=(1, 0, 0)), "lstm").fit(airline)


def test_importing_the_hybrid_leaves_tensorflow_out():
    code = ("import sys, json, forecast as fc\nfrom forecast.models import hybrid\n"
            "fc.create('hybrid(arima(1,0,0), lstm)')\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


# ------------------------------------------------------------------ with a network
@pytest.mark.keras
def test_network_learns_the_classical_residuals_of_the_training_data_only(airline):
    train, test = airline.iloc[:120], airline.iloc[120:]
    hyb = Hybrid(ARIMA(order=(1, 1, 0)), _tiny_lstm()).fit(train)
    expected = one_step_residuals(ARIMA(order=(1, 1, 0)).fit(train), train)
    assert hyb.network_.y_.index.equals(train.index)  # nothing after the training data
    np.testing.assert_allclose(hyb.network_.y_.to_numpy(), expected.to_numpy())
    # the forecast is the classical forecast plus the network's forecast of the residuals
    f = hyb.predict(4)
    np.testing.assert_allclose(f.values, hyb.classical_.predict(4).values + hyb.network_.predict(4).values, rtol=1e-6)
    lo, hi = f.interval_bounds(95)
    clo, chi = hyb.classical_.predict(4).interval_bounds(95)
    shift = hyb.network_.predict(4).values
    np.testing.assert_allclose(lo, clo + shift, rtol=1e-6)
    np.testing.assert_allclose(hi, chi + shift, rtol=1e-6)
    # update: the new values' residuals are the classical one-step errors, parameters fixed
    one_step = [hyb.classical_.predict_origins(test.iloc[:3], [test.index[i - 1] if i else train.index[-1]], 1)[0]
                for i in range(3)]
    classical_before = np.array([o.values[0] for o in one_step])
    hyb.update(test.iloc[:3])
    np.testing.assert_allclose(hyb.network_.y_.to_numpy()[-3:], test.to_numpy()[:3] - classical_before, rtol=1e-8)
    rp = hyb.resolved_params_
    assert "ARIMA" in rp["classical"] and "LSTM" in rp["recurrent"] and rp["classical_orders"] == "(1, 1, 0)"
    assert "time_steps" in rp["network"]


@pytest.mark.keras
def test_a_global_network_over_the_panel_residuals_and_the_backtest():
    series, _ = load_m3("quarterly")
    panel = {"Q1": series["Q1"], "Q3": series["Q3"], "Q5": series["Q5"]}
    hyb = Hybrid(ARIMA(order=(1, 1, 0)), _tiny_lstm()).fit(panel)
    assert set(hyb.network_.y_) == set(panel)  # one network over every series' residuals
    for sid, y in panel.items():
        np.testing.assert_allclose(hyb.residuals_[sid].to_numpy(),
                                   one_step_residuals(ARIMA(order=(1, 1, 0)).fit(y), y).to_numpy())
    out = hyb.predict(4)
    assert set(out) == set(panel)
    # in the backtest it is a model of its own: fitted (one global task per refit segment)
    spec = "hybrid(arima(1,1,0), lstm(time_steps=6, units=4, epochs=2, batch_size=16, seed=0))"
    res = fc.backtest(["naive", spec], panel, horizon=4, initial=30, step=2, refit=False, seed=1)
    assert res.meta["models"][spec]["global"] is True
    assert res.meta["tasks_total"] == 3 + 1
    f = res.forecasts
    assert f[f["model"] == spec]["y_pred"].notna().all()
