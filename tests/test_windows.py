"""Sliding windows as zero-copy views and the shuffled batch source."""

from __future__ import annotations

import numpy as np
import pytest

import forecast as fc
from forecast.errors import InputError
from forecast.windows import WindowBatches, make_windows, n_windows, window_span


def _naive_windows(values, time_steps, horizon, lag=1, stride=1):
    arr = values if values.ndim == 2 else values[:, None]
    span = (time_steps - 1) * lag + 1
    xs, ys = [], []
    for start in range(0, len(arr) - span - horizon + 1, stride):
        xs.append(arr[start:start + span:lag])
        ys.append(arr[start + span:start + span + horizon, 0])
    return np.array(xs), np.array(ys)


@pytest.mark.parametrize("time_steps,horizon,lag,stride", [(12, 1, 1, 1), (24, 12, 1, 1), (5, 3, 12, 1), (6, 2, 2, 5)])
def test_make_windows_matches_a_loop_on_airline(time_steps, horizon, lag, stride):
    y = fc.datasets.load("airline").to_numpy()
    X, Y = make_windows(y, time_steps, horizon, lag=lag, stride=stride)
    Xn, Yn = _naive_windows(y, time_steps, horizon, lag, stride)
    assert X.shape == Xn.shape and Y.shape == Yn.shape
    np.testing.assert_array_equal(X, Xn)
    np.testing.assert_array_equal(Y, Yn)
    assert len(X) == n_windows(len(y), time_steps, horizon, lag=lag, stride=stride)


def test_windows_are_views_not_copies():
    values = np.random.default_rng(0).normal(size=(100_000, 3))
    X, Y = make_windows(values, 512, 24, target=1)
    assert X.shape == (100_000 - 512 - 24 + 1, 512, 3)
    assert np.shares_memory(X, values) and np.shares_memory(Y, values)
    assert X.base is not None and not X.flags.owndata
    np.testing.assert_array_equal(Y[7], values[7 + 512:7 + 512 + 24, 1])
    np.testing.assert_array_equal(X[7, -1], values[7 + 511])


def test_make_windows_errors_name_the_problem():
    with pytest.raises(InputError, match="time_steps"):
        make_windows(np.arange(10.0), 0, 1)
    with pytest.raises(InputError, match="lag"):
        make_windows(np.arange(10.0), 2, 1, lag=1.5)
    with pytest.raises(InputError, match="needs 14"):
        make_windows(np.arange(10.0), 3, 1, lag=6)
    with pytest.raises(InputError, match="1-d or 2-d"):
        make_windows(np.zeros((4, 4, 4)), 2, 1)
    assert window_span(5, 3) == 13


def test_batches_cover_every_window_once_per_epoch_in_a_seeded_order():
    co2 = fc.datasets.load("co2").to_numpy()[:, None]
    src = WindowBatches([co2], time_steps=52, horizon=4, lag=1, batch_size=64, seed=3)
    X, Y = make_windows(co2, 52, 4)
    seen = []
    for i in range(len(src)):
        x, y = src[i]
        ids = src.sample_ids(i)
        np.testing.assert_array_equal(x, X[ids].astype(np.float32))
        np.testing.assert_array_equal(y, Y[ids].astype(np.float32))
        seen.append(ids)
    assert np.array_equal(np.sort(np.concatenate(seen)), np.arange(len(X)))
    first = src.order.copy()
    src.on_epoch_end()
    assert not np.array_equal(first, src.order)  # a new order each epoch
    again = WindowBatches([co2], time_steps=52, horizon=4, batch_size=64, seed=3)
    np.testing.assert_array_equal(again.order, first)  # ... repeatable with the seed


def test_batches_from_several_series_with_future_covariates_and_window_norm():
    rng = np.random.default_rng(1)
    a = np.column_stack([np.arange(50.0), rng.normal(size=50)])
    b = np.column_stack([100 + np.arange(30.0), rng.normal(size=30)])
    src = WindowBatches([a, b], time_steps=5, horizon=3, lag=2, batch_size=8, shuffle=False,
                        future=[a[:, 1:], b[:, 1:]], window_norm="last", dtype=np.float64)
    assert src.n_samples == n_windows(50, 5, 3, lag=2) + n_windows(30, 5, 3, lag=2)
    (x, fut), y = src.gather(np.array([0, src.bounds[1] + 2]))
    # series b, window start 2: inputs rows 2,4,...,10; targets rows 11..13, minus last input
    np.testing.assert_allclose(x[1, :, 0], b[2:11:2, 0] - b[10, 0])
    np.testing.assert_allclose(x[1, :, 1], b[2:11:2, 1])
    np.testing.assert_allclose(y[1], b[11:14, 0] - b[10, 0])
    np.testing.assert_allclose(fut[1], b[11:14, 1])
    np.testing.assert_allclose(y[0], [1.0, 2.0, 3.0])


def test_steps_per_epoch_caps_a_huge_source_without_a_full_permutation():
    big = np.zeros((2_000_000, 1), dtype=np.float32)
    src = WindowBatches([big], time_steps=512, horizon=1, batch_size=32, steps_per_epoch=10, seed=0)
    assert len(src) == 10 and src.order.shape == (320,)
    x, y = src[9]
    assert x.shape == (32, 512, 1)
    with pytest.raises(IndexError):
        src[10]


@pytest.mark.keras
def test_as_pydataset_feeds_keras():
    src = WindowBatches([np.arange(40.0)[:, None]], time_steps=4, horizon=2, batch_size=8, seed=0)
    ds = src.as_pydataset()
    assert len(ds) == len(src)
    x, y = ds[0]
    assert x.shape == (8, 4, 1) and y.shape == (8, 2)
