"""The model confidence set (Hansen, Lunde and Nason, 2011) over per-origin losses.

Pairwise Diebold–Mariano tests against the best model do not control the error of making
many comparisons. The model confidence set does: it is the set of models the data cannot
tell from the best at level ``1 - size`` (90% by default). It runs on the per-origin losses
of :func:`origin_losses` (the leaderboard's ranking metric at each common origin, over every
series of a panel) with :class:`arch.bootstrap.MCS` (the range statistic ``T_R``, a
stationary block bootstrap of 1000 replications, blocks of about ``sqrt(T)`` origins).

Automatic choices:

* Models whose per-origin losses are identical (e.g. the same model listed twice) are one
  model for the test (arch's statistic divides by their zero loss differences); each of them
  gets the verdict of the first.
* Origins where a model's loss is undefined (NaN) are left out for every model; a model
  without a loss at any origin is not in the set.
* Fewer than 3 origins, or fewer than 2 distinct models: nothing can be told apart and
  every model is in the set (p-value 1).
* The bootstrap is seeded from the backtest's ``seed`` (0 when the backtest had none), so
  the same run gives the same set.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .scoring import per_origin

__all__ = ["MCS_SIZE", "MCSResult", "model_confidence_set", "origin_losses"]

#: the default size: the 90% model confidence set
MCS_SIZE = 0.10
_REPS = 1000


class MCSResult(NamedTuple):
    """``included``: the models in the set; ``pvalues``: the MCS p-value of every model (a
    model is in the set when its p-value is at least ``size``); ``n``: origins used."""

    included: list[str]
    pvalues: pd.Series
    size: float
    n: int


def origin_losses(result: Any, metric: str | None = None) -> pd.DataFrame:
    """Per-origin losses of every compared model: the ranking metric (by default the one the
    leaderboard ranks by, :meth:`~forecast.evaluation.BacktestResult.ranking_metric`) over the
    steps of each common origin. Rows: ``(series_id, origin)``; columns: the scored models.
    NaN where the metric is undefined at an origin."""
    name = result.ranking_metric(metric)[0]
    models = result.scored_models
    frames = []
    for sid in result.series_ids:
        ok = result._series_info[sid]["ok"]
        origins = result._cells[(sid, result.models[0])].origins[ok]
        cols = {m: per_origin(name, *result._arrays(sid, m)) for m in models}
        frame = pd.DataFrame(cols, index=pd.MultiIndex.from_arrays(
            [np.full(len(origins), sid, dtype=object), origins], names=["series_id", "origin"]))
        frames.append(frame)
    out = pd.concat(frames) if frames else pd.DataFrame(columns=models)
    out.attrs["metric"] = name
    return out


def _distinct(losses: pd.DataFrame) -> dict[str, str]:
    """Each model -> the first model with the same losses (itself when none)."""
    rep: dict[str, str] = {}
    kept: list[str] = []
    for col in losses.columns:
        v = losses[col].to_numpy(float)
        scale = max(1.0, float(np.abs(v).max())) if v.size else 1.0
        same = next((k for k in kept if np.allclose(losses[k].to_numpy(float), v, rtol=0, atol=1e-12 * scale)),
                    None)
        rep[col] = same or col
        if same is None:
            kept.append(col)
    return rep


def model_confidence_set(losses: pd.DataFrame, *, size: float = MCS_SIZE, seed: int | None = None,
                         reps: int = _REPS) -> MCSResult:
    """The model confidence set of the columns of ``losses`` (rows: forecast origins; lower is
    better) at level ``1 - size``, by :class:`arch.bootstrap.MCS` seeded with ``seed``."""
    losses = losses.astype(float)
    losses.columns = [str(c) for c in losses.columns]
    unscored = [c for c in losses.columns if not losses[c].notna().any()]  # never in the set
    losses = losses.drop(columns=unscored).dropna(axis=0, how="any")
    models = list(losses.columns)
    n = len(losses)
    rep = _distinct(losses)
    distinct = list(dict.fromkeys(rep.values()))
    nan = pd.Series(np.nan, index=unscored, name="pvalue")
    if n < 3 or len(distinct) < 2:
        return MCSResult(list(models), pd.concat([pd.Series(1.0, index=models, name="pvalue"), nan]), size, n)
    from arch.bootstrap import MCS

    mcs = MCS(losses[distinct].to_numpy(), size=size, reps=reps, method="R", bootstrap="stationary",
              seed=np.random.default_rng(0 if seed is None else int(seed)))
    mcs.compute()
    p_by_pos = mcs.pvalues.iloc[:, 0]
    p = {distinct[int(k)]: float(v) for k, v in p_by_pos.items()}
    pvalues = pd.concat([pd.Series([p[rep[m]] for m in models], index=models, name="pvalue"), nan])
    return MCSResult([m for m in models if pvalues[m] >= size], pvalues, size, n)


def mcs_of_result(result: Any, metric: str | None = None, size: float = MCS_SIZE) -> MCSResult:
    """The model confidence set of a backtest (cached on the result per metric and size)."""
    cache = result.__dict__.setdefault("_mcs_cache", {})
    key = (result.ranking_metric(metric)[0], float(size))
    if key not in cache:
        cache[key] = model_confidence_set(origin_losses(result, metric), size=size,
                                          seed=result.meta.get("seed"))
    return cache[key]


def mcs_column(result: Any, models: Any, metric: str | None = None) -> list[bool]:
    """The leaderboard's ``mcs`` column: True for the models in the 90% model confidence set
    (a failed model, or one without a ranking score, is never in it)."""
    if not result.scored_models or not result.n_common_origins:
        return [False for _ in models]
    included = set(mcs_of_result(result, metric).included)
    return [str(m) in included for m in models]
