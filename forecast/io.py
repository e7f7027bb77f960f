"""Reading and validating time series.

(Over 600 lines on purpose: this is the one gate every input passes -- series, exogenous
regressors, tables on disk, panels and their JSON form -- so each rule on input has one home.)

Everything that enters the toolkit passes through here: a pandas object, a NumPy array or a
file on disk becomes a float64 :class:`pandas.Series` with a sorted, duplicate-free,
regularly spaced time index (DatetimeIndex with a frequency, PeriodIndex, or an integer
index), or an :class:`~forecast.errors.InputError` that says what is wrong, where, and what
to do about it.

>>> import pandas as pd
>>> y = check_series(pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2020-01", periods=3, freq="MS")))
>>> y.index.freqstr
'MS'
>>> list(future_index(y.index, 2).strftime("%Y-%m"))
['2020-04', '2020-05']
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import ForecastWarning, InputError, option
from .validation import whole_number
from .memcheck import check_fits_in_memory
from .sniff import day_first, sniff_file

__all__ = [
    "check_series",
    "check_exog",
    "check_future_exog",
    "regressor_columns",
    "check_horizon",
    "future_index",
    "infer_frequency",
    "season_length",
    "read_table",
    "read_series",
    "to_panel",
    "is_panel",
    "read_panel",
    "ID_COLUMNS",
    "index_to_json",
    "index_from_json",
    "data_to_json",
    "data_from_json",
]

#: column names that mark a long DataFrame as a panel (the first present is the series id)
ID_COLUMNS = ("series_id", "unique_id", "id")
#: value and time columns of a long panel frame (the first present is used)
VALUE_COLUMNS = ("value", "y")
TIME_COLUMNS = ("timestamp", "ds", "date", "time", "period")

_TIME_NAMES = ("date", "datetime", "time", "timestamp", "ds", "period", "month", "week",
               "year", "quarter", "day", "t")


# --------------------------------------------------------------------------------------
# index helpers
# --------------------------------------------------------------------------------------
def _label(index: pd.Index, pos: int) -> str:
    value = index[pos]
    if isinstance(value, pd.Timestamp):
        return value.isoformat() if value != value.normalize() else value.strftime("%Y-%m-%d")
    return str(value)


def infer_frequency(index: pd.Index, name: str = "y") -> str | None:
    """Return the frequency alias of a regular DatetimeIndex, or raise ``InputError``.

    Irregular spacing is reported with the first gap that breaks the pattern.
    """
    if not isinstance(index, pd.DatetimeIndex):
        return None
    if index.freq is not None:
        return index.freqstr
    if len(index) < 3:
        if len(index) == 2:
            return pd.tseries.frequencies.to_offset(index[1] - index[0]).freqstr
        return None
    freq = _infer_freq(index)
    if freq is None:
        bad = _first_break(index)
        raise InputError(
            f"{name} has irregular time stamps: the step from {_label(index, bad - 1)} to "
            f"{_label(index, bad)} differs from the usual spacing; resample to a regular "
            "frequency or fill the missing periods before forecasting"
        )
    return freq


def _infer_freq(index: pd.DatetimeIndex) -> str | None:
    """The frequency alias pandas infers for ``index`` (None if irregular or too short)."""
    if len(index) < 3:
        return None
    try:
        freq = pd.DatetimeIndex(index, freq="infer").freq
    except (TypeError, ValueError):
        return None
    return None if freq is None else freq.freqstr


def _first_break(index: pd.DatetimeIndex) -> int:
    """Position of the first time stamp that breaks the series' spacing.

    Calendar frequencies (months, quarters) have steps of unequal length, so the spacing
    is taken from a frequency inferred on a run of stamps at the start or at the end;
    the candidate that explains the longest prefix wins. Falls back to the most common
    step in nanoseconds.
    """
    best = 0
    for part in (index[:5], index[-5:]):
        cand = _infer_freq(part)
        if cand is None:
            continue
        expected = pd.date_range(index[0], periods=len(index), freq=cand)
        mismatch = np.flatnonzero(expected.asi8 != index.asi8)
        if mismatch.size:
            best = max(best, int(mismatch[0]))
    if best > 0:
        return best
    deltas = np.diff(index.asi8)
    common = pd.Series(deltas).mode().iloc[0]
    return int(np.flatnonzero(deltas != common)[0]) + 1


def _check_index(index: pd.Index, name: str) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        raise InputError(f"{name} has a MultiIndex; pass one series at a time or a panel (dict or long DataFrame with an id column)")
    if index.dtype == object or pd.api.types.is_string_dtype(index.dtype):
        try:
            index = pd.DatetimeIndex(pd.to_datetime(index))
        except (ValueError, TypeError) as err:
            raise InputError(
                f"{name} has an index that is neither time stamps nor integers (first value {index[0]!r}); "
                "use a DatetimeIndex, PeriodIndex or integer index"
            ) from err
    if isinstance(index, pd.DatetimeIndex | pd.PeriodIndex) or pd.api.types.is_integer_dtype(index.dtype):
        dup = index.duplicated()
        if dup.any():
            pos = int(np.flatnonzero(dup)[0])
            raise InputError(
                f"{name} has duplicate time stamps: {_label(index, pos)} appears more than once "
                f"(first repeat at row {pos}); aggregate or drop duplicates before forecasting"
            )
        if not index.is_monotonic_increasing:
            values = index.asi8 if hasattr(index, "asi8") else np.asarray(index)
            pos = int(np.flatnonzero(np.diff(values) < 0)[0]) + 1
            raise InputError(
                f"{name} is not sorted by time: {_label(index, pos)} (row {pos}) comes after "
                f"{_label(index, pos - 1)}; sort by the time column first"
            )
        if isinstance(index, pd.DatetimeIndex):
            freq = infer_frequency(index, name)
            if freq is not None and index.freq is None:
                index = pd.DatetimeIndex(index, freq=freq)
        elif not isinstance(index, pd.PeriodIndex) and len(index) > 2:
            steps = np.diff(np.asarray(index))
            if not (steps == steps[0]).all():
                pos = int(np.flatnonzero(steps != steps[0])[0]) + 1
                raise InputError(
                    f"{name} has an irregular integer index: the step from {index[pos - 1]} to "
                    f"{index[pos]} differs from {steps[0]}; reindex to evenly spaced steps"
                )
        return index
    raise InputError(
        f"{name} has an index of type {index.dtype}; use a DatetimeIndex, PeriodIndex or integer index"
    )


def check_future_end(index: pd.Index, horizon: int, name: str = "horizon=") -> None:
    """Raise ``InputError`` when the ``horizon`` time stamps after ``index`` cannot be
    represented (past pandas' last time stamp of the index's unit, or past the 64-bit
    integers of an integer index), before any of them is made."""
    if _end_fits(index, horizon):
        return
    low, high = 0, horizon  # the largest horizon that fits: bisection on 2-stamp probes
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if _end_fits(index, mid) else (low, mid - 1)
    raise InputError(
        f"a forecast of {horizon} steps after {index[-1]} goes beyond the last time stamp "
        f"{'pandas' if isinstance(index, pd.DatetimeIndex | pd.PeriodIndex) else 'a 64-bit integer index'} "
        f"can represent; give {name} at most {low}"
    )


def _end_fits(index: pd.Index, horizon: int) -> bool:
    if horizon < 1 or len(index) == 0:
        return True
    last = index[-1]
    try:
        if isinstance(index, pd.PeriodIndex):
            last + horizon  # noqa: B018 - raises when the ordinal overflows
        elif isinstance(index, pd.DatetimeIndex):
            freq = index.freq or (infer_frequency(index) if len(index) > 1 else None)
            if freq is None:
                return True  # future_index says what is missing
            pd.date_range(last, periods=2, freq=pd.tseries.frequencies.to_offset(freq) * horizon)
        else:
            step = int(index[-1] - index[-2]) if len(index) > 1 else 1
            return abs(int(last) + horizon * step) < 2**63
    except (ValueError, OverflowError):  # OutOfBoundsDatetime/Timedelta are ValueErrors
        return False
    return True


def future_index(index: pd.Index, horizon: int) -> pd.Index:
    """The ``horizon`` time stamps that continue ``index``."""
    last = index[-1]
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(last + 1, periods=horizon, freq=index.freq)
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq or (infer_frequency(index) if len(index) > 1 else None)
        if freq is None:
            raise InputError("cannot continue a time index with a single time stamp and no frequency; set the index's freq")
        return pd.date_range(last, periods=horizon + 1, freq=freq)[1:]
    step = int(index[-1] - index[-2]) if len(index) > 1 else 1
    return pd.Index(np.arange(1, horizon + 1) * step + int(last), dtype=np.int64)


#: Steps in one seasonal cycle per base frequency (per single step of it): a year for
#: quarterly, monthly, weekly and semi-monthly data, a week for daily and business-daily
#: data, a day for hourly and minute data. Yearly data has no season (1). A multiple of a
#: base step (``15min``, ``2h``, ``3ME``) has ``cycle / multiple`` steps when that divides.
_CYCLE_STEPS: tuple[tuple[tuple[type, ...], int], ...] = (
    ((pd.offsets.YearEnd, pd.offsets.YearBegin, pd.offsets.BYearEnd, pd.offsets.BYearBegin), 1),
    ((pd.offsets.QuarterEnd, pd.offsets.QuarterBegin, pd.offsets.BQuarterEnd,
      pd.offsets.BQuarterBegin), 4),
    ((pd.offsets.MonthEnd, pd.offsets.MonthBegin, pd.offsets.BusinessMonthEnd,
      pd.offsets.BusinessMonthBegin), 12),
    ((pd.offsets.SemiMonthEnd, pd.offsets.SemiMonthBegin), 24),
    ((pd.offsets.Week,), 52),
    ((pd.offsets.BusinessDay, pd.offsets.CustomBusinessDay), 5),
    ((pd.offsets.Day,), 7),
    ((pd.offsets.Hour,), 24),
    ((pd.offsets.Minute,), 1440),
)


def season_length(index_or_freq: Any) -> int | None:
    """Season length ``m`` of a time index or a frequency, or ``None`` when it cannot be
    inferred.

    The one table of the toolkit (the backtest, the command line and the metrics use it):
    yearly 1, quarterly 4, monthly 12, semi-monthly 24, weekly 52, daily 7, business daily 5,
    hourly 24 (a day), minutes 1440 (a day: ``15min`` gives 96, ``30min`` 48), and a multiple
    of a step divides the cycle (``2h`` 12, ``3ME`` 4). ``None`` for an integer index, an
    index without a frequency, seconds and finer, and multiples that do not divide the cycle
    (``10D``): the caller then says so and asks for an explicit season.

    Accepts a ``PeriodIndex``/``DatetimeIndex``, a pandas offset or an alias text (``"ME"``,
    ``"M"`` for periods, ``"W-SUN"``, ``"15min"``).

    >>> season_length(pd.period_range("2000Q1", periods=8, freq="Q"))
    4
    >>> season_length("15min"), season_length("YE"), season_length(pd.RangeIndex(10)) is None
    (96, 1, True)
    """
    freq = index_or_freq
    if isinstance(freq, pd.Index):
        freq = getattr(freq, "freq", None)
        if freq is None:
            return None
    if isinstance(freq, str):
        try:
            freq = pd.tseries.frequencies.to_offset(freq)
        except ValueError:
            try:
                freq = pd.PeriodDtype(freq).freq  # period-only aliases: "M", "Q", "Y"
            except (ValueError, TypeError):
                raise InputError(f"unknown frequency {index_or_freq!r}; use a pandas alias such as "
                                 "'D', 'W', 'ME', 'QE', 'YE', 'h' or '15min'") from None
    if not isinstance(freq, pd.offsets.BaseOffset):
        return None
    n = abs(int(freq.n)) or 1
    for kinds, cycle in _CYCLE_STEPS:
        if isinstance(freq, kinds):
            if cycle == 1:
                return 1
            return cycle // n if cycle % n == 0 else None
    return None


def index_to_json(index: pd.Index) -> dict[str, Any]:
    """Describe an index as JSON-friendly data (for saving models and results)."""
    if isinstance(index, pd.PeriodIndex):
        return {"kind": "period", "freq": index.freqstr, "values": [str(v) for v in index]}
    if isinstance(index, pd.DatetimeIndex):
        return {"kind": "datetime", "freq": index.freqstr, "values": [v.isoformat() for v in index]}
    return {"kind": "integer", "values": [int(v) for v in index]}


def index_from_json(data: Mapping[str, Any]) -> pd.Index:
    kind = data.get("kind")
    if kind == "period":
        return pd.PeriodIndex(data["values"], freq=data["freq"])
    if kind == "datetime":
        return pd.DatetimeIndex(pd.to_datetime(data["values"]), freq=data["freq"])
    if kind == "integer":
        return pd.Index(np.asarray(data["values"], dtype=np.int64))
    raise InputError(f"unknown index kind {kind!r} in saved data")


def _series_to_json(y: pd.Series) -> dict[str, Any]:
    return {"index": index_to_json(y.index), "values": y.to_numpy().tolist(), "name": y.name}


def _series_from_json(data: Mapping[str, Any]) -> pd.Series:
    return pd.Series(np.asarray(data["values"], dtype=float), index=index_from_json(data["index"]),
                     name=data.get("name"))


def data_to_json(data: Any) -> Any:
    """A Series, a DataFrame (columns as series) or a panel dict of either, as JSON data."""
    if isinstance(data, Mapping):
        return {"__panel__": {str(k): data_to_json(v) for k, v in data.items()}}
    if isinstance(data, pd.DataFrame):
        return {c: _series_to_json(data[c]) for c in data.columns}
    return _series_to_json(data)


def data_from_json(data: Mapping[str, Any]) -> Any:
    """Inverse of :func:`data_to_json`."""
    if "__panel__" in data:
        return {k: data_from_json(v) for k, v in data["__panel__"].items()}
    if "index" in data and "values" in data:
        return _series_from_json(data)
    return pd.DataFrame({c: _series_from_json(v) for c, v in data.items()})


# --------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------
def _numeric(values: pd.Series, name: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(values.dtype):
        raise InputError(f"{name} is boolean; forecast needs numeric values")
    if not pd.api.types.is_numeric_dtype(values.dtype):
        converted = pd.to_numeric(values, errors="coerce")
        bad = converted.isna() & values.notna()
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            import re

            grouped = re.fullmatch(r"\s*[+-]?\d{1,3}([.,' ])\d{3}(?:\1\d{3})*(?:[.,]\d+)?\s*",
                                   str(values.iloc[pos]))
            todo = "fix or remove it before forecasting"
            if grouped:
                mark = grouped.group(1)
                todo = (f"if {mark!r} is a thousands mark there, give {option('thousands')} "
                        f"{mark!r}; otherwise fix or remove the value")
            raise InputError(
                f"{name} has a non-numeric value {values.iloc[pos]!r} at {_label(values.index, pos)} "
                f"(row {pos}); {todo}"
            )
        values = converted
    # one fresh copy: the caller's data is never shared, and never copied twice
    return values.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)


# The largest magnitude a value may have: its square (squared errors, variances,
# likelihoods) and sums of such squares must stay finite in float64 (max ~1.8e308).
MAX_ABS_VALUE = 1e150


def _check_finite(arr: np.ndarray, index: pd.Index, name: str,
                  columns: Sequence[Any] | None = None) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        rows = np.flatnonzero(bad if arr.ndim == 1 else bad.any(axis=1))
        kind = "missing" if np.isnan(arr[bad]).all() else "missing or infinite"
        where = f"first at {_label(index, int(rows[0]))}, row {int(rows[0])}"
        subject = f"{name} has"
        if arr.ndim == 2 and columns is not None:  # name the regressor(s)
            cols = [repr(str(columns[j])) for j in np.flatnonzero(bad.any(axis=0))]
            first = repr(str(columns[int(np.flatnonzero(bad[rows[0]])[0])]))
            if len(cols) == 1:
                subject = f"{name} column {first} has"
            else:
                subject = f"{name} columns {', '.join(cols)} have"
                where = f"first in {first} at {where[len('first at '):]}"
        raise InputError(
            f"{subject} {int(bad.sum())} {kind} values ({where}); fill or drop them before forecasting"
        )
    huge = np.abs(arr) > MAX_ABS_VALUE
    if huge.any():
        rows = np.flatnonzero(huge if arr.ndim == 1 else huge.any(axis=1))
        value = float(arr[rows[0]] if arr.ndim == 1 else arr[rows[0]][huge[rows[0]]][0])
        subject = name
        if arr.ndim == 2 and columns is not None:
            subject = f"{name} column {str(columns[int(np.flatnonzero(huge[rows[0]])[0])])!r}"
        raise InputError(
            f"{subject} has {int(huge.sum())} value(s) too large to forecast (first {value:g} at "
            f"{_label(index, int(rows[0]))}, row {int(rows[0])}): beyond +-{MAX_ABS_VALUE:g} squared "
            "errors and likelihoods overflow; fix the value or rescale the data (divide by a power of ten)"
        )


def check_series(y: Any, name: str = "y", *, allow_empty: bool = False) -> pd.Series:
    """Validate one series and return it as float64 with a regular time index.

    Accepts a Series, a one-column DataFrame, or a 1-d array/list (given an integer index).
    """
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise InputError(
                f"{name} is a DataFrame with {y.shape[1]} columns ({', '.join(map(str, y.columns[:8]))}); "
                "pass one column as the target, or use read_series(..., target=...)"
            )
        y = y.iloc[:, 0]
    if not isinstance(y, pd.Series):
        arr = np.asarray(y)
        if arr.ndim != 1:
            raise InputError(f"{name} must be one-dimensional; got an array of shape {arr.shape}")
        y = pd.Series(arr)
    if len(y) == 0:
        if allow_empty:
            return y.astype(np.float64)
        raise InputError(f"{name} is empty; pass at least one observation")
    index = _check_index(y.index, name)
    values = _numeric(y.set_axis(index), name)
    _check_finite(values, index, name)
    return pd.Series(values, index=index, name=y.name, copy=False)


def check_horizon(horizon: Any, name: str = "horizon") -> int:
    return whole_number(horizon, name, low=1)


def _as_frame(X: Any, name: str) -> pd.DataFrame:
    if isinstance(X, pd.Series):
        X = X.to_frame(name=X.name if X.name is not None else "x0")
    if not isinstance(X, pd.DataFrame):
        arr = np.asarray(X, dtype=float)
        if arr.ndim == 1:
            arr = arr[:, None]
        X = pd.DataFrame(arr, columns=[f"x{i}" for i in range(arr.shape[1])])
    if X.shape[1] == 0:
        raise InputError(f"{name} has no columns")
    out = {}
    for col in X.columns:
        out[col] = _numeric(X[col], f"{name} column {col!r}")
    return pd.DataFrame(out, index=X.index)


def _align(X: pd.DataFrame, index: pd.Index, name: str, what: str) -> pd.DataFrame:
    if len(X) != len(index):
        raise InputError(
            f"{name} has {len(X)} rows but {what} has {len(index)} (from {_label(index, 0)} to "
            f"{_label(index, len(index) - 1)}); give one row of exogenous values per time stamp"
        )
    if isinstance(X.index, pd.RangeIndex) and not isinstance(index, pd.RangeIndex):
        X = X.set_axis(index)  # positional alignment of an index-less frame
    else:
        xi = X.index
        try:
            xi = _check_index(xi, name) if not xi.equals(index) else index
        except InputError:
            raise
        if not xi.equals(index):
            pos = int(np.flatnonzero(np.asarray(xi != index))[0]) if len(xi) == len(index) else 0
            raise InputError(
                f"{name} is misaligned with {what}: row {pos} is {_label(xi, pos)} but {what} has "
                f"{_label(index, pos)}; give exogenous values for exactly the same time stamps"
            )
        X = X.set_axis(index)
    _check_finite(X.to_numpy(), index, name, list(X.columns))
    return X


def check_exog(X: Any, index: pd.Index, name: str = "X", y: pd.Series | None = None) -> pd.DataFrame | None:
    """Validate exogenous regressors aligned with the target's ``index``.

    With the target ``y``, a column holding exactly the target's values (the target itself
    named as a regressor, or a copy of it) is refused: a model given it reads the answer.
    This is the one look-ahead check of regressors: files (CLI, config), the backtest and
    every model's fit come through here.
    """
    if X is None:
        return None
    X = _align(_as_frame(X, name), index, name, "y")
    if y is not None:
        _no_target_among(X, y, name)
    return X


def _no_target_among(X: pd.DataFrame, y: pd.Series, name: str) -> None:
    target = np.asarray(y, dtype=float)
    for col in X.columns:
        if not np.array_equal(X[col].to_numpy(dtype=float), target):
            continue
        what = (f"is the target {col!r} itself" if y.name is not None and str(col) == str(y.name)
                else f"holds exactly the values of the target{f' {y.name!r}' if y.name is not None else ''}")
        raise InputError(
            f"{name} column {col!r} {what}: a model given it as a regressor reads the answer "
            f"(look-ahead); drop it from {option('regressors', 'X')} (a lagged copy, shifted by at "
            "least the horizon, is a fair regressor)"
        )


def regressor_columns(exog: Sequence[str] | None, known_exog: Sequence[str] | None,
                      target: str | None = None) -> list[str]:
    """The regressor columns of a run, observed (``exog``) then known in advance
    (``known_exog``); a column cannot be both, nor the ``target``.

    >>> regressor_columns(["price"], ["holiday"], "sales")
    ['price', 'holiday']
    """
    exog, known = [str(c) for c in exog or []], [str(c) for c in known_exog or []]
    both = [c for c in exog if c in known]
    if both:
        raise InputError(
            f"{', '.join(map(repr, both))} named both as observed ({option('exog')}) and as known in "
            f"advance ({option('known_exog')}); a column is one or the other: keep it in "
            f"{option('known_exog')} only if its future values are really known at each origin"
        )
    if target is not None and str(target) in exog + known:
        raise InputError(
            f"the target {target!r} is named as its own regressor ({option('exog') if target in exog else option('known_exog')}): "
            "a model given it reads the answer (look-ahead); drop it from the regressors"
        )
    return list(dict.fromkeys(exog + known))


def check_future_exog(
    X: Any, index: pd.Index, columns: Sequence[str], name: str = "X"
) -> pd.DataFrame:
    """Validate exogenous values for the forecast horizon ``index`` (future time stamps)."""
    if X is None:
        raise InputError(
            f"this model was fitted with exogenous regressors ({', '.join(map(str, columns))}); pass "
            f"{option('X_future', name)} with their values for the {len(index)} forecast steps {_label(index, 0)} .. "
            f"{_label(index, len(index) - 1)}"
        )
    X = _as_frame(X, name)
    missing = [c for c in columns if c not in X.columns]
    if missing and list(X.columns) != [f"x{i}" for i in range(len(columns))]:
        raise InputError(
            f"{name} lacks the column(s) {', '.join(map(str, missing))} the model was fitted with; "
            f"it has {', '.join(map(str, X.columns))}"
        )
    if not missing:
        X = X[list(columns)]
    else:
        X.columns = list(columns)
    if len(X) < len(index):
        raise InputError(
            f"{name} has {len(X)} rows but the forecast needs {len(index)} (exogenous values for "
            f"{_label(index, 0)} .. {_label(index, len(index) - 1)}); give future values for every step"
        )
    if not isinstance(X.index, pd.RangeIndex) or isinstance(index, pd.RangeIndex):
        if index[0] in X.index:
            start = X.index.get_loc(index[0])
            X = X.iloc[start : start + len(index)]
        elif not isinstance(X.index, pd.RangeIndex):
            raise InputError(
                f"{name} does not cover the forecast period: it has no row for {_label(index, 0)} "
                f"(it runs {_label(X.index, 0)} .. {_label(X.index, len(X) - 1)})"
            )
    X = X.iloc[: len(index)]
    return _align(X, index, name, "the forecast horizon")


# --------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------
def read_table(path: str | os.PathLike, *, sep: str | None = None, decimal: str | None = None,
               thousands: str | None = None, skip_rows: int = 0) -> pd.DataFrame:
    """Read a CSV (plain or gzip), Parquet or Excel file into a DataFrame with a clear error
    for a bad file.

    A text file's field separator (``,``, ``;``, tab or ``|``), decimal mark (``.`` or
    ``,``, as spreadsheets write CSV in much of Europe) and thousands mark are detected from
    its first lines unless given; a file that does not show them unambiguously is refused
    with a message naming ``sep``/``decimal``/``thousands``. A thousands mark is taken only
    between groups of three digits (``1.009,14``, ``14,692.95``), so dates such as
    ``01.01.2024`` or ``01.2018`` stay dates. Text that is not UTF-8 is read as UTF-16 (by
    its byte-order mark) or Windows-1252 (Excel's encoding in Western Europe). ``skip_rows``
    lines above the header (a title) are skipped. A file that is not a table (an image, a
    PDF) is refused saying what it is; a file too large for the available memory is refused
    before it is read.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"file not found: {path}; check the path")
    if path.is_dir():
        raise InputError(f"{path} is a folder; pass a CSV or Parquet file")
    if path.stat().st_size == 0:
        raise InputError(f"file {path} is empty; it needs a header row and at least one data row")
    whole_number(skip_rows, option("skip_rows"), low=0)
    if thousands:  # "none": the file has no thousands mark ("" too); None: detected
        from .sniff import parse_thousands

        thousands = parse_thousands(thousands) or ""
    check_fits_in_memory(path)
    suffix = "".join(path.suffixes[-2:]).lower()
    try:
        if suffix.endswith((".parquet", ".pq")):
            frame = pd.read_parquet(path)
        elif suffix.endswith((".xlsx", ".xlsm", ".xls")):
            frame = _read_excel(path, skip_rows)
        else:
            fmt = sniff_file(path, sep=sep, decimal=decimal, thousands=thousands, skip_rows=skip_rows)
            frame = pd.read_csv(path, sep=fmt.sep, decimal=fmt.decimal, encoding=fmt.encoding,
                                compression=fmt.compression, skiprows=skip_rows or None,
                                dtype={c: str for c in fmt.dates} or None)
            if fmt.thousands:
                frame = _strip_thousands(frame, fmt.decimal, fmt.thousands, set(fmt.dates))
    except (ValueError, OSError, pd.errors.ParserError, UnicodeError) as err:
        if isinstance(err, InputError):
            raise
        raise InputError(f"could not read {path}: {err}") from err
    if frame.empty:
        raise InputError(f"file {path} has no data rows")
    return frame


