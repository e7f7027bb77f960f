"""The recurrent family's "auto" defaults, global models over panels, on real data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import forecast as fc
from forecast.datasets import load_m3
from forecast.errors import InputError

SMALL = dict(units=4, epochs=3, seed=0)  # tiny networks; every other setting "auto"


@pytest.fixture(scope="module")
def airline():
    return fc.datasets.load("airline")


@pytest.mark.keras
def test_defaults_resolve_on_the_training_data_and_are_reported(airline):
    model = fc.LSTM(**SMALL).fit(airline[:120])
    r = model.resolved_params_
    assert (r["season"], r["deseasonalize"], r["log"], r["window_norm"], r["loss"]) == (
        12, "multiplicative", True, "last", "mae")
    assert (r["time_steps"], r["horizon"], r["refit"], r["scaler"]) == (36, 12, True, None)
    assert r["batch_size"] == 32 and r["epochs_run"] <= 3 and r["best_epoch"] >= 1
    json.dumps(r)  # plain values: serialisable into a run record
    assert model.get_params()["time_steps"] == "auto"  # parameters stay as given
    f = model.predict(24).mean.to_numpy()
    actual = airline[120:144].to_numpy()
    # the seasonal pattern comes back through the multiplicative factors: July above November
    assert f[6] > f[10] and f[18] > f[22]
    assert np.mean(np.abs(f - actual) / actual) < 0.25
    # a seasonal series with non-positive values: additive deseasonalisation, no log, standardised
    shifted = airline[:120] - 300.0
    r2 = fc.LSTM(**SMALL).fit(shifted).resolved_params_
    assert (r2["deseasonalize"], r2["log"], r2["scaler"]) == ("additive", False, "standard")
    # explicit settings win, and the season can be given for an integer index
    plain = pd.Series(airline[:120].to_numpy())
    r3 = fc.GRU(season=12, time_steps=24, horizon=6, deseasonalize=None, log=False, **SMALL).fit(plain).resolved_params_
    assert (r3["season"], r3["time_steps"], r3["horizon"], r3["deseasonalize"], r3["log"]) == (12, 24, 6, "none", False)
    assert fc.LSTM(**SMALL).fit(plain).resolved_params_["season"] == 1  # no calendar: no season
    with pytest.raises(InputError, match="deseasonalize"):
        fc.LSTM(deseasonalize="stl").fit(airline)


@pytest.mark.keras
def test_refit_trains_on_the_newest_windows_for_the_epochs_found(airline):
    kw = dict(time_steps=12, horizon=6, units=4, epochs=4, patience=4, seed=0)
    stopped = fc.LSTM(refit=False, **kw).fit(airline[:120])
    refitted = fc.LSTM(**kw).fit(airline[:120])
    assert refitted.resolved_params_["refit"] and not stopped.resolved_params_["refit"]
    # a few epochs more from the early-stopped weights: 10% of the best epoch count, 3 to best
    best = refitted.history_["best_epoch"]
    assert len(refitted.history_["refit_loss"]) == refitted.resolved_params_["refit_epochs"] == min(best, 3)
    # the same early-stopping run, then different weights: the refit saw the held-out windows
    assert refitted.history_["val_loss"] == stopped.history_["val_loss"]
    assert not np.allclose(refitted.predict(6).mean.to_numpy(), stopped.predict(6).mean.to_numpy())
    # the intervals stay those of the network that did not see the validation windows
    assert refitted.residuals_ == stopped.residuals_


@pytest.mark.keras
def test_conformal_bounds_are_built_in_the_deseasonalised_network_scale(airline):
    """The calibration residuals and the bounds use the network's scale: the series divided
    by its seasonal factor at each step's position (then logged when chosen) over the
    scaler's scale, so an interval follows the season."""
    from forecast.models.recurrent_conformal import conformal_widths as _conformal

    model = fc.LSTM(time_steps=12, horizon=3, log=False, deseasonalize="multiplicative", **SMALL).fit(airline[:120])
    si = np.asarray(model.seasonal_["y"]["indices"])
    scale = model.scalers_["y"]["scale"][0]
    scores = np.asarray(model.scaled_residuals_["y"], dtype=float)
    # head steps: a residual in data units is the scaled one times the factor of its target and the scale
    factor = np.asarray(model.residuals_["y"]) / scores[:, :3] / scale
    assert np.all(np.isclose(factor[..., None], si[None, None, :], rtol=1e-6).any(axis=-1))
    f = model.predict(6)
    positions = 120 + np.arange(6)
    half80 = (f.interval(80)["upper"] - f.mean).to_numpy()
    expected = _conformal(scores, 0.8, 6) * scale * si[positions % 12]
    np.testing.assert_allclose(half80, expected, rtol=1e-6)
    np.testing.assert_allclose((f.mean - f.interval(80)["lower"]).to_numpy(), expected, rtol=1e-6)
    # the defaults (log of the deseasonalised series, no scaler): symmetric in logs
    auto = fc.LSTM(**SMALL).fit(airline[:120])
    assert auto.resolved_params_["log"] and auto.resolved_params_["scaler"] is None
    g = auto.predict(6)
    w = _conformal(np.asarray(auto.scaled_residuals_["y"], dtype=float), 0.95, 6)
    np.testing.assert_allclose(np.log(g.interval(95)["upper"] / g.mean).to_numpy(), w, rtol=1e-6)
    np.testing.assert_allclose(np.log(g.mean / g.interval(95)["lower"]).to_numpy(), w, rtol=1e-6)


