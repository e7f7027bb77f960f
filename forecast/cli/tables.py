"""Tables on the terminal: a generic fitted table and the leaderboard of a backtest
(rich on a terminal, plain aligned text in pipes and files)."""

from __future__ import annotations

import sys
from typing import Any

from ..reporting.failnotes import undefined_notes  # the terminal and the report say the same

__all__ = ["render_table", "leaderboard_rows", "print_leaderboard", "print_verdict", "mcs_label", "undefined_notes"]


def stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def render_table(headers: list[str], rows: list[list[Any]], *, title: str | None = None,
                 wrap_col: int | None = None, styles: list[str | None] | None = None,
                 file: Any = None, drop_order: list[str] = (),
                 abbreviations: dict[str, str] | None = None) -> list[str]:
    """Print a table: rich on a terminal, fitted to its width (the wrap column folds, then
    the ``abbreviations`` apply, then the ``drop_order`` columns are left out; numbers are
    never cut), plain aligned text otherwise (pipes, files). Returns the headers left out."""
    file = file or sys.stdout
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    if file is sys.stdout and stdout_is_tty():
        from .termtable import print_rich

        numeric = [bool(cells) and all(_looks_numeric(r[i]) for r in cells) for i in range(len(headers))]
        plan = print_rich(headers, cells, file=file, title=title, wrap_col=wrap_col, styles=styles,
                          numeric=numeric, drop_order=drop_order, abbreviations=abbreviations)
        return plan.dropped
    import textwrap

    def parts_of(row: list[str]) -> list[list[str]]:
        if wrap_col is None or len(row[wrap_col]) <= 60:
            return [row]
        pieces = textwrap.wrap(row[wrap_col], 60, break_on_hyphens=False) or [""]
        return [row[:wrap_col] + [pieces[0]] + row[wrap_col + 1:]] + [
            [""] * wrap_col + [p] + [""] * (len(row) - wrap_col - 1) for p in pieces[1:]]

    widths = [max([len(h)] + [len(p[i]) for r in cells for p in parts_of(r)]) for i, h in enumerate(headers)]
    numeric = [bool(cells) and all(_looks_numeric(r[i]) for r in cells) for i in range(len(headers))]

    def line(values: list[str]) -> str:
        out = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(out).rstrip()

    if title:
        file.write(title + "\n")
    file.write(line(headers) + "\n")
    file.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        for part in parts_of(row):
            file.write(line(part) + "\n")
    file.flush()
    return []


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("%*"))
        return True
    except ValueError:
        return text in ("", "-", "–")



def _fmt_num(value: Any, digits: int = 4) -> str:
    import math

    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "-"
    if v == int(v) and abs(v) < 1e9 and not isinstance(value, float):
        return str(int(v))
    if abs(v) >= 1000:
        return f"{v:,.1f}"
    return f"{v:.{digits}g}" if abs(v) < 1 else f"{v:.{digits}g}".rstrip(".")


def leaderboard_rows(board: Any, metrics: list[str]) -> tuple[list[str], list[list[str]], list[str | None]]:
    """Headers, text rows and row styles of the terminal leaderboard. A model that failed at
    every origin is listed last, without a rank or scores, as ``failed``."""
    from ..reporting.html import nemenyi_labels, pvalue_column, significance_label

    cols = ["rank", "model"] + [m for m in metrics if m in board.columns]
    extra = [c for c in board.columns if c.startswith("skill_") or c in ("owa", "mean_rank")]
    pcol = pvalue_column(board)
    failed = (board["status"] == "failed").tolist() if "status" in board.columns else [False] * len(board)
    headers = cols + extra
    mcs = "mcs" in board.columns
    if pcol:
        headers += ["vs. best", "DM p"] if mcs else ["DM p", "vs. best"]
    elif "dm_worse" in board.columns:
        headers += ["DM w/n/b"]
    elif "dm_worse_share" in board.columns:
        headers += ["DM worse share"]
    if "nemenyi_worse" in board.columns:
        headers += ["Nemenyi"]
        nemenyi = nemenyi_labels(board)
        if mcs:
            headers += ["90% set"]
    if "n_failed" in board.columns:
        headers += ["failed"]
    rows, styles = [], []
    for i, rec in enumerate(board.to_dict("records")):
        row = [_fmt_num(rec[c]) if c != "model" else str(rec[c]) for c in cols + extra]
        style = None
        if pcol and mcs:  # the verdict column: the model confidence set; DM p as detail
            label = ("failed" if failed[i] else "unranked" if _is_missing(rec.get("rank")) else mcs_label(rec, i))
            row += [label, _fmt_num(rec[pcol], 3)]
            style = "bold green" if label == "best" else ("red" if label.startswith("out") else None)
        elif pcol:
            label = ("failed" if failed[i] else "unranked" if _is_missing(rec.get("rank"))
                     else significance_label(float(rec[pcol])))
            row += [_fmt_num(rec[pcol], 3), label]
            style = "bold green" if label == "best" else ("red" if label.startswith("sig") else None)
        elif "dm_worse" in board.columns:
            counts = [rec[c] for c in ("dm_worse", "dm_not_different", "dm_better")]
            row += ["-" if any(_is_missing(c) for c in counts) else "/".join(str(int(c)) for c in counts)]
        elif "dm_worse_share" in board.columns:
            row += [_fmt_num(rec["dm_worse_share"], 3)]
        if "nemenyi_worse" in board.columns:
            row += [nemenyi[i]]
            if mcs:
                row += ["failed" if failed[i] else "in" if bool(rec["mcs"]) else "out"]
        if "n_failed" in board.columns:
            row += [str(int(rec["n_failed"]))]
        if failed[i]:
            style = "red"
        rows.append(row)
        styles.append(style)
    return headers, rows, styles


