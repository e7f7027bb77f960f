"""Forecast accuracy metrics: NumPy in, float out, vectorised.

Every metric takes ``y_true`` and ``y_pred`` of the same shape (any shape: one forecast,
or origins x steps) and an optional ``axis`` to aggregate along (``None``: everything).
Scaled metrics (MASE, RMSSE) take the training data; their scale uses it alone.

>>> import numpy as np
>>> y, f = np.array([100.0, 110.0]), np.array([90.0, 110.0])
>>> float(mae(y, f)), round(float(smape(y, f)), 3)
(5.0, 5.263)
>>> float(mase(y, f, y_train=np.array([1.0, 3.0, 5.0])))
2.5
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .errors import InputError

__all__ = [
    "mae", "rmse", "mape", "smape", "mase", "rmsse", "coverage", "pinball", "owa",
    "scale", "METRICS", "check_metric", "get", "compute",
]


def _pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true, dtype=float)
    f = np.asarray(y_pred, dtype=float)
    if y.shape != f.shape:
        raise InputError(f"y_true has shape {y.shape} but y_pred has shape {f.shape}; they must match")
    if y.size == 0:
        raise InputError("no values to score: y_true is empty")
    return y, f


def mae(y_true: Any, y_pred: Any, *, axis: int | None = None) -> float | np.ndarray:
    """Mean absolute error."""
    y, f = _pair(y_true, y_pred)
    return np.mean(np.abs(y - f), axis=axis)


def rmse(y_true: Any, y_pred: Any, *, axis: int | None = None) -> float | np.ndarray:
    """Root mean squared error."""
    y, f = _pair(y_true, y_pred)
    return np.sqrt(np.mean(np.square(y - f), axis=axis))


def mape(y_true: Any, y_pred: Any, *, axis: int | None = None) -> float | np.ndarray:
    """Mean absolute percentage error, in percent. Undefined when ``y_true`` has zeros."""
    y, f = _pair(y_true, y_pred)
    zeros = y == 0
    if zeros.any():
        raise InputError(
            f"MAPE is undefined: y_true has {int(zeros.sum())} zero value(s) (first at position "
            f"{int(np.flatnonzero(zeros.ravel())[0])}); use sMAPE, MASE or MAE instead"
        )
    return 100.0 * np.mean(np.abs((y - f) / y), axis=axis)


def smape(y_true: Any, y_pred: Any, *, axis: int | None = None) -> float | np.ndarray:
    """Symmetric MAPE in percent (M3/M4 definition): ``mean(200·|y−f| / (|y|+|f|))``.

    A term where both ``y`` and ``f`` are zero counts as zero error.
    """
    y, f = _pair(y_true, y_pred)
    den = np.abs(y) + np.abs(f)
    num = 200.0 * np.abs(y - f)
    terms = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    return np.mean(terms, axis=axis)


def scale(y_train: Any, m: int = 1, *, power: int = 1) -> float:
    """In-sample mean of ``|y_t − y_{t−m}|**power`` on the training data (MASE/RMSSE scale)."""
    v = np.asarray(y_train, dtype=float).ravel()
    if m < 1:
        raise InputError(f"seasonal period m must be >= 1; got {m}")
    if v.size <= m:
        raise InputError(
            f"the scale of MASE/RMSSE needs more than m={m} training values; got {v.size}"
        )
    d = np.abs(v[m:] - v[:-m]) ** power
    s = float(d.mean())
    if s == 0:
        raise InputError(
            "MASE/RMSSE are undefined: the training data does not change at lag "
            f"m={m} (scale is zero); use MAE or sMAPE instead"
        )
    return s


def mase(y_true: Any, y_pred: Any, *, y_train: Any, m: int = 1,
         axis: int | None = None) -> float | np.ndarray:
    """Mean absolute scaled error: MAE over the in-sample seasonal-naive MAE (lag ``m``)."""
    return mae(y_true, y_pred, axis=axis) / scale(y_train, m)


def rmsse(y_true: Any, y_pred: Any, *, y_train: Any, m: int = 1,
          axis: int | None = None) -> float | np.ndarray:
    """Root mean squared scaled error (M5): RMSE over the in-sample seasonal-naive RMSE."""
    y, f = _pair(y_true, y_pred)
    return np.sqrt(np.mean(np.square(y - f), axis=axis) / scale(y_train, m, power=2))


def coverage(y_true: Any, lower: Any, upper: Any, *, axis: int | None = None) -> float | np.ndarray:
    """Share of ``y_true`` inside ``[lower, upper]`` (compare with the nominal level)."""
    y, lo = _pair(y_true, lower)
    _, hi = _pair(y_true, upper)
    return np.mean((y >= lo) & (y <= hi), axis=axis)


def pinball(y_true: Any, q_pred: Any, q: float, *, axis: int | None = None) -> float | np.ndarray:
    """Pinball (quantile) loss of forecasts ``q_pred`` of the ``q`` quantile (0 < q < 1)."""
    if not 0 < q < 1:
        raise InputError(f"quantile q must be between 0 and 1; got {q}")
    y, f = _pair(y_true, q_pred)
    d = y - f
    return np.mean(np.maximum(q * d, (q - 1) * d), axis=axis)


def owa(smape_model: Any, mase_model: Any, smape_ref: Any, mase_ref: Any) -> float | np.ndarray:
    """Overall weighted average (M4): the mean of sMAPE and MASE each relative to the
    reference's (Naive2 in the M4 definition; see :mod:`forecast.seasonality`).

    NaN, not an error, where a reference score is zero or NaN (OWA is undefined there).

    >>> owa(10.0, 1.0, 20.0, 2.0), owa(10.0, 1.0, 0.0, 2.0)
    (0.5, nan)
    """
    s, m, sr, mr = (np.asarray(v, dtype=float) for v in (smape_model, mase_model, smape_ref, mase_ref))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 0.5 * (s / np.where(sr == 0, np.nan, sr) + m / np.where(mr == 0, np.nan, mr))
    return float(out) if out.ndim == 0 else out


#: Point metrics by name, as the backtest and the CLI accept them.
METRICS: dict[str, Callable[..., Any]] = {
    "mae": mae, "rmse": rmse, "mape": mape, "smape": smape, "mase": mase, "rmsse": rmsse,
}
SCALED = frozenset({"mase", "rmsse"})


def check_metric(name: str, extra: Sequence[str] = ()) -> str:
    """The lower-case name of a point metric (or of one of the ``extra`` scores the caller
    also computes, e.g. the backtest's ``"coverage"``); otherwise an
    :class:`~forecast.errors.InputError` naming the known ones. The one check of a metric
    name, wherever one is given."""
    key = name.lower()
    if key not in METRICS and key not in extra:
        raise InputError(f"unknown metric {name!r}; known metrics: {', '.join([*METRICS, *extra])}")
    return key


def get(name: str) -> Callable[..., Any]:
    """A point metric by name (case-insensitive)."""
    return METRICS[check_metric(name)]


def compute(name: str, y_true: Any, y_pred: Any, *, y_train: Any = None, m: int = 1,
            axis: int | None = None) -> float | np.ndarray:
    """Evaluate metric ``name``; scaled metrics need ``y_train`` (and season ``m``)."""
    fn = get(name)
    if name.lower() in SCALED:
        if y_train is None:
            raise InputError(f"{name} needs the training data (y_train) for its scale")
        return fn(y_true, y_pred, y_train=y_train, m=m, axis=axis)
    return fn(y_true, y_pred, axis=axis)