def _read_excel(path: Path, skip_rows: int) -> pd.DataFrame:
    import importlib.util

    if importlib.util.find_spec("openpyxl") is None:
        raise InputError(f"{path} is an Excel workbook, and reading one needs the openpyxl package, "
                         "which is not installed; save the sheet as CSV and pass that file "
                         "(or pip install openpyxl)")
    return pd.read_excel(path, skiprows=skip_rows or None)


def _strip_thousands(frame: pd.DataFrame, decimal: str, thousands: str, dates: set[str]) -> pd.DataFrame:
    """Text columns whose every value is a number with thousands marks between groups of
    three digits (``1.009,14``), as numbers; any other text is left as it is."""
    from .sniff import number_pattern

    pattern = number_pattern(decimal, thousands)
    for col in frame.columns:
        if col in dates or not (frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col].dtype)):
            continue
        text = frame[col].dropna().astype(str)
        if text.empty or not text.map(lambda v: bool(pattern.fullmatch(v))).all():
            continue
        clean = frame[col].astype("string").str.strip().str.replace(thousands, "", regex=False)
        if decimal != ".":
            clean = clean.str.replace(decimal, ".", regex=False)
        frame[col] = pd.to_numeric(pd.Series(clean.to_numpy(dtype=object, na_value=None),
                                             index=frame.index)).astype(float)
    return frame