def mcs_label(rec: dict[str, Any], position: int) -> str:
    """The CLI's verdict on one leaderboard row from the 90% model confidence set: ``best``,
    ``in the 90% set`` (the data cannot tell it from the best) or ``out of the set``."""
    if position == 0:
        return "best"
    return "in the 90% set" if bool(rec.get("mcs")) else "out of the set"


def print_verdict(result: Any) -> None:
    """The family verdict (:meth:`BacktestResult.verdict`) above the leaderboard: the sentence,
    then the combination, confidence set and evidence lines, wrapped to the terminal."""
    from .common import fit_to_terminal

    v = result.verdict()
    sys.stdout.write(fit_to_terminal("Verdict: " + v.text) + "\n")
    for line in v.lines:
        sys.stdout.write(fit_to_terminal("  " + line) + "\n")
    sys.stdout.write("\n")


def _is_missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def print_leaderboard(result: Any, *, source: str = "", quiet: bool = False) -> None:
    """The leaderboard on stdout, fitted to the terminal width; failed models listed with
    their reason below it; when nothing could be scored, that and why instead."""
    from ..reporting.failnotes import model_failure_lines, nothing_scored_reason

    board = result.leaderboard()
    settings = result.meta.get("settings", {})
    metrics = list(settings.get("metrics", []))
    nothing = nothing_scored_reason(result)
    if nothing is not None:
        sys.stdout.write(f"Nothing could be scored: {nothing}.\n")
        for line in model_failure_lines(result, limit=300):
            sys.stdout.write(f"  {line}\n")
        return
    print_verdict(result)
    headers, rows, styles = leaderboard_rows(board, metrics)
    n_series = len(result.series_ids)
    title = (f"Leaderboard: {source}" + (f", {n_series} series" if n_series > 1 else "")
             + f", horizon {settings.get('horizon')}, "
             f"{int(board['n_origins'].max()) if 'n_origins' in board else '?'} forecast origins")
    from ..reporting.folder import primary_metric

    primary = primary_metric(board)
    # what gives way on a narrow terminal: the secondary metrics first, the primary never
    drop_order = [m for m in reversed(metrics) if m != primary and m in headers] + [
        h for h in ("owa", "mean_rank", "DM worse share") if h in headers] + [
        h for h in headers if h.startswith("skill_")]
    dropped = render_table(headers, rows, title=title, styles=styles, wrap_col=1, drop_order=drop_order,
                           abbreviations={"significantly worse": "worse", "not significantly different": "not diff.",
                                          "not different": "not diff."})
    from .common import fit_to_terminal

    def say(text: str) -> None:  # a note, wrapped between words to the terminal's width
        sys.stdout.write(fit_to_terminal(text.rstrip("\n")) + "\n")

    if dropped:
        say(f"Not shown for the terminal width: {', '.join(dropped)} (every column is in leaderboard.csv).")
    print_members(board)
    lines = model_failure_lines(result, limit=300)
    if lines:
        sys.stdout.write("Failed:\n")
        for line in lines:
            say(f"  {line}")
    for line in undefined_notes(result, board):
        say(line)
    note = board.attrs.get("ranking_note", "")
    if note and note != f"ranked by {primary}":  # the primary metric is undefined: say what ranks instead
        say(f"note: {note}")
    if not quiet:
        if "dm_worse" in board.columns:
            say(f"Ranked by {primary}. DM w/n/b: number of series where a Diebold-Mariano test "
                             "finds the model significantly worse / not different / better than the best; "
                             "Nemenyi: over the panel, mean rank worse than the best's by more than the "
                             "critical difference (Friedman test).\n")
        elif "dm_worse_share" in board.columns:
            say(f"Ranked by {primary}. DM worse share: fraction of series where a "
                             "Diebold-Mariano test finds the model significantly worse than the best; "
                             "Nemenyi: mean rank worse than the best's by more than the critical difference.\n")
        elif "mcs" in board.columns:
            say(f"Ranked by {primary}. vs. best: in or out of the 90% model confidence set (Hansen, Lunde "
                "and Nason; the models the data cannot tell from the best); DM p: Diebold-Mariano test "
                "against the best model, as detail.\n")
        else:
            say(f"Ranked by {primary}. DM p: Diebold-Mariano test against the best model "
                             "(p < 0.05: significantly worse).\n")


def print_members(board: Any) -> None:
    """Each combination against each member (the leaderboard's ``attrs["dm_vs_members"]``)."""
    rows = board.attrs.get("dm_vs_members") or []
    if not rows:
        return
    headers = [h for h in rows[0] if h != "combination"]
    body = [[_fmt_num(r[h]) if isinstance(r[h], float) else str(r[h]) for h in headers] for r in rows]
    for name in dict.fromkeys(r["combination"] for r in rows):
        render_table(["member", *headers[1:]], [b for b, r in zip(body, rows, strict=True) if r["combination"] == name],
                     title=f"{name} against each member (Diebold-Mariano)")
