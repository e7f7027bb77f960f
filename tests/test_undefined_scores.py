"""Scores that are undefined (a zero MASE/RMSSE scale, zero actuals for MAPE) are counted,
named in a warning and left out of that metric only; nothing crashes (issue #11 item 5)."""

from __future__ import annotations

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