def _detect_time_col(frame: pd.DataFrame, exclude: Sequence[str] = ()) -> str | None:
    candidates = [c for c in frame.columns if c not in exclude]
    for col in candidates:
        if str(col).strip().lower() in _TIME_NAMES:
            return col
    for col in candidates:
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            return col
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            sample = s.dropna().astype(str).head(20)
            if len(sample) and sample.str.fullmatch(r"\s*(0?[1-9]|1[0-2])[./-]\d{4}\s*").all():
                return col  # 01.2018: month dates
            try:
                pd.to_datetime(sample, format="mixed", utc=True)
                return col
            except (ValueError, TypeError):
                continue
    return None


def _parse_time(values: pd.Series, col: str, source: str, date_format: str | None = None) -> pd.Index:
    if date_format is not None:
        return _parse_with_format(values, col, source, date_format)
    if pd.api.types.is_integer_dtype(values.dtype):
        if str(col).strip().lower() == "year":
            return pd.PeriodIndex(values.astype(np.int64).astype(str), freq="Y")
        return pd.Index(values.to_numpy(dtype=np.int64))
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        example = values.dropna().iloc[0] if values.notna().any() else values.iloc[0]
        raise InputError(
            f"{source}: time column {col!r} holds numbers such as {example!r}, neither dates nor "
            f"whole-number steps; name the column of dates with {option('time_col')}"
        )
    _check_one_date_format(values, col, source)
    text = values.astype(str)
    if text.str.fullmatch(r"\d{4}-?Q[1-4]").all():
        return pd.PeriodIndex(text.str.replace("-", ""), freq="Q")
    if text.str.fullmatch(r"\d{4}-\d{2}").all():
        return pd.PeriodIndex(text, freq="M")
    if text.str.fullmatch(r"\d{4}").all():
        return pd.PeriodIndex(text.astype(int).astype(str), freq="Y")
    month = text.str.extract(r"^\s*(0?[1-9]|1[0-2])[./-](\d{4})\s*$")
    if month.notna().all().all():  # 01.2018: month and year
        return pd.PeriodIndex(month[1] + "-" + month[0].str.zfill(2), freq="M")
    dayfirst = day_first(values.dropna().astype(str), col, source)
    try:
        return pd.DatetimeIndex(pd.to_datetime(values, format="mixed", dayfirst=bool(dayfirst)))
    except (ValueError, TypeError) as err:
        if "Mixed timezones" in str(err) or "mix tz-aware" in str(err):
            return _to_utc(values, col, source, dayfirst)
        bad = pd.to_datetime(values, errors="coerce", format="mixed").isna() & values.notna()
        pos = int(np.flatnonzero(bad.to_numpy())[0]) if bad.any() else 0
        raise InputError(
            f"{source}: time column {col!r} has a value that is not a date: {values.iloc[pos]!r} "
            f"(row {pos}); fix it or name the right column with {option('time_col')}"
        ) from err


