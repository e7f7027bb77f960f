"""Baselines every comparison needs: Naive, SeasonalNaive, Naive2, Drift and Mean.

Prediction intervals follow Hyndman & Athanasopoulos, *Forecasting: Principles and
Practice*, section 5.5 (normal errors, sigma from the one-step residuals).

>>> import forecast as fc
>>> y = fc.datasets.load("airline")
>>> fc.SeasonalNaive(m=12).fit(y).predict(2).mean.tolist()
[417.0, 391.0]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..base import Forecaster, Prediction
from ..seasonality import seasonal_indices
from ..validation import whole_number

__all__ = ["Naive", "SeasonalNaive", "Naive2", "Drift", "Mean"]


def _rms(residuals: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(residuals)))) if residuals.size else float("nan")


class _Baseline(Forecaster):
    _tags = {"intervals": True, "family": "baseline"}
    _state_keys: tuple[str, ...] = ("sigma_",)

    def min_length(self) -> int:
        return 2

    def _get_state(self, folder: Path) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self._state_keys}

    def _set_state(self, state: dict[str, Any], folder: Path) -> None:
        for k in self._state_keys:
            setattr(self, k, float(state[k]))

    def _predict(self, horizon: int, X: pd.DataFrame | None) -> Prediction:
        values = self.y_.to_numpy()
        return self._from_history(values[-self._history:], horizon)

    def _predict_origins(self, y_new, positions, horizon, X_all):
        values = np.concatenate([self.y_.to_numpy()[-self._history:], y_new.to_numpy()])
        return [self._from_history(values[p : p + self._history], horizon) for p in positions]

    _history = 1

    def _from_history(self, last: np.ndarray, horizon: int) -> Prediction:  # pragma: no cover
        raise NotImplementedError


class Naive(_Baseline):
    """The last observed value, carried forward (a random walk forecast)."""

    def __init__(self) -> None:
        pass

    def _fit(self, y: pd.Series, X: pd.DataFrame | None) -> None:
        self.sigma_ = _rms(np.diff(y.to_numpy()))

    def _from_history(self, last, horizon):
        steps = np.arange(1, horizon + 1)
        return Prediction(np.full(horizon, last[-1]), se=self.sigma_ * np.sqrt(steps))


class SeasonalNaive(_Baseline):
    """The value one season (``m`` steps) earlier.

    Parameters
    ----------
    m : int
        Season length (12 for monthly data with a yearly pattern).
    """

    def __init__(self, m: int = 12) -> None:
        self.m = m

    def _validate_params(self) -> None:
        whole_number(self.m, "m", "SeasonalNaive", low=1)

    def min_length(self) -> int:
        self._validate_params()
        return int(self.m) + 1

    @property
    def _history(self) -> int:  # type: ignore[override]
        return int(self.m)

    def _fit(self, y: pd.Series, X: pd.DataFrame | None) -> None:
        v = y.to_numpy()
        self.sigma_ = _rms(v[self.m:] - v[: -self.m])

    def _from_history(self, last, horizon):
        k = np.arange(horizon)
        mean = last[k % self.m]
        return Prediction(mean, se=self.sigma_ * np.sqrt(k // self.m + 1))


class Naive2(_Baseline):
    """The M4 competition's Naive2: naive on the seasonally adjusted series.

    At ``fit``, the M4 90% autocorrelation test decides whether the series is seasonal at
    lag ``m``; if so, the multiplicative seasonal indices of a classical decomposition
    adjust it (see :mod:`forecast.seasonality`). Forecasts carry the last adjusted value
    forward, re-seasonalised. Between refits the indices stay those of the fit. The
    leaderboard's ``owa`` is relative to this model (re-fitted at every origin).

    Parameters
    ----------
    m : int
        Season length (12 for monthly data); 1 gives the naive forecast.
    """

    _state_keys = ("sigma_", "n_fit_")

    def __init__(self, m: int = 12) -> None:
        self.m = m

    def _validate_params(self) -> None:
        whole_number(self.m, "m", "Naive2", low=1)

    def min_length(self) -> int:
        self._validate_params()
        return 2

    def _fit(self, y: pd.Series, X: pd.DataFrame | None) -> None:
        v = y.to_numpy()
        self.indices_ = seasonal_indices(v, int(self.m))
        self.n_fit_ = len(v)
        adjusted = v / self.indices_[np.arange(len(v)) % self.indices_.size]
        self.sigma_ = _rms(np.diff(adjusted))

    def _get_state(self, folder: Path) -> dict[str, Any]:
        return {**super()._get_state(folder), "indices_": self.indices_.tolist()}

    def _set_state(self, state: dict[str, Any], folder: Path) -> None:
        super()._set_state(state, folder)
        self.n_fit_ = int(state["n_fit_"])
        self.indices_ = np.asarray(state["indices_"], dtype=float)

    def _predict(self, horizon: int, X: pd.DataFrame | None) -> Prediction:
        return self._forecast_after(len(self.y_), float(self.y_.iloc[-1]), horizon)

    def _predict_origins(self, y_new, positions, horizon, X_all):
        values = np.concatenate([self.y_.to_numpy()[-1:], y_new.to_numpy()])
        n = len(self.y_)
        return [self._forecast_after(n + p, float(values[p]), horizon) for p in positions]

    def _forecast_after(self, n: int, last: float, horizon: int) -> Prediction:
        """Forecasts after the ``n``-th value (counted from the start of the fitted data)."""
        si, k = self.indices_, self.indices_.size
        factors = si[np.arange(n, n + horizon) % k]
        steps = np.arange(1, horizon + 1)
        return Prediction(last / si[(n - 1) % k] * factors, se=self.sigma_ * np.sqrt(steps) * factors)


class Drift(_Baseline):
    """A straight line from the first to the last training value, extended ahead."""

    _state_keys = ("sigma_", "slope_", "n_fit_")

    def __init__(self) -> None:
        pass

    def _fit(self, y: pd.Series, X: pd.DataFrame | None) -> None:
        v = y.to_numpy()
        self.n_fit_ = len(v)
        self.slope_ = float((v[-1] - v[0]) / (len(v) - 1))
        self.sigma_ = _rms(np.diff(v) - self.slope_)

    def _from_history(self, last, horizon):
        h = np.arange(1, horizon + 1)
        se = self.sigma_ * np.sqrt(h * (1 + h / (self.n_fit_ - 1)))
        return Prediction(last[-1] + self.slope_ * h, se=se)


class Mean(_Baseline):
    """The mean of the training data."""

    _state_keys = ("sigma_", "mu_", "n_fit_")

    def __init__(self) -> None:
        pass

    def _fit(self, y: pd.Series, X: pd.DataFrame | None) -> None:
        v = y.to_numpy()
        self.n_fit_ = len(v)
        self.mu_ = float(v.mean())
        self.sigma_ = float(v.std(ddof=1))

    def _from_history(self, last, horizon):
        se = np.full(horizon, self.sigma_ * np.sqrt(1 + 1 / self.n_fit_))
        return Prediction(np.full(horizon, self.mu_), se=se)
