"""Data are validated once, where they enter: a backtest checks each series when it reads it,
and its tasks (every fit and forecast on slices of that series) do not check them again."""

from __future__ import annotations

import pandas as pd
import pytest

import forecast as fc
from forecast.io import checks


def _counting(monkeypatch):
    calls = []
    real = checks.check_index

    def counted(index, name):
        calls.append(name)
        return real(index, name)

    monkeypatch.setattr(checks, "check_index", counted)
    return calls


def test_backtest_tasks_do_not_validate_their_data_again(monkeypatch):
    y = fc.datasets.load("airline")
    calls = _counting(monkeypatch)
    res = fc.backtest(["naive", "arma(1,1)"], y, horizon=6, initial=120, step=6, refit=True)
    tasks = res.meta["tasks_total"]
    assert tasks >= 3
    assert len(calls) <= 2, calls  # the series once where it entered (no check per task)


def test_panel_backtest_validates_each_series_once(monkeypatch):
    m3 = fc.datasets.load("m3_quarterly")
    panel = {k: m3[k] for k in list(m3)[:3]}
    calls = _counting(monkeypatch)
    fc.backtest(["naive", "drift"], panel, horizon=4, initial=30, step=4)
    assert len(calls) <= 2 * len(panel), calls


def test_a_plain_fit_still_validates(monkeypatch):
    calls = _counting(monkeypatch)
    fc.create("naive").fit(fc.datasets.load("airline"))
    assert calls
    with pytest.raises(fc.InputError, match="NaN|missing"):
        fc.create("naive").fit(pd.Series([1.0, float("nan"), 3.0]))