def _date_kind(value: str) -> str:
    """The written form of a date: ISO (2024-01-02), day/month with its separator, or other."""
    import re

    value = value.strip()
    if re.match(r"\d{4}[-/.]\d{1,2}", value):
        return "ISO year-first (e.g. 2024-01-31)"
    m = re.match(r"\d{1,2}([./-])\d{1,2}\1\d{2,4}", value)
    if m:
        return f"day/month with {m.group(1)!r}"
    return "other"


def _check_one_date_format(values: pd.Series, col: str, source: str) -> None:
    """Refuse a time column that writes its dates in more than one form (2024-01-31 and
    01.02.2024): read together, one of them would be misread."""
    text = values.dropna().astype(str)
    if len(text) < 2:
        return
    kinds = text.map(_date_kind)
    known = kinds[kinds != "other"]
    if known.nunique() > 1:
        first = known.iloc[0]
        other = known[known != first]
        i, j = text.index.get_loc(known.index[0]), text.index.get_loc(other.index[0])
        raise InputError(
            f"{source}: time column {col!r} has mixed date formats: {text.iloc[i]!r} (row {i}) and "
            f"{text.iloc[j]!r} (row {j}); write every date in one format, or give it with "
            f"{option('date_format')}"
        )


def _parse_with_format(values: pd.Series, col: str, source: str, date_format: str) -> pd.Index:
    parsed = pd.to_datetime(values.astype(str), format=date_format, errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{source}: time column {col!r} has a value {values.iloc[pos]!r} (row {pos}) that does not "
            f"match the date format {date_format!r}; fix the value or give the right format with "
            f"{option('date_format')}"
        )
    return pd.DatetimeIndex(parsed)


