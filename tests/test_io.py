"""Validation and reading (forecast.io) on the bundled real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forecast as fc
from forecast.errors import InputError
from forecast.io import (
    check_exog,
    check_future_exog,
    check_horizon,
    check_series,
    future_index,
    index_from_json,
    index_to_json,
    infer_frequency,
    read_series,
    read_table,
    to_panel,
)


# ------------------------------------------------------------------ check_series errors
def test_empty_input(airline):
    with pytest.raises(InputError, match=r"y is empty; pass at least one observation"):
        check_series(airline.iloc[:0])
    with pytest.raises(InputError, match="sales is empty"):
        check_series([], "sales")


def test_non_numeric_target_names_value_and_row(airline):
    y = airline.astype(object)
    y.iloc[5] = "n/a"
    with pytest.raises(InputError) as err:
        check_series(y)
    msg = str(err.value)
    assert "'n/a'" in msg and "row 5" in msg and "1949-06" in msg


def test_nan_and_inf_count_and_first_position(airline):
    y = airline.copy()
    y.iloc[[10, 20, 30]] = np.nan
    with pytest.raises(InputError) as err:
        check_series(y)
    msg = str(err.value)
    assert "3 missing values" in msg and "1949-11" in msg and "row 10" in msg and "fill or drop" in msg
    y = airline.copy()
    y.iloc[7] = np.inf
    y.iloc[9] = np.nan
    with pytest.raises(InputError, match=r"2 missing or infinite values \(first at 1949-08, row 7\)"):
        check_series(y)


def test_duplicate_time_stamps(airline):
    idx = airline.index.to_timestamp()
    dup = pd.Series(airline.to_numpy(), index=idx.insert(4, idx[3])[:-1])
    with pytest.raises(InputError) as err:
        check_series(dup)
    msg = str(err.value)
    assert "duplicate time stamps" in msg and "1949-04-01" in msg and "row 4" in msg


def test_unsorted_time_stamps(airline):
    idx = list(airline.index)
    idx[10], idx[11] = idx[11], idx[10]
    y = pd.Series(airline.to_numpy(), index=pd.PeriodIndex(idx, freq="M"))
    with pytest.raises(InputError, match=r"not sorted by time: 1949-11 \(row 11\) comes after 1949-12"):
        check_series(y)


def test_irregular_spacing_names_the_gap(airline):
    y = airline.copy()
    y.index = y.index.to_timestamp()
    y.index.freq = None
    gappy = y.drop(y.index[40])
    with pytest.raises(InputError) as err:
        check_series(gappy)
    msg = str(err.value)
    assert "irregular" in msg and "1952-04-01" in msg and "1952-06-01" in msg and "resample" in msg
    with pytest.raises(InputError, match="irregular integer index: the step from 3 to 5"):
        check_series(pd.Series([1.0, 2.0, 3.0, 4.0], index=[1, 2, 3, 5]))


def test_regular_series_is_accepted_with_frequency(airline):
    y = airline.copy()
    y.index = y.index.to_timestamp()
    y.index.freq = None
    out = check_series(y)
    assert out.index.freqstr == "MS" and out.dtype == np.float64
    assert infer_frequency(out.index) == "MS"
    assert check_series(airline).index.equals(airline.index)
    assert check_series(airline.to_frame()).equals(airline.astype(float))
    ints = check_series(airline.to_numpy())
    assert ints.index.tolist() == list(range(144))


@pytest.mark.filterwarnings("ignore:Could not infer format")
def test_bad_index_and_shape():
    with pytest.raises(InputError, match="one-dimensional; got an array of shape"):
        check_series(np.ones((3, 2)))
    with pytest.raises(InputError, match=r"neither time stamps nor integers \(first value 'a'\)"):
        check_series(pd.Series([1.0, 2.0], index=["a", "b"]))
    with pytest.raises(InputError, match="DataFrame with 2 columns"):
        check_series(pd.DataFrame({"a": [1.0], "b": [2.0]}))


def test_too_short_series_says_needed_length(airline):
    with pytest.raises(InputError) as err:
        fc.SeasonalNaive(m=12).fit(airline.iloc[:10])
    msg = str(err.value)
    assert "y has 10 observations" in msg and "at least 13" in msg


def test_horizon_below_one():
    assert check_horizon(np.int64(4)) == 4
    with pytest.raises(InputError, match="horizon must be a whole number >= 1; got 0"):
        check_horizon(0)
    with pytest.raises(InputError, match=r"horizon must be a whole number >= 1; got '3'"):
        check_horizon("3")
    with pytest.raises(InputError, match="got 1.5"):
        check_horizon(1.5)


# ------------------------------------------------------------------ exogenous regressors
def test_exog_misaligned_or_missing(macro):
    y, X = macro["infl"], macro[["unemp", "tbilrate"]]
    assert check_exog(X, y.index).equals(X)
    with pytest.raises(InputError) as err:
        check_exog(X.iloc[:-3], y.index)
    assert "X has 200 rows but y has 203" in str(err.value)
    shifted = X.set_axis(X.index + 1)
    with pytest.raises(InputError, match=r"misaligned with y: row 0 is 1959Q2 but y has 1959Q1"):
        check_exog(shifted, y.index)
    X_nan = X.copy()
    X_nan.iloc[4, 1] = np.nan
    with pytest.raises(InputError, match=r"X column 'tbilrate' has 1 missing values \(first at 1960Q1, row 4\)"):
        check_exog(X_nan, y.index)


def test_future_exog(macro):
    X = macro[["unemp", "tbilrate"]]
    future = X.index[-8:-2]
    ok = check_future_exog(X, future, ["unemp", "tbilrate"])
    assert ok.index.equals(future) and ok.iloc[0, 0] == X.loc[future[0], "unemp"]
    with pytest.raises(InputError) as err:
        check_future_exog(None, future, ["unemp", "tbilrate"])
    msg = str(err.value)
    assert "unemp, tbilrate" in msg and "6 forecast steps 2007Q4 .. 2009Q1" in msg
    with pytest.raises(InputError, match="lacks the column"):
        check_future_exog(X[["unemp"]].rename(columns={"unemp": "u"}).assign(v=1.0), future, ["unemp", "tbilrate"])
    with pytest.raises(InputError, match="has 3 rows but the forecast needs 6"):
        check_future_exog(X.iloc[-3:].reset_index(drop=True), future, ["unemp", "tbilrate"])
    with pytest.raises(InputError, match="does not cover the forecast period: it has no row for 2007Q4"):
        check_future_exog(X.iloc[:20], future, ["unemp", "tbilrate"])


def test_armax_style_model_without_future_exog(macro):
    """The base class demands X for the horizon when the model was fitted with X."""
    from forecast.base import Forecaster, Prediction

    class Exog(Forecaster):
        _tags = {"supports_exog": True, "requires_exog": True}

        def __init__(self) -> None:
            pass

        def _fit(self, y, X):
            self.beta_ = np.linalg.lstsq(X.to_numpy(), y.to_numpy(), rcond=None)[0]

        def _predict(self, horizon, X):
            return Prediction(X.to_numpy() @ self.beta_)

    y, X = macro["infl"].iloc[:-4], macro[["unemp", "tbilrate"]]
    model = Exog().fit(y, X.iloc[:-4])
    assert len(model.predict(4, X.iloc[-4:])) == 4
    with pytest.raises(InputError, match=r"pass X with their values for the 4 forecast steps 2008Q4 \.\. 2009Q3"):
        model.predict(4)
    with pytest.raises(InputError, match="Exog needs exogenous regressors: pass X"):
        Exog().fit(y)


# ------------------------------------------------------------------ future index / json
def test_future_index_kinds(airline):
    assert future_index(airline.index, 2).astype(str).tolist() == ["1961-01", "1961-02"]
    co2 = fc.datasets.load("co2")
    assert future_index(co2.index, 1)[0] == co2.index[-1] + pd.Timedelta(weeks=1)
    assert future_index(pd.Index([10, 12, 14]), 2).tolist() == [16, 18]
    for index in (airline.index, co2.index[:5], pd.Index([3, 4, 5])):
        back = index_from_json(index_to_json(index))
        assert back.equals(index) and type(back) is type(index)


# ------------------------------------------------------------------ files
def test_read_series_csv_detects_time_column(tmp_path, airline):
    path = tmp_path / "air.csv"
    pd.DataFrame({"when": airline.index.to_timestamp().strftime("%Y-%m-%d"),
                  "passengers": airline.to_numpy()}).to_csv(path, index=False)
    y, X = read_series(path)
    assert X is None and y.name == "passengers" and len(y) == 144
    assert isinstance(y.index, pd.DatetimeIndex) and y.index.freqstr == "MS"
    np.testing.assert_array_equal(y.to_numpy(), airline.to_numpy())


def test_read_series_bundled_csv_monthly_periods():
    y, _ = read_series(fc.datasets.DATA_DIR / "airline.csv")
    assert isinstance(y.index, pd.PeriodIndex) and y.index.freqstr == "M" and y.iloc[0] == 112.0


def test_read_series_parquet_with_exog(tmp_path, macro):
    frame = macro.reset_index()
    frame["quarter"] = frame["quarter"].astype(str)
    path = tmp_path / "macro.parquet"
    frame.to_parquet(path)
    y, X = read_series(path, target="infl", exog=["unemp", "tbilrate"])
    assert isinstance(y.index, pd.PeriodIndex) and y.index.freqstr.startswith("Q")
    assert list(X.columns) == ["unemp", "tbilrate"] and X.index.equals(y.index)
    np.testing.assert_array_equal(y.to_numpy(), macro["infl"].to_numpy())


def test_read_series_unknown_columns_list_the_available_ones(tmp_path, macro):
    path = tmp_path / "macro.csv"
    macro.reset_index().astype({"quarter": str}).to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        read_series(path, target="gdp")
    msg = str(err.value)
    assert "no column named 'gdp' for the target" in msg and "realgdp, realcons" in msg
    with pytest.raises(InputError, match="no column named 'oil' for the exogenous regressor"):
        read_series(path, target="infl", exog=["oil"])
    with pytest.raises(InputError, match="cannot tell which column to forecast"):
        read_series(path)


def test_read_series_non_numeric_and_bad_dates_in_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,value\n2020-01-01,1\n2020-01-02,2\n2020-01-03,oops\n2020-01-04,4\n")
    with pytest.raises(InputError, match=r"non-numeric value 'oops' at 2020-01-03 \(row 2\)"):
        read_series(path)
    path.write_text("date,value\n2020-01-01,1\nnot a date,2\n")
    with pytest.raises(InputError, match=r"time column 'date' has a value that is not a date: 'not a date' \(row 1\)"):
        read_series(path, time_col="date")


def test_read_table_errors(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="is empty"):
        read_table(tmp_path / "empty.csv")
    (tmp_path / "header.csv").write_text("date,value\n")
    with pytest.raises(InputError, match="has no data rows"):
        read_table(tmp_path / "header.csv")
    with pytest.raises(InputError, match="is a folder"):
        read_table(tmp_path)


def test_panel_with_id_col(tmp_path):
    m3 = pd.read_csv(fc.datasets.DATA_DIR / "m3" / "M3_quarterly_TSTS.csv", dtype={"timestamp": str})
    first = m3[m3["series_id"].isin(["Q1", "Q2", "Q3"])].drop(columns="category")
    path = tmp_path / "panel.csv"
    first.to_csv(path, index=False)
    ys, X = read_series(path, target="value", time_col="timestamp", id_col="series_id")
    assert X is None and list(ys) == ["Q1", "Q2", "Q3"]
    reference, _ = fc.datasets.load_m3("quarterly")
    for key, y in ys.items():
        assert isinstance(y.index, pd.PeriodIndex)
        np.testing.assert_array_equal(y.to_numpy(), reference[key].to_numpy())
    panel = to_panel(first, id_col="series_id", time_col="timestamp", target="value")
    assert panel.keys() == ys.keys()
    assert list(to_panel({"a": reference["Q1"]})) == ["a"]
    with pytest.raises(InputError, match="cannot read a panel from int"):
        to_panel(3)


# ------------------------------------------------------------------ season length (one table)
@pytest.mark.parametrize("alias, m", [
    ("h", 24), ("2h", 12), ("min", 1440), ("15min", 96), ("30min", 48),
    ("D", 7), ("B", 5), ("W", 52), ("W-SUN", 52), ("W-MON", 52), ("2W", 26),
    ("ME", 12), ("MS", 12), ("3ME", 4), ("QE", 4), ("QS", 4), ("QE-DEC", 4), ("QS-OCT", 4),
    ("YE", 1), ("YS", 1), ("YE-DEC", 1), ("2YE", 1),
    ("M", 12), ("Q", 4), ("Y", 1),  # period aliases
])
def test_season_length_of_every_alias_in_use(alias, m):
    from forecast.io import season_length

    assert season_length(alias) == m
    # the same answer from a time index of that frequency (period aliases: a PeriodIndex)
    if alias in ("M", "Q", "Y"):
        index = pd.period_range("2000-01-01", periods=6, freq=alias)
    else:
        index = pd.date_range("2000-01-01", periods=6, freq=alias)
    assert season_length(index) == m


def test_season_length_unknown_is_none_and_bad_alias_is_an_input_error(airline):
    from forecast.io import season_length

    assert season_length(airline.index) == 12
    assert season_length(pd.RangeIndex(10)) is None
    assert season_length("s") is None and season_length("10D") is None
    with pytest.raises(InputError, match="unknown frequency 'fortnightly'"):
        season_length("fortnightly")


def test_backtest_and_cli_share_the_season_table():
    """15-minute data: a day is 96 steps, for the engine and the command line alike."""
    from forecast.cli.backtest import _complete
    from forecast.cli.config import RunConfig

    y = fc.datasets.load("co2")
    y = pd.Series(y.to_numpy(), index=pd.date_range("2020-01-01", periods=len(y), freq="15min"))
    res = fc.backtest(["naive"], y, horizon=2, initial=len(y) - 3)
    assert res.season == 96
    assert _complete(RunConfig(), y).season == 96


# ------------------------------------------------------------------------------ panels
def _m3_panel(n=3):
    data = fc.datasets.load("m3_quarterly")
    return {k: data[k] for k in list(data)[:n]}


def test_one_panel_detector_for_every_panel_form():
    """io.is_panel/read_panel decide single vs panel for the base class and the backtest."""
    from forecast.io import is_panel, read_panel

    panel = _m3_panel()
    by_int = {i: s for i, s in enumerate(panel.values())}
    stamps = {i: s.index.to_timestamp() for i, s in by_int.items()}
    long = pd.concat([pd.DataFrame({"series_id": i, "timestamp": stamps[i], "value": s.to_numpy()})
                      for i, s in by_int.items()], ignore_index=True)
    nixtla = long.rename(columns={"series_id": "unique_id", "timestamp": "ds", "value": "y"})
    for data in (panel, by_int, list(panel.values()), long, nixtla):
        assert is_panel(data)
    one = next(iter(panel.values()))
    assert not is_panel(one) and not is_panel(one.to_frame("value")) and not is_panel([])
    ys, ids = read_panel(by_int)
    assert list(ys) == ["0", "1", "2"] and ids == {"0": 0, "1": 1, "2": 2}
    for frame in (long, nixtla):
        got, got_ids = read_panel(frame)
        assert got_ids == ids  # int ids of a long frame stay ints (NumPy ints become Python ints)
        for sid in ys:
            np.testing.assert_array_equal(got[sid].to_numpy(), ys[sid].to_numpy())
            assert got[sid].index.equals(stamps[int(sid)])
    assert list(read_panel(panel)[0]) == list(panel)  # str ids as given
    with pytest.raises(InputError, match="y is an empty panel"):
        read_panel({})
    with pytest.raises(InputError, match="equal as text"):
        read_panel({1: one, "1": one})
    with pytest.raises(InputError, match="no value column"):
        read_panel(long.rename(columns={"value": "sales"}))


def test_panel_data_json_round_trip():
    from forecast.io import data_from_json, data_to_json

    panel = _m3_panel(2)
    back = data_from_json(data_to_json(panel))
    assert list(back) == list(panel)
    for k in panel:
        pd.testing.assert_series_equal(back[k], panel[k], check_names=False)


def test_ambiguous_dates_suggest_formats_in_their_own_separator():
    # Excel in Germany writes 01.02.1949; the hint must be usable as given
    from forecast.io.sniff import day_first

    # 01/01/20 .. 01/12/20 is monthly read day-first and daily read month-first: both regular
    both = [f"01/{m:02d}/20" for m in range(1, 13)]
    with pytest.raises(InputError, match=r"'%d/%m/%y' or '%m/%d/%y'"):
        day_first(both, "date", "sales.csv")
    with pytest.raises(InputError, match=r"'%d-%m-%Y' or '%m-%d-%Y'"):
        day_first([f"01-{m:02d}-2020" for m in range(1, 13)], "date", "sales.csv")
