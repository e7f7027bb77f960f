"""Do a seeded network's forecasts depend on other threads? (issue #11, item 2)

Two fits of ``fc.LSTM(time_steps=12, units=4, epochs=3, seed=0)`` on the airline series:
one alone, one while a background thread calls ``random.random()`` in a loop (what Dask's
event-loop thread does on a worker). The largest relative difference of the 12 forecasts
is reported for the toolkit's networks (every initializer and dropout seed derived from the
model's seed) and, in the same run, for the mechanism the networks used before: a Keras
network of the same shape built after ``keras.utils.set_random_seed(0)`` with Keras'
default (unseeded) initializers, compared by its initial weights.

Run: ``python -m benchmarks.bench_seeding``
"""

from __future__ import annotations

import random
import threading
import warnings
from contextlib import contextmanager

import numpy as np

import forecast as fc


@contextmanager
def _busy_thread():
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            random.random()

    t = threading.Thread(target=spin, daemon=True)
    t.start()
    try:
        yield
    finally:
        stop.set()
        t.join()


def _toolkit(y) -> float:
    def fit():
        return fc.LSTM(time_steps=12, units=4, epochs=3, seed=0).fit(y).predict(12).mean.to_numpy()

    alone = fit()
    with _busy_thread():
        busy = fit()
    return float(np.max(np.abs(busy - alone) / np.abs(alone)))


def _unseeded_keras() -> float:
    import keras

    def weights():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((12, 1)), keras.layers.LSTM(4), keras.layers.Dense(12)])
        return np.concatenate([w.ravel() for w in model.get_weights()])

    alone = weights()
    with _busy_thread():
        busy = weights()
    nonzero = alone != 0
    return float(np.max(np.abs(busy - alone)[nonzero] / np.abs(alone[nonzero])))


def main() -> None:
    warnings.simplefilter("ignore")
    y = fc.datasets.load("airline")
    rows = [("fc.LSTM(seed=0): forecasts", _toolkit(y)),
            ("Keras default initializers after set_random_seed(0): initial weights", _unseeded_keras())]
    print("| network | largest relative difference, busy thread vs alone |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value:.3g} |")


if __name__ == "__main__":
    main()
