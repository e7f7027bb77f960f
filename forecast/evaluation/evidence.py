"""What the data say that bears on the family verdict: evidence, not cause.

For one series (:func:`series_evidence`):

* **Nonlinearity left** in the best classical model's errors: the BDS test
  (:func:`statsmodels.tsa.stattools.bds`, embedding dimension 2) on its one-step backtest
  errors at the common origins (the errors of a model that captured the linear structure;
  a small p-value says dependence is left that a linear model did not take up). Fewer than
  :data:`MIN_BDS` errors: not tested.
* **How far back the dependence reaches**: the partial autocorrelations of the series'
  first differences (up to the last origin; lags up to ``max(24, 3 m)``, at most a quarter
  of the values), significant where ``|pacf| > 1.96 / sqrt(n)``; the furthest significant
  lag is set against the network's window (``time_steps`` as its fits resolved it, the most
  frequent value).
* **Where each family wins along the horizon**: the steps at which the best model of each
  family has the lower ranking metric (:meth:`~forecast.evaluation.BacktestResult.by_horizon`).

For a panel (:func:`panel_evidence`): per series its length, STL seasonal strength (when
the season is > 1 and the series spans two seasons), the BDS p-value above and the family
that wins there, summarised per winning family.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["series_evidence", "panel_evidence", "network_window", "MIN_BDS"]

#: fewest one-step errors the BDS test is run on
MIN_BDS = 20


def _one_step_errors(result: Any, sid: str, model: str) -> np.ndarray:
    y, f, *_ = result._arrays(sid, model)
    e = (y - f)[:, 0] if y.size else np.array([])
    return e[np.isfinite(e)]


def bds_pvalue(errors: np.ndarray) -> float:
    """BDS p-value (dimension 2) of ``errors``; NaN for fewer than :data:`MIN_BDS` or constant errors."""
    from statsmodels.tsa.stattools import bds

    e = np.asarray(errors, float)
    if e.size < MIN_BDS or np.ptp(e) == 0:
        return float("nan")
    try:
        return float(np.atleast_1d(bds(e, max_dim=2)[1])[0])
    except (ValueError, ZeroDivisionError, np.linalg.LinAlgError):
        return float("nan")


def pacf_reach(values: np.ndarray, season: int) -> dict[str, Any]:
    """The furthest significant partial autocorrelation lag of the first differences."""
    from statsmodels.tsa.stattools import pacf

    d = np.diff(np.asarray(values, float))
    d = d[np.isfinite(d)]
    nlags = min(max(24, 3 * season), len(d) // 4)
    if nlags < 1 or np.ptp(d) == 0:
        return {"lags": [], "reach": None, "nlags": 0, "n": int(len(d))}
    coef = pacf(d, nlags=nlags, method="ywm")
    bound = 1.96 / np.sqrt(len(d))
    lags = [int(k) for k in range(1, nlags + 1) if abs(coef[k]) > bound]
    return {"lags": lags, "reach": max(lags) if lags else 0, "nlags": int(nlags), "n": int(len(d))}


def network_window(result: Any, model: str) -> int | None:
    """The input window (``time_steps``) of a recurrent model: as its fits resolved it (the
    most frequent value over fits), else its parameter when it is a number."""
    seen = [r["settings"].get("time_steps") for r in result.meta.get("resolved", [])
            if r.get("model") == model and isinstance(r.get("settings"), dict)]
    seen = [int(v) for v in seen if isinstance(v, int | float) and not isinstance(v, bool)]
    if seen:
        return Counter(seen).most_common(1)[0][0]
    value = result.meta.get("models", {}).get(model, {}).get("params", {}).get("time_steps")
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _series_values(result: Any, sid: str) -> np.ndarray:
    inf = result._series_info[sid]
    last = int(inf["pos"].max()) + 1 if len(inf["pos"]) else len(inf["values"])
    return inf["values"][:last]  # the data up to the last origin: what the models could see


def horizon_wins(result: Any, metric: str, a: str, b: str) -> dict[str, list[int]]:
    """Horizon steps where ``a`` / ``b`` has the lower ``metric`` (ties to neither)."""
    bh = result.by_horizon(metric)
    va, vb = bh[a].to_numpy(float), bh[b].to_numpy(float)
    steps = bh.index.to_numpy()
    return {a: [int(s) for s, x, y in zip(steps, va, vb, strict=True) if x < y],
            b: [int(s) for s, x, y in zip(steps, va, vb, strict=True) if y < x]}


def series_evidence(result: Any, metric: str, classical: str | None, recurrent: str | None,
                    alpha: float = 0.05) -> dict[str, Any]:
    """The evidence for one series (the first of the result): see the module docstring."""
    sid = result.series_ids[0]
    out: dict[str, Any] = {}
    if classical is not None:
        e = _one_step_errors(result, sid, classical)
        out["bds"] = {"model": classical, "pvalue": bds_pvalue(e), "n": int(e.size)}
    reach = pacf_reach(_series_values(result, sid), result.season)
    out["pacf"] = reach
    if recurrent is not None:
        out["window"] = {"model": recurrent, "time_steps": network_window(result, recurrent)}
    if classical is not None and recurrent is not None:
        out["horizon"] = horizon_wins(result, metric, classical, recurrent)
    out["lines"] = _series_lines(out, alpha)
    return out


def _series_lines(ev: dict[str, Any], alpha: float) -> list[str]:
    lines = []
    bds = ev.get("bds")
    if bds:
        if not np.isfinite(bds["pvalue"]):
            lines.append(f"Nonlinearity: not tested ({bds['n']} one-step errors of {bds['model']}; the BDS "
                         f"test needs {MIN_BDS}).")
        elif bds["pvalue"] < alpha:
            lines.append(f"Nonlinearity: the BDS test finds dependence left in the one-step errors of "
                         f"{bds['model']} (p = {bds['pvalue']:.3g}, {bds['n']} errors): structure a linear model "
                         "did not take up.")
        else:
            lines.append(f"Nonlinearity: the BDS test finds none left in the one-step errors of {bds['model']} "
                         f"(p = {bds['pvalue']:.3g}, {bds['n']} errors).")
    pac = ev.get("pacf") or {}
    win = (ev.get("window") or {}).get("time_steps")
    if pac.get("reach") is not None:
        reach = ("no partial autocorrelation of the differenced series is significant" if not pac["reach"]
                 else f"the furthest significant partial autocorrelation of the differenced series is at lag "
                      f"{pac['reach']} (of {pac['nlags']} examined)")
        if win is not None:
            side = ("within" if (pac["reach"] or 0) <= win else "beyond")
            reach += f", {side} the window of {ev['window']['model']} ({win} steps)"
        lines.append(f"Memory: {reach}.")
    hz = ev.get("horizon")
    if hz:
        (a, sa), (b, sb) = hz.items()
        lines.append(f"By horizon: {a} is better at {_steps(sa)}, {b} at {_steps(sb)}.")
    return lines


def _steps(steps: list[int]) -> str:
    if not steps:
        return "no step"
    runs, start = [], steps[0]
    for prev, cur in zip(steps, [*steps[1:], None], strict=True):
        if cur != prev + 1 if cur is not None else True:
            runs.append(str(start) if start == prev else f"{start}-{prev}")
            start = cur
    return ("step " if len(steps) == 1 else "steps ") + ", ".join(runs)


def panel_evidence(result: Any, winners: dict[str, str | None], classical: str | None,
                   alpha: float = 0.05) -> dict[str, Any]:
    """Per series: length, seasonal strength, BDS p-value of the best classical model's
    one-step errors and the winning family (``winners``: series -> family or None); and per
    family the medians over the series it wins."""
    from ..models.auto_arima import seasonal_strength

    m = result.season
    rows = []
    for sid in result.series_ids:
        values = _series_values(result, sid)
        strength = float("nan")
        if m > 1 and len(values) >= 2 * m + 1:
            try:
                strength = float(seasonal_strength(values, m))
            except (ValueError, np.linalg.LinAlgError):
                strength = float("nan")
        bds = bds_pvalue(_one_step_errors(result, sid, classical)) if classical else float("nan")
        rows.append({"series_id": sid, "length": int(len(values)), "seasonal_strength": strength,
                     "bds_pvalue": bds, "winner": winners.get(sid)})
    table = pd.DataFrame(rows, columns=["series_id", "length", "seasonal_strength", "bds_pvalue", "winner"])
    summary = {}
    for family, part in table.groupby("winner", sort=False):
        tested = part["bds_pvalue"].dropna()
        summary[str(family)] = {
            "n": int(len(part)), "median_length": float(part["length"].median()),
            "median_seasonal_strength": float(part["seasonal_strength"].median()),
            "share_nonlinear": float((tested < alpha).mean()) if len(tested) else float("nan"),
            "n_bds_tested": int(len(tested))}
    lines = []
    for family, s in summary.items():
        bits = [f"median length {s['median_length']:g}"]
        if np.isfinite(s["median_seasonal_strength"]):
            bits.append(f"median seasonal strength {s['median_seasonal_strength']:.2f}")
        if s["n_bds_tested"]:
            bits.append(f"nonlinearity left (BDS, {alpha:g}) in {s['share_nonlinear']:.0%} of the "
                        f"{s['n_bds_tested']} tested")
        lines.append(f"Series the {family} family wins ({s['n']}): " + ", ".join(bits) + ".")
    return {"table": table, "by_family": summary, "lines": lines}
