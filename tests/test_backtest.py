"""The backtest engine on real data: origins, refit policies, no look-ahead, failures,
scores, leaderboard, save/load."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_backtest_support import CALLS, LSAR, FailAt, KnownX, Noisy

import forecast as fc
from forecast import metrics as M
from forecast.errors import InputError


@pytest.fixture(scope="module")
def airline():
    return fc.datasets.load("airline")


@pytest.fixture(scope="module")
def macro():
    return fc.datasets.load("macro")


def test_too_short_series_names_the_numbers(airline):
    with pytest.raises(InputError, match=r"144 observations.*initial=140.*horizon=12.*152"):
        fc.backtest(["naive"], airline, horizon=12, initial=140)


def test_origins_are_time_stamps_shared_by_all_models(airline):
    res = fc.backtest({"naive": fc.Naive(), "ar": LSAR(p=2), "drift": "drift"}, airline,
                      horizon=6, initial=120, step=3)
    fcs = res.forecasts
    expected = list(airline.index[[119, 122, 125, 128, 131, 134, 137]])
    for _, part in fcs.groupby("model"):
        assert list(part["origin"].unique()) == expected
    assert list(fcs.columns) == ["series_id", "model", "origin", "step", "timestamp", "y_true",
                                 "y_pred", "lower", "upper"]
    row = fcs[(fcs["model"] == "naive") & (fcs["origin"] == airline.index[122]) & (fcs["step"] == 4)].iloc[0]
    assert row["timestamp"] == airline.index[126]
    assert row["y_true"] == airline.iloc[126]
    assert row["y_pred"] == airline.iloc[122]
    assert row["lower"] < row["y_pred"] < row["upper"]
    assert fcs.loc[fcs["model"] == "ar", "lower"].isna().all()  # no intervals from LSAR


@pytest.mark.parametrize("refit", [True, False, 3])
def test_refit_policies_match_a_hand_loop(airline, refit):
    h, init = 6, 110
    CALLS["fit"] = CALLS["predict_origins"] = 0
    res = fc.backtest({"ar": LSAR(p=3)}, airline, horizon=h, initial=init, step=2, refit=refit)
    origins = list(range(init - 1, len(airline) - h, 2))
    k = {True: 1, False: len(origins)}.get(refit, refit)
    n_segments = -(-len(origins) // k)
    assert CALLS["fit"] == n_segments  # never a silent refit
    assert CALLS["predict_origins"] == n_segments  # one batched call per segment
    got = res.forecasts["y_pred"].to_numpy().reshape(len(origins), h)
    for i, o in enumerate(origins):
        first = origins[(i // k) * k]
        model = LSAR(p=3).fit(airline.iloc[: first + 1])
        if o > first:
            model.update(airline.iloc[first + 1: o + 1])
        np.testing.assert_allclose(got[i], model.predict(h).mean.to_numpy(), rtol=1e-12)
    assert len(res.timings) == n_segments


def test_refit_false_differs_from_refit_true(airline):
    a = fc.backtest({"ar": LSAR(p=2)}, airline, horizon=3, initial=100, refit=True)
    b = fc.backtest({"ar": LSAR(p=2)}, airline, horizon=3, initial=100, refit=False)
    assert not np.allclose(a.forecasts["y_pred"], b.forecasts["y_pred"])
    first = a.forecasts[a.forecasts["origin"] == airline.index[99]]["y_pred"].to_numpy()
    np.testing.assert_allclose(first, b.forecasts[b.forecasts["origin"] == airline.index[99]]["y_pred"])


def test_sliding_window_trains_on_the_last_observations(airline):
    res = fc.backtest({"mean": fc.Mean()}, airline, horizon=2, initial=30, window=24, step=10)
    for origin, part in res.forecasts.groupby("origin", sort=False):
        pos = airline.index.get_loc(origin)
        assert part["y_pred"].iloc[0] == pytest.approx(airline.iloc[pos - 23: pos + 1].mean())
    with pytest.raises(InputError, match="needs at least 10 observations"):
        fc.backtest({"ar": LSAR(p=3)}, airline, horizon=2, initial=30, window=8)


def test_no_look_ahead_values_after_the_origin_do_not_matter(airline):
    models = {"ar": LSAR(p=2), "naive": "naive", "drift": "drift", "snaive": "snaive(12)"}
    origin_pos = 119
    base = fc.backtest(models, airline, horizon=4, initial=100, step=1, refit=2)
    changed = airline.copy()
    changed.iloc[origin_pos + 1:] *= 3.0
    other = fc.backtest(models, changed, horizon=4, initial=100, step=1, refit=2)
    keep = base.forecasts["origin"] <= airline.index[origin_pos]
    np.testing.assert_array_equal(base.forecasts.loc[keep, "y_pred"], other.forecasts.loc[keep, "y_pred"])
    assert not np.allclose(base.forecasts.loc[~keep, "y_pred"], other.forecasts.loc[~keep, "y_pred"])


def test_known_exog_gets_the_horizon_observed_exog_is_rejected(macro):
    y, X = macro["realcons"], macro[["realdpi", "unemp"]]
    res = fc.backtest({"x": KnownX(), "naive": "naive"}, y, X=X, known_exog=["realdpi", "unemp"],
                      horizon=4, initial=150, step=8)
    row = res.forecasts[res.forecasts["model"] == "x"].iloc[5]
    pos = y.index.get_loc(row["origin"])
    model = KnownX().fit(y.iloc[: pos + 1], X.iloc[: pos + 1])
    expect = model.predict(4, X.iloc[pos + 1: pos + 5]).mean.iloc[row["step"] - 1]
    assert row["y_pred"] == pytest.approx(expect)
    assert res.meta["models"]["x"]["exog"] == ["realdpi", "unemp"]
    assert res.meta["models"]["naive"]["exog"] == []
    with pytest.raises(InputError, match=r"observed.*known_exog"):
        fc.backtest({"x": KnownX()}, y, X=X, horizon=4, initial=150)
    with pytest.raises(InputError, match="known_exog names 'gdp'"):
        fc.backtest({"x": KnownX()}, y, X=X, known_exog=["gdp"], horizon=4, initial=150)
    with pytest.warns(fc.errors.ForecastWarning, match="unemp"):
        fc.backtest({"x": KnownX()}, y, X=X, known_exog=["realdpi"], horizon=4, initial=190)


@pytest.mark.parametrize("stage,etype", [("predict", "FloatingPointError"), ("fit", "LinAlgError"),
                                         ("nan", "NonFiniteForecast")])
def test_failures_are_recorded_and_scores_use_common_origins(airline, stage, etype):
    bad = airline.index[125]
    res = fc.backtest({"fails": FailAt(origin=bad, stage=stage), "naive": fc.Naive()}, airline,
                      horizon=3, initial=120, step=1, refit=True if stage == "fit" else False)
    f = res.failures
    assert len(f) == 1
    assert f.iloc[0][["series_id", "model", "origin", "error_type"]].tolist() == ["passengers", "fails", bad, etype]
    assert f.iloc[0]["message"]
    fails = res.forecasts[res.forecasts["model"] == "fails"]
    assert fails.loc[fails["origin"] == bad, "y_pred"].isna().all()
    assert fails.loc[fails["origin"] != bad, "y_pred"].notna().all()
    board = res.leaderboard()
    n_origins = len(range(119, len(airline) - 3))
    assert (board["n_dropped"] == 1).all() and (board["n_origins"] == n_origins - 1).all()
    # FailAt is naive elsewhere: on the common origins both score the same
    scores = res.scores()
    np.testing.assert_allclose(scores["fails"], scores["naive"])


def test_scores_and_by_horizon_match_forecast_metrics(airline):
    h, m = 12, 12
    res = fc.backtest(["naive", "snaive(12)"], airline, horizon=h, initial=108, step=4)
    fcs = res.forecasts[res.forecasts["model"] == "naive"]
    per_origin = {name: [] for name in ("mae", "rmse", "smape", "mase", "rmsse")}
    steps = []
    for origin, part in fcs.groupby("origin", sort=False):
        pos = airline.index.get_loc(origin)
        train = airline.iloc[: pos + 1].to_numpy()
        yt, yp = part["y_true"].to_numpy(), part["y_pred"].to_numpy()
        for name in per_origin:
            per_origin[name].append(M.compute(name, yt, yp, y_train=train, m=m))
        steps.append(np.abs(yt - yp) / M.scale(train, m))
    scores = res.scores()
    for name, vals in per_origin.items():
        assert scores.loc[name, "naive"] == pytest.approx(np.mean(vals), rel=1e-12)
    np.testing.assert_allclose(res.by_horizon("mase")["naive"], np.mean(steps, axis=0), rtol=1e-12)
    err = res.errors
    assert set(["error", "abs_error", "squared_error", "scaled_error"]) <= set(err.columns)
    assert np.allclose(err["error"], err["y_true"] - err["y_pred"])


def test_leaderboard_ranks_skill_owa_and_dm(airline):
    res = fc.backtest(["naive", "snaive(12)", "mean", LSAR(p=2)], airline, horizon=12, initial=96, step=1)
    board = res.leaderboard()
    assert board["model"].tolist()[0] == "snaive(12)"
    assert board["rank"].tolist() == [1, 2, 3, 4]
    assert board["mase"].is_monotonic_increasing
    assert board.loc[0, "skill_mase"] == pytest.approx(0.0)  # the reference is seasonal naive (m=12)
    # OWA is the M4 one: relative to Naive2 (re-fitted at every origin) on the same origins,
    # not to the skill reference; the Naive2 model scored alone gives the denominators
    n2 = fc.backtest(["naive2(12)"], airline, horizon=12, initial=96, step=1).leaderboard().iloc[0]
    assert n2["owa"] == pytest.approx(1.0, rel=1e-12)
    expected = 0.5 * (board["smape"] / n2["smape"] + board["mase"] / n2["mase"])
    np.testing.assert_allclose(board["owa"], expected, rtol=1e-12)
    assert board.loc[0, "owa"] > 1.05  # seasonal naive is worse than Naive2 on these origins
    assert np.isnan(board.loc[0, "dm_pvalue"])
    mean_row = board[board["model"] == "mean"].iloc[0]
    assert mean_row["dm_pvalue"] < 0.01 and mean_row["dm_stat"] > 0 and mean_row["skill_mase"] < 0
    dm = res.dm_tests()
    assert set(dm["step"]) == set(range(0, 13))
    assert (dm["against"] == "snaive(12)").all()
    assert {"fit_seconds", "predict_seconds"} <= set(board.columns)
    table = res.dm_pvalues()
    assert list(table.columns) == list(range(13)) and "snaive(12)" not in table.index
    assert table.loc["mean", 0] == pytest.approx(mean_row["dm_pvalue"])
    assert res.meta["initial_used"] == {"passengers": 96}


def test_panel_long_frame_friedman_and_nemenyi():
    series, _ = fc.datasets.load_m3("yearly")
    ids = sorted(series)[:12]
    long = pd.concat([pd.DataFrame({"series_id": k, "timestamp": series[k].index.astype(str), "value": series[k].to_numpy()})
                      for k in ids])
    long["timestamp"] = long["timestamp"].astype(int)
    res = fc.backtest(["naive", "drift", "mean"], long, horizon=4, initial=14, step=2, season=1)
    assert sorted(res.series_ids) == ids
    fr = res.friedman()
    assert fr.n_series == 12 and 0 <= fr.pvalue <= 1
    table = res.series_scores("mase")
    assert fr.mean_ranks.to_dict() == pytest.approx(table.rank(axis=1).mean().to_dict())
    board = res.leaderboard()
    assert {"mean_rank", "nemenyi_worse", "dm_worse_share"} <= set(board.columns)
    assert board.loc[0, "mean_rank"] == board["mean_rank"].min()
    with pytest.raises(InputError, match="panel"):
        fc.backtest(["naive"], series[ids[0]], horizon=2).friedman()


def test_seed_makes_stochastic_models_repeatable(airline):
    a = fc.backtest({"noisy": Noisy()}, airline, horizon=3, initial=130, seed=7)
    b = fc.backtest({"noisy": Noisy()}, airline, horizon=3, initial=130, seed=7)
    c = fc.backtest({"noisy": Noisy()}, airline, horizon=3, initial=130, seed=8)
    np.testing.assert_array_equal(a.forecasts["y_pred"], b.forecasts["y_pred"])
    assert not np.allclose(a.forecasts["y_pred"], c.forecasts["y_pred"])
    assert a.meta["seed"] == 7 and "numpy" in a.meta["versions"] and a.meta["data_hash"]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_save_and_load_round_trip(tmp_path, airline, fmt):
    res = fc.backtest(["naive", "snaive(12)", FailAt(origin=airline.index[130])], airline,
                      horizon=6, initial=120, step=2, refit=False)
    path = res.save(tmp_path / "run", format=fmt)
    res.save(tmp_path / "run", format=fmt)  # replacing an existing folder works
    back = fc.load_result(path)
    pd.testing.assert_frame_equal(back.forecasts, res.forecasts)
    pd.testing.assert_frame_equal(back.failures, res.failures)
    pd.testing.assert_frame_equal(back.leaderboard(), res.leaderboard())
    for key in ("settings", "data_hash", "versions", "model_names", "series", "index"):
        assert back.meta[key] == res.meta[key]
    assert not list(tmp_path.glob(".*"))  # no temporary folders left
    with pytest.raises(fc.errors.PersistenceError, match="no meta.json"):
        fc.load_result(tmp_path)


def test_bad_arguments_give_input_errors(airline):
    with pytest.raises(InputError, match="refit"):
        fc.backtest(["naive"], airline, horizon=3, refit="often")
    with pytest.raises(InputError, match="window"):
        fc.backtest(["naive"], airline, horizon=3, window="rolling")
    with pytest.raises(InputError, match="unknown metric"):
        fc.backtest(["naive"], airline, horizon=3, metrics=["r2"])
    with pytest.raises(InputError, match="unknown model"):
        fc.backtest(["nonesuch"], airline, horizon=3)
    with pytest.raises(InputError, match="horizon"):
        fc.backtest(["naive"], airline, horizon=0)


def test_season_is_inferred_from_frequency(macro):
    res = fc.backtest(["naive", "snaive(4)"], macro["realgdp"], horizon=4, initial=180, step=4)
    assert res.season == 4 and res.meta["reference"] == "snaive"


def test_integer_index_warns_and_names_season(airline):
    """Without a calendar frequency the season cannot be inferred: say so, name season=."""
    plain = airline.reset_index(drop=True)
    with pytest.warns(fc.errors.ForecastWarning, match=r"cannot infer the season: y has an integer index.*season=m"):
        res = fc.backtest(["snaive(12)"], plain, horizon=12, initial=96, step=6)
    assert res.season == 1
    dated = fc.backtest(["snaive(12)"], airline, horizon=12, initial=96, step=6)
    given = fc.backtest(["snaive(12)"], plain, horizon=12, initial=96, step=6, season=12)
    assert given.season == 12
    assert given.scores().loc["mase", "snaive(12)"] == pytest.approx(dated.scores().loc["mase", "snaive(12)"], rel=1e-12)
    assert res.scores().loc["mase", "snaive(12)"] != pytest.approx(dated.scores().loc["mase", "snaive(12)"], rel=0.01)
