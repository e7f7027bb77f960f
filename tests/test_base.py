"""The Forecaster contract, the Forecast result and persistence (forecast.base)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

import forecast as fc
from forecast.base import DEFAULT_TAGS, Forecast, Forecaster, Prediction
from forecast.errors import InputError, NotFittedError, PersistenceError
from forecast.persistence import load_model


# ------------------------------------------------------------------ Forecast
def test_forecast_interval_from_se(airline):
    f = fc.Naive().fit(airline).predict(3)
    sigma = np.sqrt(np.mean(np.diff(airline.to_numpy()) ** 2))
    band = f.interval(95)
    assert list(band.columns) == ["lower", "upper"] and band.index.equals(f.index)
    z = norm.ppf(0.975)
    np.testing.assert_allclose(band["upper"] - f.mean, z * sigma * np.sqrt([1, 2, 3]))
    np.testing.assert_allclose(f.interval(0.95).to_numpy(), band.to_numpy())
    for bad in (0, 100, -5, 150):
        with pytest.raises(InputError, match="interval level must be between 0 and 100"):
            f.interval(bad)


def test_forecast_interval_from_bounds_and_to_frame():
    index = pd.period_range("2020-01", periods=2, freq="M")
    pred = Prediction(np.array([1.0, 2.0]), bounds=lambda q: (np.array([0.0, 1.0]) - q, np.array([2.0, 3.0]) + q))
    f = Forecast.from_prediction(pred, index, name="M")
    assert f.interval(80)["lower"].tolist() == pytest.approx([-0.8, 0.2])
    frame = f.to_frame()
    assert list(frame.columns) == ["mean", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert frame["upper_95"].tolist() == pytest.approx([2.95, 3.95])
    assert list(f.to_frame(levels=[50]).columns) == ["mean", "lower_50", "upper_50"]
    assert len(f) == 2 and "2 steps from 2020-01" in repr(f)


def test_forecast_without_intervals():
    f = Forecast.from_prediction(Prediction(np.zeros(2)), pd.Index([5, 6]), name="Point()")
    assert not f.has_intervals and list(f.to_frame().columns) == ["mean"]
    with pytest.raises(InputError, match=r"Point\(\) gives no prediction intervals; use .mean"):
        f.interval(95)
    with pytest.raises(ValueError, match="model returned 2 forecasts for 3 steps"):
        Forecast.from_prediction(Prediction(np.zeros(2)), pd.Index([1, 2, 3]))


# ------------------------------------------------------------------ parameters, tags, repr
def test_set_params_and_errors():
    model = fc.SeasonalNaive(m=4)
    assert model.set_params(m=12) is model and model.m == 12
    with pytest.raises(InputError) as err:
        model.set_params(season=12)
    msg = str(err.value)
    assert "SeasonalNaive has no parameter 'season'" in msg and "its parameters are: m" in msg


def test_repr_shows_non_default_params():
    assert repr(fc.SeasonalNaive()) == "SeasonalNaive()"
    assert repr(fc.SeasonalNaive(m=4)) == "SeasonalNaive(m=4)"
    assert repr(fc.Naive()) == "Naive()"


def test_constructor_must_not_take_var_args():
    class Bad(Forecaster):
        def __init__(self, **kwargs):
            pass

    with pytest.raises(TypeError, match=r"must not take \*args/\*\*kwargs"):
        Bad().get_params()


def test_tags_inherit_and_override():
    tags = fc.Naive.get_tags()
    assert set(DEFAULT_TAGS) <= set(tags)
    assert tags["intervals"] is True and tags["needs_keras"] is False and tags["exact"] is True
    assert "min_length" not in DEFAULT_TAGS and fc.Naive().min_length() == 2  # a method, not a tag
    assert Forecaster.get_tags() == DEFAULT_TAGS
    assert fc.SeasonalNaive(m=7).min_length() == 8
    with pytest.raises(InputError, match="m must be a whole number >= 1; got 0"):
        fc.SeasonalNaive(m=0).min_length()


def test_clone_is_unfitted_with_same_params(airline):
    model = fc.SeasonalNaive(m=12).fit(airline)
    twin = fc.clone(model)
    assert twin is not model and twin.m == 12 and not twin.is_fitted and model.is_fitted


# ------------------------------------------------------------------ template methods
def test_refit_resets_state(airline):
    model = fc.Drift().fit(airline)
    model.fit(airline.iloc[:60])
    assert model.cutoff_ == airline.index[59] and len(model.y_) == 60
    assert model.slope_ == pytest.approx((airline.iloc[59] - airline.iloc[0]) / 59)


def test_update_continues_and_checks(airline):
    model = fc.Naive().fit(airline.iloc[:100])
    assert model.update(airline.iloc[100:110]) is model
    assert model.cutoff_ == airline.index[109] and model.predict(1).mean.iloc[0] == airline.iloc[109]
    assert model.update(airline.iloc[:0]).cutoff_ == airline.index[109]
    with pytest.raises(InputError, match=r"y_new must continue the data seen so far \(which ends at 1958-02\): "
                                         r"its first time stamp should be 1958-03 but is 1958-04"):
        model.update(airline.iloc[111:115])
    stamps = airline.iloc[110:112].copy()
    stamps.index = pd.Index([110, 111])
    with pytest.raises(InputError, match="y_new"):
        model.update(stamps)
    with pytest.raises(NotFittedError, match="call fit"):
        fc.Naive().update(airline)


def test_update_keeps_datetime_frequency(airline):
    y = airline.copy()
    y.index = y.index.to_timestamp()
    model = fc.Naive().fit(y.iloc[:100]).update(y.iloc[100:103])
    assert model.y_.index.freqstr == "MS"
    assert model.predict(2).index[0] == pd.Timestamp("1957-08-01")


def test_predict_origins_validation(airline):
    model = fc.Naive().fit(airline.iloc[:100])
    new = airline.iloc[100:112]
    with pytest.raises(InputError, match="origins is empty"):
        model.predict_origins(new, [], 3)
    with pytest.raises(InputError, match="strictly increasing"):
        model.predict_origins(new, [new.index[3], new.index[1]], 3)
    with pytest.raises(InputError, match=r"origin 1950-01 is not among the time stamps"):
        model.predict_origins(new, [airline.index[12]], 3)
    out = model.predict_origins(None, [model.cutoff_], 2)
    assert out[0].mean.equals(model.predict(2).mean)


def test_generic_predict_origins_equals_fast_path(airline):
    """The base class's update+predict loop and SeasonalNaive's vectorised path agree."""
    model = fc.SeasonalNaive(m=12).fit(airline.iloc[:100])
    new = airline.iloc[100:130]
    origins = [model.cutoff_, new.index[0], new.index[11], new.index[-1]]
    fast = model.predict_origins(new, origins, 14)
    slow = [Forecast.from_prediction(p, f.index) for p, f in zip(
        Forecaster._predict_origins(model, new, [0, 1, 12, 30], 14, None), fast, strict=True)]
    for a, b in zip(fast, slow, strict=True):
        np.testing.assert_array_equal(a.mean.to_numpy(), b.mean.to_numpy())
        np.testing.assert_array_equal(a.interval(95).to_numpy(), b.interval(95).to_numpy())
    assert fast[-1].index[0] == pd.Period("1959-11", "M")
    assert fast[-1].index[-1] == pd.Period("1960-12", "M")
    assert fast[-1].mean.iloc[0] == airline.loc[pd.Period("1958-11", "M")]


# ------------------------------------------------------------------ persistence
def test_save_and_load_round_trip(tmp_path, airline):
    model = fc.Drift().fit(airline)
    path = model.save(tmp_path / "drift")
    loaded = fc.load(path)
    assert isinstance(loaded, fc.Drift) and loaded.slope_ == model.slope_
    pd.testing.assert_frame_equal(loaded.predict(5).to_frame(), model.predict(5).to_frame())
    manifest = json.loads((path / "forecaster.json").read_text())
    assert manifest["class"] == "forecast.models.baseline:Drift" and manifest["format"] == "forecast-model"


def test_load_rejects_bad_files(tmp_path, airline):
    path = fc.SeasonalNaive(m=12).fit(airline).save(tmp_path / "m")
    file = path / "forecaster.json"
    good = json.loads(file.read_text())
    with pytest.raises(PersistenceError, match="forecaster.json is missing"):
        fc.load(tmp_path)
    file.write_text("{not json")
    with pytest.raises(PersistenceError, match="is corrupt"):
        fc.load(path)
    file.write_text(json.dumps({**good, "class": "os:system"}))
    with pytest.raises(PersistenceError, match="outside forecast; refusing to load it"):
        fc.load(path)
    file.write_text(json.dumps({**good, "version": 99}))
    with pytest.raises(PersistenceError, match="newer version"):
        fc.load(path)
    file.write_text(json.dumps({**good, "state": {}}))
    with pytest.raises(PersistenceError, match="corrupt or incomplete"):
        fc.load(path)


class _Level(Forecaster):
    def __init__(self) -> None:
        pass

    def _fit(self, y, X):
        self.level_ = float(y.iloc[-1])

    def _predict(self, horizon, X):
        return Prediction(np.full(horizon, self.level_))

    def _get_state(self, folder):
        return {"level_": self.level_}

    def _set_state(self, state, folder):
        self.level_ = state["level_"]


def test_user_classes_load_only_when_trusted(tmp_path, airline):
    path = _Level().fit(airline).save(tmp_path / "level")
    with pytest.raises(PersistenceError, match="outside forecast"):
        fc.load(path)
    loaded = load_model(path, classes=[_Level])
    assert loaded.predict(1).mean.iloc[0] == airline.iloc[-1]


def test_model_without_state_cannot_be_saved(tmp_path, airline):
    class NoState(_Level):
        _get_state = Forecaster._get_state

    with pytest.raises(PersistenceError, match="cannot be saved yet"):
        NoState().fit(airline).save(tmp_path / "x")
    assert not (tmp_path / "x").exists() and list(tmp_path.iterdir()) == []


def test_fit_calls_the_validate_params_hook_first(airline):
    class Checked(fc.Naive):
        def __init__(self, k: int = 1) -> None:
            self.k = k

        def _validate_params(self) -> None:
            if self.k < 1:
                raise InputError(f"Checked: k must be >= 1; got {self.k}")

    with pytest.raises(InputError, match="k must be >= 1; got 0"):
        Checked(k=0).fit(airline)
    with pytest.raises(InputError, match="m must be a whole number >= 1; got 0"):
        fc.SeasonalNaive(m=0).fit(airline)
    assert Checked(k=2).fit(airline).is_fitted


def test_a_single_series_model_refuses_a_panel(airline):
    with pytest.raises(InputError, match="Naive fits one series at a time but y is a panel"):
        fc.Naive().fit({"a": airline, "b": airline})


def test_interval_bounds_is_the_public_accessor_of_the_interval_arrays(airline):
    f = fc.Naive().fit(airline).predict(4)
    lower, upper = f.interval_bounds(80)
    band = f.interval(80)
    np.testing.assert_array_equal(lower, band["lower"].to_numpy())
    np.testing.assert_array_equal(upper, band["upper"].to_numpy())
    assert f.gaussian_intervals and lower.dtype == float


# ------------------------------------------------------------------ issue 17 §4: huge horizons
def test_a_horizon_that_does_not_fit_in_memory_is_refused_before_allocating(airline, monkeypatch):
    from forecast.io import memcheck

    monkeypatch.setattr(memcheck, "available_memory", lambda: 2**30)  # 1 GB free, whatever the machine
    fitted = fc.Naive().fit(airline)
    with pytest.raises(InputError, match=r"10000000 steps needs about 1\.2 GB.*1\.0 GB is free; give horizon= at most 8388608"):
        fitted.predict(10**7)
    assert len(fitted.predict(1000).mean) == 1000
    with pytest.raises(InputError, match="give horizon= at most 8388608"):
        fc.Drift().fit(airline).predict(10**7)  # the base class checks it: every model


def test_a_horizon_past_the_representable_time_stamps_is_refused(airline):
    from forecast import io

    daily = pd.Series(np.arange(60.0), index=pd.date_range("2020-01-01", periods=60, freq="D"))
    with pytest.raises(InputError, match=r"after 2020-02-29 00:00:00 goes beyond the last time stamp pandas can represent"):
        fc.Naive().fit(daily).predict(10**9)  # before: OutOfBoundsTimedelta from pandas
    most = int(str(pytest.raises(InputError, io.check_future_end, daily.index, 10**9).value).rsplit(" ", 1)[-1])
    io.check_future_end(daily.index, most)  # the largest horizon said is the largest that fits
    with pytest.raises(InputError):
        io.check_future_end(daily.index, most + 1)
    steps = pd.Series(airline.to_numpy())
    with pytest.raises(InputError, match="64-bit integer index"):
        fc.Naive().fit(steps).predict(10**19)
