"""Tables that fit the terminal: numbers are never cut to ``…``.

A table wider than the terminal is made to fit, in this order: the wrap column (a model
name, a parameter list) folds onto several lines; long verdict texts are abbreviated;
then whole columns are left out, lowest priority first, and the caller is told which
(so it can say so under the table). A number column is either shown whole or not at all.

>>> fit_columns(["rank", "model", "mae", "rmse"], [["1", "naive", "12.5", "15.25"]], 80,
...             wrap_col=1, drop_order=["rmse"]).dropped
[]
>>> plan = fit_columns(["rank", "model", "mae", "rmse"], [["1", "naive", "12.5", "15.25"]], 22,
...                    wrap_col=1, drop_order=["rmse"])
>>> plan.dropped, plan.keep
(['rmse'], [0, 1, 2])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["TablePlan", "fit_columns", "table_width", "print_rich"]

# rich's default table: one space of padding each side of a cell, one rule between and
# around the columns
_PAD = 2
_RULE = 1
MIN_WRAP = 12  # the narrowest a folded column may become


@dataclass
class TablePlan:
    keep: list[int]  # indexes of the columns shown
    dropped: list[str] = field(default_factory=list)  # headers left out, in drop order
    abbreviated: bool = False  # whether the abbreviations were applied


def table_width(widths: Sequence[int]) -> int:
    """Width of a rich table (default box) whose columns hold ``widths`` characters."""
    return sum(w + _PAD for w in widths) + _RULE * (len(widths) + 1)


def _widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    return [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]


def fit_columns(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int, *,
                wrap_col: int | None = None, drop_order: Sequence[str] = (),
                abbreviations: Mapping[str, str] | None = None) -> TablePlan:
    """Which columns to show so that the table fits ``width`` characters.

    ``abbreviations`` (full text -> short text, cells and headers) are applied before any
    column is dropped; ``drop_order`` names the headers that may be left out, first
    dropped first. Columns not named there are always shown (if even they do not fit,
    the wrap column folds to its minimum and the terminal wraps the lines).
    """
    abbreviations = dict(abbreviations or {})

    def need(keep: list[int], abbreviate: bool) -> int:
        heads = [headers[i] for i in keep]
        cells = [[r[i] for i in keep] for r in rows]
        if abbreviate:
            heads = [abbreviations.get(h, h) for h in heads]
            cells = [[abbreviations.get(c, c) for c in r] for r in cells]
        widths = _widths(heads, cells)
        if wrap_col is not None and wrap_col in keep:
            k = keep.index(wrap_col)
            widths[k] = min(widths[k], max(MIN_WRAP, len(heads[k])))
        return table_width(widths)

    keep = list(range(len(headers)))
    if need(keep, False) <= width:
        return TablePlan(keep)
    abbreviate = bool(abbreviations)
    dropped: list[str] = []
    for name in drop_order:
        if need(keep, abbreviate) <= width:
            break
        if name in headers and headers.index(name) in keep:
            keep.remove(headers.index(name))
            dropped.append(name)
    return TablePlan(keep, dropped, abbreviate)


def print_rich(headers: Sequence[str], rows: Sequence[Sequence[str]], *, file: Any, title: str | None = None,
               wrap_col: int | None = None, styles: Sequence[str | None] | None = None,
               numeric: Sequence[bool] | None = None, drop_order: Sequence[str] = (),
               abbreviations: Mapping[str, str] | None = None) -> TablePlan:
    """Print the table with rich, fitted to the terminal width; returns what was done."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=file)
    plan = fit_columns(headers, rows, console.width, wrap_col=wrap_col, drop_order=drop_order,
                       abbreviations=abbreviations)
    short = dict(abbreviations or {}) if plan.abbreviated else {}
    numeric = list(numeric) if numeric is not None else [False] * len(headers)
    table = Table(title=title, title_justify="left", header_style="bold")
    for i in plan.keep:
        folds = i == wrap_col
        table.add_column(short.get(headers[i], headers[i]), justify="right" if numeric[i] else "left",
                         overflow="fold", no_wrap=not folds,
                         min_width=min(MIN_WRAP, max(len(r[i]) for r in rows)) if folds and rows else None)
    for k, row in enumerate(rows):
        table.add_row(*[short.get(row[i], row[i]) for i in plan.keep], style=styles[k] if styles else None)
    console.print(table, crop=False)  # a table wider than the terminal wraps; nothing is cut
    return plan
