"""Report figures keep their legends off the data (beside the plot area)."""

from __future__ import annotations

import pytest

import forecast as fc

# fc.backtest is shadowed by the subpackage once forecast.evaluation is imported
from forecast.evaluation import backtest as run_backtest
from forecast.reporting import figures as plotting


@pytest.fixture(scope="module")
def result():
    return run_backtest(["naive", "snaive(12)", "drift"], fc.datasets.load("airline"), horizon=12, initial=108, step=6)


def _legend_beside(fig, legend) -> bool:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    box = legend.get_window_extent(renderer)
    return all(box.x0 >= ax.get_window_extent(renderer).x1 - 1 for ax in fig.axes if ax.get_visible())


def test_forecast_legends_do_not_cover_the_data(result):
    fig = plotting.forecast_figure(result.forecasts, result.actuals, "snaive(12)")
    assert _legend_beside(fig, fig.axes[0].get_legend())
    board = result.leaderboard()
    fig = plotting.leaderboard_figure(board, "mase")
    assert _legend_beside(fig, fig.axes[0].get_legend())
    fig = plotting.horizon_figure(result.by_horizon("mase"), "mase")
    assert _legend_beside(fig, fig.axes[0].get_legend())


def test_series_small_multiples_share_one_legend_beside_them():
    m3 = fc.datasets.load("m3_quarterly")
    panel = {k: m3[k] for k in list(m3)[:2]}
    res = run_backtest(["naive", "drift", "mean"], panel, horizon=4, initial=30, step=2)
    sid = res.series_ids[1]
    fig = plotting.series_figure(res.forecasts, res.actuals, res.models, sid)
    assert [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()] == res.models
    assert len(fig.legends) == 1 and _legend_beside(fig, fig.legends[0])


def test_leaderboard_bars_are_coloured_by_the_model_confidence_set(result):
    """The bars read like the table: in or out of the 90% set, not the pairwise DM test."""
    from matplotlib.colors import to_hex

    board = result.leaderboard()
    fig = plotting.leaderboard_figure(board, "mase")
    ax = fig.axes[0]
    assert "model confidence set" in ax.get_title()
    colours = [to_hex(bar.get_facecolor()) for bar in ax.patches][: len(board)]
    expected = ["#1b7f3b"] + ["#c8951a" if bool(v) else "#b3261e" for v in board["mcs"].iloc[1:]]
    assert colours == expected[::-1] or colours == expected  # bars drawn bottom-up
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert "best" in labels and labels <= {"best", "in the 90% model confidence set", "out of the set"}