def _to_utc(values: pd.Series, col: str, source: str, dayfirst: bool | None) -> pd.Index:
    """Time stamps with different UTC offsets (a daylight-saving change, merged sources):
    converted to UTC with a note when that leaves them evenly spaced, refused otherwise."""
    offsets = values.astype(str).str.extract(r"([+-]\d{2}:?\d{2}|Z)\s*$")[0]
    if offsets.isna().any():
        pos = int(np.flatnonzero(offsets.isna().to_numpy())[0])
        raise InputError(
            f"{source}: time column {col!r} mixes time stamps with and without a UTC offset (row "
            f"{pos}: {values.iloc[pos]!r}); write every time stamp in the same form"
        )
    try:
        stamps = pd.DatetimeIndex(pd.to_datetime(values, format="mixed", dayfirst=bool(dayfirst), utc=True))
    except (ValueError, TypeError) as err:
        raise InputError(
            f"{source}: time column {col!r} has time stamps that are not dates with UTC offsets; "
            "write every time stamp in the same form"
        ) from err
    change = int(np.flatnonzero((offsets != offsets.iloc[0]).to_numpy())[0]) if (offsets != offsets.iloc[0]).any() else 0
    example = f"{values.iloc[0]!r} in row 0, {values.iloc[change]!r} in row {change}"
    if len(stamps) > 2 and stamps.is_monotonic_increasing and _infer_freq(stamps) is None:
        raise InputError(
            f"{source}: time column {col!r} mixes UTC offsets ({example}); converted to UTC the "
            "time stamps are not evenly spaced; write "
            "them all in one offset (e.g. UTC) or without offsets (local time)"
        )
    warnings.warn(
        f"{source}: time column {col!r} mixes UTC offsets ({example}); the time stamps were "
        "converted to UTC", ForecastWarning, stacklevel=4)
    return stamps


