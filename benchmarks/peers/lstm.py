"""LSTM(32), input window 48, 24 outputs at once (MIMO), 10 epochs, batch 64, Adam(1e-3),
MSE, trained once on the data before the first origin, then forecasts at 100 origins.

The whole call is timed: build + train + predict. Every candidate gets the same
standardised series (mean and standard deviation of the training part; untimed), so the
forecasts are comparable; the equal-work check for networks is their error against the
actual values (initialisations and frameworks differ, so forecasts cannot match exactly).
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd

from .._harness import Candidate
from . import data

UNITS, WINDOW, EPOCHS, BATCH = 32, 48, 10, 64


def standardised() -> tuple[pd.Series, float, float]:
    y = data.series()
    tr = y.iloc[:data.FIRST_TRAIN]
    mu, sd = float(tr.mean()), float(tr.std())
    return (y - mu) / sd, mu, sd


def windows(v: np.ndarray, n_train: int) -> tuple[np.ndarray, np.ndarray]:
    n = n_train - WINDOW - data.HORIZON + 1
    X = np.stack([v[i:i + WINDOW] for i in range(n)])[..., None].astype("float32")
    Y = np.stack([v[i + WINDOW:i + WINDOW + data.HORIZON] for i in range(n)]).astype("float32")
    return X, Y


def origin_inputs(v: np.ndarray, lengths: list[int]) -> np.ndarray:
    return np.stack([v[n - WINDOW:n] for n in lengths])[..., None].astype("float32")


def _keras_model(seed: int = 0):
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.LSTM(UNITS), keras.layers.Dense(data.HORIZON)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    return model


def keras_batched(z: pd.Series, lengths: list[int], timings: dict | None = None) -> np.ndarray:
    v = z.to_numpy()
    X, Y = windows(v, lengths[0])
    t0 = time.perf_counter()
    model = _keras_model()
    model.fit(X, Y, epochs=EPOCHS, batch_size=BATCH, shuffle=True, verbose=0)
    t1 = time.perf_counter()
    out = model.predict(origin_inputs(v, lengths), verbose=0)
    if timings is not None:
        timings.update(train=t1 - t0, predict=time.perf_counter() - t1)
    return out


def keras_by_origin(z: pd.Series, lengths: list[int]) -> np.ndarray:
    v = z.to_numpy()
    X, Y = windows(v, lengths[0])
    model = _keras_model()
    model.fit(X, Y, epochs=EPOCHS, batch_size=BATCH, shuffle=True, verbose=0)
    Xo = origin_inputs(v, lengths)
    return np.concatenate([model.predict(Xo[i:i + 1], verbose=0) for i in range(len(lengths))])


def darts_blockrnn(z: pd.Series, lengths: list[int], timings: dict | None = None) -> np.ndarray:
    import logging

    from darts import TimeSeries
    from darts.models import BlockRNNModel

    for name in ("pytorch_lightning", "lightning", "lightning.pytorch", "darts"):
        logging.getLogger(name).setLevel(logging.ERROR)
    ts = TimeSeries.from_series(z.iloc[:lengths[-1] + data.HORIZON].astype("float32"))
    t0 = time.perf_counter()
    model = BlockRNNModel(input_chunk_length=WINDOW, output_chunk_length=data.HORIZON, model="LSTM",
                          hidden_dim=UNITS, n_rnn_layers=1, dropout=0.0, n_epochs=EPOCHS,
                          batch_size=BATCH, random_state=0,
                          optimizer_kwargs={"lr": 1e-3},
                          pl_trainer_kwargs={"accelerator": "cpu", "enable_progress_bar": False,
                                             "enable_model_summary": False, "logger": False,
                                             "enable_checkpointing": False})
    model.fit(ts[:lengths[0]], verbose=False)
    t1 = time.perf_counter()
    fc = model.historical_forecasts(ts, start=lengths[0], forecast_horizon=data.HORIZON, stride=1,
                                    retrain=False, last_points_only=False, overlap_end=False,
                                    verbose=False, show_warnings=False)
    if timings is not None:
        timings.update(train=t1 - t0, predict=time.perf_counter() - t1)
    return np.stack([f.values().ravel() for f in fc])


def skforecast_rnn(z: pd.Series, lengths: list[int]) -> np.ndarray:
    import keras
    from skforecast.deep_learning import ForecasterRnn, create_and_compile_model
    from skforecast.model_selection import TimeSeriesFold, backtesting_forecaster_multiseries

    keras.utils.set_random_seed(0)
    df = z.iloc[:lengths[-1] + data.HORIZON].to_frame("y")
    model = create_and_compile_model(series=df, levels="y", lags=WINDOW, steps=data.HORIZON,
                                     recurrent_layer="LSTM", recurrent_units=UNITS, dense_units=None,
                                     compile_kwargs={"optimizer": keras.optimizers.Adam(1e-3), "loss": "mse"})
    fcst = ForecasterRnn(estimator=model, levels="y", lags=WINDOW, transformer_series=None,
                         fit_kwargs={"epochs": EPOCHS, "batch_size": BATCH, "verbose": 0})
    cv = TimeSeriesFold(steps=data.HORIZON, initial_train_size=lengths[0], refit=False,
                        fixed_train_size=False, fold_stride=1, allow_incomplete_fold=False, verbose=False)
    _, pred = backtesting_forecaster_multiseries(forecaster=fcst, series=df, cv=cv,
                                                 metric="mean_absolute_error", show_progress=False,
                                                 verbose=False, suppress_warnings=True, n_jobs=1)
    return pred["pred"].to_numpy().reshape(len(lengths), data.HORIZON)


def fc_lstm(z: pd.Series, lengths: list[int], timings: dict | None = None, *, jit: bool = False) -> np.ndarray:
    import forecast as fc

    yy = z.iloc[:lengths[-1] + data.HORIZON]
    t0 = time.perf_counter()
    model = fc.LSTM(time_steps=WINDOW, horizon=data.HORIZON, units=UNITS, epochs=EPOCHS, batch_size=BATCH,
                    learning_rate=1e-3, validation_fraction=0.0, seed=0, jit_compile=jit)
    model.fit(yy.iloc[:lengths[0]])
    t1 = time.perf_counter()
    origins = [yy.index[n - 1] for n in lengths]
    fcs = model.predict_origins(yy.iloc[lengths[0]:lengths[-1]], origins, data.HORIZON)
    if timings is not None:
        timings.update(train=t1 - t0, predict=time.perf_counter() - t1)
    return np.stack([f.mean.to_numpy() for f in fcs])


def fc_available() -> bool:
    try:
        import forecast as fc

        fc.LSTM  # noqa: B018
        return True
    except Exception:  # noqa: BLE001
        return False


def candidates(n_origins: int, *, quick: bool = False, slow_reps: int | None = None):
    z, mu, sd = standardised()
    lengths = data.train_lengths(n_origins)
    timing: dict[str, dict] = {}

    def keep(name, fn):
        def run():
            t = {}
            out = fn(z, lengths, t)
            timing[name] = t
            return out
        return run

    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    ref = "Keras fit + one batched predict"
    cands = [Candidate(ref, keep(ref, keras_batched), note=f"Keras on {backend}")]
    if fc_available():
        if backend == "tensorflow":
            cands.append(Candidate("forecast fc.LSTM(jit_compile=True) fit + predict_origins",
                                   keep("fc-xla", lambda z, n, t: fc_lstm(z, n, t, jit=True)),
                                   note="TensorFlow, training steps compiled with XLA"))
        cands.append(Candidate("forecast fc.LSTM fit + predict_origins", keep("fc", fc_lstm),
                               note=backend + {"tensorflow": ", tf.function graph", "jax": ", XLA"}.get(backend, ", Keras fit per epoch")))
    cands.append(Candidate("darts BlockRNNModel (PyTorch)", keep("darts", darts_blockrnn),
                           note="historical_forecasts, retrain=False"))
    if not quick and backend == "tensorflow":
        cands.append(Candidate("Keras fit + predict origin by origin", lambda: keras_by_origin(z, lengths),
                               note="100 predict() calls", reps=slow_reps))
        cands.append(Candidate("skforecast ForecasterRnn backtest", lambda: skforecast_rnn(z, lengths),
                               note="Keras under the hood, refit=False", reps=slow_reps))
    actual = (data.actuals(data.series(), n_origins) - mu) / sd
    return cands, ref, actual, timing
