"""ARMA(2,1) with a constant, h=24, at 100 origins of a 1,000-point hourly series.

Two workloads: ``refit`` (parameters re-estimated at every origin) and ``norefit`` (fit once
on the data before the first origin, then only new observations are taken in). The
reference is a plain statsmodels loop, as a user would write it: ``ARIMA(...).fit()`` at
each origin, or one fit followed by ``results.append(new_obs)`` at each origin.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._harness import Candidate
from . import data

ORDER = (2, 0, 1)


def _quiet():
    warnings.filterwarnings("ignore")


# ------------------------------------------------------------------ references (statsmodels)
def sm_refit(y: pd.Series, lengths: list[int]) -> np.ndarray:
    from statsmodels.tsa.arima.model import ARIMA

    _quiet()
    out = []
    for n in lengths:
        res = ARIMA(y.iloc[:n], order=ORDER, trend="c").fit()
        out.append(np.asarray(res.forecast(data.HORIZON)))
    return np.stack(out)


def sm_append(y: pd.Series, lengths: list[int]) -> np.ndarray:
    from statsmodels.tsa.arima.model import ARIMA

    _quiet()
    res = ARIMA(y.iloc[:lengths[0]], order=ORDER, trend="c").fit()
    out = [np.asarray(res.forecast(data.HORIZON))]
    for a, b in zip(lengths, lengths[1:], strict=False):
        res = res.append(y.iloc[a:b])
        out.append(np.asarray(res.forecast(data.HORIZON)))
    return np.stack(out)


def sm_one_pass(y: pd.Series, lengths: list[int]) -> np.ndarray:
    """Fit once, then one Kalman filter pass over the series with the parameters fixed;
    the h-step forecasts from every origin are propagated from the predicted states."""
    from statsmodels.tsa.arima.model import ARIMA

    _quiet()
    res = ARIMA(y.iloc[:lengths[0]], order=ORDER, trend="c").fit()
    full = res.apply(y.iloc[:lengths[-1]], refit=False)
    mod = full.model.ssm
    a = full.filter_results.predicted_state  # a[:, t] = E[state_t | y_0..y_{t-1}]
    T, Z = mod["transition"], mod["design"]
    T = T[:, :, 0] if T.ndim == 3 else T
    Z = Z[:, :, 0] if Z.ndim == 3 else Z
    c = np.asarray(mod["state_intercept"]).reshape(T.shape[0], -1)[:, 0]
    d = float(np.ravel(mod["obs_intercept"])[0])
    if d == 0.0:  # ARIMA puts the mean in a regression term
        d = float(full.params.get("const", 0.0))
    n0 = np.asarray(lengths)
    states = a[:, n0].T  # one row per origin: the state at the first forecast step
    out = np.empty((len(lengths), data.HORIZON))
    for j in range(data.HORIZON):
        out[:, j] = states @ Z[0] + d
        states = states @ T.T + c
    return out


# ------------------------------------------------------------------ peers
def sf_cv(y: pd.Series, lengths: list[int], refit: bool) -> np.ndarray:
    from statsforecast import StatsForecast
    from statsforecast.models import ARIMA

    df = pd.DataFrame({"unique_id": "s", "ds": y.index[:lengths[-1] + data.HORIZON],
                       "y": y.to_numpy()[:lengths[-1] + data.HORIZON]})
    sf = StatsForecast(models=[ARIMA(order=ORDER, include_mean=True)], freq="h", n_jobs=1)
    cv = sf.cross_validation(df=df, h=data.HORIZON, step_size=1, n_windows=len(lengths), refit=refit)
    cv = cv.sort_values(["cutoff", "ds"])
    return cv["ARIMA"].to_numpy().reshape(len(lengths), data.HORIZON)


def sktime_eval(y: pd.Series, lengths: list[int], refit: bool) -> np.ndarray:
    from sktime.forecasting.arima import StatsModelsARIMA
    from sktime.forecasting.model_evaluation import evaluate
    from sktime.split import ExpandingWindowSplitter

    _quiet()
    yy = y.iloc[:lengths[-1] + data.HORIZON]
    cv = ExpandingWindowSplitter(initial_window=lengths[0], step_length=1,
                                 fh=list(range(1, data.HORIZON + 1)))
    res = evaluate(StatsModelsARIMA(order=ORDER, trend="c"), cv=cv, y=yy,
                   strategy="refit" if refit else "no-update_params", return_data=True)
    return np.stack([np.asarray(p) for p in res["y_pred"]])


def darts_hist(y: pd.Series, lengths: list[int], refit: bool) -> np.ndarray:
    from darts import TimeSeries
    from darts.models import ARIMA

    _quiet()
    ts = TimeSeries.from_series(y.iloc[:lengths[-1] + data.HORIZON])
    model = ARIMA(p=ORDER[0], d=ORDER[1], q=ORDER[2], trend="c")
    if not refit:
        model.fit(ts[:lengths[0]])
    fc = model.historical_forecasts(ts, start=lengths[0], forecast_horizon=data.HORIZON, stride=1,
                                    retrain=refit, last_points_only=False, overlap_end=False,
                                    verbose=False, show_warnings=False)
    return np.stack([f.values().ravel() for f in fc])


def skforecast_bt(y: pd.Series, lengths: list[int], refit: bool) -> np.ndarray:
    from skforecast.model_selection import TimeSeriesFold, backtesting_stats
    from skforecast.recursive import ForecasterStats
    from skforecast.stats import Sarimax

    _quiet()
    yy = y.iloc[:lengths[-1] + data.HORIZON]
    fcst = ForecasterStats(estimator=Sarimax(order=ORDER, trend="c"))
    cv = TimeSeriesFold(steps=data.HORIZON, initial_train_size=lengths[0], refit=refit,
                        fixed_train_size=False, fold_stride=1, verbose=False, allow_incomplete_fold=False)
    _, pred = backtesting_stats(forecaster=fcst, y=yy, cv=cv, metric="mean_absolute_error", n_jobs=1,
                                show_progress=False, verbose=False, suppress_warnings=True)
    return pred["pred"].to_numpy().reshape(len(lengths), data.HORIZON)


# ------------------------------------------------------------------ forecast (this project)
def fc_backtest(y: pd.Series, lengths: list[int], refit: bool, n_jobs: int = 1) -> np.ndarray:
    import forecast as fc

    yy = y.iloc[:lengths[-1] + data.HORIZON]
    res = fc.backtest([fc.ARMA(p=ORDER[0], q=ORDER[2])], yy, horizon=data.HORIZON,
                      initial=lengths[0], step=1, refit=refit, n_jobs=n_jobs)
    return forecasts_matrix(res, len(lengths))


def forecasts_matrix(res, n_origins: int) -> np.ndarray:
    """(origins, horizon) matrix of point forecasts from a BacktestResult."""
    frame = res.forecasts.sort_values(["series_id", "model", "origin", "step"])
    return frame["y_pred"].to_numpy(float).reshape(n_origins, -1)


def fc_available(what: str) -> bool:
    try:
        import forecast as fc

        getattr(fc, what)
        return True
    except Exception:  # noqa: BLE001
        return False


def candidates(refit: bool, n_origins: int, slow_reps: int | None = None) -> tuple[list[Candidate], str, np.ndarray]:
    y = data.series()
    lengths = data.train_lengths(n_origins)
    if refit:
        ref = "statsmodels ARIMA.fit() loop"
        cands = [Candidate(ref, lambda: sm_refit(y, lengths), note="cold start at each origin (reference)")]
    else:
        ref = "statsmodels fit + append() loop"
        cands = [
            Candidate(ref, lambda: sm_append(y, lengths), note="reference"),
            Candidate("statsmodels fit + one filter pass", lambda: sm_one_pass(y, lengths),
                      note="hand-written: apply() once, propagate the predicted states"),
        ]
    if fc_available("backtest") and fc_available("ARMA"):
        cands.append(Candidate("forecast fc.backtest", lambda: fc_backtest(y, lengths, refit),
                               note="n_jobs=1"))
        if refit:
            cands.append(Candidate("forecast fc.backtest n_jobs=2", lambda: fc_backtest(y, lengths, refit, 2),
                                   note="2 worker processes"))
    cands += [
        Candidate("statsforecast cross_validation", lambda: sf_cv(y, lengths, refit),
                  note="its own ARIMA (numba/C++), n_jobs=1"),
        Candidate("sktime evaluate", lambda: sktime_eval(y, lengths, refit),
                  note="StatsModelsARIMA, strategy=" + ("refit" if refit else "no-update_params"),
                  reps=slow_reps),
        Candidate("darts historical_forecasts", lambda: darts_hist(y, lengths, refit),
                  note=f"darts ARIMA (statsmodels), retrain={refit}", reps=slow_reps),
        Candidate("skforecast backtesting_stats", lambda: skforecast_bt(y, lengths, refit),
                  note=f"ForecasterStats(Sarimax), refit={refit}, fold_stride=1", reps=slow_reps),
    ]
    return cands, ref, data.actuals(y, n_origins)
