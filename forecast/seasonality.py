"""The M4 seasonality test and Naive2, the reference of the M4 competition's OWA.

Naive2 (Makridakis et al., M4 benchmarks): when the 90% autocorrelation test finds the
series seasonal at lag ``m``, divide it by the seasonal indices of a classical
multiplicative decomposition, carry the last adjusted value forward, and multiply by the
indices of the forecast steps; otherwise the plain naive forecast.

The test (the M4 benchmark code): with ``r_k`` the lag-``k`` autocorrelation of the ``n``
values, the series is seasonal when ``n >= 3m`` and
``|r_m| > 1.645 * sqrt((1 + 2 * sum_{k<m} r_k**2) / n)``.

The season itself is resolved here, once, for every user: :func:`resolve_seasons` gives each
series of a panel its season (the caller's ``season=`` when given, else its frequency's by
:func:`forecast.io.season_length`, 1 without one); :func:`common_season` is the one season of
a panel whose series agree (1 otherwise). The backtest hands the per-series seasons to the
models tagged ``uses_season``; a model fitted on its own calls the same resolver (a global
network over a mixed-frequency panel deseasonalises each series by its own season and sizes
its one window by their common season, 1 when they differ).

A multiplicative decomposition needs positive data: a series with a zero or negative
value is left unadjusted (Naive2 is then the naive forecast), as are ``m <= 1`` and series
shorter than three seasons.

>>> import forecast as fc
>>> y = fc.datasets.load("airline").to_numpy()
>>> is_seasonal(y, 12), is_seasonal(y[:30], 12)
(True, False)
>>> naive2_forecast(y[:30], 12, 3).tolist()
[178.0, 178.0, 178.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .io import season_length

__all__ = ["acf", "is_seasonal", "seasonal_indices", "seasonal_adjustment", "naive2_forecast",
           "frequency_seasons", "resolve_seasons", "common_season"]


def frequency_seasons(panel: Mapping[str, pd.Series]) -> dict[str, int | None]:
    """Each series' season from its time index's frequency; None where it has none."""
    return {sid: season_length(s.index) for sid, s in panel.items()}


def resolve_seasons(panel: Mapping[str, pd.Series], season: int | None = None) -> dict[str, int]:
    """The season of every series: ``season`` when given, else its frequency's, 1 without one.

    >>> import forecast as fc
    >>> y = fc.datasets.load("airline")
    >>> resolve_seasons({"a": y}), resolve_seasons({"a": y}, 4)
    ({'a': 12}, {'a': 4})
    """
    if season is not None:
        return {sid: int(season) for sid in panel}
    return {sid: m or 1 for sid, m in frequency_seasons(panel).items()}


def common_season(seasons: Mapping[str, int | None]) -> int:
    """The one season of a panel whose series all have the same one; else 1."""
    found = set(seasons.values())
    return int(found.pop()) if len(found) == 1 and None not in found else 1



def acf(x: Any, max_lag: int) -> np.ndarray:
    """Autocorrelations ``r_1 .. r_max_lag`` (mean removed, divided by the lag-0 sum);
    zeros for a constant series."""
    v = np.asarray(x, dtype=float).ravel()
    d = v - v.mean()
    den = float(np.dot(d, d))
    if den == 0:
        return np.zeros(max_lag)
    return np.array([np.dot(d[:-k], d[k:]) / den for k in range(1, max_lag + 1)])


def is_seasonal(x: Any, m: int) -> bool:
    """The M4 90% autocorrelation test for seasonality at lag ``m``."""
    v = np.asarray(x, dtype=float).ravel()
    if m <= 1 or v.size < 3 * m:
        return False
    r = acf(v, m)
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(r[:-1] ** 2)) / v.size)
    return bool(abs(r[-1]) > limit)


def seasonal_indices(x: Any, m: int) -> np.ndarray:
    """Multiplicative seasonal indices of ``x`` for the ``m`` positions of its cycle (index
    ``i`` for positions ``i, i+m, ...`` counted from the first value); all ones when the
    test finds no seasonality or the data is not positive."""
    v = np.asarray(x, dtype=float).ravel()
    if m <= 1 or not is_seasonal(v, m) or (v <= 0).any():
        return np.ones(max(int(m), 1))
    from statsmodels.tsa.seasonal import seasonal_decompose

    seasonal = seasonal_decompose(v, model="multiplicative", period=int(m), two_sided=True).seasonal
    return np.asarray(seasonal[:m], dtype=float)


def seasonal_adjustment(x: Any, m: int, kind: str | None = "auto") -> tuple[str | None, np.ndarray]:
    """The seasonal component of ``x`` for deseasonalisation: ``(kind used, indices)``.

    ``indices[i]`` applies to positions ``i, i+m, ...`` counted from the first value: divide
    by it (``"multiplicative"``) or subtract it (``"additive"``). ``kind="auto"`` runs the
    90% autocorrelation test and, when it finds seasonality, uses the classical
    multiplicative decomposition for a positive series and the additive one otherwise;
    ``"multiplicative"``/``"additive"`` decompose without the test (multiplicative needs
    positive values). Returns ``(None, ones)`` when nothing is removed: ``m <= 1``, fewer
    than two full seasons (three for ``"auto"``), or no seasonality found.

    >>> import forecast as fc
    >>> kind, si = seasonal_adjustment(fc.datasets.load("airline").to_numpy(), 12)
    >>> kind, si.shape, bool(si.max() > 1.1 > 0.9 > si.min())
    ('multiplicative', (12,), True)
    """
    v = np.asarray(x, dtype=float).ravel()
    m = int(m)
    none = (None, np.ones(max(m, 1)))
    if kind is None or m <= 1 or v.size < 2 * m:
        return none
    if kind == "auto":
        if not is_seasonal(v, m):
            return none
        kind = "multiplicative" if (v > 0).all() else "additive"
    if kind not in ("multiplicative", "additive"):
        raise ValueError(f"kind must be 'auto', 'multiplicative', 'additive' or None; got {kind!r}")
    if kind == "multiplicative" and (v <= 0).any():
        return none
    from statsmodels.tsa.seasonal import seasonal_decompose

    seasonal = seasonal_decompose(v, model=kind, period=m, two_sided=True).seasonal
    return kind, np.asarray(seasonal[:m], dtype=float)


def naive2_forecast(x: Any, m: int, horizon: int) -> np.ndarray:
    """Naive2 forecasts of the ``horizon`` values after ``x`` (season ``m``)."""
    v = np.asarray(x, dtype=float).ravel()
    si = seasonal_indices(v, m)
    n, k = v.size, si.size
    last = v[-1] / si[(n - 1) % k]
    return last * si[np.arange(n, n + horizon) % k]