def _unknown_column(col: str, frame: pd.DataFrame, source: str, what: str) -> InputError:
    return InputError(
        f"{source}: no column named {col!r} for the {what}; available columns: "
        f"{', '.join(map(str, frame.columns))}"
    )


def read_series(
    data: str | os.PathLike | pd.DataFrame,
    *,
    target: str | None = None,
    time_col: str | None = None,
    id_col: str | None = None,
    exog: Sequence[str] | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    date_format: str | None = None,
    thousands: str | None = None,
    skip_rows: int = 0,
) -> tuple[pd.Series | dict[str, pd.Series], pd.DataFrame | dict[str, pd.DataFrame] | None]:
    """Read a table (a CSV/Parquet path or a DataFrame) into a validated target and exog.

    The time column is detected when not given (a column named like date/time/period, or
    the first column that parses as dates). The target defaults to the only numeric column
    left. With ``id_col``, returns dicts keyed by series id (a panel).

    A file's separator, decimal and thousands marks are detected unless given (``sep``,
    ``decimal``, ``thousands``; see :func:`read_table`); ``skip_rows`` skips title lines
    above the header. A named or detected time column is parsed as time or refused, never
    dropped for integer steps. Dates such as ``13/01/2020`` are read day-first when the
    values prove it (a first field above 12), month-first when they prove that; a dotted
    date (``01.02.2020``) is day-first; otherwise the reading that gives evenly spaced time
    stamps wins, and when both do, ``date_format`` (a ``strptime`` format such as
    ``"%d/%m/%Y"``) must say it. A column that writes its dates in two forms (``2024-01-31``
    and ``01.02.2024``) is refused as mixed date formats. Time stamps with different UTC offsets are converted to UTC (with a
    :class:`~forecast.errors.ForecastWarning`) when that leaves them evenly spaced.

    Returns ``(y, X)`` where ``X`` is ``None`` unless ``exog`` names columns.
    """
    source = str(data) if not isinstance(data, pd.DataFrame) else "data"
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
    else:
        frame = read_table(data, sep=sep, decimal=decimal, thousands=thousands, skip_rows=skip_rows)
    exog = list(exog or [])
    for col, what in [(time_col, "time"), (target, "target"), (id_col, "series id")] + [(c, "exogenous regressor") for c in exog]:
        if col is not None and col not in frame.columns:
            raise _unknown_column(col, frame, source, what)
    if time_col is None:
        time_col = _detect_time_col(frame, exclude=[c for c in (target, id_col) if c] + exog)
    used = {c for c in (time_col, id_col) if c} | set(exog)
    if target is None:
        numeric = [c for c in frame.columns if c not in used and pd.api.types.is_numeric_dtype(frame[c].dtype)]
        others = [c for c in frame.columns if c not in used]
        if len(others) == 1:
            target = others[0]
        elif len(numeric) == 1:
            target = numeric[0]
        else:
            raise InputError(
                f"{source}: cannot tell which column to forecast among {', '.join(map(str, others))}; "
                f"name it with {option('target')}"
            )
    if id_col is None:
        try:
            return _one_series(frame, target, time_col, exog, source, date_format)
        except InputError as err:
            if "duplicate time stamps" not in str(err):
                raise
            hint = _id_column_hint(frame, time_col, target, exog, source)
            if hint is None:
                raise
            raise hint from None
    ys: dict[str, pd.Series] = {}
    xs: dict[str, pd.DataFrame] = {}
    for sid, part in frame.groupby(id_col, sort=False):
        y, X = _one_series(part.reset_index(drop=True), target, time_col, exog,
                           f"{source} (series {sid!r})", date_format)
        ys[str(sid)] = y
        if X is not None:
            xs[str(sid)] = X
    return ys, (xs or None)


