"""Figures of a backtest: forecasts vs actuals, error by horizon step, leaderboard, ranks.

Every function returns a :class:`matplotlib.figure.Figure` built with the object API (no
``pyplot``, no global state, never ``show()``), so it works under any backend, in a
notebook, or saved with ``fig.savefig(path)``. matplotlib is imported only here, inside the
functions.

>>> import forecast as fc
>>> res = fc.backtest(["naive", "snaive(12)"], fc.datasets.load("airline"), horizon=6, initial=126, step=6)
>>> fig = fc.plotting.plot_by_horizon(res)
>>> type(fig).__name__, len(fig.axes)
('Figure', 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["plot_forecasts", "plot_by_horizon", "plot_leaderboard", "plot_ranks", "plot_all"]


def _figure(width: float = 8.0, height: float = 4.5):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _x(values: Any) -> np.ndarray:
    """Plot positions for time stamps (periods become timestamps)."""
    idx = pd.Index(values)
    if isinstance(idx, pd.PeriodIndex):
        return idx.to_timestamp().to_numpy()
    return idx.to_numpy()


def _series_id(result, series_id: str | None) -> str:
    ids = result.series_ids
    if series_id is None:
        return ids[0]
    if str(series_id) not in ids:
        raise InputError(f"series_id {series_id!r} is not in this result; it has {', '.join(ids[:10])}")
    return str(series_id)


def plot_forecasts(result, *, series_id: str | None = None, models: Sequence[str] | None = None,
                   origins: Sequence[Any] | int = 1, history: int | None = None):
    """Actuals and, per model (one panel each), the forecasts from the last ``origins``
    origins (or the given origin time stamps) with their prediction intervals."""
    sid = _series_id(result, series_id)
    models = list(models or result.models)
    unknown = [m for m in models if m not in result.models]
    if unknown:
        raise InputError(f"unknown model(s) {', '.join(unknown)}; this result has {', '.join(result.models)}")
    fcs = result.forecasts[result.forecasts["series_id"] == sid]
    all_origins = list(pd.unique(fcs["origin"]))
    chosen = all_origins[-int(origins):] if isinstance(origins, int | np.integer) else list(origins)
    act = result.actuals[result.actuals["series_id"] == sid]
    if history is None:
        first = pd.Index(act["timestamp"]).get_loc(chosen[0])
        history = max(3 * result.horizon, len(act) - first)
    act = act.iloc[-(history + 0):] if history else act
    level = result.meta["settings"].get("level", 95)
    fig = _figure(9.0, 2.2 * len(models) + 0.8)
    axes = np.atleast_1d(fig.subplots(len(models), 1, sharex=True, squeeze=False)[:, 0])
    for ax, name in zip(axes, models, strict=True):
        ax.plot(_x(act["timestamp"]), act["y"].to_numpy(), color="black", lw=1.2, label="actual")
        part = fcs[fcs["model"] == name]
        for k, origin in enumerate(chosen):
            one = part[part["origin"] == origin]
            x = _x(one["timestamp"])
            color = f"C{k % 10}"
            ax.plot(x, one["y_pred"].to_numpy(), color=color, lw=1.5,
                    label="forecast" if k == 0 else None)
            if one["lower"].notna().all():
                ax.fill_between(x, one["lower"].to_numpy(), one["upper"].to_numpy(), color=color,
                                alpha=0.2, label=f"{level:g}% interval" if k == 0 else None)
        ax.set_title(name, fontsize=10, loc="left")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the data, not on it
    fig.suptitle(f"Forecasts vs actuals ({sid})")
    return fig


def plot_by_horizon(result, metric: str = "mae"):
    """The error at each horizon step, one line per model."""
    table = result.by_horizon(metric)
    fig = _figure()
    ax = fig.subplots()
    for k, name in enumerate(table.columns):
        ax.plot(table.index.to_numpy(), table[name].to_numpy(), marker="o", ms=3, color=f"C{k % 10}", label=name)
    ax.set_xlabel("horizon step")
    ax.set_ylabel(metric.upper())
    ax.set_title(f"{metric.upper()} by horizon step")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def plot_leaderboard(result, metric: str | None = None, *, alpha: float = 0.05):
    """Horizontal bars of ``metric`` per model, best on top. For one series a bar is hatched
    when the Diebold–Mariano test finds it significantly worse than the best at ``alpha``;
    for a panel, when the Nemenyi test does. The p-values are written next to the bars (for a
    panel, the mean rank and the per-series DM counts worse / not different / better). A
    model that failed at every origin has no bar and is named in the title."""
    full = result.leaderboard(metric, alpha=alpha)
    failed = full["status"] == "failed"
    board = full[~failed].reset_index(drop=True)
    if board.empty:
        raise InputError("nothing to plot: every model failed at every origin (see result.failure_summary())")
    metric = metric or result._primary()
    fig = _figure(8.0, 0.45 * len(board) + 1.5)
    ax = fig.subplots()
    y = np.arange(len(board))[::-1]
    if "dm_pvalue" in board:
        worse = (board["dm_pvalue"] < alpha) & (board["dm_stat"] > 0)
        notes = ["best" if i == 0 else f"DM p={p:.3g}" for i, p in enumerate(board["dm_pvalue"])]
    else:
        from .report import dm_count_labels

        worse = board["nemenyi_worse"].fillna(False).astype(bool)
        notes = [f"mean rank {r:.2f}" + (f", DM w/n/b {c}" if c != "-" else "")
                 for r, c in zip(board["mean_rank"], dm_count_labels(board), strict=True)]
    for yi, value, bad, note in zip(y, board[metric], worse, notes, strict=True):
        ax.barh(yi, value, color="C3" if bad else "C0", hatch="//" if bad else None, alpha=0.85)
        ax.text(value, yi, f" {note}", va="center", fontsize=8)
    ax.set_yticks(y, board["model"].tolist())
    ax.set_xlabel(metric.upper())
    gone = ", ".join(full.loc[failed, "model"].astype(str))
    ax.set_title(f"Leaderboard: hatched = significantly worse than {board['model'].iloc[0]} (alpha={alpha})"
                 + (f"\nno bar: {gone} (failed at every origin)" if gone else ""), fontsize=10)
    ax.margins(x=0.25)
    return fig


def plot_ranks(result, metric: str | None = None, *, alpha: float = 0.05):
    """Critical-difference diagram for a panel: mean ranks on an axis (1 = best), the
    Nemenyi critical difference as a bar, and groups of models not significantly
    different joined by thick lines. The Friedman p-value is in the title."""
    fr = result.friedman(metric, alpha=alpha)
    ranks = fr.mean_ranks
    k = len(ranks)
    fig = _figure(8.0, 1.2 + 0.35 * k)
    ax = fig.subplots()
    ax.set_xlim(1, k)
    ax.set_ylim(-(k + 1), 2)
    ax.axhline(0, color="black", lw=1)
    ax.set_yticks([])
    for spine in ("left", "right", "bottom"):
        ax.spines[spine].set_visible(False)
    ax.xaxis.set_ticks_position("top")
    for i, (name, r) in enumerate(ranks.items()):
        ax.plot([r, r], [0, -(i + 1)], color="gray", lw=0.8)
        ax.plot(r, 0, "o", color="black", ms=4)
        ax.text(r, -(i + 1), f" {name} ({r:.2f})", va="center", fontsize=8)
    ax.plot([1, 1 + fr.critical_difference], [1.2, 1.2], color="C3", lw=3)
    ax.text(1, 1.5, f"CD = {fr.critical_difference:.2f}", fontsize=8)
    values = ranks.to_numpy()
    level = 0.4
    for i in range(k):  # maximal cliques of consecutive models within the CD
        j = i
        while j + 1 < k and values[j + 1] - values[i] <= fr.critical_difference:
            j += 1
        if j > i and (i == 0 or values[j] - values[i - 1] > fr.critical_difference):
            ax.plot([values[i], values[j]], [-level, -level], color="black", lw=3)
            level += 0.25
    ax.set_title(f"Mean ranks over {fr.n_series} series (Friedman p = {fr.pvalue:.3g})", fontsize=10)
    return fig


def plot_all(result, metric: str | None = None) -> dict[str, Any]:
    """The whole set: forecasts, by_horizon, leaderboard, and ranks for a panel."""
    figs = {"forecasts": plot_forecasts(result), "by_horizon": plot_by_horizon(result, metric or "mae"),
            "leaderboard": plot_leaderboard(result, metric)}
    if len(result.series_ids) > 1:
        figs["ranks"] = plot_ranks(result, metric)
    return figs
