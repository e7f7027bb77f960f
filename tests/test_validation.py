"""Whole-number parameters are checked by one helper, with one message, wherever they occur."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import forecast as fc
from forecast.errors import InputError
from forecast.evaluation import backtest as run_backtest
from forecast.validation import whole_number

ROOT = Path(__file__).resolve().parents[1]
_RULE = re.compile(r"isinstance\((\w[\w.]*), bool\) or not isinstance\(\1, int")


@pytest.mark.parametrize("value", [0, 2.0, "3", True, None])
def test_bad_values_name_the_parameter_and_the_owner(value):
    with pytest.raises(InputError, match=rf"^SeasonalNaive: m must be a whole number >= 1; got {re.escape(repr(value))}$"):
        whole_number(value, "m", "SeasonalNaive", low=1)


def test_numpy_integers_are_whole_numbers():
    assert whole_number(np.int64(4), "step", low=1) == 4 and type(whole_number(np.int32(4), "step")) is int


def test_backtest_settings_share_the_message():
    y = fc.datasets.load("airline")
    for kwargs, name in ((dict(initial=0), "initial"), (dict(step=1.5), "step"), (dict(season=True), "season")):
        with pytest.raises(InputError, match=rf"^{name} must be a whole number >= 1; got "):
            run_backtest(["naive"], y, horizon=6, **kwargs)
    with pytest.raises(InputError, match=r"^n_jobs must be a whole number >= 1, or -1 for all cores; got 0$"):
        run_backtest(["naive"], y, horizon=6, n_jobs=0)
    # a NumPy integer (from an array or a config) is a whole number like any other
    res = run_backtest(["naive"], y, horizon=6, initial=np.int64(132), step=np.int64(6), n_jobs=np.int64(1))
    assert res.forecasts["origin"].nunique() == len(range(131, len(y) - 6, 6)) == 2
    with pytest.raises(InputError, match=r"^SeasonalNaive: m must be a whole number >= 1; got 0$"):
        run_backtest(["snaive(0)"], y, horizon=6)


def test_the_rule_has_one_home():
    copies = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "forecast").rglob("*.py"))
              if p.name != "validation.py" and _RULE.search(p.read_text(encoding="utf-8"))]
    assert copies == [], f"use forecast.validation.whole_number in {copies}"
