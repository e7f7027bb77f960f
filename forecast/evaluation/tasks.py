"""One backtest task: a model fitted once on one series and forecasting from the origins of
one refit segment (:class:`Task`), or a global model fitted once on every series of a panel
and forecasting from all their origins of one refit segment (:class:`GlobalTask`).

Tasks are independent and self-contained (they carry only the data up to their last origin,
plus the exogenous values declared known in advance for the horizon), so they can run in
any process or on any machine and give the same numbers. :func:`run_task` never raises for
a model's failure: it records the failure and the origins it concerns. It never silences
a warning either: each task records the warnings its fit and forecasts raise
(:mod:`.caught`). The seed reaches the model through :func:`forecast.seeding.seed_model`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from ..base import Forecaster
from ..seeding import seed_model
from ..threads import single_thread
from .caught import recording_warnings

__all__ = ["Task", "GlobalTask", "run_task", "fit_and_forecast", "limit_threads"]

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
    season: int | None = None  # the series' season, handed to a model tagged uses_season


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
    seasons: dict[str, int] | None = None  # per series, handed to a model tagged uses_season


@contextlib.contextmanager
def limit_threads(active: bool, needs_keras: bool) -> Iterator[None]:
    """One BLAS/OpenMP thread around a task: always for a classical model (serial backtests
    included, :mod:`forecast.threads`), and for a Keras model (one TensorFlow thread too)
    only when tasks run side by side (``active``)."""
    if not active and needs_keras:
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
    with single_thread():
        yield


def _handoff(task: Task | GlobalTask, tags: dict[str, Any]) -> dict[str, Any]:
    """What ``fit`` is handed: the season (per series for a global model) to a model tagged
    ``uses_season``, the backtest's horizon to one tagged ``uses_horizon``."""
    out: dict[str, Any] = {}
    season = task.seasons if isinstance(task, GlobalTask) else task.season
    if tags["uses_season"] and season is not None:
        out["season"] = season
    if tags["uses_horizon"]:
        out["horizon"] = int(task.horizon)
    return out


def _fraction(level: float) -> float:
    return level / 100.0 if level > 1 else level


def _failure(origin: int, stage: str, err: BaseException) -> dict[str, Any]:
    message = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return {"origin": int(origin), "stage": stage, "error_type": type(err).__name__,
            "message": message[:_MAX_MESSAGE]}


def _arrays(fc, horizon: int, level: float, intervals: bool):
    mean = fc.values
    if intervals and fc.gaussian_intervals:
        # Gaussian interval, as Forecast.interval computes it, without a DataFrame per origin
        z = NormalDist().inv_cdf(0.5 + _fraction(level) / 2)
        lower, upper = mean - z * fc.se, mean + z * fc.se
    elif intervals and fc.has_intervals:  # conformal or other bounds of the model's own
        lower, upper = (np.asarray(b, dtype=float) for b in fc.interval_bounds(level))
    else:
        lower = upper = np.full(horizon, np.nan)
    return mean, lower, upper


def run_task(task: Task | GlobalTask) -> dict[str, Any]:
    """The record of one task (:func:`fit_and_forecast` without the fitted model)."""
    return fit_and_forecast(task)[0]


def fit_and_forecast(task: Task | GlobalTask, warm_from: Forecaster | None = None
                     ) -> tuple[dict[str, Any], Forecaster | None]:
    """Fit, forecast from every origin of the segment in one call, and return a JSON-able
    record: forecasts per origin, timings, failures, the settings the fit resolved and the
    warnings raised. A :class:`GlobalTask` returns ``{"key", "records": [one record per
    series], ...}``.

    One path serves both: a :class:`Task` is run as a panel of its one series, its model
    called with that series (not a dict). A failing fit fails every origin; a failing
    batched forecast is retried series by series (a panel), then origin by origin, so
    failures are recorded per series and origin. Warnings are recorded, never silenced
    (see :func:`recording_warnings`); a global model's are listed once, on its first
    series' record, with ``series_id`` ``None`` (they concern the whole panel).
    ``warm_from`` (a fitted model of the same specification: the previous refit of a
    chain, :mod:`.chains`) lets the fit start where that one ended. Returns the record
    and the fitted model (None when the fit failed).
    """
    view = _Panel.of(task)
    tags = task.model.get_tags()
    needs_keras, intervals = bool(tags["needs_keras"]), bool(tags["intervals"])
    out = {sid: _Cells(len(view.origins[sid]), task.horizon) for sid in view.sids}
    predict_seconds = 0.0
    resolved: dict[str, Any] = {}
    with limit_threads(task.limit_threads, needs_keras), recording_warnings() as caught:
        model = _new_model(task, warm_from, needs_keras)
        caught.stage = "fit"
        fitted, fit_seconds = _fit(model, view, _handoff(task, tags), out)
        if fitted:
            caught.add_notes("fit", getattr(model, "fit_warnings_", None))
            resolved = _resolved(model)
            caught.stage = "predict"
            predict_seconds = _forecast(model, view, task, intervals, out)
    record = _package(task, view, out, fit_seconds, predict_seconds, resolved, caught.entries())
    return record, (model if fitted else None)


