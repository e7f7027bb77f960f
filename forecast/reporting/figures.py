"""Figures of a backtest: forecasts vs actuals, error by horizon step, leaderboard, ranks.

Every function returns a :class:`matplotlib.figure.Figure` built with the object API (no
``pyplot``, no global state, never ``show()``), so it works under any backend, in a
notebook, or saved with ``fig.savefig(path)``. matplotlib is imported only here, inside the
functions.

Two kinds: the ``plot_*`` functions take a result, for notebooks and scripts; the
``*_figure`` functions take its tidy tables and draw the figures of the results folder
(:mod:`forecast.reporting.folder`), which :func:`report_figures` turns into PNG bytes.

>>> import forecast as fc
>>> res = fc.backtest(["naive", "snaive(12)"], fc.datasets.load("airline"), horizon=6, initial=126, step=6)
>>> fig = fc.plotting.plot_by_horizon(res)  # fc.plotting: this module
>>> type(fig).__name__, len(fig.axes)
('Figure', 1)
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .failnotes import nothing_scored_reason
from .html import (
    ALPHA,
    dm_count_labels,
    failed_flags,
    nemenyi_labels,
    pvalue_column,
    significance_label,
)

__all__ = ["plot_forecasts", "plot_by_horizon", "plot_leaderboard", "plot_ranks", "plot_all",
           "figure_to_png", "leaderboard_figure", "horizon_figure", "forecast_figure", "series_figure",
           "report_figures", "MAX_SERIES_PLOTS"]


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
    table = result.by_horizon(metric)[result.models]  # not the count column n
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


# ================================================================== figures of the results folder
# The report's figures: sized for report.html and its PNG files (the legend beside the
# plot, time stamps as labels), drawn from the tidy tables of a result.
MAX_SERIES_PLOTS = 12  # forecast plots in the report of a panel: the first series, up to this many


def figure_to_png(fig: Any, dpi: int = 100) -> bytes:
    """PNG bytes of a matplotlib Figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()



_COLORS = {"best": "#1b7f3b", "significantly worse": "#b3261e", "not significantly different": "#c8951a"}
_MCS_COLORS = {"best": "#1b7f3b", "in the 90% model confidence set": "#c8951a", "out of the set": "#b3261e"}


def _positions(stamps: pd.Series, order: list[str]) -> list[int]:
    where = {s: i for i, s in enumerate(order)}
    return [where.get(str(s), -1) for s in stamps]