def _id_column_hint(frame: pd.DataFrame, time_col: str | None, target: str, exog: Sequence[str],
                    source: str) -> InputError | None:
    """When the time stamps repeat, the column (other than time, target and regressors)
    within whose values each time stamp appears once: the file is a panel without id_col."""
    if time_col is None:
        return None
    for col in frame.columns:
        if col in (time_col, target) or col in exog or pd.api.types.is_float_dtype(frame[col].dtype):
            continue
        groups = frame[col].nunique(dropna=True)
        if 1 < groups < len(frame) and not frame.duplicated([col, time_col]).any():
            flag = option("id_col")
            give = f"{flag} {col}" if flag.startswith("--") else f"{flag}{col!r}"
            return InputError(
                f"{source}: the time stamps repeat once for each value of column {col!r} "
                f"({groups} values such as {frame[col].iloc[0]!r}): it looks like a panel of "
                f"{groups} series; give {give}"
            )
    return None


def _one_series(frame, target, time_col, exog, source, date_format=None):
    if time_col is not None:
        index = _parse_time(frame[time_col], time_col, source, date_format)
    else:
        index = pd.RangeIndex(len(frame))
    y = check_series(pd.Series(frame[target].to_numpy(), index=index, name=target), f"{source}: column {target!r}")
    X = None
    if exog:
        X = check_exog(pd.DataFrame({c: frame[c].to_numpy() for c in exog}, index=index).set_axis(y.index),
                       y.index, f"{source}: regressor", y=y)
    return y, X