@dataclass
class _Panel:
    """A task as a panel: per series id its data (training start to last origin), X, the
    training length and the origins. A :class:`Task` is a panel of its one series, and its
    model is called with that series' values, not dicts (:meth:`pack`, :meth:`unpack`)."""

    is_global: bool
    ys: dict[str, pd.Series]
    Xs: dict[str, pd.DataFrame] | None
    n_train: dict[str, int]
    origins: dict[str, list[int]]

    @classmethod
    def of(cls, task: Task | GlobalTask) -> _Panel:
        if isinstance(task, GlobalTask):
            return cls(True, task.ys, task.Xs, task.n_train, task.origins)
        sid = task.series_id
        return cls(False, {sid: task.y}, None if task.X is None else {sid: task.X}, {sid: task.n_train},
                   {sid: task.origins})

    @property
    def sids(self) -> list[str]:
        return list(self.origins)

    def pack(self, d: Any) -> Any:
        """What the model is called with: the dict for a global model, else its one value."""
        return d if self.is_global or d is None else next(iter(d.values()))

    def unpack(self, r: Any) -> dict[str, Any]:
        """``predict_origins``' answer as ``{series id: [forecast per origin]}``."""
        return r if self.is_global else {self.sids[0]: r}


def _new_model(task: Task | GlobalTask, warm_from: Forecaster | None, needs_keras: bool) -> Forecaster:
    """A fresh copy of the task's model, seeded, warm-started from ``warm_from`` (a chain's
    previous refit), and reporting its epochs to a serial run's progress bar."""
    model = seed_model(task.model.clone(), task.seed, seed_globals=True)
    if warm_from is not None:
        model.warm_start_from(warm_from)
    hook = getattr(task, "epoch_progress", None)  # set by a serial run that draws a progress bar
    if hook is not None and needs_keras:
        model._epoch_progress = hook  # the network reports (stage, epoch, epochs) as it trains
    return model


def _fit(model: Forecaster, view: _Panel, handoff: dict[str, Any], out: dict[str, _Cells]
         ) -> tuple[bool, float]:
    """Fit on each series up to its first origin of the segment; whether it succeeded (a
    failure fails every origin) and the seconds it took."""
    y_train = {sid: view.ys[sid].iloc[: view.n_train[sid]] for sid in view.sids}
    X_train = None if view.Xs is None else {sid: view.Xs[sid].iloc[: view.n_train[sid]] for sid in view.sids}
    start = time.perf_counter()
    try:
        model.fit(view.pack(y_train), view.pack(X_train), **handoff)
        fitted = True
    except Exception as err:  # noqa: BLE001 - any model failure is recorded
        fitted = False
        for sid in view.sids:
            out[sid].failures = [_failure(o, "fit", err) for o in view.origins[sid]]
    return fitted, time.perf_counter() - start


def _forecast(model: Forecaster, view: _Panel, task: Task | GlobalTask, intervals: bool,
              out: dict[str, _Cells]) -> float:
    """Forecast every origin of every series in one ``predict_origins`` call, filling the
    cells; when it fails, retry series by series, then origin by origin. The seconds taken."""
    sids, h = view.sids, task.horizon
    y_new = {sid: view.ys[sid].iloc[view.n_train[sid]:] for sid in sids}
    X_new = None if view.Xs is None else {sid: view.Xs[sid].iloc[view.n_train[sid]:] for sid in sids}
    labels = {sid: [view.ys[sid].index[view.n_train[sid] - 1 + (o - view.origins[sid][0])]
                    for o in view.origins[sid]] for sid in sids}

    def fill(sid: str, i: int, fc: Any) -> None:
        cells = out[sid]
        cells.mean[i], cells.lower[i], cells.upper[i] = _arrays(fc, h, task.level, intervals)
        cells.ok[i] = True

    start = time.perf_counter()
    try:
        forecasts = view.unpack(model.predict_origins(view.pack(y_new), view.pack(labels), h, view.pack(X_new)))
        for sid in sids:
            for i, fc in enumerate(forecasts[sid]):
                fill(sid, i, fc)
    except Exception:  # noqa: BLE001 - isolate the failing series, then origins
        for sid in sids:
            x_one = None if X_new is None else {sid: X_new[sid]}
            _retry_series(model, view, sid, y_new[sid], labels[sid], x_one, h, fill, out[sid])
    return time.perf_counter() - start


