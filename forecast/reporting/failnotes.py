"""Plain words about what failed in a backtest, shared by the terminal and the report.

A model that failed at every origin is left out of the comparison (the others are compared
without it); a model that failed at some origins drops those origins for every model; when
no origin is left, nothing is scored. These helpers say which case a result is in, and why.
"""

from __future__ import annotations

from typing import Any

__all__ = ["nothing_scored_reason", "model_failure_lines", "stderr_summary", "undefined_notes", "MAX_MESSAGE"]

MAX_MESSAGE = 160


def _short(text: str, limit: int = MAX_MESSAGE) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def nothing_scored_reason(result: Any) -> str | None:
    """Why nothing could be scored, or None when the comparison ran."""
    if result.n_common_origins > 0:
        return None
    summary = result.failure_summary()
    if not result.scored_models:
        why = "; ".join(f"{row['model']}: {row['error_type']} in {row['stage']}"
                        for row in summary.to_dict("records"))
        return f"every model failed at every origin ({why})"
    return ("no origin where every model produced a forecast: "
            f"{', '.join(summary['model'])} failed at some origins each, and no origin is left in common")


def model_failure_lines(result: Any, *, limit: int = MAX_MESSAGE) -> list[str]:
    """One line per model with failed forecasts: what failed, how often, and why."""
    lines = []
    for row in result.failure_summary().to_dict("records"):
        what = (f"failed at every origin ({row['n_failed']} of {row['n_origins']}), left out of the comparison"
                if row["all_failed"] else
                f"failed at {row['n_failed']} of {row['n_origins']} origins, left out for every model")
        lines.append(f"{row['model']}: {what}; {row['error_type']} in {row['stage']}: "
                     f"{_short(row['message'], limit)}")
    return lines


def stderr_summary(result: Any, failures_file: str = "failures.csv") -> str | None:
    """One line for stderr when some forecast failed (None when none did)."""
    summary = result.failure_summary()
    if not len(summary):
        return None
    reason = nothing_scored_reason(result)
    if reason is not None:
        return f"nothing could be scored: {reason}; every failure is in {failures_file}"
    parts = []
    for row in summary.to_dict("records"):
        if row["all_failed"]:
            parts.append(f"{row['model']} failed at every origin ({row['n_failed']} of {row['n_origins']}; "
                         f"{row['error_type']} in {row['stage']}: {_short(row['message'], 100)}) and is left "
                         "out of the comparison")
        else:
            parts.append(f"{row['model']} failed at {row['n_failed']} of {row['n_origins']} origins "
                         f"({row['error_type']} in {row['stage']}), which are left out for every model")
    return "; ".join(parts) + f"; the others were compared; every failure is in {failures_file}"


def undefined_notes(result: Any, board: Any) -> list[str]:
    """Plain-text notes naming the series whose scores are undefined (and an undefined OWA)."""
    table = result.undefined()
    notes = []
    for (metric, reason), part in table.groupby(["metric", "reason"], sort=False):
        names = ", ".join(f"{sid} ({n} of {t} origins)" for sid, n, t in
                          part[["series_id", "n_undefined", "n_origins"]].head(5).itertuples(index=False))
        more = f" and {len(part) - 5} more" if len(part) > 5 else ""
        notes.append(f"note: {metric.upper()} is undefined for series {names}{more}: {reason}; left out of "
                     f"its average (n_undefined_{metric} in leaderboard.csv)")
    if "owa" in board.columns and board["owa"].isna().all():
        notes.append("note: OWA is undefined: Naive2, its reference, scores zero (or undefined) sMAPE "
                     "or MASE on these origins")
    return notes
