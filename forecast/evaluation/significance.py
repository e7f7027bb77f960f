"""Is the difference real? Diebold–Mariano tests and, for panels, Friedman and Nemenyi.

The Diebold–Mariano test uses statsmodels' :func:`~statsmodels.tsa.stattools.diebold_mariano_test`
with the Harvey–Leybourne–Newbold small-sample correction (Student t with ``n - 1``
degrees of freedom) and ``h - 1`` Newey–West lags for ``h``-step forecasts, whose errors
overlap.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> a, b = rng.normal(size=200) ** 2, 1.5 * rng.normal(size=200) ** 2
>>> res = dm_test(a, b, h=1)
>>> bool(res.pvalue < 0.05), res.statistic < 0
(True, True)
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["DMResult", "dm_test", "friedman_test", "nemenyi_cd", "FriedmanResult"]


class DMResult(NamedTuple):
    """DM statistic (negative: the first model has the smaller loss), p-value, lags, n."""

    statistic: float
    pvalue: float
    lags: int
    n: int


def dm_test(loss_a: Any, loss_b: Any, *, h: int = 1) -> DMResult:
    """Diebold–Mariano test of equal expected loss, with the HLN correction.

    Parameters
    ----------
    loss_a, loss_b : array_like
        Losses of the two forecasts, one per forecast origin (same length, same order).
    h : int
        Overlap of the forecasts in origins (the horizon for one-step-apart origins):
        ``h - 1`` Newey–West lags, and the HLN factor uses ``h``.

    Returns
    -------
    DMResult
        ``statistic`` < 0 when ``loss_a`` is smaller on average; two-sided ``pvalue``.
        When the loss differential is constant the test is undefined: the p-value is 1 if
        it is identically zero and 0 otherwise.
    """
    from statsmodels.tsa.stattools import diebold_mariano_test

    a = np.asarray(loss_a, dtype=float).ravel()
    b = np.asarray(loss_b, dtype=float).ravel()
    if a.shape != b.shape:
        raise InputError(f"loss_a has {a.size} values but loss_b has {b.size}; they must match")
    n = a.size
    h = max(1, int(h))
    if n < 3:
        return DMResult(float("nan"), float("nan"), h - 1, n)
    d = a - b
    if np.allclose(d, d[0], rtol=0, atol=1e-12 * max(1.0, float(np.abs(a).max()))):
        if abs(d[0]) <= 1e-12 * max(1.0, float(np.abs(a).max())):
            return DMResult(0.0, 1.0, h - 1, n)
        return DMResult(math.copysign(math.inf, d[0]), 0.0, h - 1, n)
    lags = min(h - 1, n - 2)
    res = diebold_mariano_test(np.zeros(n), a, b, criterion=lambda _y, loss: loss,
                               lags=lags, harvey_adj=True, horizon=min(h, n))
    return DMResult(float(res.statistic), float(res.pvalue), int(res.lags), n)


def nemenyi_cd(k: int, n: int, alpha: float = 0.05) -> float:
    """Nemenyi critical difference of mean ranks for ``k`` models on ``n`` series.

    ``q_alpha / sqrt(2) * sqrt(k (k + 1) / (6 n))`` with ``q_alpha`` the studentized range
    quantile for ``k`` groups and infinite degrees of freedom (Demšar, 2006).

    >>> round(nemenyi_cd(4, 30), 3)  # Demsar's table: q_0.05 = 2.569 for k = 4
    0.856
    """
    from scipy.stats import studentized_range

    if k < 2 or n < 1:
        raise InputError(f"the Nemenyi test needs at least 2 models and 1 series; got {k} and {n}")
    q = studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2)
    return float(q * math.sqrt(k * (k + 1) / (6.0 * n)))


class FriedmanResult(NamedTuple):
    statistic: float
    pvalue: float
    mean_ranks: pd.Series
    critical_difference: float
    n_series: int
    alpha: float


def friedman_test(table: pd.DataFrame, alpha: float = 0.05) -> FriedmanResult:
    """Friedman test on a series × model table of losses (lower is better), with mean ranks
    and the Nemenyi critical difference at ``alpha``."""
    from scipy.stats import friedmanchisquare

    table = table.dropna()
    n, k = table.shape
    if k < 2 or n < 2:
        raise InputError(
            f"the Friedman test needs at least 2 series and 2 models with scores; got {n} series and {k} models"
        )
    ranks = table.rank(axis=1, method="average")
    mean_ranks = ranks.mean().sort_values()
    if k >= 3:
        stat, p = friedmanchisquare(*[table[c].to_numpy() for c in table.columns])
    else:  # scipy needs 3 groups; the chi-square form holds for k = 2 as well
        r = ranks.mean().to_numpy()
        stat = 12 * n / (k * (k + 1)) * float(np.sum((r - (k + 1) / 2) ** 2))
        from scipy.stats import chi2

        p = float(chi2.sf(stat, k - 1))
    return FriedmanResult(float(stat), float(p), mean_ranks, nemenyi_cd(k, n, alpha), n, alpha)