@pytest.mark.keras
def test_short_series_in_a_panel_are_padded_not_refused():
    train, _, h = load_m3("yearly", split=True)
    short = sorted(train, key=lambda k: len(train[k]))[:6]
    panel = {k: train[k] for k in short + [max(train, key=lambda k: len(train[k]))]}
    assert min(len(s) for s in panel.values()) == 14
    with pytest.warns(fc.errors.FitWarning, match="pooled over 1 of 7 series"):
        model = fc.LSTM(time_steps=12, horizon=h, units=4, epochs=2, seed=0).fit(panel)
    assert model.resolved_params_["padded_series"] == 6
    # the padded series have no validation windows: the intervals are calibrated on the held-out
    # windows of the series that has them (pooled), not on in-sample windows of every series
    cal = model.calibration_
    assert not cal["in_sample"] and cal["pooled"] == 7 and "1 of 7 series" in cal["note"]
    assert sum(len(r) > 0 for r in model.scaled_residuals_.values()) == 1
    out = model.predict(h)
    assert set(out) == set(panel)
    for k, f in out.items():
        assert len(f.mean) == h and np.all(np.isfinite(f.mean)) and f.mean.index[0] == panel[k].index[-1] + 1
    with pytest.raises(InputError, match="needs at least"):
        fc.LSTM(time_steps=12, horizon=h).fit({"a": panel[short[0]], "b": panel[short[0]][:5]})


@pytest.mark.keras
def test_int_ids_stay_int_and_long_frame_equals_dict(tmp_path):
    train, _, _ = load_m3("quarterly", split=True)
    keys = list(train)[:3]
    panel = {i: train[k] for i, k in enumerate(keys)}
    kw = dict(time_steps=8, horizon=4, units=4, epochs=2, seed=0)
    by_dict = fc.GRU(**kw).fit({i: panel[i] for i in (2, 0, 1)}).predict(4)
    assert list(by_dict) == [0, 1, 2] and all(isinstance(k, int) for k in by_dict)
    long = pd.concat([pd.DataFrame({"series_id": i, "timestamp": s.index.to_timestamp(), "value": s.to_numpy()})
                      for i, s in panel.items()], ignore_index=True)
    model = fc.GRU(**kw).fit(long)
    by_frame = model.predict(4)
    assert list(by_frame) == [0, 1, 2]
    for i in panel:
        np.testing.assert_allclose(by_frame[i].mean.to_numpy(), by_dict[i].mean.to_numpy(), rtol=1e-6)
    origins = model.predict_origins({}, {1: [panel[1].index[-1].to_timestamp()]}, 2)
    assert list(origins) == [1]
    loaded = fc.load(model.save(tmp_path / "int-ids"))  # ids, seasonal factors and settings are saved
    assert list(loaded.predict(4)) == [0, 1, 2] and loaded.resolved_params_ == model.resolved_params_
    np.testing.assert_array_equal(loaded.predict(4)[2].mean.to_numpy(), by_frame[2].mean.to_numpy())


@pytest.mark.keras
def test_the_backtest_sets_the_direct_head_to_its_horizon(airline):
    kw = dict(time_steps=12, units=4, epochs=2, seed=0)
    res = fc.backtest({"auto": fc.LSTM(**kw), "six": fc.LSTM(horizon=6, **kw), "naive": "naive"}, airline[:132],
                      horizon=6, initial=120, step=6)
    f = res.forecasts
    a = f[f["model"] == "auto"]["y_pred"].to_numpy()
    b = f[f["model"] == "six"]["y_pred"].to_numpy()
    assert len(a) == 12 and np.all(np.isfinite(a))
    np.testing.assert_allclose(a, b, rtol=1e-6)
    # what the model chose is recorded with the run, as plain values. (Merge of rdefaults with
    # clifail: the per-model meta["resolved_params"] became the one per-fit meta["resolved"]
    # list, whose settings for a network are its resolved_params_.)
    rows = [r for r in res.meta["resolved"] if r["model"] == "auto"]
    assert [r["segment"] for r in rows] == [0, 1]  # one series, refit at each of its two segments
    assert all(r["settings"]["horizon"] == 6 for r in rows)
    chosen = rows[-1]["settings"]
    assert chosen["horizon"] == 6 and chosen["season"] == 12 and chosen["deseasonalize"] == "multiplicative"
    assert "naive" not in {r["model"] for r in res.meta["resolved"]}
