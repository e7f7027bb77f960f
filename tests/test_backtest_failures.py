"""A model that fails at every origin is listed as failed; the others are still compared.

The failing model is a real one with a parameter that parses but fails in fit:
``ar(1, method="bogus")`` (statsmodels rejects the estimator at the first fit).
"""

from __future__ import annotations

import numpy as np
import pytest

import forecast as fc

# fc.backtest is shadowed by the subpackage once forecast.evaluation is imported
from forecast.evaluation import backtest as run_backtest

BAD = 'ar(1,method="bogus")'


@pytest.fixture(scope="module")
def airline():
    return fc.datasets.load("airline")


@pytest.fixture(scope="module")
def m3_panel():
    m3 = fc.datasets.load("m3_quarterly")
    return {k: m3[k] for k in list(m3)[:4]}


def test_one_series_compares_the_models_that_ran(airline):
    from forecast.reporting.failnotes import nothing_scored_reason, stderr_summary

    res = run_backtest(["naive", "snaive(12)", BAD], airline, horizon=6, initial=120, step=6, refit=False)
    assert res.failed_models == [BAD] and res.scored_models == ["naive", "snaive(12)"]
    board = res.leaderboard().set_index("model")
    n_origins = len(range(119, len(airline) - 6, 6))
    # the two baselines are scored on every origin and tested against each other
    assert (board.loc[["naive", "snaive(12)"], "n_origins"] == n_origins).all()
    assert board.loc["snaive(12)", "rank"] == 1 and board.loc["naive", "rank"] == 2
    assert np.isfinite(board.loc["naive", ["mase", "dm_pvalue"]].astype(float)).all()
    # the failed model: listed last, no rank, no scores, its reason and count
    assert board.index[-1] == BAD and board.loc[BAD, "status"] == "failed"
    assert board.loc[BAD, ["mae", "smape", "mase"]].isna().all() and board.loc[BAD, "rank"] is pd_na()
    assert board.loc[BAD, "n_failed"] == n_origins and board.loc[BAD, "n_origins"] == 0
    assert "ModelError in fit" in board.loc[BAD, "failure"] and "estimator" in board.loc[BAD, "failure"]
    summary = res.failure_summary()
    assert summary[["model", "n_failed", "n_origins", "all_failed"]].values.tolist() == [[BAD, n_origins, n_origins, True]]
    line = stderr_summary(res)
    assert BAD in line and "every origin" in line and "\n" not in line
    assert nothing_scored_reason(res) is None


def pd_na():
    import pandas as pd

    return pd.NA


def test_panel_ranks_and_tests_run_without_the_failed_model(m3_panel):
    res = run_backtest(["naive", "drift", "mean", BAD], m3_panel, horizon=4, initial=28, step=1, refit=False)
    board = res.leaderboard().set_index("model")
    ok = ["naive", "drift", "mean"]
    assert board.loc[ok, "mean_rank"].notna().all() and board.loc[ok, "n_origins"].gt(0).all()
    assert np.isclose(board.loc[ok, "mean_rank"].sum(), 6.0)  # ranks 1..3 over the three models
    fr = res.friedman()
    assert list(fr.mean_ranks.index) != [] and BAD not in fr.mean_ranks.index
    # per-series DM counts add up to the number of series for every model but the best
    best = board.index[0]
    counts = board.loc[[m for m in ok if m != best], ["dm_worse", "dm_not_different", "dm_better"]]
    assert (counts.sum(axis=1) == len(m3_panel)).all()
    assert counts["dm_worse"].sum() >= 1  # the baselines do differ on some series
    assert board.loc[best, ["dm_worse", "dm_not_different", "dm_better"]].isna().all()
    assert board.loc[BAD, "status"] == "failed" and board.loc[BAD, "n_failed"] == board.loc["naive", "n_origins"]


def test_all_failed_says_nothing_could_be_scored(airline):
    from forecast.reporting.failnotes import (
        model_failure_lines,
        nothing_scored_reason,
        stderr_summary,
    )

    res = run_backtest([BAD, 'ma(1,method="bogus")'], airline, horizon=6, initial=120, step=6, refit=False)
    assert res.scored_models == []
    reason = nothing_scored_reason(res)
    assert reason.startswith("every model failed at every origin") and BAD in reason
    assert len(model_failure_lines(res)) == 2
    assert stderr_summary(res).startswith("nothing could be scored")
    board = res.leaderboard()
    assert (board["status"] == "failed").all() and board["rank"].isna().all()


def test_plots_leave_out_the_failed_model(m3_panel):
    from forecast.reporting import figures as plotting

    res = run_backtest(["naive", "drift", "mean", BAD], m3_panel, horizon=4, initial=28, step=1, refit=False)
    fig = plotting.plot_leaderboard(res)
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == ["drift", "mean", "naive"]
    assert len(ax.patches) == 3 and BAD in ax.get_title() and "DM w/n/b" in " ".join(t.get_text() for t in ax.texts)
    assert plotting.plot_ranks(res).axes  # the rank diagram runs over the three that forecast
