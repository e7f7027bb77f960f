"""Small forecasters used by the backtest tests (importable by worker processes)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from forecast.base import Forecaster, Prediction

CALLS = {"fit": 0, "predict_origins": 0}


class LSAR(Forecaster):
    """Least-squares AR(p) with intercept; no fast path (the base class's update+predict)."""

    _tags = {"min_length": 8}

    def __init__(self, p: int = 2, sleep: float = 0.0):
        self.p = p
        self.sleep = sleep

    def min_length(self) -> int:
        return 2 * self.p + 4

    def _fit(self, y, X):
        CALLS["fit"] += 1
        if self.sleep:
            time.sleep(self.sleep)
        v = y.to_numpy()
        p = self.p
        rows = np.column_stack([np.ones(len(v) - p)] + [v[p - k - 1:len(v) - k - 1] for k in range(p)])
        self.coef_, *_ = np.linalg.lstsq(rows, v[p:], rcond=None)

    def _predict(self, horizon, X):
        hist = list(self.y_.to_numpy()[-self.p:])
        out = []
        for _ in range(horizon):
            nxt = self.coef_[0] + sum(self.coef_[k + 1] * hist[-k - 1] for k in range(self.p))
            hist.append(nxt)
            out.append(nxt)
        return Prediction(np.asarray(out))

    def _predict_origins(self, y_new, positions, horizon, X_all):
        CALLS["predict_origins"] += 1
        return super()._predict_origins(y_new, positions, horizon, X_all)


class FailAt(Forecaster):
    """Naive forecasts, but raises when asked to forecast from one given origin (or to fit
    on data ending there)."""

    def __init__(self, origin=None, stage: str = "predict"):
        self.origin = origin
        self.stage = stage

    def _fit(self, y, X):
        if self.stage == "fit" and str(y.index[-1]) == str(self.origin):
            raise np.linalg.LinAlgError("singular matrix in the test model")

    def _predict(self, horizon, X):
        if self.stage == "predict" and str(self.y_.index[-1]) == str(self.origin):
            raise FloatingPointError("NaN loss in the test model")
        if self.stage == "nan" and str(self.y_.index[-1]) == str(self.origin):
            return Prediction(np.full(horizon, np.nan))
        return Prediction(np.full(horizon, self.y_.iloc[-1]))


class KnownX(Forecaster):
    """y_hat = a + b·x over the horizon (needs future x: requires exogenous regressors)."""

    _tags = {"supports_exog": True, "requires_exog": True}

    def __init__(self):
        pass

    def _fit(self, y, X):
        A = np.column_stack([np.ones(len(y)), X.to_numpy()])
        self.coef_, *_ = np.linalg.lstsq(A, y.to_numpy(), rcond=None)

    def _predict(self, horizon, X):
        A = np.column_stack([np.ones(horizon), X.to_numpy()])
        return Prediction(A @ self.coef_)


class Noisy(Forecaster):
    """Naive plus noise from a seeded generator: checks that seeds reach the tasks."""

    _tags = {"deterministic": False}

    def __init__(self, seed=None):
        self.seed = seed

    def _fit(self, y, X):
        self.rng_ = np.random.default_rng(self.seed)

    def _predict(self, horizon, X):
        return Prediction(self.y_.iloc[-1] + self.rng_.normal(size=horizon))


def airline() -> pd.Series:
    import forecast as fc

    return fc.datasets.load("airline")