def _retry_series(model: Forecaster, view: _Panel, sid: str, y_new: pd.Series, labels: list[Any],
                  x_one: dict[str, pd.DataFrame] | None, h: int, fill: Callable[[str, int, Any], None],
                  cells: _Cells) -> None:
    """One series' forecasts after the batched call failed: all its origins in one call
    (on a panel of several series), else origin by origin, recording each failure."""
    cells.ok[:] = False
    if len(view.sids) > 1:
        try:
            batch = model.predict_origins(view.pack({sid: y_new}), view.pack({sid: labels}), h, view.pack(x_one))
            for i, fc in enumerate(view.unpack(batch)[sid]):
                fill(sid, i, fc)
            return
        except Exception:  # noqa: BLE001
            cells.ok[:] = False
    origins = view.origins[sid]
    for i, label in enumerate(labels):
        rel = origins[i] - origins[0]
        try:
            one = model.predict_origins(view.pack({sid: y_new.iloc[:rel]}), view.pack({sid: [label]}), h,
                                        view.pack(x_one))
            fill(sid, i, view.unpack(one)[sid][0])
        except Exception as err:  # noqa: BLE001
            cells.failures.append(_failure(origins[i], "predict", err))


def _package(task: Task | GlobalTask, view: _Panel, out: dict[str, _Cells], fit_seconds: float,
             predict_seconds: float, resolved: dict[str, Any], notes: list[dict[str, Any]]) -> dict[str, Any]:
    """The task's record: one per series (non-finite forecasts turned into failures; the
    times shared equally among the series), wrapped in the global task's record for a
    global model, whose warnings go on its first series' record only."""
    n = len(view.sids)
    records = []
    for k, sid in enumerate(view.sids):
        cells = out[sid]
        _fail_non_finite(cells, view.origins[sid])
        if not view.is_global:
            mine = notes
        else:
            mine = [{**w, "series_id": None} for w in notes] if k == 0 else []
        records.append(_record(task.key, sid, task.model_name, task.segment, view.origins[sid], cells,
                               fit_seconds / n, predict_seconds / n, resolved, mine))
    if not view.is_global:
        return records[0]
    return {"key": task.key, "model": task.model_name, "segment": task.segment, "global": True,
            "fit_seconds": float(fit_seconds), "predict_seconds": float(predict_seconds), "records": records}


def _fail_non_finite(cells: _Cells, origins: list[int]) -> None:
    """Origins whose forecasts hold NaN or infinite values become failures; failures sorted
    by origin."""
    for i in np.flatnonzero(cells.ok & ~np.isfinite(cells.mean).all(axis=1)):
        cells.ok[i] = False
        cells.failures.append({"origin": int(origins[i]), "stage": "predict",
                               "error_type": "NonFiniteForecast",
                               "message": "the model returned NaN or infinite forecasts"})
    cells.failures.sort(key=lambda f: f["origin"])


class _Cells:
    """Forecasts of one series in one task: origins x steps, filled as they succeed."""

    __slots__ = ("mean", "lower", "upper", "ok", "failures")

    def __init__(self, n_origins: int, horizon: int) -> None:
        self.mean = np.full((n_origins, horizon), np.nan)
        self.lower = np.full((n_origins, horizon), np.nan)
        self.upper = np.full((n_origins, horizon), np.nan)
        self.ok = np.zeros(n_origins, dtype=bool)
        self.failures: list[dict[str, Any]] = []


def _resolved(model: Forecaster) -> dict[str, Any]:
    """The settings the fitted model resolved, as plain values (orders chosen; a network's
    ``resolved_params_``: its "auto" settings, epochs run); never fails a task."""
    from ..resolved import resolved_settings

    try:
        return resolved_settings(model)
    except Exception:  # noqa: BLE001 - a description must not turn a good fit into a failure
        return {}


def _record(key: str, sid: str, model_name: str, segment: int, origins: list[int], cells: _Cells,
            fit_seconds: float, predict_seconds: float, resolved: dict[str, Any],
            notes: list[dict[str, Any]]) -> dict[str, Any]:
    mean = np.where(cells.ok[:, None], cells.mean, np.nan)
    return {
        "key": key,
        "series_id": sid,
        "model": model_name,
        "segment": segment,
        "origins": [int(o) for o in origins],
        "ok": cells.ok.tolist(),
        "mean": mean.tolist(),
        "lower": cells.lower.tolist(),
        "upper": cells.upper.tolist(),
        "fit_seconds": float(fit_seconds),
        "predict_seconds": float(predict_seconds),
        "failures": cells.failures,
        "resolved": dict(resolved or {}),
        "warnings": notes,
    }
