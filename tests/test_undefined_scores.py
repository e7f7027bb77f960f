"""Scores that are undefined (a zero MASE/RMSSE scale, zero actuals for MAPE) are counted,
named in a warning and left out of that metric only; nothing crashes (issue #11 item 5)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import forecast as fc
from forecast.errors import UndefinedScoreWarning


@pytest.fixture(scope="module")
def m3_panel():
    """Two M3 yearly series and a flat one (the first series' first value held) on the
    same years: its MASE/RMSSE scale is zero at every origin."""
    series, _ = fc.datasets.load_m3("yearly")
    a, b = (series[k] for k in sorted(series)[:2])
    n = min(len(a), len(b))
    a, b = a.iloc[-n:], b.iloc[-n:].set_axis(a.index[-n:])
    flat = pd.Series(float(a.iloc[0]), index=a.index)
    return {"a": a, "b": b, "flat": flat}


def test_constant_series_is_counted_named_and_left_out_of_scaled_metrics_only(m3_panel):
    kwargs = dict(horizon=4, initial=len(m3_panel["a"]) - 8, step=1, season=1)
    res = fc.backtest(["naive", "drift"], m3_panel, **kwargs)
    with pytest.warns(UndefinedScoreWarning, match=r"'flat': MASE/RMSSE at 5 of 5 origins .*does not change"):
        scores = res.scores()
    assert (scores.loc["n_undefined_mase"] == 5).all() and (scores.loc["n_undefined_rmsse"] == 5).all()
    # MASE averages the two other series only; sMAPE keeps the flat one
    others = fc.backtest(["naive", "drift"], {k: m3_panel[k] for k in ("a", "b")}, **kwargs).scores()
    np.testing.assert_allclose(scores.loc["mase"], others.loc["mase"], rtol=1e-12)
    per_series = res.series_scores("smape")
    assert per_series.loc["flat"].notna().all()
    np.testing.assert_allclose(scores.loc["smape"], per_series.mean(axis=0), rtol=1e-12)
    board = res.leaderboard()
    assert (board["n_undefined_mase"] == 5).all() and np.isfinite(board["owa"]).all()
    table = res.undefined()
    assert set(table["series_id"]) == {"flat"} and set(table["metric"]) == {"mase", "rmsse"}


def test_constant_series_alone_gives_nan_owa_not_an_error(m3_panel):
    res = fc.backtest(["naive", "mean"], m3_panel["flat"], horizon=4, initial=len(m3_panel["flat"]) - 6, season=1)
    with pytest.warns(UndefinedScoreWarning) as caught:
        board = res.leaderboard()
    said = [str(w.message) for w in caught]
    assert any("OWA is undefined" in m for m in said) and any("'y': MASE/RMSSE at 3 of 3" in m for m in said)
    assert board["owa"].isna().all() and board["mase"].isna().all()
    assert (board["smape"] == 0).all() and (board["n_undefined_mase"] == 3).all()


def test_mape_is_undefined_only_at_origins_with_zero_actuals(sunspots):
    # sunspots: a zero at position 110, inside the horizon of origins 105..109
    res = fc.backtest(["naive"], sunspots, horizon=5, initial=100, step=1, metrics=["mape", "smape"])
    with pytest.warns(UndefinedScoreWarning, match="MAPE at 5 of"):
        scores = res.scores()
    assert scores.loc["n_undefined_mape", "naive"] == 5
    fcs = res.forecasts
    keep = fcs.groupby("origin")["y_true"].transform(lambda v: (v != 0).all())
    part = fcs[keep]
    per_origin = (100 * (part["y_true"] - part["y_pred"]).abs() / part["y_true"]).groupby(part["origin"]).mean()
    assert scores.loc["mape", "naive"] == pytest.approx(per_origin.mean(), rel=1e-12)
    # by horizon: the same origins left out, step by step
    by_step = (100 * (part["y_true"] - part["y_pred"]).abs() / part["y_true"]).groupby(part["step"]).mean()
    np.testing.assert_allclose(res.by_horizon("mape")["naive"], by_step, rtol=1e-12)


# ---------------------------------------------------------------- issue 17: rank by a defined metric
@pytest.fixture(scope="module")
def alternating():
    """The airline passengers with the first 40 months replaced by the first two values in
    turn: at lag m=2 the training data does not change before any origin below, so MASE
    (m=2) is undefined at every origin while the models' errors differ."""
    y = fc.datasets.load("airline").astype(float)
    head = np.where(np.arange(40) % 2 == 0, y.iloc[0], y.iloc[1])
    return pd.Series(np.r_[head, y.iloc[40:44].to_numpy()], index=y.index[:44])


@pytest.mark.parametrize("models", [["naive", "snaive(2)", "mean"], ["mean", "naive", "snaive(2)"]])
def test_undefined_primary_metric_never_ranks_by_input_order(alternating, models):
    res = fc.backtest(models, alternating, horizon=4, initial=30, step=2, season=2)
    with pytest.warns(UndefinedScoreWarning):
        board = res.leaderboard()
    assert board["mase"].isna().all()
    # ranked by the next metric defined for every model: MAE, lowest first, whatever the input order
    assert board.attrs["ranking_metric"] == "mae" and "skill_mae" in board.columns
    assert "mase is undefined for every model" in board.attrs["ranking_note"]
    assert board["mae"].is_monotonic_increasing and board["rank"].tolist() == [1, 2, 3]
    best = str(board["model"].iloc[0])
    assert best == str(res.scores("mae").iloc[0].idxmin())
    # DM runs against the model that ranks first
    assert set(res.dm_tests(by_step=False)["against"]) == {best}
    assert res.ranking_metric() == ("mae", board.attrs["ranking_note"])


def test_panel_nemenyi_and_mean_rank_use_the_ranking_metric(alternating):
    y = fc.datasets.load("airline").astype(float)
    other = pd.Series(y.iloc[60:104].to_numpy(), index=alternating.index)
    other.iloc[:40] = np.where(np.arange(40) % 2 == 0, other.iloc[0], other.iloc[1])
    panel = {"a": alternating, "b": other}
    res = fc.backtest(["naive", "snaive(2)", "mean"], panel, horizon=4, initial=30, step=2, season=2)
    with pytest.warns(UndefinedScoreWarning):
        board = res.leaderboard()
    assert board.attrs["ranking_metric"] == "mae"
    ranks = res.series_scores("mae").rank(axis=1).mean()
    np.testing.assert_allclose(board.set_index("model")["mean_rank"], ranks.reindex(board["model"]))
    assert res.friedman().n_series == 2  # on MAE, defined on both series (MASE is on none)


def test_by_horizon_averages_the_defined_origins_with_a_count(airline):
    # season 12 > initial 10: MASE is undefined at the first origins only
    res = fc.backtest(["naive", "drift"], airline, horizon=3, initial=10, step=3, season=12)
    table = res.by_horizon("mase")
    assert np.isfinite(table[["naive", "drift"]].to_numpy()).all()
    undefined = int(res.undefined(["mase"])["n_undefined"].sum())
    assert undefined > 0 and (table["n"] == res.n_common_origins - undefined).all()
    # the same origins by hand: each step's scaled error, over the origins with a defined scale
    err = res.errors
    part = err[(err["model"] == "naive") & np.isfinite(err["scaled_error"])]
    np.testing.assert_allclose(table["naive"], part.groupby("step")["scaled_error"].mean(), rtol=1e-12)
    with pytest.warns(UndefinedScoreWarning):
        np.testing.assert_allclose(table["naive"].mean(), res.scores("mase").loc["mase", "naive"], rtol=1e-12)


def test_season_longer_than_the_training_data_is_replaced_with_a_warning():
    y = fc.datasets.load("co2").iloc[-50:]  # 50 weeks: the weekly season 52 exceeds every training window
    with pytest.warns(fc.errors.ForecastWarning, match=r"season=52 is longer than the training data.*season=m"):
        res = fc.backtest(["naive", "snaive(4)", "mean"], y, horizon=4, initial=30, step=2)
    assert res.season == 1 and "season=52" in res.meta["season_note"]
    board = res.leaderboard()
    assert np.isfinite(board["mase"]).all() and board.attrs["ranking_metric"] == "mase"
    assert board["mase"].is_monotonic_increasing


def test_panel_backtest_with_undefined_scores_averages_no_empty_slice(airline, tmp_path):
    # two series whose first origins have undefined MASE (season 12 > initial 10)
    panel = {"a": airline.iloc[:60], "b": airline.iloc[60:120].set_axis(airline.index[:60])}
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", UndefinedScoreWarning)
        res = fc.backtest(["naive", "drift"], panel, horizon=3, initial=10, step=3, season=12)
        board = res.leaderboard()
        table = res.by_horizon("mase")
        res.save_report(tmp_path / "out")
    assert np.isfinite(table[["naive", "drift"]].to_numpy()).all()
    assert board.attrs["ranking_metric"] == "mase" and np.isfinite(board["mase"]).all()
    html = (tmp_path / "out" / "report.html").read_text()
    assert "ranked by" in html and "MASE by horizon step" in html


def test_cli_names_the_ranking_metric_and_replaces_a_season_longer_than_the_data(tmp_path):
    from tests.test_cli import run_cli

    weeks = fc.datasets.load("co2").iloc[-50:]
    path = tmp_path / "weekly50.csv"
    pd.DataFrame({"week": weeks.index.strftime("%Y-%m-%d"), "co2": weeks.to_numpy()}).to_csv(path, index=False)
    proc = run_cli("backtest", str(path), "--models", "naive,snaive(4),mean", "--horizon", "4", "--initial", "30",
                   "--step", "2", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "note: season=52 is longer than the training data" in proc.stderr and "--season" in proc.stderr
    board = pd.read_csv(tmp_path / "out" / "leaderboard.csv")
    assert np.isfinite(board["mase"]).all() and board["mase"].is_monotonic_increasing
    assert "season=52 is longer" in (tmp_path / "out" / "report.html").read_text()


def test_cli_says_when_the_ranking_falls_back_to_the_next_metric(tmp_path, alternating):
    path = tmp_path / "alternating.csv"
    pd.DataFrame({"month": alternating.index.strftime("%Y-%m"), "y": alternating.to_numpy()}).to_csv(path, index=False)
    from tests.test_cli import run_cli

    proc = run_cli("backtest", str(path), "--models", "naive,mean,snaive(2)", "--horizon", "4", "--initial", "30",
                   "--step", "2", "--season", "2", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "note: ranked by mae: mase is undefined for every model" in proc.stdout
    board = pd.read_csv(tmp_path / "out" / "leaderboard.csv")
    assert board["model"].iloc[0] == "snaive(2)" and board["mae"].is_monotonic_increasing
    assert "skill_mae" in board.columns
    html = (tmp_path / "out" / "report.html").read_text()
    assert "mae: mase is undefined for every model" in html and "snaive(2) (mae " in html


def test_cli_panel_with_undefined_scores_raises_no_runtime_warning(tmp_path):
    from tests.test_cli import run_cli

    co2 = fc.datasets.load("co2")
    weeks = co2.index[:70].strftime("%Y-%m-%d")
    path = tmp_path / "stores.csv"
    pd.concat([pd.DataFrame({"store": f"s{k}", "week": weeks, "sales": co2.iloc[70 * k:70 * k + 70].to_numpy()})
               for k in range(5)]).to_csv(path, index=False)
    # season 52: MASE is undefined at the first 4 of 7 origins of every store
    proc = run_cli("backtest", str(path), "--id-col", "store", "--models", "naive,snaive(4),mean", "--horizon", "4",
                   "--initial", "40", "--step", "4", "--out", str(tmp_path / "out"),
                   env={"PYTHONWARNINGS": "error::RuntimeWarning"})
    assert proc.returncode == 0, proc.stderr
    assert "RuntimeWarning" not in proc.stderr + proc.stdout
    assert "MASE is undefined for series s0 (4 of 7 origins)" in proc.stdout
    board = pd.read_csv(tmp_path / "out" / "leaderboard.csv")
    assert np.isfinite(board["mase"]).all() and board["mase"].is_monotonic_increasing


def test_no_metric_defined_for_every_model_ranks_nobody_and_calls_nobody_best(alternating):
    res = fc.backtest(["naive", "snaive(2)", "mean"], alternating, horizon=4, initial=30, step=2, season=2,
                      metrics=["mase"])
    with pytest.warns(UndefinedScoreWarning):
        board = res.leaderboard()
    assert board["rank"].isna().all() and board["dm_pvalue"].isna().all()
    assert "no other metric is defined for every model" in board.attrs["ranking_note"]
    from forecast.cli.tables import leaderboard_rows

    headers, rows, _ = leaderboard_rows(board, ["mase"])
    verdicts = [row[headers.index("vs. best")] for row in rows]
    assert verdicts == ["unranked"] * 3
