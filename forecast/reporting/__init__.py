"""What a backtest shows people: the results folder, the HTML report, the figures, and the
plain words on failures the terminal and the report share.

This package sits above :mod:`forecast.evaluation`: it may import the evaluation (the
results folder reads a result's combinations from :mod:`forecast.evaluation.members`); the
evaluation never imports it, not even inside a function (``tests/test_import_graph.py``).
:meth:`BacktestResult.save_report <forecast.evaluation.BacktestResult.save_report>`
reaches :func:`save_report` through :mod:`forecast.hooks`, wired in ``forecast/__init__.py``.

- :mod:`.folder`: :func:`save_report`, the results folder (CSVs, run.json, PNGs, report.html);
- :mod:`.html`: :func:`render_html` / :func:`write_report`, the self-contained report
  (``fc.report``);
- :mod:`.figures`: matplotlib figures of a result (``fc.plotting``);
- :mod:`.failnotes`: what failed, and why nothing could be scored.
"""

from __future__ import annotations

from .failnotes import model_failure_lines, nothing_scored_reason, stderr_summary, undefined_notes
from .figures import (
    MAX_SERIES_PLOTS,
    figure_to_png,
    forecast_figure,
    horizon_figure,
    leaderboard_figure,
    plot_all,
    plot_by_horizon,
    plot_forecasts,
    plot_leaderboard,
    plot_ranks,
    report_figures,
    series_figure,
)
from .folder import primary_metric, save_report
from .html import (
    dm_count_labels,
    fmt_value,
    nemenyi_labels,
    png_data_uri,
    pvalue_column,
    render_html,
    significance_label,
    write_report,
)

__all__ = [
    "save_report", "primary_metric",
    "render_html", "write_report", "fmt_value", "png_data_uri", "pvalue_column", "significance_label",
    "nemenyi_labels", "dm_count_labels",
    "plot_forecasts", "plot_by_horizon", "plot_leaderboard", "plot_ranks", "plot_all", "figure_to_png",
    "leaderboard_figure", "horizon_figure", "forecast_figure", "series_figure", "report_figures",
    "MAX_SERIES_PLOTS",
    "nothing_scored_reason", "model_failure_lines", "stderr_summary", "undefined_notes",
]
