"""The metric arrays a result's scores are made of: per origin (one value per forecast
origin, the mean over its horizon steps) and per horizon step (one value per step, over the
origins), and the small numeric rules they share (a ratio to a reference that may be zero, a
mean of the finite entries, a scale that may be undefined).

Each function takes the common-origin arrays of one model on one series
(``BacktestResult._arrays``: actuals, forecasts, bounds, MASE and RMSSE scales) and never
raises on an undefined score: it gives NaN there. :mod:`.result` averages them into
``scores()``, ``series_scores()`` and ``by_horizon()``; :mod:`.mcs` takes the per-origin
losses; :mod:`.leaderboard` the ratio to the reference.
"""

from __future__ import annotations

import numpy as np

from .. import metrics as M
from ..errors import InputError

__all__ = ["CAN_BE_UNDEFINED", "NAIVE2", "ratio", "mean_of_finite", "scale_or_nan", "per_origin", "per_step"]

#: metrics that can be undefined at an origin whatever the forecasts
CAN_BE_UNDEFINED = ("mase", "rmsse", "mape")

#: marks the Naive2 reference (the OWA reference) in ``BacktestResult._arrays``
NAIVE2 = object()


def ratio(num: np.ndarray, den: float) -> np.ndarray:
    """``num / den``; NaN where the reference ``den`` is zero or undefined (never raises)."""
    if not np.isfinite(den) or den == 0:
        return np.full(np.shape(num), np.nan)
    return np.asarray(num, dtype=float) / den


def mean_of_finite(values: np.ndarray, axis: int = 0) -> np.ndarray:
    """Mean of the finite entries along ``axis``; NaN where there is none (no warning:
    an empty slice is not averaged)."""
    v = np.asarray(values, dtype=float)
    fin = np.isfinite(v)
    n = fin.sum(axis=axis)
    total = np.where(fin, v, 0.0).sum(axis=axis)
    return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def scale_or_nan(values: np.ndarray, m: int, power: int) -> float:
    """The MASE (``power=1``) or RMSSE (``power=2``) scale of ``values`` at lag ``m``; NaN
    where it is undefined (too few values)."""
    try:
        return M.scale(values, m, power=power)
    except InputError:
        return float("nan")


def per_origin(name: str, y, f, lo, hi, s1, s2) -> np.ndarray:
    """Metric ``name`` at each origin (over its horizon steps); NaN where undefined."""
    if y.shape[0] == 0:
        return np.array([])
    try:
        if name == "mase":
            return M.mae(y, f, axis=1) / s1
        if name == "rmsse":
            return M.rmse(y, f, axis=1) / np.sqrt(s2)
        if name == "coverage":
            return M.coverage(y, lo, hi, axis=1) if np.isfinite(lo).all() else np.full(y.shape[0], np.nan)
        if name == "mape":  # undefined only at the origins whose actuals hold a zero
            out = np.full(y.shape[0], np.nan)
            fine = ~(y == 0).any(axis=1)
            if fine.any():
                out[fine] = M.mape(y[fine], f[fine], axis=1)
            return out
        return np.asarray(M.compute(name, y, f, axis=1), dtype=float)
    except InputError:
        return np.full(y.shape[0], np.nan)


def per_step(name: str, y, f, lo, hi, s1, s2) -> np.ndarray:
    """Metric ``name`` at each horizon step (over the origins where it is defined)."""
    if name in ("mase", "rmsse"):  # the origins where the scale is undefined are left out
        keep = np.isfinite(s1 if name == "mase" else s2)
        y, f, s1, s2 = y[keep], f[keep], s1[keep], s2[keep]
    if y.shape[0] == 0:
        return np.full(y.shape[1], np.nan)
    try:
        if name == "mase":
            return np.mean(np.abs(y - f) / s1[:, None], axis=0)
        if name == "rmsse":
            return np.sqrt(np.mean((y - f) ** 2 / s2[:, None], axis=0))
        if name == "coverage":
            return M.coverage(y, lo, hi, axis=0) if np.isfinite(lo).all() else np.full(y.shape[1], np.nan)
        if name == "mape":  # the origins whose actuals hold a zero are left out, as in scores()
            fine = ~(y == 0).any(axis=1)
            return M.mape(y[fine], f[fine], axis=0) if fine.any() else np.full(y.shape[1], np.nan)
        return np.asarray(M.compute(name, y, f, axis=0), dtype=float)
    except InputError:
        return np.full(y.shape[1], np.nan)
