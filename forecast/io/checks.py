"""Checks of data that enter the toolkit: a series (numeric, finite, not absurdly large),
the horizon, exogenous regressors aligned to a series (and their future values), which
regressors a model is given."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, option
from ..validation import whole_number
from .timeindex import check_index, stamp_label


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
                f"{name} has a non-numeric value {values.iloc[pos]!r} at {stamp_label(values.index, pos)} "
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
        where = f"first at {stamp_label(index, int(rows[0]))}, row {int(rows[0])}"
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
            f"{stamp_label(index, int(rows[0]))}, row {int(rows[0])}): beyond +-{MAX_ABS_VALUE:g} squared "
            "errors and likelihoods overflow; fix the value or rescale the data (divide by a power of ten)"
        )


_validated = threading.local()


@contextlib.contextmanager
def validated_input() -> Iterator[None]:
    """Inside this block (of this thread) the data were validated where they entered: the
    backtest checks every series and regressor frame once, then runs its tasks on slices of
    them inside this block, so a task's fit and forecasts do not check the same values again.
    :func:`check_series` and :func:`check_exog` pass a float64 Series, and a numeric frame
    already on the target's index, straight through here; anything else is checked as
    always."""
    before = getattr(_validated, "on", False)
    _validated.on = True
    try:
        yield
    finally:
        _validated.on = before


def _trusted(obj: Any, index: pd.Index | None = None) -> bool:
    if not getattr(_validated, "on", False):
        return False
    if index is None:
        return isinstance(obj, pd.Series) and obj.dtype == np.float64 and len(obj) > 0
    return (isinstance(obj, pd.DataFrame) and obj.index.equals(index)
            and all(dtype == np.float64 for dtype in obj.dtypes))


def check_series(y: Any, name: str = "y", *, allow_empty: bool = False) -> pd.Series:
    """Validate one series and return it as float64 with a regular time index.

    Accepts a Series, a one-column DataFrame, or a 1-d array/list (given an integer index).
    Inside :func:`validated_input`, a float64 Series is returned as it is.
    """
    if _trusted(y):
        return y
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
    index = check_index(y.index, name)
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
            f"{name} has {len(X)} rows but {what} has {len(index)} (from {stamp_label(index, 0)} to "
            f"{stamp_label(index, len(index) - 1)}); give one row of exogenous values per time stamp"
        )
    if isinstance(X.index, pd.RangeIndex) and not isinstance(index, pd.RangeIndex):
        X = X.set_axis(index)  # positional alignment of an index-less frame
    else:
        xi = X.index
        try:
            xi = check_index(xi, name) if not xi.equals(index) else index
        except InputError:
            raise
        if not xi.equals(index):
            pos = int(np.flatnonzero(np.asarray(xi != index))[0]) if len(xi) == len(index) else 0
            raise InputError(
                f"{name} is misaligned with {what}: row {pos} is {stamp_label(xi, pos)} but {what} has "
                f"{stamp_label(index, pos)}; give exogenous values for exactly the same time stamps"
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
    if _trusted(X, index):
        return X
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
            f"{option('X_future', name)} with their values for the {len(index)} forecast steps {stamp_label(index, 0)} .. "
            f"{stamp_label(index, len(index) - 1)}"
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
            f"{stamp_label(index, 0)} .. {stamp_label(index, len(index) - 1)}); give future values for every step"
        )
    if not isinstance(X.index, pd.RangeIndex) or isinstance(index, pd.RangeIndex):
        if index[0] in X.index:
            start = X.index.get_loc(index[0])
            X = X.iloc[start : start + len(index)]
        elif not isinstance(X.index, pd.RangeIndex):
            raise InputError(
                f"{name} does not cover the forecast period: it has no row for {stamp_label(index, 0)} "
                f"(it runs {stamp_label(X.index, 0)} .. {stamp_label(X.index, len(X) - 1)})"
            )
    X = X.iloc[: len(index)]
    return _align(X, index, name, "the forecast horizon")


# --------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------
