"""What a fitted model actually used: the settings resolved in ``fit`` on training data.

``arma(auto)`` chooses its orders, a network stops early after some epochs; the backtest
records these per task (series x refit segment) so the report can show them next to the
settings asked for. Read from the fitted attributes (``order_``, ``history_``...), never
from class names, so any model that sets them is described.

>>> import forecast as fc
>>> model = fc.ARMA(p="auto", max_p=2, max_q=1).fit(fc.datasets.load("sunspots"))
>>> sorted(resolved_settings(model))
['chosen by', 'order', 'trend']
"""

from __future__ import annotations

from typing import Any

__all__ = ["resolved_settings", "summarize"]


def _text(values: Any) -> str:
    return "(" + ", ".join(str(int(v)) for v in values) + ")"


def resolved_settings(model: Any) -> dict[str, str]:
    """Text of the settings a fitted ``model`` resolved: orders, trend, selection criterion,
    network window, epochs run and best epoch. Empty when there is nothing to resolve."""
    out: dict[str, str] = {}
    order = getattr(model, "order_", None)
    if order is not None:
        out["order"] = _text(order)
    seasonal = getattr(model, "seasonal_order_", None)
    if seasonal is not None and any(int(v) for v in list(seasonal)[:3]):
        out["seasonal"] = _text(seasonal)
    trend = getattr(model, "trend_", None)
    if order is not None:
        out["trend"] = str(trend)
    selection = getattr(model, "selection_", None)
    if selection is not None:
        criterion = getattr(model, "criterion", "aic")
        out["chosen by"] = f"{str(criterion).upper()} over {len(selection)} orders"
    history = getattr(model, "history_", None)
    if isinstance(history, dict) and "loss" in history:
        params = model.get_params()
        if "time_steps" in params:
            out["window"] = str(params["time_steps"])
        out["epochs run"] = f"{len(history['loss'])} of {params.get('epochs', '?')}"
        if history.get("best_epoch"):
            out["best epoch"] = str(history["best_epoch"])
    return out


def summarize(rows: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Per model, each resolved setting with its distinct values and how many tasks
    (series x refit segment) used each: ``{"arma(auto)": {"order": "(2, 0, 1) x3, (1, 0, 0) x1"}}``."""
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for row in rows:
        per_model = counts.setdefault(str(row["model"]), {})
        for key, value in row.get("settings", {}).items():
            per_key = per_model.setdefault(key, {})
            per_key[value] = per_key.get(value, 0) + 1
    out: dict[str, dict[str, str]] = {}
    for model, keys in counts.items():
        out[model] = {}
        for key, values in keys.items():
            ranked = sorted(values.items(), key=lambda kv: -kv[1])
            out[model][key] = ", ".join(v if len(values) == 1 else f"{v} x{n}" for v, n in ranked)
    return out
