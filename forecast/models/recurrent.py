"""Recurrent forecasters on Keras 3: simple (Elman) RNN, LSTM and GRU, stacked and bidirectional.

The model is put together from one part per concern, sharing one fitted state: parameter
checks and "auto" settings (:mod:`~forecast.models.recurrent_settings`), transforms to and
from the network's scale (:mod:`~forecast.models.recurrent_transforms`), training with early
stopping and the refit (:mod:`~forecast.models.recurrent_training`) and conformal calibration
(:mod:`~forecast.models.recurrent_conformal`); this module holds the public classes, the
batched forecasting core and persistence. The network lives in ``_keras_net``, the training
windows in :mod:`forecast.windows`.

One implementation, :class:`RecurrentForecaster`, with the cell chosen by ``cell``;
:class:`RNN`, :class:`LSTM` and :class:`GRU` only change its default (the class attribute
``cell``). A panel (many series) is trained as one global model through the base class's
panel hooks (``_fit_panel``, ``_predict_panel``, ``_predict_origins_panel``). The network reads a
window of ``time_steps`` past values (spaced by ``lag``; extra channels for past
covariates), runs ``layers`` stacked recurrent layers (``return_sequences`` between them,
optionally bidirectional), concatenates the known future covariates of the horizon (when
fitted with ``X``), then a ReLU MLP head (``dense_layers``) and a ``Dense(horizon)``
output: a direct multi-output forecast of the next ``horizon`` steps (``horizon=1``:
many-to-one). Longer forecasts roll the head forward recursively on its own outputs.

Defaults: every preprocessing and training setting is ``"auto"`` and resolved in ``fit``
on the training data only, then reported in ``resolved_params_`` (plain values): the
season from the time index (:func:`forecast.io.season_length`), deseasonalisation when the
M4 90% autocorrelation test finds seasonality (classical multiplicative indices for a
positive series, additive otherwise; :func:`forecast.seasonality.seasonal_adjustment`),
log for positive series, each window relative to its last value, a window of three seasons
(1.5 horizons, at least 8, without a season) bounded by the series length, a direct head
of one season (the backtest sets it to its horizon), MAE loss, batches and epochs that
scale with the number of windows, then a refit on every window.

Training: windows are drawn as shuffled mini-batches from zero-copy views
(:class:`forecast.windows.WindowBatches`); Adam with gradient clipping (``clipnorm``); the
last ``validation_fraction`` of the windows (chronologically, after a gap of
``horizon - 1`` windows so no target is shared) drive early stopping, which restores the
best weights (patience: as many epochs as its last improvement took, at least 3, at most
``patience``) and halves the learning rate on a plateau; with ``refit`` (the default) the
early-stopped network then continues on every window, the newest included, for a few epochs.
Preprocessing (deseasonalisation, log, differencing, a scikit-learn scaler, per-window
normalisation) is fitted on the training part inside ``fit`` and undone on the forecasts.

Intervals are split-conformal, per forecast step. From every rolling origin of the
held-out validation windows the network forecasts every step up to the end of the
training data (recursively beyond the head's ``horizon``, as ``predict`` does; at most 60
steps), and the errors are taken step by step in the network's scale (deseasonalised by
the factors of each step's position, in logs with ``log``, divided by the series' scaler
scale); bounds are built in that scale around the forecast and mapped back. With
``refit`` the residuals stay those of the early-stopped network, on windows it did not
train on. Without a validation part the last training windows are used, for the head's
steps only, which guarantees nothing. A model fitted on a panel pools the residuals over
all its series, so short series borrow strength (a series too short for validation
windows, or padded, adds none and uses the others'). For level ``1 - alpha`` the
half-width at a step with ``n`` residuals is the ``ceil((n + 1)(1 - alpha))``-th smallest
absolute residual. When that rank exceeds ``n`` (fewer than 19 residuals for a 95%
interval) the interval is not clipped to the largest residual: it gets a wider Student-t
bound, ``fit`` warns (when the head's steps are short of 19), and ``calibration_`` and
each forecast's ``interval_method`` say so. Steps beyond the last calibrated step ``S``
widen its half-width by ``sqrt(step / S)``.

Global models: ``fit`` also takes a panel (a dict or list of Series, or a long DataFrame
with columns ``series_id``, ``timestamp``, ``value``); one network is trained on the
windows of every series, each scaled (and deseasonalised) on its own; a series shorter
than one window is padded at the start with its first value. ``predict`` then returns a
:class:`~forecast.base.PanelForecast`, a dict ``{series id: Forecast}`` keyed by the ids as
given (an int stays an int; series in the order of their ids, so a dict and a long frame
give the same network) and ``update`` takes a dict of new observations. The base class
validates panels (long frames may also name their columns ``unique_id``/``ds``/``y``).

Speed: compiled networks are cached per architecture and seed, so refitting (as a
backtest does) restores initial weights instead of rebuilding and retracing; forecasts
from many origins go through the network as one batch. TensorFlow's thread pools are
capped by ``FORECAST_TF_THREADS`` (or ``OMP_NUM_THREADS``) when set, before TensorFlow
starts.

Keras is imported only when a network is fitted, used or loaded.

>>> import forecast as fc
>>> model = fc.LSTM(time_steps=12, horizon=6, units=8, epochs=3, seed=0)
>>> model.get_tags()["needs_keras"], model.cell
(True, 'lstm')
>>> fc.GRU(time_steps=24, horizon=1).min_length()  # 24 input steps, 1 target, 1 validation window
26
>>> fc.GRU().min_length()  # "auto" window: bounded by the data, short series padded
3
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..base import Forecaster, Prediction
from ..errors import PersistenceError
from .recurrent_conformal import RecurrentConformal
from .recurrent_settings import SINGLE, RecurrentSettings
from .recurrent_training import RecurrentTraining
from .recurrent_transforms import RecurrentTransforms

__all__ = ["RecurrentForecaster", "RNN", "LSTM", "GRU"]

NETWORK_FILE = "network.keras"  # the network's file in a saved model folder


class RecurrentForecaster(RecurrentSettings, RecurrentTransforms, RecurrentTraining, RecurrentConformal,
                          Forecaster):
    """A recurrent network forecaster (cell chosen by ``cell``).

    Parameters
    ----------
    cell : {"lstm", "gru", "rnn"} or None, default None
        Recurrent cell: long short-term memory, gated recurrent unit, or simple Elman RNN
        (``h_t = act(W_x x_t + W_h h_{t-1} + b)``). None: the class's own cell (the class
        attribute ``cell``: "lstm" here and in LSTM, "gru" in GRU, "rnn" in RNN).
    time_steps : int or "auto", default "auto"
        Input steps per window; "auto": three seasons (``1.5 * horizon``, at least 8, without
        a season), at most what leaves the median series two horizons of targets.
    horizon : int or "auto", default "auto"
        Outputs of the direct multi-output head; longer forecasts roll it forward. "auto":
        the horizon handed to ``fit(horizon=)`` (the backtest hands its own), else one
        season (1 without a season), at most a quarter of the median series length.
    lag : int, default 1
        Spacing of the input steps (``x(t), x(t - lag), ...``).
    units : int, default 32
        Units per recurrent layer.
    layers : int, default 1
        Stacked recurrent layers.
    dense_layers : tuple of int, default ()
        Hidden ReLU layers of the head.
    bidirectional : bool, default False
        Wrap each recurrent layer in ``Bidirectional``.
    dropout, recurrent_dropout : float, default 0.0
        Dropout on the inputs / recurrent state of each recurrent layer.
    activation : {"tanh", "relu"}, default "tanh"
        Activation of the recurrent cells.
    learning_rate : float, default 1e-3
        Adam learning rate.
    clipnorm : float or None, default 1.0
        Gradient clipping by norm (``None`` or 0 turns it off).
    loss : {"auto", "mse", "mae", "huber"}, default "auto"
        "auto": "mae".
    epochs : int or "auto", default "auto"
        Most epochs; "auto": 100 with early stopping (50 without validation).
    batch_size : int or "auto", default "auto"
        "auto": about 1/64 of the training windows, a power of two from 32 to 256.
    shuffle : bool, default True
        Shuffle the windows each epoch (seeded by ``seed``).
    validation_fraction : float, default 0.1
        Last fraction of the windows held out (chronologically) for early stopping and
        conformal intervals; 0 trains on everything.
    patience : int, default 10
        Most epochs without a validation improvement (0.2%, relative) before stopping;
        earlier in training, as many as the last improvement took to reach, at least 3 (a
        network at its best after 2 epochs stops after 5). The best weights are restored.
    steps_per_epoch : int, None or "auto", default "auto"
        Cap on the mini-batches per epoch (for very long series); "auto": 100.
    scaler : {"auto", "standard", "minmax", None}, default "auto"
        scikit-learn scaler fitted on the training part, per series and per column; "auto":
        none for logged, window-normalised data without covariates, else "standard".
    window_norm : {"auto", None, "last", "mean"}, default "auto"
        Normalise each window by its last value or mean (target channel); "auto": "last"
        (None with ``difference``).
    log : bool or "auto", default "auto"
        Model ``log(y)`` (needs positive values); "auto": when every series is positive.
    difference : bool, default False
        Model first differences.
    season : int or "auto", default "auto"
        Season length ``m``; "auto": the season handed to ``fit(season=)`` (the backtest's,
        per series: each series is deseasonalised by its own, the window sized by their
        common one, 1 when they differ), else from the time index's frequency (the series'
        common one), 1 when it has none.
    deseasonalize : {"auto", "multiplicative", "additive", None}, default "auto"
        Remove classical seasonal indices before the network, put them back on forecasts;
        "auto": when the 90% autocorrelation test finds the series seasonal (per series),
        multiplicative for a positive series, else additive.
    refit : bool or "auto", default "auto"
        After early stopping, continue training the early-stopped network on every window
        for 10% of the best epoch count, at least 3 ("auto": whenever there is a validation
        part). Intervals keep the residuals of the
        early-stopped network on the windows it did not train on.
    seed : int or None, default None
        Seed of weights, dropout and shuffling: with a seed, forecasts repeat exactly.
    jit_compile : bool, default False
        TensorFlow backend: compile the training steps with XLA. Training then runs several
        times faster on a CPU (2.7x for an LSTM(32) in ``benchmarks/run.py --only lstm``),
        but the first fit of an architecture pays seconds of XLA compilation, so it pays off
        when the network is trained long or refitted many times (backtests reuse the
        compiled network). If XLA cannot compile the network, training goes on without it.
        Other backends always compile with XLA and ignore this.
    unroll : bool or "auto", default "auto"
        Unroll the recurrent loop over the window's time steps: cheaper training steps
        (0.6-0.86x on a CPU) for a dearer first call, whose graph grows with the window.
        "auto": on TensorFlow on a CPU, for windows of at most 24 steps in fits that cannot
        stop before 150 training steps (a panel, not one short series), where that first
        cost pays back within the training (``benchmarks/bench_recurrent.py
        --unroll``); never on a GPU, where only the rolled loop runs as a fused cuDNN kernel.
        The choice is in ``resolved_params_["unroll"]``. The arithmetic differs from the
        rolled loop's in the last bits, which can move the epoch where early stopping ends.
    verbose : int, default 0
        Print one line per epoch when > 0.

    Attributes
    ----------
    history_ : dict
        Training and validation loss per epoch, best epoch.
    versions_ : dict
        Library versions and Keras backend used by ``fit``.
    seed_ : int or None
        The seed used.
    residuals_ : dict
        Per series, the calibration residuals ``(n, horizon)`` (actual - forecast) of the
        head's steps in the data's units; ``scaled_residuals_`` those of every calibrated
        step in the network's scale (deseasonalised, logged, scaled as the network's inputs;
        None where an origin has no actual value; pooled over the series of a panel for the
        intervals). Empty for a panel series without validation windows.
    calibration_ : dict
        ``n`` calibration residuals per head step (pooled), ``n_per_step`` for every
        calibrated step, ``steps`` calibrated, ``pooled`` series, ``in_sample``,
        ``max_conformal_level`` (percent, head steps: higher levels use the Student-t
        bound) and a ``note`` in words, also given as each forecast's ``interval_method``.
    resolved_params_ : dict
        The settings used, "auto" ones resolved: season, deseasonalize (per panel: how many
        series each way), log, scaler, window_norm, time_steps, horizon, loss, batch_size,
        steps_per_epoch, epochs, epochs_run, best_epoch, stopped (why training stopped),
        learning_rate (its schedule), refit, refit_epochs, tf_threads, n_series, n_windows,
        padded_series.
    """

    _tags = {"needs_keras": True, "intervals": True, "supports_exog": True, "deterministic": True,
             "exact": False, "global_model": True, "family": "recurrent", "uses_season": True,
             "uses_horizon": True}

    #: the recurrent cell when ``cell`` is not given: a class attribute, set by LSTM, GRU and RNN
    cell: str = "lstm"

    def __init__(self, *, cell: str | None = None, time_steps: int | str = "auto", horizon: int | str = "auto", lag: int = 1,
                 units: int = 32, layers: int = 1, dense_layers: tuple[int, ...] = (),
                 bidirectional: bool = False, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 activation: str = "tanh", learning_rate: float = 1e-3, clipnorm: float | None = 1.0,
                 loss: str = "auto", epochs: int | str = "auto", batch_size: int | str = "auto", shuffle: bool = True,
                 validation_fraction: float = 0.1, patience: int = 10,
                 steps_per_epoch: int | str | None = "auto", scaler: str | None = "auto",
                 window_norm: str | None = "auto", log: bool | str = "auto", difference: bool = False,
                 season: int | str = "auto", deseasonalize: str | None = "auto", refit: bool | str = "auto",
                 seed: int | None = None, jit_compile: bool = False, unroll: bool | str = "auto",
                 verbose: int = 0) -> None:
        if cell is not None:  # None: the class's cell (the class attribute above)
            self.cell = cell
        self.time_steps = time_steps
        self.horizon = horizon
        self.lag = lag
        self.units = units
        self.layers = layers
        self.dense_layers = dense_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.activation = activation
        self.learning_rate = learning_rate
        self.clipnorm = clipnorm
        self.loss = loss
        self.epochs = epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.steps_per_epoch = steps_per_epoch
        self.scaler = scaler
        self.window_norm = window_norm
        self.log = log
        self.difference = difference
        self.season = season
        self.deseasonalize = deseasonalize
        self.refit = refit
        self.seed = seed
        self.jit_compile = jit_compile
        self.unroll = unroll
        self.verbose = verbose

    @classmethod
    def _param_defaults(cls) -> dict[str, Any]:
        return {**super()._param_defaults(), "cell": cls.cell}

    @classmethod
    def _tiny_params(cls) -> dict[str, Any]:
        return {"time_steps": 6, "horizon": 2, "units": 4, "epochs": 2, "batch_size": 16, "seed": 0}

    def _fit_panel(self, ys: dict[str, pd.Series], Xs: dict[str, pd.DataFrame] | None) -> None:
        self._fit_many(ys, Xs)

    def _fit(self, y: pd.Series, X: pd.DataFrame | None) -> None:
        self._fit_many({SINGLE: y}, None if X is None else {SINGLE: X})

    # ------------------------------------------------------------------ forecasting core
    def _warn_rolled(self, steps: int, H: int) -> None:
        """Forecasts beyond the trained head roll it on its own outputs, which is usually
        less accurate than a head trained for the whole horizon: say so, naming horizon=.
        The message is the same for the same model and steps, so Python's default warning
        filter shows it once."""
        import warnings

        from ..errors import ForecastWarning, user_stacklevel

        how = "set" if self.horizon != "auto" else (
            "handed to fit" if self._handed("horizon") else "resolved from the data (one season)")
        warnings.warn(f"{type(self).__name__}: forecasting {steps} steps with a head trained for {H} "
                      f"(horizon={H}, {how}): steps beyond {H} roll the head on its own forecasts, "
                      f"usually less accurate; fit with horizon={steps} for a direct {steps}-step head",
                      ForecastWarning, stacklevel=user_stacklevel())

    def _forecast(self, jobs: Sequence[tuple[str, np.ndarray, np.ndarray | None, np.ndarray, int]], *,
                  calibrating: bool = False) -> list[np.ndarray]:
        """Forecasts for many (series, origins) at once, batched through the network.

        Each job is ``(sid, y values, X values or None, ends, steps)``: ``ends`` are the
        positions of the last observation used by each forecast (no later value is read);
        X must cover up to ``max(ends) + steps``. Returns ``(len(ends), steps)`` arrays on
        the original scale.
        """
        span, T, H, lag = self._span(), int(self._rp("time_steps")), int(self._rp("horizon")), int(self.lag)
        window_norm = self._rp("window_norm")
        d = int(bool(self.difference))
        steps_max = max(j[4] for j in jobs)
        blocks = -(-steps_max // H)
        if blocks > 1 and not calibrating:  # the calibration's own rolled steps are no user request
            self._warn_rolled(steps_max, H)
        L = span + blocks * H
        tgt_all, ex_all, meta = [], [], []
        for sid, yv, Xv, ends, steps in jobs:
            ends = np.asarray(ends, dtype=np.int64)
            n_hist = int(ends.max()) + 1
            Xh = None
            if Xv is not None:
                need = n_hist + blocks * H
                Xh = Xv[:need]
                if len(Xh) < need:  # beyond the requested steps: repeat the last known row
                    Xh = np.concatenate([Xh, np.repeat(Xh[-1:], need - len(Xh), axis=0)])
            lo = int(ends.min()) - d - span + 1  # only the tail the windows need
            pad, lo = max(0, -lo), max(0, lo)
            Z = self._model_space(sid, yv[lo:n_hist], None, start=lo)
            if pad:  # a window longer than the data: the first value repeated before it, as in fit
                Z = np.concatenate([np.repeat(Z[:1], pad, axis=0), Z])
            rows = ends - d - lo + pad  # row of each origin in model space
            idx = rows[:, None] + np.arange(-span + 1, 1)[None, :]
            tgt = np.zeros((len(ends), L))
            tgt[:, :span] = Z[idx, 0]
            tgt_all.append(tgt)
            if Xh is not None:
                E = self._exog_space(sid, Xh)
                if pad:
                    E = np.concatenate([np.repeat(E[:1], pad, axis=0), E])
                eidx = ends[:, None] + pad + np.arange(-span + 1, blocks * H + 1)[None, :]
                ex_all.append(E[eidx])
            meta.append((sid, yv, ends, steps, len(ends)))
        tgt = np.concatenate(tgt_all)
        ex = np.concatenate(ex_all) if ex_all else None
        offsets = np.arange(T) * lag
        for b in range(blocks):
            q = span + b * H
            win = q - span + offsets
            x = tgt[:, win][:, :, None]
            ref = None
            if window_norm is not None:
                ref = x[:, -1, 0] if window_norm == "last" else x[:, :, 0].mean(axis=1)
                x = x - ref[:, None, None]
            if ex is not None:
                x = np.concatenate([x, ex[:, win]], axis=2)
                inputs: Any = (x, ex[:, q:q + H].reshape(len(x), -1))
            else:
                inputs = x
            out = self._network_call(lambda net, inputs=inputs: net.predict(inputs))
            if ref is not None:
                out = out + ref[:, None]
            tgt[:, q:q + H] = out
        results, lo = [], 0
        for sid, yv, ends, steps, n in meta:
            zhat = tgt[lo:lo + n, span:span + steps]
            lo += n
            sc = self.scalers_[sid]
            dhat = zhat * sc["scale"][0] + sc["loc"][0]
            if d:
                g_end = self._levels(yv[ends], "y", sid, positions=ends)
                dhat = g_end[:, None] + np.cumsum(dhat, axis=1)
            results.append(self._unlevels(sid, dhat, ends[:, None] + 1 + np.arange(steps)[None, :]))
        return results

    def _predict(self, horizon: int, X: pd.DataFrame | None) -> Prediction:
        return self._predict_one(SINGLE, self.y_, self.X_, horizon, X)

    def _job(self, sid: str, y: pd.Series, Xhist: pd.DataFrame | None, horizon: int, Xfut: pd.DataFrame | None) -> tuple:
        yv = y.to_numpy()
        Xv = None if Xhist is None else np.concatenate([Xhist.to_numpy(), Xfut.to_numpy()])
        return (sid, yv, Xv, np.array([len(yv) - 1]), horizon)

    def _predict_one(self, sid, y, Xhist, horizon, Xfut) -> Prediction:
        job = self._job(sid, y, Xhist, horizon, Xfut)
        mean = self._forecast([job])[0][0]
        return self._prediction(sid, mean, int(job[3][0]))

    def _predict_origins(self, y_new: pd.Series, positions: list[int], horizon: int,
                         X_all: pd.DataFrame | None) -> list[Prediction]:
        """All origins' windows go through the network as one batch."""
        yv = np.concatenate([self.y_.to_numpy(), y_new.to_numpy()])
        Xv = None if self.X_ is None else np.concatenate([self.X_.to_numpy(), X_all.to_numpy()])
        ends = len(self.y_) - 1 + np.asarray(positions)
        means = self._forecast([(SINGLE, yv, Xv, ends, horizon)])[0]
        return [self._prediction(SINGLE, m, e) for m, e in zip(means, ends, strict=True)]

    # ------------------------------------------------------------------ panels
    def _predict_panel(self, horizon: int, Xs: dict[str, pd.DataFrame] | None) -> dict[str, Prediction]:
        """All series in one network call."""
        jobs = [self._job(sid, y, None if Xs is None else self.X_[sid], horizon, None if Xs is None else Xs[sid])
                for sid, y in self.y_.items()]
        means = self._forecast(jobs)
        return {sid: self._prediction(sid, m[0], int(ends[0])) for (sid, _, _, ends, _), m in zip(jobs, means, strict=True)}

    def _predict_origins_panel(self, ys_new: dict[str, pd.Series], positions: dict[str, list[int]],
                               horizon: int, Xs_all: dict[str, pd.DataFrame] | None) -> dict[str, list[Prediction]]:
        """Every origin of every series goes through the network in one batch."""
        jobs = []
        for sid, part in ys_new.items():
            y_fit = self.y_[sid]
            yv = np.concatenate([y_fit.to_numpy(), part.to_numpy()])
            Xv = None if Xs_all is None else np.concatenate([self.X_[sid].to_numpy(), Xs_all[sid].to_numpy()])
            jobs.append((sid, yv, Xv, len(y_fit) - 1 + np.asarray(positions[sid]), horizon))
        means = self._forecast(jobs)  # one batched network pass per head block
        return {job[0]: [self._prediction(job[0], m, e) for m, e in zip(mean, job[3], strict=True)]
                for job, mean in zip(jobs, means, strict=True)}

    # ------------------------------------------------------------------ persistence
    def _get_state(self, folder: Path) -> dict[str, Any]:
        self._network_call(lambda net: net.model.save(folder / NETWORK_FILE))
        return {"network": NETWORK_FILE, "spec": self.spec_, "scalers": self.scalers_,
                "residuals": self.residuals_, "scaled_residuals": self.scaled_residuals_,
                "calibration": self.calibration_, "history": self.history_, "versions": self.versions_,
                "seed": self.seed_, "n_exog": self.n_exog_, "resolved": self.resolved_params_,
                "seasonal": self.seasonal_}

    def _set_state(self, state: dict[str, Any], folder: Path) -> None:
        import keras

        from . import _keras_net

        file = Path(folder) / str(state["network"])
        if not file.is_file():
            raise PersistenceError(f"{file} is missing: the saved model folder is incomplete; save the model again")
        try:
            network = keras.saving.load_model(file, safe_mode=True, compile=False)
        except Exception as err:  # noqa: BLE001 - any failure means an unreadable file
            raise PersistenceError(f"{file} is not a readable Keras model ({type(err).__name__}: {err}); "
                                   "save the model again") from err
        self.spec_ = dict(state["spec"])
        self.weights_ = [np.array(w) for w in network.get_weights()]
        expected = [tuple(w.shape) for w in _keras_net.build_model(self.spec_).get_weights()]
        if [tuple(w.shape) for w in self.weights_] != expected:
            raise PersistenceError(f"{file} holds a network of another architecture than the saved parameters describe")
        self._token = _keras_net.new_token()
        self.scalers_ = state["scalers"]
        self.residuals_ = state["residuals"]
        if "calibration" not in state:
            raise PersistenceError(f"{folder} was saved by an older version of forecast without conformal "
                                   "calibration data; fit the model again and save it")
        self.scaled_residuals_ = state["scaled_residuals"]
        self.calibration_ = state["calibration"]
        self.history_ = state["history"]
        self.versions_ = state["versions"]
        self.seed_ = state["seed"]
        self.n_exog_ = int(state["n_exog"])
        self.resolved_params_ = state.get("resolved")
        self.seasonal_ = state.get("seasonal", {})


class LSTM(RecurrentForecaster):
    """Long short-term memory network (``cell="lstm"``); see :class:`RecurrentForecaster`.

    >>> import forecast as fc
    >>> fc.LSTM(units=64, layers=2).get_params()["cell"]
    'lstm'
    """

    cell = "lstm"


class GRU(RecurrentForecaster):
    """Gated recurrent unit network (``cell="gru"``); see :class:`RecurrentForecaster`."""

    cell = "gru"


class RNN(RecurrentForecaster):
    """Simple (Elman) recurrent network (``cell="rnn"``); see :class:`RecurrentForecaster`."""

    cell = "rnn"
