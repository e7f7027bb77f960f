"""What a backtest returns: tidy forecasts, errors, scores, leaderboard, tests, timings.

All summaries are computed from four tidy tables (``forecasts``, ``actuals``,
``failures``, ``timings``) and ``meta``; :meth:`BacktestResult.save` writes exactly these
(Parquet or CSV, plus JSON), and :func:`load_result` reads them back. No pickle.

Scores use only the origins where every model produced a forecast (per series); how many
origins were dropped for that is reported (``n_dropped`` in the leaderboard). A score that
is undefined at an origin (MASE/RMSSE when the training data does not change at lag ``m``
or is shorter than ``m + 1``; MAPE when the actuals hold a zero) is left out of that
metric's averages only, counted (``n_undefined_<metric>`` in ``scores()`` and the
leaderboard, per series in :meth:`BacktestResult.undefined`) and named in an
:class:`~forecast.errors.UndefinedScoreWarning`. The leaderboard ranks by a metric that is
defined for every model (:meth:`BacktestResult.ranking_metric`), never by input order.
A model that
produced no forecast at all (it failed at every origin of every series) is left out of that
comparison: the others are compared without it, and it is listed as failed
(:meth:`BacktestResult.failure_summary`, ``status`` in the leaderboard).

The class caches the per-series arrays its scores, tests and leaderboard share; around it:
the tables built from the tasks' records in :mod:`.records`, the metric arrays per origin
and per step in :mod:`.scoring`, the leaderboard in :mod:`.leaderboard`, saving and loading
in :mod:`.stored`. :meth:`BacktestResult.save_report` writes the results folder of
:mod:`forecast.reporting`, a layer above this one, through :mod:`forecast.hooks`.
"""

from __future__ import annotations

import math
import os
import warnings
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import hooks
from .. import metrics as M
from ..errors import InputError, UndefinedScoreWarning
from ..seasonality import naive2_forecast
from .leaderboard import leaderboard
from .mcs import MCS_SIZE, MCSResult, mcs_of_result
from .members import dm_vs_members, members_summary
from .records import tables_from_records
from .scoring import CAN_BE_UNDEFINED, NAIVE2, mean_of_finite, per_origin, per_step, scale_or_nan
from .significance import FriedmanResult, dm_test, friedman_test
from .stored import read_result, save_result, text_columns
from .verdict import Verdict, verdict

__all__ = ["BacktestResult", "load_result"]

class _Cell:
    """Forecasts of one model on one series: origins × steps arrays."""

    __slots__ = ("origins", "y", "f", "lower", "upper")

    def __init__(self, origins, y, f, lower, upper):
        self.origins, self.y, self.f, self.lower, self.upper = origins, y, f, lower, upper


