"""Recurrent forecasters (RNN, LSTM, GRU) on real data with tiny networks."""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

import forecast as fc
from forecast.errors import InputError, NotFittedError, PersistenceError
from forecast.models.recurrent import GRU, LSTM, RNN, RecurrentForecaster
from forecast.models.recurrent_conformal import conformal_widths as _conformal

TINY = {"units": 4, "epochs": 2, "batch_size": 16, "seed": 0}


@pytest.fixture(scope="module")
def airline():
    return fc.datasets.load("airline")


@pytest.fixture(scope="module")
def fitted(airline):
    """A tiny GRU on the first 120 months, modelling log differences."""
    return GRU(time_steps=12, horizon=3, log=True, difference=True, **TINY).fit(airline[:120])


# ----------------------------------------------------------------------------- no Keras needed
def test_constructing_a_network_model_does_not_import_tensorflow():
    code = textwrap.dedent("""
        import sys, forecast as fc
        m = fc.LSTM(units=8); fc.create("gru(time_steps=48)"); m.min_length(); m.clone()
        print("tensorflow" in sys.modules, "keras" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_params_are_stored_verbatim_and_subclasses_only_change_the_cell():
    dense = (16, 8)
    m = fc.LSTM(units=64, layers=2, bidirectional=True, dense_layers=dense)
    assert m.get_params()["dense_layers"] is dense and m.cell == "lstm"
    assert (RNN().cell, GRU().cell, LSTM().cell) == ("rnn", "gru", "lstm")
    assert list(RNN().get_params()) == list(RecurrentForecaster().get_params())
    assert GRU(cell="lstm").cell == "lstm"  # still a parameter
    spec = fc.create("lstm(units=64,layers=2,bidirectional=true)")
    assert (spec.units, spec.layers, spec.bidirectional) == (64, 2, True)
    assert fc.create("gru(time_steps=48)").time_steps == 48
    tags = fc.GRU.get_tags()
    assert tags["needs_keras"] and tags["intervals"] and tags["supports_exog"] and tags["global_model"]
    clone = m.clone()
    assert clone.get_params() == m.get_params() and clone is not m


def test_the_subclasses_cell_is_a_class_attribute_not_a_rebuilt_init():
    assert (RNN.cell, GRU.cell, LSTM.cell, RecurrentForecaster.cell) == ("rnn", "gru", "lstm", "lstm")
    assert GRU.__init__ is RecurrentForecaster.__init__ is LSTM.__init__
    assert repr(GRU()) == "GRU()" and repr(GRU(cell="rnn")) == "GRU(cell='rnn')"
    assert GRU().get_params()["cell"] == "gru" and fc.clone(GRU(units=3)).cell == "gru"
    with pytest.raises(InputError, match="cell must be 'lstm', 'gru' or 'rnn'"):
        GRU(cell="transformer").fit(fc.datasets.load("airline"))


@pytest.mark.parametrize("params,match", [
    ({"cell": "transformer"}, "cell"), ({"units": 0}, "units"), ({"dropout": 1.5}, "dropout"),
    ({"loss": "hinge"}, "loss"), ({"scaler": "robust"}, "scaler"), ({"dense_layers": 8}, "dense_layers"),
    ({"validation_fraction": 1.0}, "validation_fraction"), ({"time_steps": 2.5}, "time_steps"),
    ({"window_norm": "max"}, "window_norm"), ({"activation": "sigmoid"}, "activation"),
    ({"jit_compile": "yes"}, "jit_compile"),
])
def test_bad_parameters_raise_input_errors_before_any_training(airline, params, match):
    with pytest.raises(InputError, match=match):
        fc.LSTM(**params).fit(airline)


def test_min_length_counts_window_horizon_validation_and_differencing(airline):
    m = fc.LSTM(time_steps=24, horizon=12, lag=2, difference=True)
    assert m.min_length() == (23 * 2 + 1) + 11 + 13 + 1
    with pytest.raises(InputError, match="needs at least"):
        fc.LSTM(time_steps=100, horizon=40).fit(airline)
    with pytest.raises(NotFittedError):
        fc.GRU().predict(3)


def test_conformal_quantile_is_the_finite_sample_order_statistic():
    res = np.arange(1.0, 20.0)[:, None] * np.array([[1.0, 2.0]])  # 19 residuals per step
    w = _conformal(res, 0.9, 4)
    # ceil(20 * 0.9) / 19 -> the 18th smallest of 19
    np.testing.assert_allclose(w[:2], [18.0, 36.0])
    np.testing.assert_allclose(w[2:], 36.0 * np.sqrt([3 / 2, 4 / 2]))


def test_conformal_never_clips_to_the_largest_residual_when_calibration_data_are_few():
    res = np.array([[3.0], [1.0], [4.0], [1.5], [2.0]])  # 5 residuals: conformal up to level 5/6
    w80, w90, w95, w99 = (_conformal(res, f, 1)[0] for f in (0.8, 0.9, 0.95, 0.99))
    assert w80 == 4.0  # ceil(6 * 0.8) = 5: the largest residual is still a conformal bound
    assert 4.0 < w90 < w95 < w99  # beyond the conformal range: wider for every higher level
    from scipy.stats import t

    rms = np.sqrt(np.mean(res ** 2))
    assert w95 >= t.ppf(0.975, 5) * rms * np.sqrt(1.2)  # at least the Student-t prediction bound
    assert np.isinf(_conformal(np.empty((0, 2)), 0.8, 3)).all()  # nothing to calibrate on


# ----------------------------------------------------------------------------- Keras
@pytest.mark.keras
def test_airline_lstm_gives_the_same_numbers_twice_and_records_seed_and_versions(airline):
    from forecast.models import _keras_net

    first = fc.LSTM(time_steps=24, horizon=12, seed=1, epochs=3).fit(airline)
    a = first.predict(12)
    b = fc.LSTM(time_steps=24, horizon=12, seed=1, epochs=3).fit(airline).predict(12)  # reused network
    _keras_net.clear_pool()
    c = fc.LSTM(time_steps=24, horizon=12, seed=1, epochs=3).fit(airline).predict(12)  # rebuilt network
    np.testing.assert_array_equal(a.mean.to_numpy(), b.mean.to_numpy())
    np.testing.assert_array_equal(a.mean.to_numpy(), c.mean.to_numpy())
    assert a.index.equals(pd.period_range("1961-01", periods=12, freq="M"))
    assert np.all(np.isfinite(a.mean)) and a.mean.between(100, 1000).all()
    assert first.seed_ == 1 and first.versions_["keras"] and first.versions_["backend"]
    d = fc.LSTM(time_steps=24, horizon=12, seed=2, epochs=3).fit(airline).predict(12)
    assert not np.allclose(a.mean.to_numpy(), d.mean.to_numpy())


@pytest.mark.keras
def test_weights_do_not_depend_on_other_threads_drawing_random_numbers(airline):
    """Initial weights and dropout masks come from the model's seed only: another thread
    using Python's ``random`` while the network is built (as Dask's event loop does)
    changes nothing, and no process-wide random state is set."""
    import random
    import threading

    from forecast.models import _keras_net

    def fit_predict():
        _keras_net.clear_pool()  # build the network anew, as a fresh worker process does
        model = fc.LSTM(time_steps=12, units=4, epochs=3, seed=0, dropout=0.1, bidirectional=True)
        return model.fit(airline).predict(6).mean.to_numpy()

    quiet = fit_predict()
    random.seed(123)
    state = random.getstate()
    fit_predict()
    assert random.getstate() == state  # the global generator was neither read nor reseeded
    stop = threading.Event()

    def hammer():
        while not stop.is_set():
            random.random()

    thread = threading.Thread(target=hammer, daemon=True)
    thread.start()
    try:
        busy = fit_predict()
    finally:
        stop.set()
        thread.join()
    np.testing.assert_array_equal(quiet, busy)


@pytest.mark.keras
def test_xla_compiled_training_repeats_and_agrees_with_the_plain_graph(airline):
    import keras

    params = dict(time_steps=12, horizon=6, units=4, epochs=3, batch_size=16, seed=3, validation_fraction=0.0)
    xla = fc.LSTM(jit_compile=True, **params).fit(airline[:120])
    again = fc.LSTM(jit_compile=True, **params).fit(airline[:120])  # the pooled, compiled network
    plain = fc.LSTM(**params).fit(airline[:120])
    a, b, c = (m.predict(6).mean.to_numpy() for m in (xla, again, plain))
    np.testing.assert_array_equal(a, b)
    if keras.backend.backend() == "tensorflow":
        assert xla.spec_["jit_compile"] and not plain.spec_["jit_compile"]
    # the same optimisation, in another compiled form: float32 rounding apart
    np.testing.assert_allclose(a, c, rtol=1e-3)


@pytest.mark.keras
def test_refitting_reuses_the_compiled_network(airline, monkeypatch):
    from forecast.models import _keras_net

    built = []
    original = _keras_net.Net.__init__

    def counting(self, spec):
        built.append(spec)
        original(self, spec)

    monkeypatch.setattr(_keras_net.Net, "__init__", counting)
    m = fc.RNN(time_steps=10, horizon=2, units=3, epochs=1, seed=5)
    first = m.fit(airline[:100]).predict(2).mean.to_numpy()
    for end in (110, 120):
        fc.RNN(time_steps=10, horizon=2, units=3, epochs=1, seed=5).fit(airline[:end])
    assert m.fit(airline[:100]) is m
    again = m.predict(2).mean.to_numpy()
    assert len(built) <= 1
    np.testing.assert_array_equal(first, again)  # re-initialised, not continued


@pytest.mark.keras
def test_update_equals_batched_origins_and_nothing_after_an_origin_is_used(airline, fitted):
    new = airline[120:]
    origins = [airline.index[119]] + list(new.index[:-3])
    batched = fitted.predict_origins(new, origins, 5)
    model = copy.deepcopy(fitted)
    done = 0
    for k, origin in enumerate(origins):
        if k:
            pos = new.index.get_loc(origin) + 1
            model.update(new.iloc[done:pos])
            done = pos
        one = model.predict(5)
        assert one.index.equals(batched[k].index)
        np.testing.assert_allclose(one.mean.to_numpy(), batched[k].mean.to_numpy(), rtol=1e-5)  # float32 network: relative
    # no look-ahead: change everything after the 4th origin, its forecast must not move
    changed = new.copy()
    changed.iloc[4:] *= 3.0
    again = fitted.predict_origins(changed, origins, 5)
    np.testing.assert_array_equal(again[4].mean.to_numpy(), batched[4].mean.to_numpy())
    assert not np.allclose(again[6].mean.to_numpy(), batched[6].mean.to_numpy())


@pytest.mark.keras
def test_lstm_learns_a_noisy_sine_far_better_than_naive():
    rng = np.random.default_rng(0)
    n = 600
    y = pd.Series(np.sin(np.arange(n) * 2 * np.pi / 20) + 0.2 * rng.normal(size=n))
    train, test = y[:500], y[500:]
    model = fc.LSTM(time_steps=8, horizon=1, units=8, epochs=5, learning_rate=0.01, seed=0,
                    validation_fraction=0.0, loss="mse", window_norm=None).fit(train)
    origins = [train.index[-1], *test.index[:-1]]
    pred = np.array([f.mean.iloc[0] for f in model.predict_origins(test[:-1], origins, 1)])
    naive = np.r_[train.iloc[-1], test.to_numpy()[:-1]]
    rmse = np.sqrt(np.mean((pred - test.to_numpy()) ** 2))
    rmse_naive = np.sqrt(np.mean((naive - test.to_numpy()) ** 2))
    assert rmse < 0.75 * rmse_naive, (rmse, rmse_naive)


@pytest.mark.keras
def test_conformal_intervals_nest_widen_and_cover_long_forecasts(fitted, airline):
    f = fitted.predict(8)  # longer than the head's horizon of 3: rolled forward
    assert f.has_intervals
    b80, b95 = f.interval(80), f.interval(95)
    assert (b95["lower"] <= b80["lower"]).all() and (b95["upper"] >= b80["upper"]).all()
    assert (b80["lower"] <= f.mean).all() and (f.mean <= b80["upper"]).all()
    # steps beyond the head are calibrated on their own (recursive) forecast errors from the
    # validation origins, down to one residual at the end of the training data
    cal = fitted.calibration_
    S, n = cal["steps"], cal["n_per_step"]
    assert n[:3] == [cal["n"]] * 3 and all(a == b + 1 for a, b in zip(n[2:], n[3:], strict=False)) and n[-1] == 1
    scale = fitted.scalers_["y"]["scale"][0]
    scaled = np.abs(np.asarray(fitted.scaled_residuals_["y"], dtype=float))
    long = fitted.predict(S + 4)
    half80 = np.log(long.interval(80)["upper"].to_numpy()) - np.log(long.values)  # log=True: symmetric in logs
    assert n[4] == 7  # ceil(8 * 0.8) = 7: the largest of step 5's seven residuals
    np.testing.assert_allclose(half80[4], np.nanmax(scaled[:, 4]) * scale, rtol=1e-9)
    # beyond the last calibrated step: its half-width times sqrt(step / S)
    np.testing.assert_allclose(half80[S:], half80[S - 1] * np.sqrt(np.arange(S + 1, S + 5) / S), rtol=1e-9)
    frame = f.to_frame()
    assert list(frame.columns) == ["mean", "lower_80", "upper_80", "lower_95", "upper_95"]
    residuals = np.asarray(fitted.residuals_["y"])
    assert residuals.shape[1] == 3 and len(residuals) >= 1


@pytest.mark.keras
def test_too_few_calibration_residuals_warn_flag_and_widen_the_95_interval(airline):
    """Airline with 10% validation: 11 validation windows, so 95% (which needs 19) cannot be
    conformal: fit warns, the model and the forecast say so, and 95% is wider than the
    largest residual instead of equal to it."""
    # log=False, deseasonalize=None: the old defaults, under which the network's scale is the
    # data's divided by the scaler's scale, so the half-widths are order statistics of the
    # residuals in data units (rdefaults made both "auto": log and seasonal factors on airline)
    with pytest.warns(fc.errors.FitWarning, match="11 residuals per step"):
        model = fc.LSTM(time_steps=12, horizon=3, units=4, epochs=2, seed=0, log=False,
                        deseasonalize=None).fit(airline)
    cal = model.calibration_
    assert cal["n"] == 11 and cal["pooled"] == 1 and not cal["in_sample"]
    assert cal["max_conformal_level"] == pytest.approx(100 * 11 / 12)
    f = model.predict(3)
    assert "91.7%" in f.interval_method and "Student-t" in f.interval_method
    res = np.abs(np.asarray(model.residuals_["y"]))
    half80 = (f.interval(80)["upper"] - f.mean).to_numpy()
    half95 = (f.interval(95)["upper"] - f.mean).to_numpy()
    # 80%: the ceil(12 * 0.8) = 10th smallest absolute residual of each step
    np.testing.assert_allclose(half80, np.sort(res, axis=0)[9], rtol=1e-9)
    assert (half95 > res.max(axis=0) * (1 + 1e-9)).all()
    # no validation part: in-sample residuals, said as such, and only for the head's steps
    with pytest.warns(fc.errors.FitWarning, match="in-sample"):
        inside = fc.LSTM(time_steps=12, horizon=3, units=4, epochs=1, seed=0, validation_fraction=0.0).fit(airline)
    assert inside.calibration_["in_sample"] and inside.calibration_["steps"] == 3
    assert "no guarantee" in inside.predict(5).interval_method


@pytest.mark.keras
def test_calibration_warning_points_at_the_caller_of_fit(airline):
    """One series and a panel (both through Forecaster.fit and its hooks): the warning
    names this file, not a line inside forecast."""
    with pytest.warns(fc.errors.FitWarning) as one:
        fc.LSTM(time_steps=12, horizon=3, units=2, epochs=1, seed=0).fit(airline)
    with pytest.warns(fc.errors.FitWarning) as many:
        fc.LSTM(time_steps=12, horizon=3, units=2, epochs=1, seed=0).fit({"a": airline[:100], "b": airline[44:]})
    for record in (one, many):
        assert [w.filename for w in record if issubclass(w.category, fc.errors.FitWarning)] == [__file__]


@pytest.mark.keras
def test_global_model_pools_scaled_calibration_residuals_over_the_panel():
    """M3 yearly series have one validation window each: a global model pools them (after
    each series' scaling) so every series gets a conformal 95% interval, wider than 80%."""
    from forecast.datasets import load_m3

    train, _, h = load_m3("yearly", split=True)
    panel = {sid: s for sid, s in list(train.items())[:200] if len(s) >= 20}
    model = fc.LSTM(time_steps=6, horizon=h, units=4, epochs=2, batch_size=64, seed=0).fit(panel)
    assert all(len(r) == 1 for r in model.scaled_residuals_.values())
    assert model.calibration_["pooled"] == len(panel) == model.calibration_["n"] >= 19
    out = model.predict(h)
    # the half-width in the network's scale: in logs when the model chose log (the "auto"
    # default for these positive series since the merge with rdefaults), else in data units
    log = model.resolved_params_["log"]
    ratios = []
    for sid, f in out.items():
        w80 = (f.interval(80)["upper"] - f.interval(80)["lower"]).to_numpy()
        w95 = (f.interval(95)["upper"] - f.interval(95)["lower"]).to_numpy()
        assert (w95 > w80).all(), sid
        upper, mean = f.interval(95)["upper"].to_numpy(), f.mean.to_numpy()
        half95 = np.log(upper / mean) if log else upper - mean
        ratios.append(half95 / model.scalers_[sid]["scale"][0])
    # one pooled quantile in the network's scale: the same for every series
    np.testing.assert_allclose(np.array(ratios), np.array(ratios[:1]).repeat(len(ratios), axis=0), rtol=1e-9)
    assert "pooled over" in out[next(iter(out))].interval_method


@pytest.mark.keras
def test_global_intervals_cover_held_out_m3_other_values_near_nominal():
    """All 174 M3 'other' series, last 8 values held out: the pooled conformal intervals of a
    small global LSTM cover them near the nominal rate (the per-series intervals with the
    level clipped to 1 covered about half, at 80% and 95% alike)."""
    from forecast.datasets import load_m3

    train, test, h = load_m3("other", split=True)
    model = fc.LSTM(time_steps=12, horizon=h, units=8, epochs=10, batch_size=128, loss="mae", log=True,
                    window_norm="last", patience=3, seed=0)
    need = model.min_length()
    panel = {sid: s for sid, s in train.items() if len(s) >= need}
    out = model.fit(panel).predict(h)
    cover = {}
    for level in (80, 95):
        inside = [((b := out[sid].interval(level))["lower"].to_numpy() <= test[sid].to_numpy())
                  & (test[sid].to_numpy() <= b["upper"].to_numpy()) for sid in panel]
        cover[level] = np.mean(np.concatenate(inside))
    assert len(panel) >= 150
    assert 0.72 <= cover[80] <= 0.92 and 0.88 <= cover[95], cover


@pytest.mark.keras
def test_save_and_load_round_trip_and_corrupt_files(fitted, tmp_path):
    path = fitted.save(tmp_path / "gru")
    assert (path / "network.keras").is_file()
    loaded = fc.load(path)
    np.testing.assert_array_equal(loaded.predict(6).mean.to_numpy(), fitted.predict(6).mean.to_numpy())
    np.testing.assert_array_equal(loaded.predict(6).interval(90).to_numpy(), fitted.predict(6).interval(90).to_numpy())
    assert loaded.versions_ == fitted.versions_
    assert loaded.calibration_ == fitted.calibration_
    import json

    state = json.loads((path / "forecaster.json").read_text())
    (path / "forecaster.json").write_text(json.dumps({**state, "state": {k: v for k, v in state["state"].items()
                                                                          if k != "calibration"}}))
    with pytest.raises(PersistenceError, match="older version"):
        fc.load(path)
    (path / "network.keras").write_bytes(b"not a keras file")
    with pytest.raises(PersistenceError, match="network.keras"):
        fc.load(path)
    (path / "network.keras").unlink()
    with pytest.raises(PersistenceError, match="missing"):
        fc.load(path)


@pytest.mark.keras
def test_exogenous_covariates_past_channels_and_known_future(capsys):
    macro = fc.datasets.load("macro")
    y, X = macro["realcons"], macro[["realdpi", "tbilrate"]]
    model = fc.LSTM(time_steps=8, horizon=4, difference=True, **TINY).fit(y[:-8], X[:-8])
    assert model.spec_["n_features"] == 3 and model.spec_["n_future"] == 8
    with pytest.raises(InputError, match="exogenous"):
        model.predict(4)
    with pytest.raises(InputError, match="rows"):
        model.predict(4, X.iloc[-8:-6])
    base = model.predict(4, X.iloc[-8:-4]).mean.to_numpy()
    shifted = X.iloc[-8:-4].copy()
    shifted["tbilrate"] += 5.0
    moved = model.predict(4, shifted).mean.to_numpy()
    assert not np.allclose(base, moved)  # the future covariates reach the head
    batched = model.predict_origins(y[-8:], [y.index[-9], *y.index[-8:-4]], 4, X.iloc[-8:])
    np.testing.assert_allclose(batched[0].mean.to_numpy(), base, rtol=1e-5)  # float32 network: relative
    one = copy.deepcopy(model).update(y[-8:-6], X.iloc[-8:-6]).predict(4, X.iloc[-6:-2])
    np.testing.assert_allclose(one.mean.to_numpy(), batched[2].mean.to_numpy(), rtol=1e-5)  # float32 network: relative
    assert capsys.readouterr().out == ""  # quiet unless verbose


@pytest.mark.keras
def test_global_model_on_a_panel_of_real_series_with_per_series_scaling(tmp_path):
    air = fc.datasets.load("airline")
    sun = fc.datasets.load("sunspots")
    co2 = fc.datasets.load("co2")[-300:]
    model = fc.GRU(time_steps=12, horizon=4, **TINY).fit({"air": air, "sun": sun, "co2": co2})
    out = model.predict(4)
    assert set(out) == {"air", "sun", "co2"}
    assert out["sun"].index.equals(pd.period_range("2009", periods=4, freq="Y"))
    assert out["co2"].index[0] == co2.index[-1] + co2.index.freq
    # each series is forecast on its own scale
    assert out["air"].mean.between(150, 800).all() and out["co2"].mean.between(330, 420).all()
    assert out["sun"].mean.between(-100, 250).all()
    assert model.scalers_["air"]["loc"] != model.scalers_["sun"]["loc"]
    one_call = model.predict(2)["air"].mean.to_numpy()
    model.update({"air": pd.Series([450.0], index=pd.period_range("1961-01", periods=1, freq="M"))})
    after = model.predict(2)
    assert after["air"].index[0] == pd.Period("1961-02", "M") and after["sun"].index[0] == pd.Period("2009", "Y")
    assert not np.allclose(after["air"].mean.to_numpy(), one_call)
    long = pd.concat([s.reset_index(drop=True).rename("value").to_frame().assign(series_id=k, timestamp=range(len(s)))
                      for k, s in {"a": air, "b": sun}.items()])
    assert set(fc.GRU(time_steps=12, horizon=4, **TINY).fit(long).predict(3)) == {"a", "b"}
    with pytest.raises(InputError, match="one series"):
        model.predict_origins(air, [air.index[-1]], 2)
    loaded = fc.load(model.save(tmp_path / "panel"))
    for key, forecast in loaded.predict(3).items():
        np.testing.assert_array_equal(forecast.mean.to_numpy(), model.predict(3)[key].mean.to_numpy())
        assert forecast.index.equals(model.predict(3)[key].index)


@pytest.mark.keras
@pytest.mark.parametrize("params", [
    {"cell": "rnn", "layers": 2, "dense_layers": (4,), "scaler": "minmax", "window_norm": "last"},
    {"cell": "lstm", "bidirectional": True, "dropout": 0.1, "loss": "huber", "window_norm": "mean", "lag": 2},
    {"cell": "gru", "activation": "relu", "recurrent_dropout": 0.1, "loss": "mae", "scaler": None, "clipnorm": None},
])
def test_architecture_variants_train_on_sunspots_and_progress_hook(params):
    sun = fc.datasets.load("sunspots")
    seen = []
    model = RecurrentForecaster(time_steps=11, horizon=2, units=3, epochs=2, seed=0, **params)
    model.on_epoch(lambda epoch, loss, val: seen.append((epoch, loss, val)))
    f = model.fit(sun).predict(5)
    assert [e for e, *_ in seen] == [0, 1] and all(np.isfinite(v) for _, v, _ in seen)
    assert np.all(np.isfinite(f.mean)) and len(model.history_["loss"]) == 2
    again = RecurrentForecaster(time_steps=11, horizon=2, units=3, epochs=2, seed=0, **params).fit(sun).predict(5)
    np.testing.assert_array_equal(f.mean.to_numpy(), again.mean.to_numpy())


@pytest.mark.keras
def test_verbose_prints_epochs_and_log_needs_positive_values(airline, capsys):
    fc.RNN(time_steps=6, horizon=1, units=2, epochs=2, verbose=1, seed=0).fit(airline)
    assert capsys.readouterr().out.count("val_loss") == 2  # then one line for the refit on every window
    with pytest.raises(InputError, match="log=True"):
        fc.RNN(time_steps=6, units=2, epochs=1, log=True).fit(airline - 200)
