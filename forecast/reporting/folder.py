"""The results folder of a backtest, the same from the command line and the Python API.

:func:`save_report` writes, every file atomically:

``forecasts.csv``, ``scores.csv``, ``leaderboard.csv``, ``failures.csv``
    the tidy tables of the :class:`~forecast.evaluation.BacktestResult`;
``dm_vs_members.csv``
    when the run has combinations: each one's Diebold-Mariano test against each member
    (also in ``run.json``'s ``combinations``, with the members);
``run.json``
    the result's settings and metadata (and the command's settings when the CLI ran it);
``verdict.json``
    the family verdict (:meth:`~forecast.evaluation.BacktestResult.verdict`) as data;
``leaderboard.png``, ``by_horizon.png``, ``forecast_NN_<name>.png`` and ``report.html``
    unless ``figures=False``: the leaderboard (failed models listed, not ranked), the error
    at every horizon step, the forecasts of every model (of each of the first
    :data:`~forecast.reporting.figures.MAX_SERIES_PLOTS` series of a panel, with a note), the
    failures, and the settings each model resolved in fitting above the raw settings. When
    nothing could be scored the report says so, and why, instead of drawing empty charts.

``forecast backtest --out DIR`` calls it; so can a script: ``res.save_report("results")``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ..atomic import atomic_write, atomic_write_csv
from ..errors import option
from ..jsonable import dumps
from ..paths import writable_folder
from ..resolved import by_series, summarize
from .failnotes import model_failure_lines, nothing_scored_reason, undefined_notes
from .figures import MAX_SERIES_PLOTS, report_figures
from .html import fmt_value, write_report

__all__ = ["save_report", "primary_metric"]

#: what the files name the data when the caller does not say
_DEFAULT_SOURCE = "data given to forecast.evaluation"


def primary_metric(board: Any) -> str:
    """The metric the leaderboard is ranked by (its ``skill_<metric>`` column names it)."""
    for col in board.columns:
        if str(col).startswith("skill_"):
            return str(col)[len("skill_"):]
    return str(board.columns[2])



def save_report(result: Any, path: str | os.PathLike, *, figures: bool = True, source: str | None = None,
                settings: dict[str, Any] | None = None, notes: list[str] | tuple[str, ...] = ()) -> Path:
    """Write the results folder of ``result`` into ``path`` (created if needed) and return it.

    ``figures=False`` leaves out the PNG plots and ``report.html`` (the tables and
    ``run.json`` only). ``source`` names the data in the report; ``settings`` (the command
    line's settings, when it ran the backtest) go to ``run.json`` and the report as they are;
    ``notes`` (what the command line said while it ran) to the report, with the notes on
    undefined scores the terminal prints under the leaderboard.
    """
    out = writable_folder(path, option("out", "path"))  # the CLI's --out check: an InputError, not an OSError
    source = source or _DEFAULT_SOURCE
    board = result.leaderboard()
    _remove_earlier_report(out)
    atomic_write_csv(out / "forecasts.csv", result.forecasts)
    atomic_write_csv(out / "scores.csv", result.scores(), index=True, index_label="metric")
    atomic_write_csv(out / "leaderboard.csv", board)
    atomic_write_csv(out / "failures.csv", result.failures)
    run = ({} if settings is None else {"forecast_cli": settings}) | {"backtest": result.meta}
    run |= _combinations(result, board, out)
    atomic_write(out / "run.json", dumps(run, unknown=str, indent=2) + "\n")
    atomic_write(out / "verdict.json", dumps(result.verdict().to_dict(), unknown=str, indent=2) + "\n")
    if figures:
        _write_figures_and_report(result, board, out, settings, source, list(notes))
    return out


def _combinations(result: Any, board: Any, out: Path) -> dict[str, Any]:
    """``dm_vs_members.csv`` and run.json's ``combinations``: each combination's members and
    its Diebold-Mariano test against each of them (nothing when the run has none)."""
    import pandas as pd

    from ..evaluation.members import combinations

    combos = combinations(result)
    if not combos:
        return {}
    table = pd.DataFrame(board.attrs.get("dm_vs_members", []))
    atomic_write_csv(out / "dm_vs_members.csv", table)
    for name, info in combos.items():
        info["dm_vs_members"] = [r for r in board.attrs.get("dm_vs_members", []) if r["combination"] == name]
    return {"combinations": combos}


def _remove_earlier_report(out: Path) -> None:
    """Remove the report and figures an earlier run wrote into ``out``, before this run
    writes anything: whether or not this run writes a report (``figures=False``), no old
    report.html or plot is left beside the new tables. Only the files this module writes;
    anything else in the folder (the CLI's log and cache, the user's files) stays."""
    for stale in [out / "report.html", out / "leaderboard.png", out / "by_horizon.png", out / "dm_vs_members.csv",
                  *out.glob("forecast_*.png")]:
        try:
            stale.unlink()
        except FileNotFoundError:
            pass


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()


def _write_figures_and_report(result: Any, board: Any, out: Path, settings: dict[str, Any] | None,
                              source: str, notes: list[str]) -> None:
    """Write the PNG figures and ``report.html`` of ``result`` into ``out``."""
    primary = primary_metric(board)
    figs = report_figures(result, board, primary)
    if figs["leaderboard"]:
        atomic_write(out / "leaderboard.png", next(iter(figs["leaderboard"].values())))
        atomic_write(out / "by_horizon.png", next(iter(figs["horizon"].values())))
    singles = list(figs["forecasts"].items()) or list(figs["series"].items())
    for i, (caption, png) in enumerate(singles):
        atomic_write(out / f"forecast_{i + 1:02d}_{_slug(caption)}.png", png)

    meta = result.meta.get("settings", {})
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
                 f"{board['model'].iloc[0]} ({primary} {fmt_value(float(board[primary].iloc[0]))})"),
    }
    if nothing is None and board.attrs.get("ranking_note"):
        summary["ranked by"] = board.attrs["ranking_note"].removeprefix("ranked by ")
    if result.meta.get("season_note"):
        summary["season"] = result.meta["season_note"]
    if result.failed_models:
        summary["failed"] = ", ".join(result.failed_models)
    by_horizon = None
    if nothing is None:
        by_horizon = result.by_horizon(primary)[[*result.scored_models, "n"]].reset_index()
        by_horizon.columns = [f"step ({primary})", *by_horizon.columns[1:]]
    panel_note = ""
    if n_series > 1 and nothing is None and len(result.scored_models) > 1:
        fr = result.friedman(primary)
        panel_note = (f"Friedman test over {fr.n_series} series: p = {fmt_value(float(fr.pvalue))}; "
                      f"Nemenyi critical difference {fmt_value(float(fr.critical_difference))} in mean rank.")
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
        settings=({} if settings is None else {"cli": settings}) | {"backtest": result.meta},
        leaderboard_images=figs["leaderboard"], horizon_images=figs["horizon"],
        forecast_images=figs["forecasts"], forecast_groups={f"Series {k}": {f"Series {k}": v}
                                                            for k, v in figs["series"].items()},
        forecast_note=forecast_note, panel_note=panel_note,
        notice=f"Nothing could be scored: {nothing}." if nothing else None,
        notice_items=model_failure_lines(result, limit=400) if nothing else (),
        failed_models=result.failure_summary(), resolved=summarize(result.meta.get("resolved", [])),
        resolved_by_series=by_series(result.meta.get("resolved", [])),
        notes=notes + (undefined_notes(result, board) if nothing is None else []),  # what the terminal says
        combinations=board.attrs.get("dm_vs_members") if nothing is None else None,
        verdict=result.verdict() if nothing is None else None,
    )