class BacktestResult:
    """The outcome of :func:`forecast.evaluation`.

    Attributes
    ----------
    forecasts : DataFrame
        One row per series, model, origin and step: ``series_id, model, origin, step,
        timestamp, y_true, y_pred, lower, upper`` (NaN forecasts where a model failed).
    actuals : DataFrame
        The data the backtest ran on: ``series_id, timestamp, y``.
    failures : DataFrame
        ``series_id, model, origin, stage, error_type, message`` for every failed forecast.
    timings : DataFrame
        Per task: ``series_id, model, segment, n_origins, fit_seconds, predict_seconds``.
    meta : dict
        Settings, package versions, seed, data hash, task counts; ``resolved``: one row per
        fit (series x refit segment) of a model that resolves settings itself,
        ``{series_id, model, segment, settings}`` with plain values (see
        :func:`forecast.resolved.resolved_settings`: the orders ``arma(auto)`` chose,
        a network's ``resolved_params_``); a global model's fit is listed under each series.
        ``warnings``: the warnings each task's fit and forecasts raised, as rows of
        :meth:`fit_warnings`.
    """

    def __init__(self, forecasts: pd.DataFrame, actuals: pd.DataFrame, failures: pd.DataFrame,
                 timings: pd.DataFrame, meta: dict[str, Any]):
        self.forecasts = text_columns(forecasts)
        self.actuals = text_columns(actuals)
        self.failures = text_columns(failures)
        self.timings = text_columns(timings)
        self.meta = meta

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_records(cls, records, panel, origins_by_series, model_names, meta) -> BacktestResult:
        """The result of the tasks' ``records`` (laid out by :func:`.records.tables_from_records`)."""
        return cls(*tables_from_records(records, panel, origins_by_series, model_names, meta))

    # ------------------------------------------------------------------ basics
    @property
    def models(self) -> list[str]:
        return list(self.meta["model_names"])

    @property
    def series_ids(self) -> list[str]:
        return list(self.meta["series"])

    @property
    def horizon(self) -> int:
        return int(self.meta["settings"]["horizon"])

    @property
    def season(self) -> int:
        return int(self.meta["settings"]["season"])

    @cached_property
    def failed_models(self) -> list[str]:
        """Models that produced no forecast at all (every origin of every series failed).
        They are left out of the comparison (common origins, tests, ranks)."""
        fc = self.forecasts
        finite = pd.Series(np.isfinite(fc["y_pred"].to_numpy(float)), index=fc.index)
        produced = finite.groupby(fc["model"].to_numpy(), sort=False).any()
        return [m for m in self.models if not bool(produced.get(m, False))]

    @property
    def scored_models(self) -> list[str]:
        """The models compared: those with at least one forecast."""
        failed = set(self.failed_models)
        return [m for m in self.models if m not in failed]

    @property
    def n_common_origins(self) -> int:
        """Origins, over all series, on which every compared model forecast: what the scores
        use. 0 means nothing could be scored."""
        return sum(int(inf["ok"].sum()) for inf in self._series_info.values())

    def failure_summary(self) -> pd.DataFrame:
        """One row per model with failed forecasts: ``model``, ``n_failed`` (failed
        origins), ``n_origins`` (origins attempted), ``all_failed`` (no forecast at all: the
        model is left out of the comparison), and the most frequent ``stage``,
        ``error_type`` and ``message``."""
        cols = ["model", "n_failed", "n_origins", "all_failed", "stage", "error_type", "message"]
        f = self.failures
        if not len(f):
            return pd.DataFrame(columns=cols)
        attempted = self.forecasts.groupby("model", sort=False)["origin"].size() // self.horizon
        failed = set(self.failed_models)
        rows = []
        for model in self.models:
            part = f[f["model"] == model]
            if not len(part):
                continue
            top = part.groupby(["stage", "error_type", "message"], sort=False).size().idxmax()
            rows.append({"model": model, "n_failed": len(part), "n_origins": int(attempted.get(model, 0)),
                         "all_failed": model in failed, "stage": top[0], "error_type": top[1],
                         "message": top[2]})
        return pd.DataFrame(rows, columns=cols)

    def fit_warnings(self) -> pd.DataFrame:
        """The warnings models raised while fitting and forecasting in the backtest (never
        silenced): one row per task (series x refit segment) and distinct message,
        ``series_id, model, segment, stage, category, message, count``. ``stage`` is ``fit``
        or ``predict``; a model's own convergence reports (``fit_warnings_`` of the ARMA
        family) are included. A global model's rows have ``series_id`` None: one fit
        covers the panel. Warnings about the software (deprecations) are not listed."""
        cols = ["series_id", "model", "segment", "stage", "category", "message", "count"]
        return pd.DataFrame(self.meta.get("warnings", []), columns=cols).astype({"count": int})

    def __repr__(self) -> str:
        return (f"BacktestResult({len(self.models)} models, {len(self.series_ids)} series, horizon "
                f"{self.horizon}, {len(self.failures)} failed forecasts)")

    @cached_property
    def _cells(self) -> dict[tuple[str, str], _Cell]:
        h = self.horizon
        out = {}
        fc = self.forecasts
        for (sid, model), part in fc.groupby(["series_id", "model"], sort=False):
            n_o = len(part) // h
            out[(sid, model)] = _Cell(
                part["origin"].to_numpy()[::h],
                part["y_true"].to_numpy(float).reshape(n_o, h),
                part["y_pred"].to_numpy(float).reshape(n_o, h),
                part["lower"].to_numpy(float).reshape(n_o, h),
                part["upper"].to_numpy(float).reshape(n_o, h),
            )
        return out

    @cached_property
    def _series_info(self) -> dict[str, dict[str, Any]]:
        """Per series: common origin mask, MASE/RMSSE scales and reference forecasts."""
        m, h = self.season, self.horizon
        info = {}
        for sid, part in self.actuals.groupby("series_id", sort=False):
            values = part["y"].to_numpy(float)
            stamps = pd.Index(part["timestamp"])
            origins = self._cells[(sid, self.models[0])].origins
            pos = stamps.get_indexer(pd.Index(origins))
            # common origins over the models that forecast at all; nothing scored without one
            ok = np.full(len(origins), bool(self.scored_models))
            for name in self.scored_models:
                ok &= np.isfinite(self._cells[(sid, name)].f).all(axis=1)
            s1 = np.array([scale_or_nan(values[: p + 1], m, 1) for p in pos])
            s2 = np.array([scale_or_nan(values[: p + 1], m, 2) for p in pos])
            k = np.arange(h)
            if self.meta.get("reference") == "snaive" and m > 1:
                idx = pos[:, None] - m + 1 + (k[None, :] % m)
                ref = np.where(idx >= 0, values[np.clip(idx, 0, None)], np.nan)
            else:
                ref = np.repeat(values[pos][:, None], h, axis=1)
            info[sid] = {"ok": ok, "scale1": s1, "scale2": s2, "reference": ref,
                         "n_origins": len(origins), "values": values, "pos": pos}
        return info

    @cached_property
    def _naive2(self) -> dict[str, np.ndarray]:
        """Naive2 forecasts (origins x steps) per series, re-estimated at every origin on
        the data up to it (the OWA reference, :mod:`forecast.seasonality`)."""
        m, h = self.season, self.horizon
        out = {}
        for sid, inf in self._series_info.items():
            values = inf["values"]
            out[sid] = (np.vstack([naive2_forecast(values[: p + 1], m, h) for p in inf["pos"]])
                        if len(inf["pos"]) else np.empty((0, h)))
        return out

    def undefined(self, metrics: Any = None) -> pd.DataFrame:
        """Where a score is undefined, whatever the forecasts: one row per series and metric
        with ``n_undefined`` of ``n_origins`` common origins and the ``reason``. MASE and
        RMSSE need training data that changes at lag ``m`` (a non-zero scale) and more than
        ``m`` values; MAPE needs actuals without zeros. These origins are left out of that
        metric's averages (the other metrics keep them)."""
        names = [n for n in self._metric_names(metrics) if n in CAN_BE_UNDEFINED]
        m = self.season
        rows = []
        for sid, inf in self._series_info.items():
            ok = inf["ok"]
            n_common = int(ok.sum())
            for name in names:
                if name == "mape":
                    y = self._cells[(sid, self.models[0])].y[ok]
                    bad = (y == 0).any(axis=1)
                    reason = "the actual values hold a zero"
                else:
                    bad = ~np.isfinite(inf["scale1" if name == "mase" else "scale2"][ok])
                    short = inf["pos"][ok][bad] + 1 <= m
                    reason = (f"fewer than m+1={m + 1} training values" if short.all() else
                              f"the training data does not change at lag m={m}: scale zero" if not short.any()
                              else f"the training data is constant at lag m={m} or shorter than {m + 1} values")
                if bad.any():
                    rows.append({"series_id": sid, "metric": name, "n_undefined": int(bad.sum()),
                                 "n_origins": n_common, "reason": reason})
        return pd.DataFrame(rows, columns=["series_id", "metric", "n_undefined", "n_origins", "reason"])

    def _warn_undefined(self, names: list[str]) -> None:
        """One :class:`UndefinedScoreWarning` per result and metric set, naming the series."""
        table = self.undefined(names)
        key = tuple(sorted(set(table["metric"])))
        warned = self.__dict__.setdefault("_warned_undefined", set())
        if table.empty or key in warned:
            return
        warned.add(key)
        parts = []
        for sid, part in table.groupby("series_id", sort=False):
            what = "/".join(part["metric"].str.upper())
            first = part.iloc[0]
            parts.append(f"{sid!r}: {what} at {int(part['n_undefined'].max())} of {int(first['n_origins'])} "
                         f"origins ({first['reason']})")
        n = len(parts)
        shown = "; ".join(parts[:5]) + (f"; and {n - 5} more series" if n > 5 else "")
        warnings.warn(
            f"undefined scores in {n} series: {shown}. Those origins are left out of these metrics' "
            "averages and counted in n_undefined_<metric> (see result.undefined()); the other "
            "metrics keep them", UndefinedScoreWarning, stacklevel=3)

    # ------------------------------------------------------------------ errors
    @cached_property
    def errors(self) -> pd.DataFrame:
        """Errors per series, model, origin and step: ``error`` (y_true − y_pred),
        ``abs_error``, ``squared_error``, ``scaled_error`` (absolute error over the MASE
        scale of the data up to the origin) and ``common`` (origin scored for all models)."""
        out = self.forecasts[["series_id", "model", "origin", "step", "timestamp", "y_true", "y_pred"]].copy()
        err = out["y_true"].to_numpy() - out["y_pred"].to_numpy()
        out["error"] = err
        out["abs_error"] = np.abs(err)
        out["squared_error"] = err ** 2
        h = self.horizon
        scales, common = [], []
        for (sid, _model), cell in self._cells.items():
            inf = self._series_info[sid]
            scales.append(np.repeat(inf["scale1"], h))
            common.append(np.repeat(inf["ok"], h))
            del cell
        out["scaled_error"] = out["abs_error"].to_numpy() / np.concatenate(scales)
        out["common"] = np.concatenate(common)
        return out

    # ------------------------------------------------------------------ metrics
    def _metric_names(self, metrics: Any = None) -> list[str]:
        names = [metrics] if isinstance(metrics, str) else list(metrics or self.meta["settings"]["metrics"])
        for name in names:
            if name not in M.METRICS and name != "coverage":
                raise InputError(f"unknown metric {name!r}; known metrics: {', '.join([*M.METRICS, 'coverage'])}")
        return names

    def _arrays(self, sid: str, model: str | None):
        """Common-origin arrays for one series: (y, f, lower, upper, scale1, scale2)."""
        inf = self._series_info[sid]
        ok = inf["ok"]
        if model is None or model is NAIVE2:  # the reference forecasts
            cell = self._cells[(sid, self.models[0])]
            f = (inf["reference"] if model is None else self._naive2[sid])[ok]
            nan = np.full_like(f, np.nan)
            return cell.y[ok], f, nan, nan, inf["scale1"][ok], inf["scale2"][ok]
        cell = self._cells[(sid, model)]
        return cell.y[ok], cell.f[ok], cell.lower[ok], cell.upper[ok], inf["scale1"][ok], inf["scale2"][ok]

    def series_scores(self, metric: str | None = None) -> pd.DataFrame:
        """A series × model table of one metric (mean over the common origins)."""
        name = self._metric_names(metric or self._primary())[0]
        table = {}
        failed = set(self.failed_models)
        for sid in self.series_ids:
            row = {}
            for model in self.models:
                if model in failed:  # no forecast: no score (not the score of empty arrays)
                    row[model] = np.nan
                    continue
                vals = per_origin(name, *self._arrays(sid, model))
                row[model] = float(np.nanmean(vals)) if vals.size and np.isfinite(vals).any() else np.nan
            table[sid] = row
        return pd.DataFrame.from_dict(table, orient="index")[self.models]

    def scores(self, metrics: Any = None) -> pd.DataFrame:
        """Metric × model table: each metric over the steps of one origin, averaged over the
        common origins of a series, then over series. For MASE, RMSSE and MAPE a row
        ``n_undefined_<metric>`` counts the (series, origin) pairs left out of that average
        because the score is undefined there (see :meth:`undefined`); a warning names them."""
        names = self._metric_names(metrics)
        rows = {name: self.series_scores(name).mean(axis=0) for name in names}
        out = pd.DataFrame(rows).T
        counts = self._undefined_counts(names)
        for name, n in counts.items():
            out.loc[f"n_undefined_{name}"] = float(n)
        self._warn_undefined(names)
        out.index.name = "metric"
        return out[self.models]

    def _undefined_counts(self, names: list[str]) -> dict[str, int]:
        table = self.undefined(names)
        return {name: int(table.loc[table["metric"] == name, "n_undefined"].sum())
                for name in names if name in CAN_BE_UNDEFINED}

    def _reference_scores(self, names: list[str], reference: Any = None) -> dict[str, float]:
        """Scores of the reference forecasts (naive/seasonal naive, or :data:`~.scoring.NAIVE2`) on the
        common origins, aggregated as :meth:`scores` aggregates a model's."""
        out = {}
        for name in names:
            vals = []
            for sid in self.series_ids:
                v = per_origin(name, *self._arrays(sid, reference))
                vals.append(np.nanmean(v) if v.size and np.isfinite(v).any() else np.nan)
            out[name] = float(np.nanmean(vals)) if np.isfinite(vals).any() else float("nan")
        return out

    def by_horizon(self, metric: str = "mae") -> pd.DataFrame:
        """Step × model table of ``metric`` at each horizon step: per series the mean over its
        common origins where the metric is defined (MASE/RMSSE: a defined scale; MAPE: no zero
        actual), then the mean over the series where it is defined. Column ``n`` counts the
        (series, origin) pairs averaged; NaN only where ``n`` is 0."""
        name = self._metric_names(metric)[0]
        failed = set(self.failed_models)
        out = {}
        for model in self.models:
            if model in failed:
                out[model] = np.full(self.horizon, np.nan)
                continue
            per_series = np.vstack([per_step(name, *self._arrays(sid, model)) for sid in self.series_ids])
            out[model] = mean_of_finite(per_series, axis=0)
        frame = pd.DataFrame(out, index=pd.RangeIndex(1, self.horizon + 1, name="step"))
        frame["n"] = sum(self._n_defined(name, sid) for sid in self.series_ids)
        return frame

    def _n_defined(self, name: str, sid: str) -> int:
        """Common origins of series ``sid`` where metric ``name`` is defined whatever the forecasts."""
        inf = self._series_info[sid]
        ok = inf["ok"]
        if name in ("mase", "rmsse"):
            return int(np.isfinite(inf["scale1" if name == "mase" else "scale2"][ok]).sum())
        if name == "mape":
            return int((~(self._cells[(sid, self.models[0])].y[ok] == 0).any(axis=1)).sum())
        return int(ok.sum())

    def ranking_metric(self, metric: str | None = None) -> tuple[str, str]:
        """The metric the leaderboard ranks by and a one-line note saying which and why.

        It is ``metric`` (default: the primary metric, MASE when it is scored) when that is
        defined for every compared model, else the first metric in the leaderboard's order
        (``meta['settings']['metrics']``; coverage never ranks) that is. A metric undefined
        at an origin is undefined there for every model (it depends on the data only), so
        each model's score averages the same origins. When no metric is defined for every
        model, ``metric`` ranks and the models without a score are listed last, unranked."""
        requested = self._metric_names(metric or self._primary())[0]
        scored = self.scored_models
        if not scored:
            return requested, f"ranked by {requested}"
        order = [requested, *[n for n in self._metric_names() if n != requested and n != "coverage"]]
        for name in order:
            s = self.series_scores(name)[scored].mean(axis=0)
            if np.isfinite(s.to_numpy(float)).all():
                if name == requested:
                    return name, f"ranked by {name}"
                return name, (f"ranked by {name}: {self._undefined_why(requested, scored)}; "
                              f"{name} is the next metric defined for every model")
        return requested, (f"ranked by {requested}, although {self._undefined_why(requested, scored)} and no "
                           "other metric is defined for every model: models without a score are listed last, "
                           "without a rank")

    def _undefined_why(self, name: str, scored: list[str]) -> str:
        s = self.series_scores(name)[scored].mean(axis=0)
        bad = [m for m in scored if not np.isfinite(s[m])]
        who = "every model" if len(bad) == len(scored) else ", ".join(bad)
        table = self.undefined([name]) if name in CAN_BE_UNDEFINED else None
        if table is not None and len(table):
            reasons = "; ".join(dict.fromkeys(table["reason"]))
            extra = ""
            if name in ("mase", "rmsse") and "training values" in reasons:
                extra = "; a shorter season (season=, command line --season) makes it defined"
            return f"{name} is undefined for {who} at every scored origin ({reasons}{extra})"
        return f"{name} is undefined for {who}"

    def _primary(self) -> str:
        names = self.meta["settings"]["metrics"]
        return "mase" if "mase" in names else names[0]

    def timing(self) -> pd.DataFrame:
        """Fit and predict seconds per model (summed over tasks) and per forecast origin."""
        g = self.timings.groupby("model", sort=False)[["fit_seconds", "predict_seconds", "n_origins"]].sum()
        g["seconds_per_origin"] = (g["fit_seconds"] + g["predict_seconds"]) / g["n_origins"]
        return g.reindex(self.models)

    # ------------------------------------------------------------------ significance
    def _losses(self, sid: str, model: str, loss: str) -> np.ndarray:
        y, f, *_ = self._arrays(sid, model)
        e = y - f
        if loss == "mse":
            return e ** 2
        if loss == "mae":
            return np.abs(e)
        raise InputError(f"unknown DM loss {loss!r}; use 'mse' or 'mae'")

    def dm_tests(self, *, against: str | None = None, loss: str = "mse", by_step: bool = True) -> pd.DataFrame:
        """Diebold–Mariano tests of every model against ``against`` (default: the best model
        of the leaderboard, by its ranking metric), per series, over all steps (``step`` 0: the mean loss over the
        horizon per origin) and, with ``by_step``, at each horizon step.

        A negative ``statistic`` means the model has the smaller loss. Lags account for the
        overlap of forecasts from consecutive origins: ``ceil(s / step) - 1`` at step ``s``.
        """
        best = against or self._best()
        if best not in self.models:
            raise InputError(f"against={best!r} is not one of the models: {', '.join(self.models)}")
        stride = int(self.meta["settings"]["step"])
        rows = []
        for sid in self.series_ids:
            ref = self._losses(sid, best, loss)
            for model in self.scored_models:
                if model == best:
                    continue
                mine = self._losses(sid, model, loss)
                checks = [(0, mine.mean(axis=1), ref.mean(axis=1), math.ceil(self.horizon / stride))]
                if by_step:
                    checks += [(s + 1, mine[:, s], ref[:, s], math.ceil((s + 1) / stride)) for s in range(self.horizon)]
                for step, a, b, overlap in checks:
                    res = dm_test(a, b, h=overlap)
                    rows.append({"series_id": sid, "model": model, "against": best, "step": step,
                                 "statistic": res.statistic, "pvalue": res.pvalue, "lags": res.lags, "n": res.n})
        return pd.DataFrame(rows, columns=["series_id", "model", "against", "step", "statistic", "pvalue", "lags", "n"])

    def dm_pvalues(self, *, against: str | None = None, loss: str = "mse") -> pd.DataFrame:
        """DM p-values against the best model as a table: one row per model (per series and
        model for a panel), one column per horizon step, column 0 for all steps together."""
        dm = self.dm_tests(against=against, loss=loss, by_step=True)
        index = ["model"] if len(self.series_ids) == 1 else ["series_id", "model"]
        table = dm.pivot_table(index=index, columns="step", values="pvalue", sort=False)
        table.columns.name = "step"
        return table

    def dm_vs_members(self, *, loss: str = "mse", alpha: float = 0.05, summary: bool = True) -> pd.DataFrame:
        """Each combination against each of its members (Diebold-Mariano;
        :mod:`forecast.evaluation.members`): one row per (combination, member) with
        ``summary``, else one per series too."""

        return (members_summary if summary else dm_vs_members)(self, loss=loss, alpha=alpha)

    def _best(self, metric: str | None = None) -> str:
        """The best model by the ranking metric (:meth:`ranking_metric`); never the first
        model for want of a score."""
        name = self.ranking_metric(metric)[0]
        s = self.scores(name).iloc[0].reindex(self.scored_models)
        if s.notna().any():
            return str(s.idxmin())
        return (self.scored_models or self.models)[0]

    def friedman(self, metric: str | None = None, alpha: float = 0.05) -> FriedmanResult:
        """Friedman test over the series of a panel, mean ranks (1 = best) and the Nemenyi
        critical difference: two models whose mean ranks differ by more are significantly
        different at ``alpha``. It runs on the metric that ranks the leaderboard
        (:meth:`ranking_metric`: ``metric`` where it is defined for every model, else the next
        one that is)."""
        if len(self.series_ids) < 2:
            raise InputError("the Friedman test needs a panel of at least 2 series; this backtest has 1")
        if len(self.scored_models) < 2:
            raise InputError(f"the Friedman test needs at least 2 models with forecasts; this backtest has "
                             f"{len(self.scored_models)} (failed at every origin: {', '.join(self.failed_models)})")
        return friedman_test(self.series_scores(self.ranking_metric(metric)[0])[self.scored_models], alpha=alpha)

    # ------------------------------------------------------------------ leaderboard
    def leaderboard(self, metric: str | None = None, *, alpha: float = 0.05, loss: str = "mse") -> pd.DataFrame:
        """Models ranked by ``metric`` (default MASE) where it is defined for every model, else
        by the next metric that is (:meth:`ranking_metric`; ``attrs["ranking_metric"]`` and
        ``attrs["ranking_note"]`` say which and why, ``skill_<metric>`` names it), with all metrics, skill relative to the
        reference (naive, or seasonal naive when the season is > 1: ``1 − metric/reference``),
        ``owa``: the M4 competition's overall weighted average, the mean of sMAPE and MASE
        each relative to Naive2's on the same origins (:class:`~forecast.models.baseline.Naive2`,
        re-estimated at every origin; comparable with published M4 OWA figures when the
        protocol matches), Diebold–Mariano statistic and p-value against the best model (one
        series) or, for a panel, mean rank, the Nemenyi verdict and the share of series where
        DM finds the model worse and the counts of series where DM finds it worse / not
        different / better (``dm_worse``, ``dm_not_different``, ``dm_better``), plus timings, the number of origins scored and dropped
        (``n_dropped``: a model failed there) and, for MASE/RMSSE/MAPE,
        ``n_undefined_<metric>``: (series, origin) pairs where that score is undefined and
        left out of its average (see :meth:`undefined`). Skill and OWA are NaN, never an
        error, when the reference scores zero or is undefined. ``status`` is ``failed`` for a model
        without any forecast: it is listed last, without a rank, and left out of the comparison;
        ``n_failed`` counts each model's failed origins and ``failure`` gives the most frequent reason;
        ``n_warnings`` counts the warnings its fits and forecasts raised (:meth:`fit_warnings`)."""
        return leaderboard(self, metric, alpha=alpha, loss=loss)

    # ------------------------------------------------------------------ the verdict
    def model_confidence_set(self, metric: str | None = None, size: float = MCS_SIZE) -> MCSResult:
        """The model confidence set (Hansen, Lunde and Nason) at level ``1 - size`` over the
        per-origin losses in the ranking metric, seeded from the backtest's seed
        (:mod:`forecast.evaluation.mcs`); the leaderboard's ``mcs`` column."""
        return mcs_of_result(self, metric, size)

    def verdict(self, alpha: float = 0.05) -> Verdict:
        """The answer as data and as a sentence: the best classical and the best recurrent
        model, how much better one is, whether the difference is significant, and the evidence
        bearing on it (:mod:`forecast.evaluation.verdict`). ``print(res.verdict())``."""
        return verdict(self, alpha)

    def _repr_html_(self) -> str:
        from ..htmlrepr import result_html

        return result_html(self)

    # ------------------------------------------------------------------ persistence
    def save_report(self, path: str | os.PathLike, *, figures: bool = True, source: str | None = None) -> Path:
        """Write the results folder that ``forecast backtest --out`` writes: the tidy CSVs,
        ``run.json``, the PNG figures and ``report.html`` (``figures=False``: tables and
        ``run.json`` only); see :func:`forecast.reporting.save_report`, reached through
        :mod:`forecast.hooks` (the reporting layer sits above this one)."""
        return hooks.call("save_report", self, path, figures=figures, source=source)

    def save(self, path: str | os.PathLike, *, format: str = "parquet") -> Path:
        """Write the result to folder ``path`` (tables as Parquet or CSV, ``meta.json``),
        atomically: a complete folder replaces any previous one. No pickle. Read it back
        with :func:`load_result`."""
        return save_result(self, path, format=format)


def load_result(path: str | os.PathLike) -> BacktestResult:
    """Read a result written by :meth:`BacktestResult.save`."""
    tables, meta = read_result(path)
    return BacktestResult(tables["forecasts"], tables["actuals"], tables["failures"], tables["timings"], meta)

