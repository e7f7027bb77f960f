"""``unroll="auto"``: the recurrent loop unrolled for short windows on TensorFlow on a CPU,
where it pays back its dearer first call (``benchmarks/bench_recurrent.py --unroll``), the
choice reported, the same network as the rolled loop (its forecasts equal to float32 rounding
over a short training)."""

from __future__ import annotations

import numpy as np
import pytest

import forecast as fc
from forecast.errors import InputError

pytestmark = [pytest.mark.keras, pytest.mark.filterwarnings("ignore::forecast.errors.FitWarning")]


@pytest.fixture(scope="module")
def airline():
    return fc.datasets.load("airline")


def _rnn_layers(model):
    from forecast.models import _keras_net

    net = _keras_net.acquire(model.spec_)
    try:
        return [layer for layer in net.model.layers if hasattr(layer, "unroll")]
    finally:
        _keras_net.release(net)


def _cpu_tensorflow() -> bool:
    import keras

    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    return not tf.config.list_physical_devices("GPU")


@pytest.fixture(scope="module")
def quarterly_panel():
    train, _, _ = fc.datasets.load_m3("quarterly", split=True)
    return {k: train[k] for k in list(train)[::3]}  # 252 series, about 5,000 windows of 12 steps


def test_auto_unrolls_short_windows_of_long_trainings_only_and_reports_it(airline, quarterly_panel):
    from forecast.models import _keras_net

    kw = dict(horizon=8, units=4, epochs=2, seed=0)
    panel = fc.LSTM(time_steps=12, **kw).fit(quarterly_panel)
    r = panel.resolved_params_
    # the fewest steps this fit could run: 2 epochs (the cap) and a 1-epoch refit, at its batches per epoch
    per_epoch = r["steps_per_epoch"] or -(-r["n_windows"] // r["batch_size"])
    assert per_epoch * (2 + 1) >= _keras_net.UNROLL_MIN_TRAINING
    assert r["unroll"] is _cpu_tensorflow()
    assert [layer.unroll for layer in _rnn_layers(panel)] == [_cpu_tensorflow()]
    # a longer window, or one short series (a few batches an epoch), keeps the loop rolled
    long = fc.LSTM(time_steps=30, **kw).fit(quarterly_panel)
    single = fc.LSTM(time_steps=12, **kw).fit(airline[:120])
    assert long.resolved_params_["unroll"] is False and [la.unroll for la in _rnn_layers(long)] == [False]
    assert single.resolved_params_["unroll"] is False and [la.unroll for la in _rnn_layers(single)] == [False]
    # an explicit choice is kept either way
    assert fc.LSTM(time_steps=12, unroll=True, **kw).fit(airline[:120]).resolved_params_["unroll"] is True
    off = fc.LSTM(time_steps=12, unroll=False, **kw).fit(quarterly_panel)
    assert off.resolved_params_["unroll"] is False and [la.unroll for la in _rnn_layers(off)] == [False]


def test_the_fewest_steps_bound_the_steps_a_default_fit_runs(quarterly_panel):
    model = fc.GRU(time_steps=12, horizon=8, units=4, seed=0)
    steps = []
    original = model._fewest_steps

    def fewest(*args):
        steps.append(original(*args))
        return steps[-1]

    model._fewest_steps = fewest
    model.fit(quarterly_panel)
    r = model.resolved_params_
    per_epoch = r["steps_per_epoch"] or -(-r["n_windows"] // r["batch_size"])
    assert steps == [per_epoch * (1 + 3 + 1)]  # the first epoch, the shortest patience, the refit's least
    assert r["epochs_run"] >= 4 and r["refit_epochs"] >= 1  # what it ran: at least that


@pytest.mark.parametrize("extra", [{}, {"bidirectional": True, "layers": 2}])
def test_unrolled_and_rolled_loops_forecast_the_same(airline, extra):
    kw = dict(time_steps=12, horizon=6, units=4, epochs=3, seed=0, **extra)
    rolled = fc.GRU(unroll=False, **kw).fit(airline[:120]).predict(6)
    unrolled = fc.GRU(unroll=True, **kw).fit(airline[:120]).predict(6)
    np.testing.assert_allclose(unrolled.mean.to_numpy(), rolled.mean.to_numpy(), rtol=1e-4)


def test_a_wrong_unroll_is_a_clear_error(airline):
    with pytest.raises(InputError, match="unroll must be 'auto', True or False; got 'yes'"):
        fc.GRU(unroll="yes", epochs=1).fit(airline)
