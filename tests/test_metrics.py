"""Accuracy metrics (forecast.metrics) on hand-checked arrays and the published M3 table."""

from __future__ import annotations

import math

import numpy as np
import pytest

from forecast import datasets, metrics
from forecast.errors import InputError

Y = np.array([100.0, 200.0])
F = np.array([110.0, 180.0])


def test_mae_rmse():
    assert metrics.mae([1, 2, 3], [2, 2, 5]) == pytest.approx(1.0)
    assert metrics.rmse([1, 2, 3], [2, 2, 5]) == pytest.approx(math.sqrt(5 / 3))
    grid = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(metrics.mae(grid, grid + [[1, 3], [1, 1]], axis=0), [1.0, 2.0])
    np.testing.assert_allclose(metrics.rmse(grid, grid + [[3, 0], [4, 0]], axis=1), [math.sqrt(4.5), math.sqrt(8)])


def test_mape_and_its_error_on_zeros():
    assert metrics.mape(Y, F) == pytest.approx(10.0)
    with pytest.raises(InputError) as err:
        metrics.mape([5.0, 0.0, 2.0, 0.0], [1.0, 1.0, 1.0, 1.0])
    msg = str(err.value)
    assert "2 zero value(s) (first at position 1)" in msg and "use sMAPE, MASE or MAE" in msg


def test_smape_m4_definition():
    assert metrics.smape(Y, F) == pytest.approx((200 * 10 / 210 + 200 * 20 / 380) / 2)
    assert metrics.smape([0.0, 10.0], [0.0, 10.0]) == 0.0
    assert metrics.smape([1.0], [-1.0]) == pytest.approx(200.0)


def test_mase_rmsse_scale_from_training_only():
    train = np.array([1.0, 3.0, 5.0, 4.0])
    y, f = np.array([6.0, 7.0]), np.array([5.0, 9.0])
    assert metrics.scale(train) == pytest.approx(5 / 3)
    assert metrics.mase(y, f, y_train=train) == pytest.approx(1.5 / (5 / 3))
    assert metrics.mase(y, f, y_train=train, m=2) == pytest.approx(1.5 / 2.5)
    assert metrics.rmsse(y, f, y_train=train) == pytest.approx(math.sqrt(2.5 / 3))
    # the test values never enter the scale: the same forecast errors with other actual
    # values (and so other in-sample steps had they been included) score the same
    assert metrics.mase(y + 100, f + 100, y_train=train) == metrics.mase(y, f, y_train=train)
    assert metrics.mase(y, f, y_train=np.concatenate([train, y])) != metrics.mase(y, f, y_train=train)


def test_scale_errors():
    with pytest.raises(InputError, match="training data does not change at lag m=1"):
        metrics.scale([2.0, 2.0, 2.0])
    with pytest.raises(InputError, match="needs more than m=4 training values; got 3"):
        metrics.scale([1.0, 2.0, 3.0], m=4)
    with pytest.raises(InputError, match="m must be >= 1; got 0"):
        metrics.scale([1.0, 2.0, 3.0], m=0)


def test_coverage_and_pinball():
    y = [1.0, 2.0, 3.0, 4.0]
    assert metrics.coverage(y, [0, 2.5, 2, 5], [2, 3, 3, 6]) == 0.5
    assert metrics.pinball([10.0, 10.0], [8.0, 12.0], 0.9) == pytest.approx(1.0)
    assert metrics.pinball([10.0, 10.0], [8.0, 12.0], 0.5) == pytest.approx(1.0)
    assert metrics.pinball([10.0], [8.0], 0.1) == pytest.approx(0.2)
    with pytest.raises(InputError, match="between 0 and 1; got 1.5"):
        metrics.pinball(y, y, 1.5)


def test_owa():
    assert metrics.owa(10.0, 1.0, 20.0, 2.0) == 0.5
    assert metrics.owa(12.0, 3.0, 12.0, 2.0) == 1.25


def test_shape_and_lookup_errors():
    with pytest.raises(InputError, match=r"y_true has shape \(3,\) but y_pred has shape \(2,\)"):
        metrics.mae([1, 2, 3], [1, 2])
    with pytest.raises(InputError, match="y_true is empty"):
        metrics.rmse([], [])
    with pytest.raises(InputError, match="unknown metric 'r2'; known metrics: mae, rmse, mape, smape, mase, rmsse"):
        metrics.get("r2")
    assert metrics.get("MAE") is metrics.mae
    assert metrics.compute("mase", [6.0, 7.0], [5.0, 9.0], y_train=[1.0, 3.0, 5.0, 4.0]) == pytest.approx(0.9)
    assert metrics.compute("smape", Y, F) == metrics.smape(Y, F)
    with pytest.raises(InputError, match="mase needs the training data"):
        metrics.compute("mase", Y, F)


# The published M3 results (Makridakis & Hibon 2000, Table 6: average sMAPE over all
# horizons) for four methods, recomputed from the forecasts submitted to the competition.
M3_TABLE = {
    "yearly": {"THETA": 16.97, "ForecastPro": 17.27, "B-J auto": 17.73, "NAIVE2": 17.88},
    "other": {"THETA": 4.41, "ForecastPro": 4.60, "B-J auto": 5.06, "NAIVE2": 6.30},
}


@pytest.mark.parametrize("subset", list(M3_TABLE))
def test_reproduces_published_m3_smape(subset):
    _, test, horizon = datasets.load_m3(subset, split=True)
    submitted = datasets.load_m3_forecasts(subset)
    ids = list(test)
    actual = np.stack([test[k].to_numpy() for k in ids])
    assert actual.shape == ({"yearly": 645, "other": 174}[subset], horizon)
    for method, published in M3_TABLE[subset].items():
        table = submitted[submitted["method_id"] == method].pivot(index="series_id", columns="horizon",
                                                                  values="forecast")
        forecasts = table.loc[ids, list(range(1, horizon + 1))].to_numpy()
        assert round(float(metrics.smape(actual, forecasts)), 2) == published, method
        per_series = metrics.smape(actual, forecasts, axis=1)
        assert per_series.shape == (len(ids),)
