"""One backtest task: a model fitted once on one series and forecasting from the origins of
one refit segment (:class:`Task`), or a global model fitted once on every series of a panel
and forecasting from all their origins of one refit segment (:class:`GlobalTask`).

Tasks are independent and self-contained (they carry only the data up to their last origin,
plus the exogenous values declared known in advance for the horizon), so they can run in
any process or on any machine and give the same numbers. :func:`run_task` never raises for
a model's failure: it records the failure and the origins it concerns.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from ..base import Forecaster

__all__ = ["Task", "GlobalTask", "run_task", "limit_threads"]

_MAX_MESSAGE = 500


@dataclass
class Task:
    """Everything one task needs; ``y`` ends at the last origin (no future values)."""

    key: str
    series_id: str
    model_name: str
    segment: int
    model: Forecaster
    y: pd.Series  # training start .. last origin of the segment
    X: pd.DataFrame | None  # same start .. last origin + horizon (known-in-advance columns)
    n_train: int  # observations in y used for the fit (up to the segment's first origin)
    origins: list[int]  # positions of the origins in the full series
    horizon: int
    level: float
    seed: int | None
    limit_threads: bool = False


@dataclass
class GlobalTask:
    """One global model fitted once on every series of a panel for one refit segment.

    Per series ``sid``: ``ys[sid]`` runs from its training start to its last origin in the
    segment, and the fit sees only its first ``n_train[sid]`` values (up to its own first
    origin of the segment); ``origins[sid]`` are the positions of its origins in the full
    series. Series without origins in this segment are absent.
    """

    key: str
    model_name: str
    segment: int
    model: Forecaster
    ys: dict[str, pd.Series]
    Xs: dict[str, pd.DataFrame] | None
    n_train: dict[str, int]
    origins: dict[str, list[int]]
    horizon: int
    level: float
    seed: int | None
    limit_threads: bool = False


@contextlib.contextmanager
def limit_threads(active: bool, needs_keras: bool) -> Iterator[None]:
    """One BLAS/OpenMP (and TensorFlow) thread per worker when tasks run side by side."""
    if not active:
        yield
        return
    if needs_keras and "tensorflow" not in sys.modules:
        os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
        os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
    elif needs_keras:
        with contextlib.suppress(Exception):  # only possible before TF initialises
            tf = sys.modules["tensorflow"]
            tf.config.threading.set_intra_op_parallelism_threads(1)
            tf.config.threading.set_inter_op_parallelism_threads(1)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        yield
        return
    with threadpool_limits(limits=1):
        yield


def _seed_everything(model: Forecaster, seed: int | None, needs_keras: bool) -> Forecaster:
    if seed is None:
        return model
    random.seed(seed)
    np.random.seed(seed % (2**32))
    params = model.get_params()
    seeded_by_param = False
    for name in ("seed", "random_state"):
        if name in params:
            seeded_by_param = True
            if params[name] is None:
                model.set_params(**{name: seed})
    if needs_keras and not seeded_by_param:
        # Only for networks that cannot seed themselves: resetting Keras' global seed makes
        # TensorFlow retrace and re-optimise the model's compiled functions (4x slower fits).
        import keras

        keras.utils.set_random_seed(seed)
    return model


def _set_horizon(model: Forecaster, horizon: int) -> Forecaster:
    """A model with ``horizon="auto"`` (the recurrent family's direct head) gets the
    backtest's horizon, on the task's own copy."""
    if model.get_params().get("horizon", None) == "auto":
        model.set_params(horizon=int(horizon))
    return model


def _fraction(level: float) -> float:
    return level / 100.0 if level > 1 else level


def _failure(origin: int, stage: str, err: BaseException) -> dict[str, Any]:
    message = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return {"origin": int(origin), "stage": stage, "error_type": type(err).__name__,
            "message": message[:_MAX_MESSAGE]}


def _arrays(fc, horizon: int, level: float, intervals: bool):
    mean = fc.values
    if intervals and fc.se is not None and getattr(fc, "_bounds", None) is None:
        # Gaussian interval, as Forecast.interval computes it, without a DataFrame per origin
        z = NormalDist().inv_cdf(0.5 + _fraction(level) / 2)
        lower, upper = mean - z * fc.se, mean + z * fc.se
    elif intervals and getattr(fc, "_bounds", None) is not None:
        lower, upper = (np.asarray(b, dtype=float) for b in fc._bounds(_fraction(level)))
    elif intervals and fc.has_intervals:
        band = fc.interval(level)
        lower, upper = band["lower"].to_numpy(float), band["upper"].to_numpy(float)
    else:
        lower = upper = np.full(horizon, np.nan)
    return mean, lower, upper


def run_task(task: Task | GlobalTask) -> dict[str, Any]:
    """Fit, forecast from every origin of the segment in one call, and return a JSON-able
    record: forecasts per origin, timings and failures. A :class:`GlobalTask` returns
    ``{"key", "records": [one record per series]}``."""
    if isinstance(task, GlobalTask):
        return run_global_task(task)
    tags = task.model.get_tags()
    needs_keras = bool(tags["needs_keras"])
    n_o, h = len(task.origins), task.horizon
    mean = np.full((n_o, h), np.nan)
    lower = np.full((n_o, h), np.nan)
    upper = np.full((n_o, h), np.nan)
    failures: list[dict[str, Any]] = []
    fit_seconds = predict_seconds = 0.0
    ok = np.zeros(n_o, dtype=bool)
    with limit_threads(task.limit_threads, needs_keras), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = _set_horizon(_seed_everything(task.model.clone(), task.seed, needs_keras), task.horizon)
        y_train = task.y.iloc[: task.n_train]
        X_train = None if task.X is None else task.X.iloc[: task.n_train]
        start = time.perf_counter()
        try:
            model.fit(y_train, X_train)
        except Exception as err:  # noqa: BLE001 - any model failure is recorded
            fit_seconds = time.perf_counter() - start
            failures = [_failure(o, "fit", err) for o in task.origins]
            return _record(task, mean, lower, upper, ok, failures, fit_seconds, 0.0)
        fit_seconds = time.perf_counter() - start
        resolved = _resolved(model)
        y_new = task.y.iloc[task.n_train:]
        X_new = None if task.X is None else task.X.iloc[task.n_train:]
        labels = [task.y.index[task.n_train - 1 + (o - task.origins[0])] for o in task.origins]
        intervals = bool(tags["intervals"])
        start = time.perf_counter()
        try:
            forecasts = model.predict_origins(y_new, labels, h, X_new)
            for i, fc in enumerate(forecasts):
                mean[i], lower[i], upper[i] = _arrays(fc, h, task.level, intervals)
                ok[i] = True
        except Exception:  # noqa: BLE001 - isolate the failing origin(s) one by one
            for i, label in enumerate(labels):
                rel = task.origins[i] - task.origins[0]
                try:
                    fc = model.predict_origins(y_new.iloc[:rel], [label], h, X_new)[0]
                    mean[i], lower[i], upper[i] = _arrays(fc, h, task.level, intervals)
                    ok[i] = True
                except Exception as err:  # noqa: BLE001
                    failures.append(_failure(task.origins[i], "predict", err))
        predict_seconds = time.perf_counter() - start
    for i in np.flatnonzero(ok & ~np.isfinite(mean).all(axis=1)):
        ok[i] = False
        failures.append({"origin": int(task.origins[i]), "stage": "predict",
                         "error_type": "NonFiniteForecast",
                         "message": "the model returned NaN or infinite forecasts"})
    failures.sort(key=lambda f: f["origin"])
    return _record(task, mean, lower, upper, ok, failures, fit_seconds, predict_seconds, resolved)


def _resolved(model: Forecaster) -> dict[str, Any]:
    """The settings the fitted model resolved, as plain values (orders chosen; a network's
    ``resolved_params_``: its "auto" settings, epochs run); never fails a task."""
    from .resolved import resolved_settings

    try:
        return resolved_settings(model)
    except Exception:  # noqa: BLE001 - a description must not turn a good fit into a failure
        return {}


def _record(task, mean, lower, upper, ok, failures, fit_seconds, predict_seconds, resolved=None):
    mean = np.where(ok[:, None], mean, np.nan)
    return {
        "key": task.key,
        "series_id": task.series_id,
        "model": task.model_name,
        "segment": task.segment,
        "origins": [int(o) for o in task.origins],
        "ok": ok.tolist(),
        "mean": mean.tolist(),
        "lower": lower.tolist(),
        "upper": upper.tolist(),
        "fit_seconds": float(fit_seconds),
        "predict_seconds": float(predict_seconds),
        "failures": failures,
        "resolved": dict(resolved or {}),
    }


def run_global_task(task: GlobalTask) -> dict[str, Any]:
    """Fit one model on every series of the panel (each up to its first origin of the
    segment), then forecast every origin of every series in one ``predict_origins`` call.

    A failing fit fails every origin of every series; a failing batched forecast is retried
    series by series, then origin by origin, so failures are recorded per series and
    origin. Fit and predict seconds are shared equally among the series' records, so their
    sums over a model are the model's total time.
    """
    tags = task.model.get_tags()
    needs_keras = bool(tags["needs_keras"])
    intervals = bool(tags["intervals"])
    h = task.horizon
    sids = list(task.origins)
    out = {sid: {"mean": np.full((len(task.origins[sid]), h), np.nan), "lower": np.full((len(task.origins[sid]), h), np.nan),
                 "upper": np.full((len(task.origins[sid]), h), np.nan), "ok": np.zeros(len(task.origins[sid]), dtype=bool),
                 "failures": []} for sid in sids}
    fit_seconds = predict_seconds = 0.0
    with limit_threads(task.limit_threads, needs_keras), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = _set_horizon(_seed_everything(task.model.clone(), task.seed, needs_keras), task.horizon)
        y_train = {sid: task.ys[sid].iloc[: task.n_train[sid]] for sid in sids}
        X_train = None if task.Xs is None else {sid: task.Xs[sid].iloc[: task.n_train[sid]] for sid in sids}
        start = time.perf_counter()
        try:
            model.fit(y_train, X_train)
        except Exception as err:  # noqa: BLE001 - any model failure is recorded
            fit_seconds = time.perf_counter() - start
            for sid in sids:
                out[sid]["failures"] = [_failure(o, "fit", err) for o in task.origins[sid]]
            return _global_record(task, out, fit_seconds, 0.0)
        fit_seconds = time.perf_counter() - start
        out_resolved = _resolved(model)
        for sid in sids:
            out[sid]["resolved"] = out_resolved
        y_new = {sid: task.ys[sid].iloc[task.n_train[sid]:] for sid in sids}
        X_new = None if task.Xs is None else {sid: task.Xs[sid].iloc[task.n_train[sid]:] for sid in sids}
        labels = {sid: [task.ys[sid].index[task.n_train[sid] - 1 + (o - task.origins[sid][0])] for o in task.origins[sid]]
                  for sid in sids}

        def fill(sid: str, i: int, fc: Any) -> None:
            rec = out[sid]
            rec["mean"][i], rec["lower"][i], rec["upper"][i] = _arrays(fc, h, task.level, intervals)
            rec["ok"][i] = True

        start = time.perf_counter()
        try:
            forecasts = model.predict_origins(y_new, labels, h, X_new)
            for sid in sids:
                for i, fc in enumerate(forecasts[sid]):
                    fill(sid, i, fc)
        except Exception:  # noqa: BLE001 - isolate the failing series, then origins
            for sid in sids:
                out[sid]["ok"][:] = False
                x_one = None if X_new is None else {sid: X_new[sid]}
                try:
                    for i, fc in enumerate(model.predict_origins({sid: y_new[sid]}, {sid: labels[sid]}, h, x_one)[sid]):
                        fill(sid, i, fc)
                    continue
                except Exception:  # noqa: BLE001
                    out[sid]["ok"][:] = False
                for i, label in enumerate(labels[sid]):
                    rel = task.origins[sid][i] - task.origins[sid][0]
                    try:
                        fc = model.predict_origins({sid: y_new[sid].iloc[:rel]}, {sid: [label]}, h, x_one)[sid][0]
                        fill(sid, i, fc)
                    except Exception as err:  # noqa: BLE001
                        out[sid]["failures"].append(_failure(task.origins[sid][i], "predict", err))
        predict_seconds = time.perf_counter() - start
    return _global_record(task, out, fit_seconds, predict_seconds)


def _global_record(task: GlobalTask, out: dict[str, dict[str, Any]], fit_seconds: float,
                   predict_seconds: float) -> dict[str, Any]:
    n = max(1, len(out))
    records = []
    for sid, rec in out.items():
        ok, mean = rec["ok"], rec["mean"]
        failures = rec["failures"]
        for i in np.flatnonzero(ok & ~np.isfinite(mean).all(axis=1)):
            ok[i] = False
            failures.append({"origin": int(task.origins[sid][i]), "stage": "predict",
                             "error_type": "NonFiniteForecast",
                             "message": "the model returned NaN or infinite forecasts"})
        failures.sort(key=lambda f: f["origin"])
        one = Task(key=task.key, series_id=sid, model_name=task.model_name, segment=task.segment,
                   model=task.model, y=task.ys[sid], X=None, n_train=task.n_train[sid],
                   origins=task.origins[sid], horizon=task.horizon, level=task.level, seed=task.seed)
        records.append(_record(one, mean, rec["lower"], rec["upper"], ok, failures,
                               fit_seconds / n, predict_seconds / n, rec.get("resolved")))
    return {"key": task.key, "model": task.model_name, "segment": task.segment, "global": True,
            "fit_seconds": float(fit_seconds), "predict_seconds": float(predict_seconds), "records": records}