def _time_axis(ax: Any, order: list[str], lo: int, hi: int) -> None:
    span = max(hi - lo, 1)
    every = max(span // 8, 1)
    ticks = list(range(lo, hi + 1, every))
    ax.set_xticks(ticks)
    ax.set_xticklabels([order[t] for t in ticks], rotation=30, ha="right", fontsize=8)
    ax.set_xlim(lo - 0.5, hi + 0.5)


def leaderboard_figure(board: pd.DataFrame, metric: str, alpha: float = ALPHA) -> Any:
    """Horizontal bars of ``metric`` per model. One series: coloured by the model confidence
    set (the leaderboard's ``mcs`` column; where there is none, by the DM test against the
    best). A panel: coloured by the Nemenyi verdict, with the per-series DM counts
    (worse / not different / better) written by each bar. Failed models have no bar."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    failed = failed_flags(board)
    shown = board[[not f for f in failed]].reset_index(drop=True)
    pcol = pvalue_column(shown)
    notes = [""] * len(shown)
    if pcol and "mcs" in shown.columns and shown["mcs"].notna().all():
        labels = ["best" if i == 0 else ("in the 90% model confidence set" if bool(v) else "out of the set")
                  for i, v in enumerate(shown["mcs"])]
        colors = _MCS_COLORS
        title = f"Leaderboard: {metric.upper()}, colour: the 90% model confidence set"
    elif pcol:
        labels = [significance_label(p, alpha) for p in shown[pcol].astype(float)]
        colors, title = _COLORS, f"Leaderboard: {metric.upper()}, Diebold–Mariano vs. the best at {alpha:g}"
    elif "nemenyi_worse" in shown.columns:
        verdict = nemenyi_labels(shown)
        labels = ["best" if v == "best" else ("significantly worse" if v == "worse" else "not significantly different")
                  for v in verdict]
        colors = _COLORS
        if "dm_worse" in shown.columns:
            notes = [f"   DM series w/n/b {c}" if c != "-" else "" for c in dm_count_labels(shown)]
        title = f"Leaderboard: {metric.upper()}, colour: Nemenyi vs. the best at {alpha:g} (panel ranks)"
    else:
        labels = ["best"] + ["not significantly different"] * (len(shown) - 1)
        colors, title = _COLORS, f"Leaderboard: {metric.upper()}"
    fig = Figure(figsize=(9, 0.45 * max(len(shown), 1) + 1.4))
    ax = fig.add_subplot()
    values = shown[metric].astype(float).to_numpy()
    ypos = list(range(len(shown)))[::-1]
    ax.barh(ypos, values, color=[colors[lab] for lab in labels])
    ax.set_yticks(ypos)
    ax.set_yticklabels(shown["model"].astype(str))
    for y, v, note in zip(ypos, values, notes, strict=True):
        if v == v:
            ax.text(v, y, f" {v:.3g}{note}", va="center", fontsize=8)
    gone = ", ".join(board["model"][failed].astype(str))
    ax.set_xlabel(metric.upper() + " (lower is better)" + (f"\nno bar: {gone} (failed at every origin)" if gone else ""))
    handles = [Patch(color=c, label=k) for k, c in colors.items() if k in labels]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
              title="Nemenyi (panel)" if not pcol and "nemenyi_worse" in shown.columns else None,
              title_fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.margins(x=0.35 if any(notes) else 0.15)
    fig.tight_layout()
    return fig


def horizon_figure(by_horizon: pd.DataFrame, metric: str) -> Any:
    """Error per horizon step, one line per model (``by_horizon``: steps × models)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.2 + 0.22 * (len(by_horizon.columns) + 1) // 2))
    ax = fig.add_subplot()
    for model in by_horizon.columns:
        ax.plot(by_horizon.index, by_horizon[model], marker="o", ms=3, label=str(model))
    ax.set_xlabel("horizon step")
    ax.set_ylabel(metric.upper())
    ax.set_title(f"{metric.upper()} by horizon step")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


def _draw_paths(ax: Any, f: pd.DataFrame, a: pd.DataFrame, n_paths: int) -> bool:
    """Actuals and the forecast paths of a few evenly spaced origins on ``ax``."""
    order = [str(t) for t in a["timestamp"]]
    origins = sorted(f.loc[f["y_pred"].notna(), "origin"].unique())
    if not origins:
        ax.text(0.5, 0.5, "no forecasts (failed at every origin)", ha="center", transform=ax.transAxes)
        return False
    first = max(_positions(pd.Series([origins[0]]), order)[0] - 3 * max(int(f["step"].max()), 1), 0)
    ax.plot(range(first, len(order)), a["y"].to_numpy()[first:], color="#1d2330", lw=1.4, label="actual")
    picks = [origins[round(i * (len(origins) - 1) / max(n_paths - 1, 1))] for i in range(min(n_paths, len(origins)))]
    picks = list(dict.fromkeys(picks))
    cmap = __import__("matplotlib", fromlist=["colormaps"]).colormaps["viridis"]
    for k, origin in enumerate(picks):
        path = f[f["origin"] == origin].sort_values("step")
        x = _positions(path["timestamp"], order)
        color = cmap(0.15 + 0.7 * k / max(len(picks) - 1, 1))
        if path["lower"].notna().any():
            ax.fill_between(x, path["lower"], path["upper"], color=color, alpha=0.15, lw=0)
        ax.plot(x, path["y_pred"], color=color, lw=1.6, label=f"from {origin}")
    _time_axis(ax, order, first, len(order) - 1)
    ax.grid(alpha=0.3)
    return True


def forecast_figure(forecasts: pd.DataFrame, actuals: pd.DataFrame, model: str,
                    series_id: Any = None, n_paths: int = 4) -> Any:
    """Actual values and the forecast paths of ``model`` from a few evenly spaced origins,
    with the prediction interval of each path shaded; the legend beside the plot."""
    from matplotlib.figure import Figure

    f = forecasts[forecasts["model"] == model]
    a = actuals
    if series_id is not None:
        f = f[f["series_id"] == series_id]
        a = a[a["series_id"] == series_id]
    fig = Figure(figsize=(6.4, 3.4))
    ax = fig.add_subplot()
    if _draw_paths(ax, f, a, n_paths):
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(str(model) + (f" — {series_id}" if series_id is not None else ""), fontsize=11)
    fig.tight_layout()
    return fig


def series_figure(forecasts: pd.DataFrame, actuals: pd.DataFrame, models: Sequence[str], series_id: Any,
                  n_paths: int = 3) -> Any:
    """Small multiples for one series of a panel: one panel per model (same origins), one
    legend beside them."""
    from matplotlib.figure import Figure

    f = forecasts[forecasts["series_id"] == series_id]
    a = actuals[actuals["series_id"] == series_id]
    ncols = 2 if len(models) > 1 else 1
    nrows = math.ceil(len(models) / ncols)
    fig = Figure(figsize=(11, 2.7 * nrows + 0.6))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    handles, labels = [], []
    for ax, model in zip(axes, models, strict=False):
        if _draw_paths(ax, f[f["model"] == model], a, n_paths) and not handles:
            handles, labels = ax.get_legend_handles_labels()
        ax.set_title(str(model), fontsize=10, loc="left")
    for ax in axes[len(models):]:
        ax.set_visible(False)
    fig.suptitle(f"Series {series_id}", fontsize=11)
    fig.tight_layout()
    if handles:
        fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.0, 0.95), fontsize=8, frameon=False)
    return fig


def report_figures(result: Any, board: pd.DataFrame, metric: str) -> dict[str, dict[str, bytes]]:
    """PNG figures of the report, ranked by ``metric``: leaderboard, error by horizon, and
    forecasts: per model for one series; for a panel, one small-multiples figure per series
    (the first :data:`MAX_SERIES_PLOTS`), under ``"series"``. Nothing but empty groups when
    nothing was scored (the report says why instead of drawing empty charts)."""
    figs: dict[str, dict[str, bytes]] = {"leaderboard": {}, "horizon": {}, "forecasts": {}, "series": {}}
    if nothing_scored_reason(result) is not None:
        return figs
    figs["leaderboard"]["Leaderboard"] = figure_to_png(leaderboard_figure(board, metric))
    by_h = result.by_horizon(metric)[result.scored_models]
    figs["horizon"][f"{metric.upper()} by horizon step"] = figure_to_png(horizon_figure(by_h, metric))
    models = result.scored_models  # a failed model has nothing to plot
    if len(result.series_ids) > 1:
        for sid in result.series_ids[:MAX_SERIES_PLOTS]:
            figs["series"][str(sid)] = figure_to_png(series_figure(result.forecasts, result.actuals, models, sid))
        return figs
    for model in models:
        figs["forecasts"][str(model)] = figure_to_png(forecast_figure(result.forecasts, result.actuals, model))
    return figs
