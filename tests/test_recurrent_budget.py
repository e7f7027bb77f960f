"""The recurrent training budget: early stopping that stops (a relative min-improvement),
reduce-on-plateau, a refit that continues from the early-stopped weights, and what
``resolved_params_`` says about it (issue 18, item 3)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import forecast as fc

pytestmark = [pytest.mark.keras, pytest.mark.filterwarnings("ignore::forecast.errors.FitWarning")]


@pytest.fixture(scope="module")
def airline():
    return fc.datasets.load("airline")


def _scripted_net(losses):
    """A small real network whose validation losses follow ``losses`` (one per epoch)."""
    from forecast.models import _keras_net
    from forecast.windows import WindowBatches

    spec = {"cell": "gru", "time_steps": 6, "horizon": 1, "n_features": 1, "n_future": 0, "units": 2,
            "layers": 1, "dense_layers": [], "bidirectional": False, "dropout": 0.0, "recurrent_dropout": 0.0,
            "activation": "tanh", "learning_rate": 1e-3, "clipnorm": 1.0, "loss": "mae", "seed": 0}
    net = _keras_net.Net(spec)
    z = np.sin(np.arange(80) / 3.0).astype(np.float32)[:, None]
    train = WindowBatches([z], time_steps=6, horizon=1, batch_size=32, seed=0, starts=[range(60)])
    val = WindowBatches([z], time_steps=6, horizon=1, batch_size=32, shuffle=False, starts=[range(60, 74)])
    it = iter(losses)
    net.evaluate = lambda inputs, y: next(it)
    return net, train, val


def test_improvements_below_the_relative_threshold_do_not_keep_training_going():
    # the validation loss creeps down by 0.01% an epoch: never "improving" at min_delta=0.2%
    losses = [1.0 * (1 - 1e-4) ** k for k in range(40)]
    net, train, val = _scripted_net(losses)
    h = net.train(train, epochs=40, validation=val, patience=6, min_delta=0.002, lr_patience=3)
    assert h["stopped"] == "early stopping" and len(h["loss"]) == 7  # the first epoch, then 6 without improvement
    assert h["best_epoch"] == 7  # the lowest loss seen is restored, even when below the threshold
    assert h["lr_reductions"] == 1 and h["final_lr"] == pytest.approx(5e-4)  # halved after 3 flat epochs
    # without a threshold the same creeping loss runs to the cap (what the defaults did before)
    net, train, val = _scripted_net(losses)
    h = net.train(train, epochs=40, validation=val, patience=6, min_delta=0.0, lr_patience=3)
    assert h["stopped"] == "epoch cap" and len(h["loss"]) == 40 and h["lr_reductions"] == 0


def test_real_improvements_reset_the_patience():
    losses = [1.0, 0.9, 0.95, 0.95, 0.8, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]
    net, train, val = _scripted_net(losses)
    h = net.train(train, epochs=len(losses), validation=val, patience=4, min_delta=0.002, lr_patience=2)
    assert h["stopped"] == "early stopping" and len(h["loss"]) == 9 and h["best_epoch"] == 5
    assert h["lr_reductions"] == 2  # halved after epochs 3-4 and 6-7 (2 flat epochs each); 4 flat epochs stop


def test_an_early_best_stops_after_as_many_epochs_as_it_took():
    # best at epoch 2, then flat: patience 10 would run to epoch 12; the patience that grows
    # with progress waits max(3, 2) = 3 epochs and stops at epoch 5
    losses = [1.0, 0.8] + [0.85] * 20
    net, train, val = _scripted_net(losses)
    h = net.train(train, epochs=len(losses), validation=val, patience=10, min_delta=0.002, min_patience=3)
    assert h["stopped"] == "early stopping" and len(h["loss"]) == 5 and h["best_epoch"] == 2 and h["waited"] == 3
    # best at epoch 6: waits 6 epochs (stops at 12)
    losses = [1.0, 0.95, 0.9, 0.85, 0.8, 0.75] + [0.8] * 20
    net, train, val = _scripted_net(losses)
    h = net.train(train, epochs=len(losses), validation=val, patience=10, min_delta=0.002, min_patience=3)
    assert len(h["loss"]) == 12 and h["best_epoch"] == 6 and h["waited"] == 6
    # a late best: at most `patience` epochs (best at 15, stops at 25)
    losses = [1.0 - 0.01 * k for k in range(15)] + [0.9] * 20
    net, train, val = _scripted_net(losses)
    h = net.train(train, epochs=len(losses), validation=val, patience=10, min_delta=0.002, min_patience=3)
    assert len(h["loss"]) == 25 and h["best_epoch"] == 15 and h["waited"] == 10
    # a later improvement restarts the count from its own epoch
    losses = [1.0, 0.8, 0.85, 0.85, 0.7] + [0.8] * 20
    net, train, val = _scripted_net(losses)
    h = net.train(train, epochs=len(losses), validation=val, patience=10, min_delta=0.002, min_patience=3)
    assert len(h["loss"]) == 10 and h["best_epoch"] == 5  # improved at 5: waits 5 more


def test_default_training_stops_before_the_cap_and_says_why(airline):
    model = fc.LSTM(units=8, horizon=12, seed=0).fit(airline[:132])
    r = model.resolved_params_
    assert r["epochs"] == 100 and r["epochs_run"] < 100
    waited = model.history_["waited"]
    assert r["epochs_run"] == len(model.history_["loss"]) and 1 <= r["best_epoch"] <= r["epochs_run"]
    # the patience grows with progress: as many epochs as the last improvement took, at least 3, at most 10
    assert waited == min(10, max(3, r["epochs_run"] - waited))
    assert r["stopped"].startswith(f"early stopping: no validation improvement > 0.2% in {waited} epochs")
    if waited < 10:
        assert r["stopped"].endswith("(as many as its last improvement took; patience 10)")
    assert r["refit_epochs"] == min(r["best_epoch"], max(3, math.ceil(r["best_epoch"] / 10)))
    lr = r["learning_rate"]
    assert lr["start"] == 1e-3 and lr["end"] == pytest.approx(1e-3 * 0.5 ** lr["reductions"], rel=1e-5)
    assert lr["schedule"] == "x0.5 after 5 epochs without improvement"
    threads = r["tf_threads"]
    assert threads["intra_op"] >= 1 and threads["inter_op"] == min(2, threads["intra_op"])
    json.dumps(r)


def test_without_validation_the_cap_is_the_reason(airline):
    r = fc.GRU(units=4, epochs=3, validation_fraction=0.0, seed=0).fit(airline).resolved_params_
    assert r["epochs_run"] == 3 and r["stopped"] == "epoch cap (3 epochs; no validation windows)"
    assert r["refit"] is False and r["refit_epochs"] == 0


def test_the_refit_continues_from_the_early_stopped_weights(airline, monkeypatch):
    from forecast.models import _keras_net

    kw = dict(time_steps=12, horizon=6, units=4, epochs=8, patience=3, seed=0)
    stopped = fc.LSTM(refit=False, **kw).fit(airline[:120])
    starts, trained = [], []
    original_continue, original_train = _keras_net.Net.continue_from, _keras_net.Net.train

    def continue_from(self, weights, learning_rate):
        original_continue(self, weights, learning_rate)
        starts.append((self.get_weights(), learning_rate))

    def train(self, source, **kwargs):
        trained.append(kwargs["epochs"])
        return original_train(self, source, **kwargs)

    monkeypatch.setattr(_keras_net.Net, "continue_from", continue_from)
    monkeypatch.setattr(_keras_net.Net, "train", train)
    refitted = fc.LSTM(**kw).fit(airline[:120])
    # one continuation, from exactly the weights early stopping kept, at the rate training ended with
    assert len(starts) == 1
    weights, rate = starts[0]
    assert all(np.array_equal(a, b) for a, b in zip(weights, stopped.weights_, strict=True))
    assert rate == pytest.approx(refitted.history_["final_lr"]) == pytest.approx(refitted.resolved_params_["learning_rate"]["end"], rel=1e-5)
    assert trained == [8, refitted.resolved_params_["refit_epochs"]]
    assert len(refitted.history_["refit_loss"]) == refitted.resolved_params_["refit_epochs"]
    assert not all(np.array_equal(a, b) for a, b in zip(refitted.weights_, stopped.weights_, strict=True))
    # seeded: the same fit again gives the same weights
    again = fc.LSTM(**kw).fit(airline[:120])
    assert all(np.array_equal(a, b) for a, b in zip(again.weights_, refitted.weights_, strict=True))
