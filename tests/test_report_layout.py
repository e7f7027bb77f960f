"""Report figures keep their legends off the data (beside the plot area)."""

from __future__ import annotations

import pytest

import forecast as fc
from forecast import plotting

# fc.backtest is shadowed by the subpackage once forecast.evaluation is imported
from forecast.evaluation import backtest as run_backtest


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
