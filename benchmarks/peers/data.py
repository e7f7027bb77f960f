"""The series and origins shared by the peer speed benchmarks.

One hourly series of 1,000 points simulated from an ARMA(2,1) with a constant (fixed seed):
``y_t - mu = 0.6 (y_{t-1} - mu) + 0.2 (y_{t-2} - mu) + e_t + 0.4 e_{t-1}``, ``mu = 10``,
``e_t ~ N(0, 1)``. The 100 forecast origins are the last 100 time stamps from which a full
24-step horizon can still be scored: the first origin is fitted on 877 points, the last on
976. Every candidate forecasts ``y[t+1 : t+25]`` from each origin ``t``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

N = 1000
HORIZON = 24
N_ORIGINS = 100
FIRST_TRAIN = N - HORIZON - N_ORIGINS + 1  # 877 points before the first origin's forecast
SEED = 20240601


def series(n: int = N, seed: int = SEED) -> pd.Series:
    rng = np.random.default_rng(seed)
    burn = 500
    e = rng.standard_normal(n + burn)
    x = np.zeros(n + burn)
    for t in range(2, n + burn):
        x[t] = 0.6 * x[t - 1] + 0.2 * x[t - 2] + e[t] + 0.4 * e[t - 1]
    idx = pd.date_range("2024-01-01", periods=n, freq="h")
    return pd.Series(10.0 + x[burn:], index=idx, name="y")


def train_lengths(n_origins: int = N_ORIGINS) -> list[int]:
    """Number of observations available at each origin (the origin is the last of them)."""
    first = N - HORIZON - n_origins + 1
    return list(range(first, first + n_origins))


def actuals(y: pd.Series, n_origins: int = N_ORIGINS) -> np.ndarray:
    v = y.to_numpy()
    return np.stack([v[n:n + HORIZON] for n in train_lengths(n_origins)])
