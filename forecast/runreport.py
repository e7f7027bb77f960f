"""The report of a finished backtest run: figures (PNG files) and ``report.html``.

Built from a :class:`~forecast.backtest.BacktestResult`: the leaderboard (failed models
listed, not ranked), the error at every horizon step (steps as rows, so no step is cut),
the forecasts of every series of a panel (one foldable group per series, capped at
:data:`MAX_SERIES_PLOTS`, with a note), the failures, and the settings each model resolved
in fitting (orders chosen, epochs run) above the raw settings. When nothing could be
scored the report says so, and why, instead of drawing empty charts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

__all__ = ["primary_metric", "make_figures", "write_figures_and_report", "MAX_SERIES_PLOTS"]

MAX_SERIES_PLOTS = 12  # forecast plots in the report of a panel: the first series, up to this many


def primary_metric(board: Any) -> str:
    """The metric the leaderboard is ranked by (its ``skill_<metric>`` column names it)."""
    for col in board.columns:
        if str(col).startswith("skill_"):
            return str(col)[len("skill_"):]
    return str(board.columns[2])


def _png(fig: Any) -> bytes:
    from .report import figure_to_png

    return figure_to_png(fig)  # object-API figures: no pyplot state to close


def make_figures(result: Any, board: Any) -> dict[str, dict[str, Any]]:
    """PNG figures of the report: leaderboard, error by horizon, and forecasts: per model
    for one series; for a panel, one small-multiples figure per series (the first
    :data:`MAX_SERIES_PLOTS`), under ``"series"``. Nothing but the forecasts when nothing
    was scored."""
    from . import report
    from .failnotes import nothing_scored_reason

    metric = primary_metric(board)
    figs: dict[str, dict[str, Any]] = {"leaderboard": {}, "horizon": {}, "forecasts": {}, "series": {}}
    if nothing_scored_reason(result) is not None:
        return figs  # no empty charts: the report says why nothing was scored
    figs["leaderboard"]["Leaderboard"] = _png(report.leaderboard_figure(board, metric))
    by_h = result.by_horizon(metric)[result.scored_models]
    figs["horizon"][f"{metric.upper()} by horizon step"] = _png(report.horizon_figure(by_h, metric))
    models = result.scored_models  # a failed model has nothing to plot
    if len(result.series_ids) > 1:
        for sid in result.series_ids[:MAX_SERIES_PLOTS]:
            figs["series"][str(sid)] = _png(report.series_figure(result.forecasts, result.actuals, models, sid))
        return figs
    for model in models:
        figs["forecasts"][str(model)] = _png(report.forecast_figure(result.forecasts, result.actuals, model))
    return figs


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()


def write_figures_and_report(result: Any, board: Any, out: Path, settings: dict[str, Any], source: str) -> None:
    """Write the PNG figures and ``report.html`` of ``result`` into ``out``."""
    from .backtest.resolved import summarize
    from .failnotes import model_failure_lines, nothing_scored_reason
    from .report import _fmt, atomic_write, write_report

    figs = make_figures(result, board)
    for stale in [*out.glob("forecast_*.png"), out / "leaderboard.png", out / "by_horizon.png"]:
        if stale.exists():  # plots of an earlier run in the same folder
            stale.unlink()
    if figs["leaderboard"]:
        atomic_write(out / "leaderboard.png", next(iter(figs["leaderboard"].values())))
        atomic_write(out / "by_horizon.png", next(iter(figs["horizon"].values())))
    singles = list(figs["forecasts"].items()) or list(figs["series"].items())
    for i, (caption, png) in enumerate(singles):
        atomic_write(out / f"forecast_{i + 1:02d}_{_slug(caption)}.png", png)

    meta = result.meta.get("settings", {})
    primary = primary_metric(board)
    nothing = nothing_scored_reason(result)
    n_series = len(result.series_ids)
    summary = {
        "data": source,
        "series": n_series,
        "models": len(result.models),
        "origins": int(board["n_origins"].max()) if "n_origins" in board else "?",
        "horizon": meta.get("horizon"),
        "refit": {True: "always", False: "never"}.get(meta.get("refit"), f"every {meta.get('refit')}"),
        "best": ("nothing scored" if nothing else
                 f"{board['model'].iloc[0]} ({primary} {_fmt(float(board[primary].iloc[0]))})"),
    }
    if result.failed_models:
        summary["failed"] = ", ".join(result.failed_models)
    by_horizon = None
    if nothing is None:
        by_horizon = result.by_horizon(primary)[result.scored_models].reset_index()
        by_horizon.columns = [f"step ({primary})", *by_horizon.columns[1:]]
    panel_note = ""
    if n_series > 1 and nothing is None and len(result.scored_models) > 1:
        fr = result.friedman(primary)
        panel_note = (f"Friedman test over {fr.n_series} series: p = {_fmt(float(fr.pvalue))}; "
                      f"Nemenyi critical difference {_fmt(float(fr.critical_difference))} in mean rank.")
    forecast_note = ""
    if n_series > 1:
        shown = min(n_series, MAX_SERIES_PLOTS)
        forecast_note = (f"One group per series ({shown} of {n_series}"
                         + (f"; the first {shown} in the order of the data, every series is in forecasts.csv"
                            if n_series > shown else "")
                         + "). Open a group to see its forecasts; the first is open.")
    write_report(
        out / "report.html", leaderboard=board, title="Backtest report",
        subtitle=f"{source} — {len(result.models)} models, horizon {meta.get('horizon')}",
        summary=summary, by_horizon=by_horizon, failures=result.failures,
        settings={"cli": settings, "backtest": result.meta},
        leaderboard_images=figs["leaderboard"], horizon_images=figs["horizon"],
        forecast_images=figs["forecasts"], forecast_groups={f"Series {k}": {f"Series {k}": v}
                                                            for k, v in figs["series"].items()},
        forecast_note=forecast_note, panel_note=panel_note,
        notice=f"Nothing could be scored: {nothing}." if nothing else None,
        notice_items=model_failure_lines(result, limit=400) if nothing else (),
        failed_models=result.failure_summary(), resolved=summarize(result.meta.get("resolved", [])),
    )
