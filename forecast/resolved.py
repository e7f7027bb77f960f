"""What a fitted model actually used: the settings resolved in ``fit`` on training data.

``arma(auto)`` chooses its orders; a recurrent network resolves its ``"auto"`` settings
(season, deseasonalisation, log, window, head, training budget) and stops early after some
epochs, all reported in its ``resolved_params_``. The backtest records these per task
(series x refit segment), as plain values, in each task's ``resolved`` entry, collected in
``BacktestResult.meta["resolved"]`` (and so in ``run.json``) and shown by the report next
to the settings asked for. Read from the fitted attributes (``order_``,
``resolved_params_``...), never from class names, so any model that sets them is described.

>>> import forecast as fc
>>> model = fc.ARMA(p="auto", max_p=2, max_q=1).fit(fc.datasets.load("sunspots"))
>>> sorted(resolved_settings(model))
['chosen by', 'order', 'trend']
"""

from __future__ import annotations

from typing import Any

__all__ = ["resolved_settings", "summarize", "by_series"]


def _text(values: Any) -> str:
    return "(" + ", ".join(str(int(v)) for v in values) + ")"


def _plain(value: Any) -> Any:
    """A JSON-friendly copy: NumPy scalars become Python ones, tuples lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


def resolved_settings(model: Any) -> dict[str, Any]:
    """The settings a fitted ``model`` resolved, as plain values: orders, trend and selection
    criterion (text, for the ARMA family), and everything in ``resolved_params_`` (a
    network's "auto" settings, window, epochs run and best epoch). Empty when there is
    nothing to resolve."""
    out: dict[str, Any] = {}
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
    params = getattr(model, "resolved_params_", None)
    if isinstance(params, dict):
        out.update(_plain(params))
    return out


def _as_text(value: Any) -> str:
    """One setting's value as the report shows it (a panel's counts: ``multiplicative 3, none 2``)."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {_as_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "(" + ", ".join(_as_text(v) for v in value) + ")"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def summarize(rows: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Per model, each resolved setting as text with its distinct values and how many tasks
    (series x refit segment) used each: ``{"arma(auto)": {"order": "(2, 0, 1) x3, (1, 0, 0) x1"}}``.

    >>> summarize([{"model": "lstm", "settings": {"time_steps": 12, "log": True}},
    ...            {"model": "lstm", "settings": {"time_steps": 8, "log": True}}])
    {'lstm': {'time_steps': '12 x1, 8 x1', 'log': 'True'}}
    """
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for row in rows:
        per_model = counts.setdefault(str(row["model"]), {})
        for key, value in row.get("settings", {}).items():
            per_key = per_model.setdefault(key, {})
            text = _as_text(value)
            per_key[text] = per_key.get(text, 0) + 1
    out: dict[str, dict[str, str]] = {}
    for model, keys in counts.items():
        out[model] = {}
        for key, values in keys.items():
            ranked = sorted(values.items(), key=lambda kv: -kv[1])
            out[model][key] = ", ".join(v if len(values) == 1 else f"{v} x{n}" for v, n in ranked)
    return out


def by_series(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Which series each resolved setting belongs to: one row per series and model, its
    settings as :func:`summarize` words them over that series' refit segments.

    >>> by_series([{"series_id": "N1", "model": "arma(auto)", "settings": {"order": "(1, 0, 0)"}},
    ...            {"series_id": "N2", "model": "arma(auto)", "settings": {"order": "(2, 0, 1)"}}])
    [{'series': 'N1', 'model': 'arma(auto)', 'order': '(1, 0, 0)'}, {'series': 'N2', 'model': 'arma(auto)', 'order': '(2, 0, 1)'}]
    """
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((str(row.get("series_id")), str(row["model"])), []).append(row)
    return [{"series": sid, "model": model, **summarize(part).get(model, {})}
            for (sid, model), part in groups.items()]
