"""Diebold–Mariano (HLN), Friedman and Nemenyi against hand computations and tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forecast.errors import InputError
from forecast.evaluation import dm_test, friedman_test, nemenyi_cd


def _hand_dm(a, b, h):
    d = np.asarray(a) - np.asarray(b)
    n, dbar, lags = d.size, d.mean(), h - 1
    gamma = [np.sum((d[k:] - dbar) * (d[: n - k] - dbar)) / n for k in range(lags + 1)]
    lrv = gamma[0] + 2 * sum((1 - k / (lags + 1)) * gamma[k] for k in range(1, lags + 1))
    dm = dbar / math.sqrt(lrv / n)
    hln = math.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n) * dm
    return hln, 2 * stats.t.sf(abs(hln), n - 1)


@pytest.mark.parametrize("h", [1, 3, 6])
def test_dm_matches_a_hand_computation(h):
    import forecast as fc

    y = fc.datasets.load("airline").to_numpy()
    # squared errors of naive and seasonal naive h-step forecasts on the last 60 months
    t = np.arange(72, 144 - h + 1)
    naive = (y[t + h - 1] - y[t - 1]) ** 2
    snaive = (y[t + h - 1] - y[t + h - 1 - 12]) ** 2
    got = dm_test(naive, snaive, h=h)
    stat, p = _hand_dm(naive, snaive, h)
    assert got.statistic == pytest.approx(stat, rel=1e-10)
    assert got.pvalue == pytest.approx(p, rel=1e-10)
    assert got.lags == h - 1 and got.n == t.size


def test_dm_sign_and_degenerate_cases():
    rng = np.random.default_rng(4)
    a = rng.normal(size=80) ** 2
    assert dm_test(a, a) == (0.0, 1.0, 0, 80)
    assert dm_test(a, a + 1).pvalue == 0.0 and dm_test(a, a + 1).statistic < 0
    assert np.isnan(dm_test(a[:2], a[:2] + 1).pvalue)
    with pytest.raises(InputError, match="must match"):
        dm_test(a, a[:-1])


def test_nemenyi_matches_demsar_table():
    # Demsar (2006), Table 5(a): q_0.05 for k = 2..5 is 1.960, 2.343, 2.569, 2.728
    for k, q in [(2, 1.960), (3, 2.343), (4, 2.569), (5, 2.728)]:
        assert nemenyi_cd(k, 10) == pytest.approx(q * math.sqrt(k * (k + 1) / 60), abs=2e-3)


def test_friedman_on_a_table():
    table = pd.DataFrame({"a": [1.0, 2.0, 1.5, 1.2, 0.9], "b": [2.0, 3.0, 2.5, 2.2, 1.1],
                          "c": [3.0, 1.0, 3.5, 3.2, 2.0]})
    res = friedman_test(table)
    stat, p = stats.friedmanchisquare(table["a"], table["b"], table["c"])
    assert res.statistic == pytest.approx(stat) and res.pvalue == pytest.approx(p)
    assert res.mean_ranks.index.tolist() == ["a", "b", "c"]
    assert res.mean_ranks["a"] == pytest.approx(1.2)
    two = friedman_test(table[["a", "b"]])
    assert 0 < two.pvalue < 0.05
