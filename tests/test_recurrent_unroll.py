"""``unroll="auto"``: the recurrent loop unrolled for short windows on TensorFlow on a CPU,
where it pays back its dearer first call (``benchmarks/bench_recurrent.py --unroll``), the
choice reported, the forecasts those of the rolled loop."""

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


def test_auto_unrolls_short_windows_only_and_reports_it(airline):
    kw = dict(horizon=6, units=4, epochs=2, seed=0)
    short = fc.LSTM(time_steps=12, **kw).fit(airline[:120])
    long = fc.LSTM(time_steps=30, **kw).fit(airline[:120])
    assert short.resolved_params_["unroll"] is _cpu_tensorflow()
    assert long.resolved_params_["unroll"] is False
    assert [layer.unroll for layer in _rnn_layers(short)] == [_cpu_tensorflow()]
    assert [layer.unroll for layer in _rnn_layers(long)] == [False]
    # an explicit choice is kept either way
    assert fc.LSTM(time_steps=30, unroll=True, **kw).fit(airline[:120]).resolved_params_["unroll"] is True
    off = fc.LSTM(time_steps=12, unroll=False, **kw).fit(airline[:120])
    assert off.resolved_params_["unroll"] is False and [la.unroll for la in _rnn_layers(off)] == [False]


@pytest.mark.parametrize("extra", [{}, {"bidirectional": True, "layers": 2}])
def test_unrolled_and_rolled_loops_forecast_the_same(airline, extra):
    kw = dict(time_steps=12, horizon=6, units=4, epochs=3, seed=0, **extra)
    rolled = fc.GRU(unroll=False, **kw).fit(airline[:120]).predict(6)
    unrolled = fc.GRU(unroll=True, **kw).fit(airline[:120]).predict(6)
    np.testing.assert_allclose(unrolled.mean.to_numpy(), rolled.mean.to_numpy(), rtol=1e-4)


def test_a_wrong_unroll_is_a_clear_error(airline):
    with pytest.raises(InputError, match="unroll must be 'auto', True or False; got 'yes'"):
        fc.GRU(unroll="yes", epochs=1).fit(airline)
