"""Time indexes: the one gate of a series' index (sorted, unique, regular), its frequency,
the index of the steps after its end, and the one frequency -> season table
(:func:`season_length`); the column names that mark ids, values and times."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

ID_COLUMNS = ("series_id", "unique_id", "id")
#: value and time columns of a long panel frame (the first present is used)
VALUE_COLUMNS = ("value", "y")
TIME_COLUMNS = ("timestamp", "ds", "date", "time", "period")

TIME_NAMES = ("date", "datetime", "time", "timestamp", "ds", "period", "month", "week",
              "year", "quarter", "day", "t")


# --------------------------------------------------------------------------------------
# index helpers
# --------------------------------------------------------------------------------------
def stamp_label(index: pd.Index, pos: int) -> str:
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
    freq = infer_freq(index)
    if freq is None:
        bad = _first_break(index)
        raise InputError(
            f"{name} has irregular time stamps: the step from {stamp_label(index, bad - 1)} to "
            f"{stamp_label(index, bad)} differs from the usual spacing; resample to a regular "
            "frequency or fill the missing periods before forecasting"
        )
    return freq


def infer_freq(index: pd.DatetimeIndex) -> str | None:
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
        cand = infer_freq(part)
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


def check_index(index: pd.Index, name: str) -> pd.Index:
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
                f"{name} has duplicate time stamps: {stamp_label(index, pos)} appears more than once "
                f"(first repeat at row {pos}); aggregate or drop duplicates before forecasting"
            )
        if not index.is_monotonic_increasing:
            values = index.asi8 if hasattr(index, "asi8") else np.asarray(index)
            pos = int(np.flatnonzero(np.diff(values) < 0)[0]) + 1
            raise InputError(
                f"{name} is not sorted by time: {stamp_label(index, pos)} (row {pos}) comes after "
                f"{stamp_label(index, pos - 1)}; sort by the time column first"
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


