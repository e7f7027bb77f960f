"""The bundled real datasets (forecast.datasets): index type, frequency and length."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import datasets
from forecast.errors import InputError
from forecast.io import season_length as fc_season

SERIES = {
    # name: (index type, frequency, length, first, last)
    "airline": (pd.PeriodIndex, "M", 144, "1949-01", "1960-12"),
    "sunspots": (pd.PeriodIndex, "Y", 309, "1700", "2008"),
    "co2": (pd.DatetimeIndex, "W-SAT", 2284, "1958-03-29", "2001-12-29"),
}


@pytest.mark.parametrize("name", list(SERIES))
def test_series_datasets(name):
    kind, freq, length, first, last = SERIES[name]
    y = datasets.load(name)
    assert isinstance(y, pd.Series) and y.dtype == np.float64
    assert isinstance(y.index, kind) and y.index.freqstr.startswith(freq)
    assert len(y) == length and y.index.is_monotonic_increasing and not y.index.has_duplicates
    assert str(y.index[0]).startswith(first) and str(y.index[-1]).startswith(last)
    assert np.isfinite(y.to_numpy()).all()


def test_known_values():
    airline = datasets.load("airline")
    assert airline.iloc[:3].tolist() == [112.0, 118.0, 132.0] and airline.iloc[-1] == 432.0
    assert datasets.load("sunspots").iloc[0] == 5.0
    assert datasets.load("co2").iloc[0] == pytest.approx(316.1)


def test_macro():
    macro = datasets.load("macro")
    assert isinstance(macro, pd.DataFrame) and macro.shape == (203, 12)
    assert isinstance(macro.index, pd.PeriodIndex) and macro.index.freqstr.startswith("Q")
    assert str(macro.index[0]) == "1959Q1" and str(macro.index[-1]) == "2009Q3"
    for col in ("realgdp", "realcons", "realdpi", "infl", "unemp", "tbilrate"):
        assert col in macro.columns
    assert macro.iloc[0]["realgdp"] == pytest.approx(2710.349)
    assert np.isfinite(macro.to_numpy()).all()


M3 = {"yearly": (645, 6, pd.PeriodIndex, "Y"), "quarterly": (756, 8, pd.PeriodIndex, "Q"),
      "monthly": (1428, 18, pd.PeriodIndex, "M"), "other": (174, 8, pd.Index, None)}


@pytest.mark.parametrize("subset", list(M3))
def test_m3(subset):
    count, horizon, kind, freq = M3[subset]
    series = datasets.load(f"m3_{subset}")
    train, test, h = datasets.load_m3(subset, split=True)
    assert h == horizon and len(series) == count and train.keys() == series.keys()
    for key, y in series.items():
        assert isinstance(y.index, kind) and y.name == key
        if freq:
            assert y.index.freqstr.startswith(freq)
        else:
            assert pd.api.types.is_integer_dtype(y.index.dtype)
        assert len(test[key]) == horizon and len(train[key]) == len(y) - horizon
        assert train[key].index[-1] < test[key].index[0]
        assert train[key].index.append(test[key].index).equals(y.index)
    first = next(iter(series))
    assert first[0] == subset[0].upper()
    if subset == "monthly":  # M1 starts in January 1990, seasonal with m = 12
        assert str(series["M1"].index[0]) == "1990-01" and fc_season(series["M1"].index) == 12


def test_m3_forecasts():
    fts = datasets.load_m3_forecasts("yearly")
    assert {"series_id", "method_id", "forecast", "horizon"} <= set(fts.columns)
    assert fts["method_id"].nunique() == 22 and len(fts) == 22 * 645 * 6
    assert {"THETA", "ForecastPro", "B-J auto", "NAIVE2"} <= set(fts["method_id"])
    with pytest.raises(InputError, match="bundled for yearly, other only"):
        datasets.load_m3_forecasts("monthly")


def test_unknown_names():
    with pytest.raises(InputError) as err:
        datasets.load("air")
    assert "unknown dataset 'air'; available: airline, sunspots, macro, co2, m3_yearly" in str(err.value)
    with pytest.raises(InputError, match="choose one of yearly, quarterly, monthly, other"):
        datasets.load_m3("weekly")
    assert datasets.info("airline").season == 12
    assert set(datasets.names()) == {"airline", "sunspots", "macro", "co2", "m3_yearly", "m3_quarterly", "m3_monthly",
                                     "m3_other"}
