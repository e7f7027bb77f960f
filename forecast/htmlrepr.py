"""Compact HTML for Jupyter (``_repr_html_``): a backtest result, a forecast, a verdict.

Inline styles only (a notebook viewer on a code host strips ``<style>`` blocks); numbers
with four significant digits; at most :data:`MAX_ROWS` rows of a forecast.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np

__all__ = ["verdict_html", "result_html", "forecast_html", "progress_html", "NotebookBar", "MAX_ROWS"]

MAX_ROWS = 24
_BOX = ("border:1px solid #d9dde5;border-left:4px solid {c};border-radius:6px;padding:8px 12px;"
        "margin:6px 0;background:#f7f9fc;font-size:13.5px;line-height:1.45")
_TD = "padding:2px 8px;text-align:right;border-bottom:1px solid #e5e8ee"


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return _esc(value)
    if math.isnan(v):
        return "–"
    if v == int(v) and abs(v) < 1e9 and not isinstance(value, float | np.floating):
        return str(int(v))
    return f"{v:.4g}"


def _table(headers: list[str], rows: list[list[Any]], styles: list[str] | None = None) -> str:
    head = "".join(f'<th style="{_TD};text-align:{"left" if i == 1 else "right"}">{_esc(h)}</th>'
                   for i, h in enumerate(headers))
    body = []
    for r, row in enumerate(rows):
        style = (styles or [""] * len(rows))[r]
        cells = "".join(f'<td style="{_TD};text-align:{"left" if i == 1 else "right"}">{v}</td>'
                        for i, v in enumerate(row))
        body.append(f'<tr style="{style}">{cells}</tr>')
    return (f'<table style="border-collapse:collapse;font-size:13px"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def verdict_html(v: Any) -> str:
    """The verdict: the sentence in bold, then the combination, MCS and evidence lines."""
    colour = "#1b7f3b" if v.significant else "#7a5b00" if v.significant is False else "#5b6475"
    items = "".join(f"<li>{_esc(line)}</li>" for line in v.lines)
    return (f'<div style="{_BOX.format(c=colour)}"><b>Verdict.</b> {_esc(v.text)}'
            + (f'<ul style="margin:4px 0 0;padding-left:18px">{items}</ul>' if items else "") + "</div>")


def result_html(result: Any) -> str:
    """A backtest result: its size, the verdict, and the leaderboard's main columns (the model
    confidence set marked, DM p-values as detail)."""
    head = (f'<div style="font-size:13px;color:#5b6475">BacktestResult: {len(result.models)} models, '
            f"{len(result.series_ids)} series, horizon {result.horizon}, {result.n_common_origins} common "
            f"origins, {len(result.failures)} failed forecasts</div>")
    if not result.scored_models or not result.n_common_origins:
        return head + verdict_html(result.verdict())
    board = result.leaderboard()
    metric = board.attrs.get("ranking_metric", "mase")
    cols = [c for c in ("rank", "model", metric, f"skill_{metric}", "owa", "mcs", "dm_pvalue", "mean_rank",
                        "n_failed") if c in board.columns]
    rows, styles = [], []
    for rec in board.to_dict("records"):
        rows.append([_esc(rec[c]) if c == "model" else _num(rec[c]) for c in cols])
        styles.append("background:#eaf6ee;font-weight:600" if rec.get("mcs") else
                      "color:#8a8f99" if rec.get("status") == "failed" else "")
    note = ('<div style="font-size:12px;color:#5b6475">Shaded: in the 90% model confidence set; '
            "dm_pvalue: Diebold–Mariano against the best.</div>")
    return head + verdict_html(result.verdict()) + _table(cols, rows, styles) + note


def forecast_html(forecast: Any) -> str:
    """A forecast: model, steps and the first :data:`MAX_ROWS` rows of mean and intervals."""
    frame = forecast.to_frame()
    shown = frame.iloc[:MAX_ROWS]
    headers = ["", *map(str, frame.columns)]
    rows = [[_esc(i), *[_num(x) for x in row]] for i, row in zip(shown.index, shown.to_numpy(), strict=True)]
    more = (f'<div style="font-size:12px;color:#5b6475">… {len(frame) - MAX_ROWS} more steps</div>'
            if len(frame) > MAX_ROWS else "")
    method = f"; intervals: {_esc(forecast.interval_method)}" if forecast.interval_method else ""
    title = (f'<div style="font-size:13px;color:#5b6475">Forecast{(" of " + _esc(forecast.model)) if forecast.model else ""}: '
             f"{len(forecast)} steps from {_esc(forecast.index[0])}{method}</div>")
    return title + _table(headers, rows) + more


def progress_html(done: int, total: int, text: str = "", seconds: float = 0.0) -> str:
    """A progress bar as HTML: ``done`` of ``total`` tasks, the last one named."""
    frac = done / total if total else 1.0
    return (f'<div style="font-size:12.5px;font-family:monospace">'
            f'<span style="display:inline-block;width:240px;height:9px;background:#e5e8ee;border-radius:4px;'
            f'vertical-align:middle"><span style="display:block;width:{100 * frac:.1f}%;height:9px;'
            f'background:#2456a6;border-radius:4px"></span></span> {done}/{total} tasks, '
            f"{seconds:.0f} s {_esc(text)}</div>")


class NotebookBar:
    """The backtest's progress bar in a Jupyter notebook: one HTML output updated in place
    (``IPython.display`` with a display id; no widget library needed), at most every 0.2 s
    and at the end, so the stored notebook shows the finished bar."""

    def __init__(self, total: int, done: int = 0, display: Any = None):
        import time

        if display is None:
            from IPython.display import display
        from IPython.display import HTML

        self._html, self._clock = HTML, time.perf_counter
        self.total, self.done, self.text = total, done, "backtest"
        self.started = self._last = self._clock()
        self.handle = display(HTML(progress_html(done, total, self.text)), display_id=True)

    def _draw(self) -> None:
        if self.handle is not None:
            self.handle.update(self._html(progress_html(self.done, self.total, self.text,
                                                        self._clock() - self.started)))
        self._last = self._clock()

    def advance(self, text: str = "") -> None:
        self.done += 1
        self.text = f"backtest {text}" if text else self.text
        if self._clock() - self._last >= 0.2 or self.done >= self.total:
            self._draw()

    def close(self) -> None:
        self.text = "backtest done"
        self._draw()
