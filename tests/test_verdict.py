"""The family verdict, the model confidence set, the evidence and the notebook reprs, on real data.

The verdict's numbers are recomputed here by hand from ``res.forecasts`` and ``res.actuals``
(MASE per origin, the relative difference, the DM test); the model confidence set is checked on
a case where one model is clearly worse and two are identical.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import forecast as fc
from forecast.datasets import load_m3
from forecast.evaluation.mcs import model_confidence_set
from forecast.evaluation.significance import dm_test, friedman_test

H = 6
GRU = dict(units=4, epochs=3, time_steps=24, seed=0)


def _mase_by_origin(res, model, m=12):
    """Per (series, origin) MASE from the tidy tables: mean |error| over the steps / the mean
    absolute seasonal difference of the data up to the origin."""
    fc_ = res.forecasts[res.forecasts["model"] == model]
    out = {}
    for (sid, origin), part in fc_.groupby(["series_id", "origin"], sort=False):
        act = res.actuals[res.actuals["series_id"] == sid].reset_index(drop=True)
        p = int(np.flatnonzero(act["timestamp"].to_numpy() == origin)[0])
        y = act["y"].to_numpy(float)[: p + 1]
        scale = np.mean(np.abs(y[m:] - y[:-m]))
        out[(sid, origin)] = np.mean(np.abs(part["y_true"] - part["y_pred"])) / scale
    return pd.Series(out)


@pytest.fixture(scope="module")
def airline_run():
    y = fc.datasets.load("airline")
    models = {"naive": "naive", "snaive": "snaive(12)", "ar(13)": fc.AR(p=13, trend="ct", method="yule_walker"),
              "gru": fc.GRU(**GRU), "combo": "combo(snaive(12), ar(2))"}
    return fc.backtest(models, y, horizon=H, initial=100, refit=False, seed=7)


@pytest.mark.keras
def test_verdict_numbers_equal_those_computed_by_hand(airline_run):
    res = airline_run
    v = res.verdict()
    assert v.best["classical"] == "ar(13)"
    assert v.best["recurrent"] == "gru" and v.best["combination"] == "combo" and v.best["baseline"] in ("naive", "snaive")
    cla, rec = _mase_by_origin(res, "ar(13)"), _mase_by_origin(res, "gru")
    assert v.scores["classical"] == pytest.approx(cla.mean(), rel=1e-9)
    assert v.scores["recurrent"] == pytest.approx(rec.mean(), rel=1e-9)
    better, worse = sorted([cla.mean(), rec.mean()])
    assert v.relative_difference == pytest.approx(1 - better / worse, rel=1e-9)
    assert v.winner == ("recurrent" if rec.mean() < cla.mean() else "classical")
    win, lose = (rec, cla) if rec.mean() < cla.mean() else (cla, rec)
    test = dm_test(win.to_numpy(), lose.to_numpy(), h=H)
    assert v.dm["pvalue"] == pytest.approx(test.pvalue, rel=1e-9) and v.dm["n"] == len(cla) == 39
    assert v.dm["statistic"] < 0
    pct = f"{100 * v.relative_difference:.0f}%"
    assert f"has {pct} lower MASE than the best" in v.text and "over 39 origins" in v.text
    assert ("is significant at 5%" in v.text) == (test.pvalue < 0.05)
    d = v.to_dict()
    assert d["dm"]["pvalue"] == v.dm["pvalue"] and d["best"]["recurrent"] == "gru"
    # the combination against the better family best, by hand as well
    combo = _mase_by_origin(res, "combo")
    assert v.combination["relative_difference"] == pytest.approx(1 - combo.mean() / better, rel=1e-9)
    # evidence: the GRU's window is the one it was given, the horizon steps split between the two
    ev = v.evidence
    assert ev["window"]["time_steps"] == 24 and ev["bds"]["n"] == 39 and 0 <= ev["bds"]["pvalue"] <= 1
    bh = res.by_horizon("mase")
    assert ev["horizon"]["gru"] == [s for s in bh.index if bh.at[s, "gru"] < bh.at[s, "ar(13)"]]
    assert ev["pacf"]["reach"] >= 12  # monthly airline: yearly dependence in the differences
    assert any(line.startswith("Evidence (not cause): Nonlinearity") for line in v.lines)


@pytest.mark.keras
def test_reprs_contain_the_key_numbers(airline_run):
    res = airline_run
    v = res.verdict()
    html = res._repr_html_()
    assert "Verdict." in html and f"{v.scores['recurrent']:.4g}" in html and "gru" in html
    assert f"{100 * v.relative_difference:.0f}%" in v._repr_html_()
    f = fc.GRU(**GRU).fit(fc.datasets.load("airline")).predict(3)
    out = f._repr_html_()
    assert "<table" in out and f"{f.values[0]:.4g}" in out and "lower_95" in out
    assert f"{res.leaderboard()['mase'].iloc[0]:.4g}" in html


def test_mcs_excludes_the_clearly_worse_and_keeps_two_identical(airline, tmp_path):
    models = {"naive a": fc.Naive(), "naive b": fc.Naive(), "mean": fc.Mean()}
    res = fc.backtest(models, airline, horizon=H, initial=100, seed=11)
    board = res.leaderboard().set_index("model")
    assert board.loc["naive a", "mcs"] and board.loc["naive b", "mcs"] and not board.loc["mean", "mcs"]
    s = res.model_confidence_set()
    assert sorted(s.included) == ["naive a", "naive b"] and s.pvalues["mean"] < 0.10 and s.n == 39
    again = fc.backtest(models, airline, horizon=H, initial=100, seed=11).model_confidence_set()
    assert again.included == s.included and again.pvalues.equals(s.pvalues)  # seeded: the same set
    html = (res.save_report(tmp_path / "res") / "report.html").read_text()
    assert html.index('class="verdict"') < html.index('id="leaderboard"')  # the report leads with it
    row = next(r for r in html.split("<tr") if ">mean<" in r)
    assert 'class="worse"' in row and "out of the set" in row  # colour and label from the set
    v = res.verdict()  # neither family fielded: said plainly
    assert v.text.startswith("No comparison of the families") and "not fielded" in v.text
    assert v.missing == {"classical": "not fielded", "recurrent": "not fielded"}


def test_mcs_on_constructed_losses_is_seeded():
    rng = np.random.default_rng(5)
    base = rng.gamma(2.0, 1.0, 60)
    losses = pd.DataFrame({"x": base, "y": base.copy(), "z": base * 1.02 + 0.05 * rng.gamma(2.0, 1.0, 60),
                           "bad": base + 4 + rng.gamma(2.0, 1.0, 60)})
    one = model_confidence_set(losses, seed=3)
    two = model_confidence_set(losses, seed=3)
    assert "bad" not in one.included and {"x", "y"} <= set(one.included)
    assert one.pvalues["x"] == one.pvalues["y"] and one.pvalues.equals(two.pvalues)


def test_verdict_with_one_family_missing_says_so(airline):
    res = fc.backtest(["naive", "snaive(12)", "ar(2)"], airline, horizon=H, initial=120, seed=1)
    v = res.verdict()
    assert v.best["recurrent"] is None and v.best["classical"] == "ar(2)"
    assert "the recurrent family: not fielded" in v.text and "The best classical model is ar(2)" in v.text
    assert v.dm is None and v.significant is None
    assert v.overall_best == "snaive(12)" and v.overall_family == "baseline"
    assert "ar(2) does not beat the baseline snaive(12)" in str(v)


@pytest.mark.keras
def test_panel_verdict_counts_series_and_nemenyi_by_hand():
    series, _ = load_m3("monthly")
    panel = {k: series[k] for k in list(series)[:6]}
    res = fc.backtest({"naive": "naive", "ar(2)": "ar(2)", "gru": fc.GRU(**{**GRU, "time_steps": 12})}, panel,
                      horizon=H, initial=min(map(len, panel.values())) - H - 11, refit=False, seed=2)
    v = res.verdict()
    per = {m: _mase_by_origin(res, m).groupby(level=0).mean() for m in ("ar(2)", "gru")}
    wins_rec = int((per["gru"] < per["ar(2)"]).sum())
    assert v.panel["wins"] == {"recurrent": wins_rec, "classical": 6 - wins_rec}
    sig = 0
    for sid in panel:
        a, b = _mase_by_origin(res, "gru").loc[sid], _mase_by_origin(res, "ar(2)").loc[sid]
        win, lose = (a, b) if a.mean() < b.mean() else (b, a)
        t = dm_test(win.to_numpy(), lose.to_numpy(), h=H)
        sig += bool(np.isfinite(t.pvalue) and t.pvalue < 0.05)
    assert sum(v.panel["significant"].values()) == sig
    table = pd.DataFrame({m: _mase_by_origin(res, m).groupby(level=0).mean() for m in ("naive", "ar(2)", "gru")})
    fr = friedman_test(table)
    nem = v.panel["nemenyi"]
    assert nem["rank_recurrent"] == pytest.approx(fr.mean_ranks["gru"])
    assert nem["critical_difference"] == pytest.approx(fr.critical_difference)
    assert nem["significant"] == (abs(fr.mean_ranks["gru"] - fr.mean_ranks["ar(2)"]) > fr.critical_difference)
    assert "over 6 series" in v.text.lower() and "mean ranks" in v.text
    table = v.evidence["table"]
    assert list(table["length"]) == [int(res._series_info[s]["pos"].max()) + 1 for s in panel]
    assert set(table["winner"].dropna()) <= {"classical", "recurrent"}
    assert math.isfinite(table["seasonal_strength"].iloc[0])


def test_backtest_progress_bar_in_a_notebook(tmp_path):
    """In a Jupyter kernel (stderr no terminal) progress=True draws an HTML bar, finished in
    the stored output."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(
        "import forecast as fc\n"
        "res = fc.backtest(['naive', 'drift'], fc.datasets.load('airline'), horizon=3, initial=130, progress=True)\n"
        "res"))
    env = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(root), env]) if env else str(root)
    try:
        nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    finally:
        os.environ["PYTHONPATH"] = env
    outputs = nb.cells[0].outputs
    html = [o["data"]["text/html"] for o in outputs if o.get("data", {}).get("text/html")]
    import re

    assert any(re.search(r"> (\d+)/\1 tasks", h) and "backtest done" in h for h in html)
    assert any("Verdict." in h for h in html)  # the result renders as HTML, the verdict first
    assert not [o for o in outputs if o.get("output_type") == "error"]