def to_panel(data: Any, *, id_col: str = "series_id", time_col: str | None = "timestamp", target: str = "value") -> dict[str, pd.Series]:
    """``{str id: validated Series}`` from a long DataFrame with the columns named here, or
    from a dict/list of series (see :func:`read_panel`, which finds the columns itself and
    also gives back the caller's ids)."""
    if isinstance(data, pd.DataFrame):
        ys, _ = read_series(data, target=target, time_col=time_col, id_col=id_col)
        return ys
    return read_panel(data, "y")[0]


# --------------------------------------------------------------------------------------
# panels: the one place that decides whether data holds one series or many
# --------------------------------------------------------------------------------------
def is_panel(data: Any) -> bool:
    """Whether ``data`` holds many series: a mapping ``{id: series}``, a non-empty list or
    tuple of Series, or a long DataFrame with a series id column (one of ``ID_COLUMNS``).

    >>> import pandas as pd
    >>> is_panel({"a": pd.Series([1.0, 2.0])}), is_panel(pd.Series([1.0, 2.0]))
    (True, False)
    >>> is_panel(pd.DataFrame({"series_id": ["a", "a"], "value": [1.0, 2.0]}))
    True
    """
    if isinstance(data, Mapping):
        return True
    if isinstance(data, pd.DataFrame):
        return any(c in data.columns for c in ID_COLUMNS)
    return isinstance(data, list | tuple) and len(data) > 0 and all(isinstance(v, pd.Series) for v in data)


def read_panel(data: Any, name: str = "y") -> tuple[dict[str, pd.Series], dict[str, Any]]:
    """A panel (see :func:`is_panel`) as ``({str id: validated Series}, {str id: caller's id})``.

    Series are keyed by ``str(id)`` inside the toolkit; the second dict gives back the id as
    the caller wrote it (an int stays an int, NumPy scalars become Python ones). A long
    frame needs a value column (one of ``VALUE_COLUMNS``); its time column is the first of
    ``TIME_COLUMNS`` present (none: positions).
    """
    if isinstance(data, pd.DataFrame):
        id_col = next((c for c in ID_COLUMNS if c in data.columns), None)
        if id_col is None:
            raise InputError(f"{name} is a DataFrame without a series id column ({', '.join(ID_COLUMNS)}); "
                             "pass a long frame with series_id, timestamp and value columns, or a dict of series")
        value = next((c for c in VALUE_COLUMNS if c in data.columns), None)
        if value is None:
            raise InputError(f"the long frame {name} has no value column ({', '.join(VALUE_COLUMNS)}); "
                             f"it has {', '.join(map(str, data.columns))}")
        time_col = next((c for c in TIME_COLUMNS if c in data.columns), None)
        ys, _ = read_series(data, target=value, time_col=time_col, id_col=id_col)
        keys = list(pd.unique(data[id_col]))
    elif isinstance(data, Mapping):
        ys = {str(k): check_series(v, f"{name}[{k!r}]") for k, v in data.items()}
        keys = list(data.keys())
    elif isinstance(data, list | tuple):
        keys = [getattr(v, "name", None) or i for i, v in enumerate(data)]
        ys = {str(k): check_series(v, f"{name}[{i}]") for i, (k, v) in enumerate(zip(keys, data, strict=True))}
    else:
        raise InputError(f"cannot read a panel from {type(data).__name__}; pass a dict of Series or a long DataFrame")
    if not ys:
        raise InputError(f"{name} is an empty panel; give at least one series")
    if len(ys) != len(keys):
        raise InputError(f"{name} has series ids that are equal as text (e.g. 1 and '1'); give each series its own id")
    ids = {str(k): (k.item() if isinstance(k, np.generic) else k) for k in keys}
    return ys, {sid: ids.get(sid, sid) for sid in ys}
