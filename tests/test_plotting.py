"""Plots return Figures (object API, no pyplot) with the content they claim."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import forecast as fc
from forecast.errors import InputError


@pytest.fixture(scope="module")
def single():
    return fc.backtest(["naive", "snaive(12)", "mean"], fc.datasets.load("airline"), horizon=12,
                       initial=108, step=3)


@pytest.fixture(scope="module")
def panel():
    macro = fc.datasets.load("macro")
    ys = {c: macro[c] for c in ("realgdp", "realcons", "realinv", "realgovt", "realdpi", "cpi", "m1", "pop")}
    return fc.backtest(["naive", "drift", "mean"], ys, horizon=4, initial=190, step=2)


def test_forecasts_plot_draws_actuals_forecasts_and_intervals(single, tmp_path):
    fig = fc.plotting.plot_forecasts(single, origins=2)
    assert len(fig.axes) == 3
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert lines[0].get_label() == "actual"
    assert len(lines) == 3  # actuals + 2 origins
    assert len(ax.collections) == 2  # interval bands
    last = single.forecasts[(single.forecasts["model"] == "naive")]
    last = last[last["origin"] == last["origin"].iloc[-1]]
    np.testing.assert_allclose(lines[2].get_ydata(), last["y_pred"].to_numpy())
    fig.savefig(tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 1000
    with pytest.raises(InputError, match="unknown model"):
        fc.plotting.plot_forecasts(single, models=["lstm"])


def test_by_horizon_and_leaderboard(single):
    fig = fc.plotting.plot_by_horizon(single, "mase")
    ax = fig.axes[0]
    assert [ln.get_label() for ln in ax.get_lines()] == single.models
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), single.by_horizon("mase")["naive"])
    fig = fc.plotting.plot_leaderboard(single)
    bars = fig.axes[0].patches
    board = single.leaderboard()
    assert len(bars) == len(board)
    hatched = [bool(b.get_hatch()) for b in bars]
    expected = ((board["dm_pvalue"] < 0.05) & (board["dm_stat"] > 0)).tolist()
    assert hatched == expected and any(hatched)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts[0].strip() == "best" and "DM p=" in texts[1]


def test_rank_diagram_for_panels(panel, single):
    fig = fc.plotting.plot_ranks(panel)
    fr = panel.friedman()
    assert "Friedman p" in fig.axes[0].get_title()
    labels = " ".join(t.get_text() for t in fig.axes[0].texts)
    for name in fr.mean_ranks.index:
        assert name in labels
    assert f"CD = {fr.critical_difference:.2f}" in labels
    assert set(fc.plotting.plot_all(panel)) == {"forecasts", "by_horizon", "leaderboard", "ranks"}
    with pytest.raises(InputError, match="panel"):
        fc.plotting.plot_ranks(single)


def test_plots_never_import_pyplot():
    """Library plots build Figures directly: no pyplot state, no backend switching."""
    code = (
        "import sys, forecast as fc\n"
        "res = fc.backtest(['naive'], fc.datasets.load('airline'), horizon=3, initial=138, step=3)\n"
        "fig = fc.plotting.plot_forecasts(res)\n"
        "assert fig.axes and 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
