"""The settings each fit resolved, recorded by the backtest for the report."""

from __future__ import annotations

import forecast as fc

# fc.backtest is shadowed by the subpackage once forecast.evaluation is imported
from forecast.evaluation import backtest as run_backtest
from forecast.resolved import resolved_settings, summarize


def test_arma_auto_records_the_orders_it_chose_per_fit():
    m3 = fc.datasets.load("m3_quarterly")
    panel = {k: m3[k] for k in list(m3)[:3]}
    res = run_backtest(["naive", "arma(auto, max_p=2, max_q=2)"], panel, horizon=4, initial=30, step=2, refit=3)
    rows = [r for r in res.meta["resolved"] if r["model"].startswith("arma")]
    n_fits = int(res.timings[res.timings["model"].str.startswith("arma")].shape[0])
    assert len(rows) == n_fits and {r["series_id"] for r in rows} == set(panel)
    # the order recorded is the one a fit on the same training data chooses
    first = next(r for r in rows if r["segment"] == 0)
    sid = first["series_id"]
    model = fc.ARMA(p="auto", q="auto", max_p=2, max_q=2).fit(panel[sid].iloc[:30])
    assert first["settings"]["order"] == "(" + ", ".join(map(str, model.order_)) + ")"
    assert first["settings"]["chosen by"] == "AIC over 9 orders"
    text = summarize(res.meta["resolved"])["arma(auto, max_p=2, max_q=2)"]["order"]
    assert first["settings"]["order"] in text
    assert "naive" not in summarize(res.meta["resolved"])  # nothing to resolve


def test_network_records_its_window_and_the_epochs_it_ran():
    # Since the merge with rdefaults a network's resolved settings are its resolved_params_
    # (plain values under the parameters' names) instead of text keys built from history_.
    y = fc.datasets.load("airline")
    model = fc.LSTM(units=4, time_steps=12, epochs=40, patience=2, seed=3).fit(y.iloc[:120])
    got = resolved_settings(model)
    assert got == model.resolved_params_
    assert got["time_steps"] == 12 and got["epochs"] == 40
    assert got["epochs_run"] == len(model.history_["loss"])
    assert got["best_epoch"] == model.history_["best_epoch"]
    text = summarize([{"model": "lstm", "settings": got}])["lstm"]
    assert text["time_steps"] == "12" and text["epochs_run"] == str(got["epochs_run"])
