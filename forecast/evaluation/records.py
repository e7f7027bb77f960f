"""The tidy tables of a backtest result, from the records its tasks returned.

A task's record holds, for one model on one series (or a global model's share of one
series) and one refit segment, the forecasts at its origins (``mean``, ``lower``,
``upper``: origins x steps), the failed origins, the fit and predict seconds, the settings
the fit resolved and the warnings it raised. :func:`tables_from_records` lays them out as
the four tables of :class:`~forecast.evaluation.BacktestResult` (one row per series, model,
origin and step in ``forecasts``) and completes ``meta`` (``model_names``, ``index``,
``resolved``, ``warnings``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .stored import index_kind

__all__ = ["tables_from_records", "FAILURE_COLUMNS", "TIMING_COLUMNS"]

FAILURE_COLUMNS = ["series_id", "model", "origin", "stage", "error_type", "message"]
TIMING_COLUMNS = ["series_id", "model", "segment", "n_origins", "fit_seconds", "predict_seconds"]


def tables_from_records(records: list[dict], panel: dict[str, pd.Series], origins_by_series: dict[str, Any],
                        model_names: list[str], meta: dict[str, Any]) -> tuple:
    """``(forecasts, actuals, failures, timings, meta)`` of the tasks' ``records`` on the
    series of ``panel`` (each series' origins as positions in ``origins_by_series``)."""
    h = int(meta["settings"]["horizon"])
    steps = np.arange(1, h + 1)
    parts: dict[tuple[str, str], list[dict]] = {}
    for rec in records:
        parts.setdefault((rec["series_id"], rec["model"]), []).append(rec)
    rows: dict[str, list] = {"failures": [], "timings": [], "resolved": [], "warnings": []}
    cols: dict[str, list] = {k: [] for k in ("series_id", "model", "step", "y_true", "y_pred", "lower", "upper")}
    origin_parts, stamp_parts = [], []
    for sid, series in panel.items():
        index = series.index
        values = series.to_numpy()
        origins = np.asarray(origins_by_series[sid])
        pos = (origins[:, None] + steps[None, :]).ravel()
        origin_idx = index.take(np.repeat(origins, h))
        stamp_idx = index.take(pos)
        for name in model_names:
            recs = sorted(parts.get((sid, name), []), key=lambda r: r["segment"])
            n = pos.size
            cols["series_id"].append(np.full(n, sid, dtype=object))
            cols["model"].append(np.full(n, name, dtype=object))
            cols["step"].append(np.tile(steps, len(origins)))
            cols["y_true"].append(values[pos])
            for key, out in (("mean", "y_pred"), ("lower", "lower"), ("upper", "upper")):
                cols[out].append(np.concatenate([np.asarray(r[key], float).reshape(-1, h) for r in recs]).ravel())
            origin_parts.append(origin_idx)
            stamp_parts.append(stamp_idx)
            _task_rows(sid, name, recs, index, rows)
    data = {k: np.concatenate(v) for k, v in cols.items()}
    forecasts = pd.DataFrame({
        "series_id": data["series_id"], "model": data["model"],
        "origin": origin_parts[0].append(origin_parts[1:]) if len(origin_parts) > 1 else origin_parts[0],
        "step": data["step"],
        "timestamp": stamp_parts[0].append(stamp_parts[1:]) if len(stamp_parts) > 1 else stamp_parts[0],
        "y_true": data["y_true"], "y_pred": data["y_pred"], "lower": data["lower"], "upper": data["upper"],
    })
    actuals = pd.concat([pd.DataFrame({"series_id": sid, "timestamp": s.index, "y": s.to_numpy()})
                         for sid, s in panel.items()], ignore_index=True)
    meta = dict(meta)
    meta["model_names"] = list(model_names)
    meta["index"] = {sid: index_kind(s.index) for sid, s in panel.items()}
    meta["resolved"] = rows["resolved"]  # per fit: the settings it resolved (orders chosen, a network's "auto" settings)
    meta["warnings"] = rows["warnings"]  # per task: the warnings its fit and forecasts raised (see fit_warnings)
    return (forecasts, actuals, pd.DataFrame(rows["failures"], columns=FAILURE_COLUMNS),
            pd.DataFrame(rows["timings"], columns=TIMING_COLUMNS), meta)


def _task_rows(sid: str, name: str, recs: list[dict], index: pd.Index, rows: dict[str, list]) -> None:
    """The rows of one model's records on series ``sid``: the settings each fit resolved,
    the warnings, the timings and the failed origins (as time stamps of ``index``)."""
    for r in recs:
        if r.get("resolved"):
            rows["resolved"].append({"series_id": sid, "model": name, "segment": r["segment"],
                                     "settings": r["resolved"]})
        for w in r.get("warnings", ()):
            rows["warnings"].append({"series_id": w.get("series_id", sid), "model": name,
                                     "segment": r["segment"], "stage": w["stage"],
                                     "category": w["category"], "message": w["message"],
                                     "count": int(w["count"])})
        rows["timings"].append({"series_id": sid, "model": name, "segment": r["segment"],
                                "n_origins": len(r["origins"]), "fit_seconds": r["fit_seconds"],
                                "predict_seconds": r["predict_seconds"]})
        for f in r["failures"]:
            rows["failures"].append({"series_id": sid, "model": name, "origin": index[f["origin"]],
                                     "stage": f["stage"], "error_type": f["error_type"],
                                     "message": f["message"]})
