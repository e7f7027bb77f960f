"""Forecast combinations: the model, its spec, and the backtest building it from its members."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forecast as fc
from forecast.datasets import load_m3
from forecast.errors import InputError
from forecast.models.baseline import Naive
from forecast.models.combination import Combination
from forecast.models.registry import create
from forecast.persistence import load_model

FITS: list[int] = []  # one entry per fit of a CountingNaive in this process: the training length


class CountingNaive(Naive):
    """The naive model, recording every fit (run_task fits a clone: the list is shared)."""

    def _fit(self, y, X):
        FITS.append(len(y))
        super()._fit(y, X)


@pytest.fixture(scope="module")
def airline():
    return fc.datasets.load("airline")


def _members():
    return [fc.Naive(), fc.SeasonalNaive(m=12), fc.Drift()]


# ------------------------------------------------------------------ the model on its own
@pytest.mark.parametrize("how", ["mean", "median"])
def test_point_forecast_and_bounds_combine_the_members(airline, how):
    combo = Combination(_members(), how=how, calibration="none").fit(airline)
    members = [m.fit(airline).predict(12) for m in _members()]
    reduce = np.mean if how == "mean" else np.median
    f = combo.predict(12)
    np.testing.assert_allclose(f.values, reduce([m.values for m in members], axis=0))
    for level in (80, 95):
        lower, upper = f.interval_bounds(level)
        bounds = [m.interval_bounds(level) for m in members]
        expected_lo = np.minimum(reduce([b[0] for b in bounds], axis=0), f.values)
        expected_hi = np.maximum(reduce([b[1] for b in bounds], axis=0), f.values)
        np.testing.assert_allclose(lower, expected_lo)
        np.testing.assert_allclose(upper, expected_hi)
    assert f.index.equals(members[0].index)


def test_predict_origins_and_update_combine_the_members_fixed_parameters(airline):
    train, new = airline.iloc[:120], airline.iloc[120:132]
    combo = Combination(_members()).fit(train)
    origins = [new.index[2], new.index[7]]
    batched = combo.predict_origins(new, origins, 6)
    per_member = [m.fit(train).predict_origins(new, origins, 6) for m in _members()]
    for i, got in enumerate(batched):
        np.testing.assert_allclose(got.values, np.mean([fs[i].values for fs in per_member], axis=0))
        assert got.index.equals(per_member[0][i].index)
    # the combination was not changed; update + predict gives the same as the batched path
    assert combo.cutoff_ == train.index[-1]
    combo.update(new.loc[:origins[1]])
    np.testing.assert_allclose(combo.predict(6).values, batched[1].values)
    np.testing.assert_allclose(combo.predict(6).interval_bounds(80), batched[1].interval_bounds(80))


def test_members_given_are_never_fitted(airline):
    members = _members()
    Combination(members).fit(airline)
    assert not any(m.is_fitted for m in members)


def test_save_and_load_keep_the_members(airline, tmp_path):
    combo = Combination(_members(), how="median").fit(airline.iloc[:130])
    loaded = load_model(combo.save(tmp_path / "combo"))
    assert [type(m) for m in loaded.models] == [type(m) for m in combo.models]
    np.testing.assert_allclose(loaded.predict(5).values, combo.predict(5).values)
    loaded.update(airline.iloc[130:])
    combo.update(airline.iloc[130:])
    np.testing.assert_allclose(loaded.predict(5).values, combo.predict(5).values)


@pytest.mark.parametrize(("models", "how", "says"), [
    ([fc.Naive()], "mean", "at least two"),
    ([fc.Naive(), "snaive"], "mean", r"models\[1\]"),
    ([fc.Naive(), fc.Drift()], "average", "how"),
    ([fc.Naive(), Combination([fc.Naive(), fc.Drift()])], "mean", "itself a combination"),
])
def test_bad_parameters_are_refused(airline, models, how, says):
    with pytest.raises(InputError, match=says):
        Combination(models, how=how).fit(airline)


def test_panel_is_refused_with_a_clear_error(airline):
    with pytest.raises(InputError, match="panel"):
        Combination(_members()).fit({"a": airline, "b": airline})


# ------------------------------------------------------------------ the spec
def test_spec_with_nested_member_specs():
    combo = create("combo(naive, snaive(12), arma(1,0), how=median)")
    assert isinstance(combo, Combination) and combo.how == "median"
    assert [type(m).__name__ for m in combo.models] == ["Naive", "SeasonalNaive", "ARMA"]
    assert combo.models[1].m == 12 and (combo.models[2].p, combo.models[2].q) == (1, 0)


@pytest.mark.parametrize(("spec", "says"), [
    ("combo(naive)", "at least two"),
    ("combo(naive, 3)", "not a model spec"),
    ("combo(naive, drift, weights=2)", "weights"),
    ("combo(naive, combo(naive, drift))", "itself a combination"),
    ("combo(naive, nosuchmodel(2))", "unknown model"),
])
def test_bad_specs_are_refused(spec, says):
    with pytest.raises(InputError, match=says):
        create(spec)


# ------------------------------------------------------------------ in the backtest
KW = dict(horizon=6, initial=120, step=4)


def test_backtest_builds_the_combination_from_the_members_rows(airline):
    name = "combo(naive, snaive(12), drift, how=median, calibration=none)"  # the averaged bounds
    res = fc.backtest(["naive", "snaive(12)", name], airline, **KW)
    assert res.models == ["naive", "snaive(12)", name]  # the hidden member (drift) is not a contender
    f = res.forecasts.set_index(["series_id", "origin", "step"])
    combo = f[f["model"] == name]
    drift_alone = fc.backtest(["drift"], airline, **KW).forecasts.set_index(["series_id", "origin", "step"])
    stack = np.stack([f[f["model"] == "naive"]["y_pred"].to_numpy(), f[f["model"] == "snaive(12)"]["y_pred"].to_numpy(),
                      drift_alone["y_pred"].to_numpy()])
    np.testing.assert_allclose(combo["y_pred"].to_numpy(), np.median(stack, axis=0))
    # and it is the forecast the model itself gives at each origin
    for origin, rows in combo.groupby(level="origin"):
        ref = create(name).fit(airline.loc[:origin]).predict(6)
        np.testing.assert_allclose(rows["y_pred"].to_numpy(), ref.values)
        lo, hi = ref.interval_bounds(95)
        np.testing.assert_allclose(rows["lower"].to_numpy(), lo)
        np.testing.assert_allclose(rows["upper"].to_numpy(), hi)
    members = res.meta["models"][name]["members"]
    assert members[:2] == ["naive", "snaive(12)"] and "Drift" in members[2]


def test_a_member_listed_alone_is_fitted_once_per_task(airline):
    FITS.clear()
    counter = CountingNaive()
    res = fc.backtest({"counted": counter, "both": Combination([CountingNaive(), fc.Drift()])}, airline, **KW)
    n_origins = len(res.forecasts["origin"].unique())
    assert n_origins == 5
    assert len(FITS) == n_origins  # one fit per task (refit at every origin), not two
    assert res.meta["tasks_total"] == 2 * n_origins  # counted + the hidden drift; nothing for the combination
    assert res.models == ["counted", "both"]


def test_a_hidden_member_is_fitted_once_for_two_combinations(airline):
    FITS.clear()
    fc.backtest({"a": Combination([CountingNaive(), fc.Drift()]),
                 "b": Combination([CountingNaive(), fc.SeasonalNaive(m=12)], how="median")}, airline, **KW)
    assert len(FITS) == 5  # one per origin, shared by both combinations


class FailsLate(Naive):
    """Fails to fit when the training data reach past position 130."""

    def _fit(self, y, X):
        if len(y) > 130:
            raise ValueError("too long")
        super()._fit(y, X)


def test_a_member_failure_fails_the_combination_at_that_origin(airline):
    res = fc.backtest({"combo": Combination([FailsLate(), fc.Drift()])}, airline, **KW)
    fails = res.failures
    assert set(fails["model"]) == {"combo"}
    late = sorted(res.forecasts["origin"].unique())[-2:]  # training data of 132 and 136 values
    assert sorted(fails["origin"]) == late and fails["message"].str.contains("member 'combo/member0' failed").all()
    missing = res.forecasts.groupby("origin")["y_pred"].apply(lambda s: s.isna().all())
    assert missing[missing].index.tolist() == late


def test_panel_backtest_combines_per_series():
    series, _ = load_m3("quarterly")
    panel = {"Q1": series["Q1"], "Q3": series["Q3"]}
    kw = dict(horizon=4, initial=28, step=2)
    res = fc.backtest(["naive", "drift", "combo(naive, drift)"], panel, **kw)
    f = res.forecasts
    for sid in panel:
        rows = {m: f[(f["series_id"] == sid) & (f["model"] == m)]["y_pred"].to_numpy()
                for m in ("naive", "drift", "combo(naive, drift)")}
        np.testing.assert_allclose(rows["combo(naive, drift)"], (rows["naive"] + rows["drift"]) / 2)


def test_cli_backtest_with_a_combination(tmp_path):
    from forecast.cli import main

    out = tmp_path / "out"
    rc = main(["backtest", "airline", "--models", "naive,combo(naive, snaive(12), how=median)",
               "--horizon", "6", "--initial", "120", "--step", "6", "--out", str(out), "--no-report", "--quiet"])
    assert rc == 0
    board = pd.read_csv(out / "leaderboard.csv")
    assert set(board["model"]) == {"naive", "combo(naive, snaive(12), how=median)"}


# ------------------------------------------------------------------ inverse-error weights
IE = "combo(naive, drift, snaive(12), how=inverse_error)"
IE_KW = dict(horizon=6, initial=100, step=3)


def _rows(res, model):
    f = res.forecasts
    return f[f["model"] == model].sort_values(["origin", "step"])


def test_inverse_error_weights_come_from_earlier_origins_only(airline):
    res = fc.backtest(["naive", "drift", "snaive(12)", IE], airline, **IE_KW)
    members = ["naive", "drift", "snaive(12)"]
    rows = {m: _rows(res, m) for m in [*members, IE]}
    origins = sorted(rows[IE]["origin"].unique())
    position = {o: airline.index.get_loc(o) for o in origins}
    combined = 0
    for o in origins:
        past = [p for p in origins if position[p] + 6 <= position[o]]
        pred = {m: rows[m][rows[m]["origin"] == o]["y_pred"].to_numpy() for m in members}
        if past:
            mae = np.array([np.mean(np.abs(rows[m][rows[m]["origin"].isin(past)]["y_true"]
                                           - rows[m][rows[m]["origin"].isin(past)]["y_pred"])) for m in members])
            w = (1 / mae) / (1 / mae).sum()
            combined += 1
        else:
            w = np.full(3, 1 / 3)
        expected = sum(wi * pred[m] for wi, m in zip(w, members, strict=True))
        np.testing.assert_allclose(rows[IE][rows[IE]["origin"] == o]["y_pred"].to_numpy(), expected)
    assert combined >= 10  # most origins are weighted, not equal


def test_inverse_error_combination_does_not_look_ahead(airline):
    """Changing the data after an origin leaves the forecasts from it (and before) unchanged."""
    res = fc.backtest(["naive", "drift", IE], airline, **IE_KW)
    origins = sorted(res.forecasts["origin"].unique())
    cut = origins[8]
    changed = airline.copy()
    after = changed.index > cut
    changed[after] = changed[after] * 3.0 + 100.0
    again = fc.backtest(["naive", "drift", IE], changed, **IE_KW)
    a, b = _rows(res, IE), _rows(again, IE)
    upto = a["origin"] <= cut
    np.testing.assert_allclose(a[upto]["y_pred"].to_numpy(), b[upto.to_numpy()]["y_pred"].to_numpy())
    np.testing.assert_allclose(a[upto]["upper"].to_numpy(), b[upto.to_numpy()]["upper"].to_numpy())
    # later origins see the changed errors: the weights (and forecasts) move
    assert not np.allclose(a[~upto]["y_pred"].to_numpy(), b[~upto.to_numpy()]["y_pred"].to_numpy())


def test_inverse_error_is_refused_by_a_standalone_model(airline):
    with pytest.raises(InputError, match="backtest"):
        create(IE).fit(airline)


@pytest.mark.keras
def test_a_global_member_is_trained_once_over_the_panel_and_combined_per_series():
    from forecast.models.recurrent import LSTM

    series, _ = load_m3("quarterly")
    panel = {"Q1": series["Q1"], "Q3": series["Q3"]}
    tiny = LSTM(time_steps=4, horizon=2, units=4, epochs=2, batch_size=16, seed=0)
    kw = dict(horizon=4, initial=28, step=2, refit=False, seed=5)
    res = fc.backtest({"lstm": tiny, "naive": "naive", "both": Combination([tiny, fc.Naive()])}, panel, **kw)
    assert res.meta["models"]["both"]["members"] == ["lstm", "naive"]
    assert res.meta["tasks_total"] == 1 + 2  # one global LSTM task, one naive task per series
    f = res.forecasts
    for sid in panel:
        rows = {m: f[(f["series_id"] == sid) & (f["model"] == m)]["y_pred"].to_numpy() for m in ("lstm", "naive", "both")}
        np.testing.assert_allclose(rows["both"], (rows["lstm"] + rows["naive"]) / 2)


@pytest.mark.parametrize(("spec", "says"), [("combo(naive)", "at least two"), ("combo(naive, drift, how=best)", "how")])
def test_cli_refuses_a_bad_combination_with_exit_status_2(tmp_path, capsys, spec, says):
    from forecast.cli import main

    rc = main(["backtest", "airline", "--models", f"naive,{spec}", "--horizon", "6", "--out", str(tmp_path / "o"),
               "--quiet"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and says in err and len(err.splitlines()) == 1


# ------------------------------------------------------------------ recalibrated intervals
def _coverage(model_of, subset="other", every=3):
    train, test, h = load_m3(subset, split=True)
    inside = {80: [], 95: []}
    for sid in list(train)[::every]:
        f = model_of().fit(train[sid]).predict(h)
        for level in inside:
            lo, hi = f.interval_bounds(level)
            t = test[sid].to_numpy()
            inside[level].append((lo <= t) & (t <= hi))
    return {level: float(np.mean(np.concatenate(v))) for level, v in inside.items()}


def test_recalibrated_intervals_cover_m3_other_better_than_the_averaged_bounds():
    raw = _coverage(lambda: Combination([fc.Naive(), fc.Drift()], calibration="none"))
    cal = _coverage(lambda: Combination([fc.Naive(), fc.Drift()]))
    gap = {k: {lv: abs(v[lv] - lv / 100) for lv in (80, 95)} for k, v in (("raw", raw), ("cal", cal))}
    assert raw[95] < 0.93  # the averaged bounds under-cover at 95%
    assert all(g <= 0.05 for g in gap["cal"].values()), cal
    assert gap["cal"][95] < gap["raw"][95] and sum(gap["cal"].values()) < sum(gap["raw"].values()), (raw, cal)


def test_standalone_calibration_is_reported_saved_and_nested(airline, tmp_path):
    combo = Combination(_members()).fit(airline)
    rep = combo.calibration_
    assert rep["method"] == "conformal" and rep["errors"] >= 50 and rep["scale_95"] >= 1.0
    f = combo.predict(12)
    assert "recalibrated" in f.interval_method
    lo80, hi80 = f.interval_bounds(80)
    lo95, hi95 = f.interval_bounds(95)
    assert (lo95 <= lo80).all() and (hi95 >= hi80).all()
    loaded = load_model(combo.save(tmp_path / "c"))
    np.testing.assert_allclose(loaded.predict(12).interval_bounds(95), (lo95, hi95))
    short = Combination([fc.Naive(), fc.Drift()]).fit(airline.iloc[:6])
    assert short.calibration_["method"] == "none" and "not recalibrated" in short.predict(2).interval_method


CAL = "combo(naive, drift, snaive(12))"
CAL_KW = dict(horizon=6, initial=96, step=2)


def test_backtest_recalibrates_on_earlier_fully_observed_origins_only(airline):
    from forecast.models.calibration import conformal_scale, ratio_scores

    raw_name = CAL[:-1] + ", calibration=none)"
    res = fc.backtest([CAL, raw_name], airline, **CAL_KW)
    cal, raw = _rows(res, CAL), _rows(res, raw_name)
    np.testing.assert_allclose(cal["y_pred"].to_numpy(), raw["y_pred"].to_numpy())
    origins = sorted(cal["origin"].unique())
    pos = {o: airline.index.get_loc(o) for o in origins}
    recalibrated = 0
    for o in origins:
        past = [p for p in origins if pos[p] + 6 <= pos[o]]
        here_raw, here = raw[raw["origin"] == o], cal[cal["origin"] == o]
        scores = np.concatenate([ratio_scores(raw[raw["origin"] == p]["y_true"].to_numpy(),
                                              raw[raw["origin"] == p]["y_pred"].to_numpy(),
                                              raw[raw["origin"] == p]["lower"].to_numpy(),
                                              raw[raw["origin"] == p]["upper"].to_numpy()) for p in past] or [[]])
        scale = conformal_scale(scores, 0.95)
        if scale is None:  # too few earlier errors: the averaged bounds
            np.testing.assert_allclose(here["upper"].to_numpy(), here_raw["upper"].to_numpy())
            continue
        recalibrated += 1
        m = here_raw["y_pred"].to_numpy()
        np.testing.assert_allclose(here["upper"].to_numpy(), m + scale * (here_raw["upper"].to_numpy() - m))
        np.testing.assert_allclose(here["lower"].to_numpy(), m - scale * (m - here_raw["lower"].to_numpy()))
    assert 0 < recalibrated < len(origins)
    assert res.meta["models"][CAL]["calibration"] == "conformal"


def test_backtest_calibration_does_not_look_ahead(airline):
    res = fc.backtest([CAL], airline, **CAL_KW)
    origins = sorted(res.forecasts["origin"].unique())
    cut = origins[-5]
    changed = airline.copy()
    after = changed.index > cut
    changed[after] = changed[after] * 5.0 + 300.0
    again = fc.backtest([CAL], changed, **CAL_KW)
    a, b = _rows(res, CAL), _rows(again, CAL)
    upto = (a["origin"] <= cut).to_numpy()
    for col in ("lower", "upper"):
        np.testing.assert_allclose(a[upto][col].to_numpy(), b[upto][col].to_numpy())
    assert not np.allclose(a[~upto]["upper"].to_numpy(), b[~upto]["upper"].to_numpy())


# ------------------------------------------------------------------ in the default comparison
def test_the_default_comparison_fields_a_combination_of_its_own_contenders(capsys):
    from forecast.cli import main
    from forecast.cli.backtest import default_models
    from forecast.evaluation.engine import _expand_combinations

    specs = default_models(12)
    combo = "combo(arima(auto, m=12), lstm)"
    assert combo in specs and "lstm" in specs and "arima(auto, m=12)" in specs
    run, combos = _expand_combinations({s: create(s) for s in specs})
    assert combos[combo][1] == ["arima(auto, m=12)", "lstm"]  # both members are contenders: fitted once
    assert set(run) == set(specs) - {combo}  # nothing hidden runs
    assert combo not in default_models(12, recurrent=False)
    assert main(["backtest", "airline", "--print-config"]) == 0
    assert combo in capsys.readouterr().out


def test_leaderboard_run_json_and_report_name_members_and_test_against_each(tmp_path, capsys):
    import json

    from forecast.cli import main

    out = tmp_path / "out"
    name = "combo(naive, snaive(12), drift)"
    rc = main(["backtest", "airline", "--models", f"naive,snaive(12),{name}", "--horizon", "6", "--initial", "100",
               "--step", "3", "--out", str(out)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert f"{name} against each member" in printed
    board = pd.read_csv(out / "leaderboard.csv").set_index("model")
    assert board.loc[name, "members"].startswith("naive + snaive(12) + ")
    run = json.loads((out / "run.json").read_text())
    info = run["combinations"][name]
    assert info["members"][:2] == ["naive", "snaive(12)"] and info["how"] == "mean"
    tested = {r["member"]: r for r in info["dm_vs_members"]}
    res = fc.backtest(["naive", "snaive(12)", name], fc.datasets.load("airline"), horizon=6, initial=100, step=3,
                      refit=run["backtest"]["settings"]["refit"])  # the command line's default: fit once
    for member in ("naive", "snaive(12)"):  # the DM test of the combination against each member, by hand
        dm = res.dm_tests(against=member, by_step=False)
        row = dm[dm["model"] == name].iloc[0]
        assert tested[member]["dm_stat"] == pytest.approx(row["statistic"])
        assert tested[member]["dm_pvalue"] == pytest.approx(row["pvalue"])
    hidden = info["members"][2]
    assert "Drift" in hidden and tested[hidden]["verdict"].startswith("not tested")
    assert len(pd.read_csv(out / "dm_vs_members.csv")) == 3
    html = (out / "report.html").read_text()
    assert "Combinations against their members" in html and tested["naive"]["verdict"] in html


def test_a_panel_counts_series_where_the_combination_beats_each_member():
    series, _ = load_m3("quarterly")
    panel = {k: series[k] for k in ("Q1", "Q3", "Q5", "Q7")}
    res = fc.backtest(["naive", "drift", "combo(naive, drift)"], panel, horizon=4, initial=28, step=2)
    table = res.dm_vs_members()
    assert list(table["member"]) == ["naive", "drift"]
    assert (table[["better", "not_different", "worse"]].sum(axis=1) == 4).all()
    per_series = res.dm_vs_members(summary=False)
    assert len(per_series) == 8 and set(per_series["series_id"]) == set(panel)
