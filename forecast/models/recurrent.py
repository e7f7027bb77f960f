"""Recurrent forecasters on Keras 3: simple (Elman) RNN, LSTM and GRU, stacked and bidirectional.

(Over 600 lines on purpose: one model whose parameters, automatic settings, training,
calibration and persistence share one fitted state; the network lives in ``_keras_net``, the
training windows in :mod:`forecast.windows`.)

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
best weights; with ``refit`` (the default) the network is then trained again from its
initial weights on every window, the newest included, for the best epoch count.
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

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..base import Forecaster, Prediction
from ..errors import InputError, ModelError, PersistenceError
from ..windows import WindowBatches, window_span

__all__ = ["RecurrentForecaster", "RNN", "LSTM", "GRU"]

_SINGLE = "y"
_SCALERS = ("auto", "standard", "minmax", None)
_WINDOW_NORMS = ("auto", None, "last", "mean")
_DESEASONALIZE = ("auto", "multiplicative", "additive", None)
# parameters that take "auto": resolved on the training data in ``fit`` (``resolved_params_``)
_AUTO_PARAMS = ("time_steps", "horizon", "loss", "epochs", "batch_size", "steps_per_epoch", "scaler",
                "window_norm", "log", "season", "deseasonalize", "refit")
_MAX_STEPS_PER_EPOCH = 100  # "auto": an epoch is at most this many mini-batches
_MAX_EPOCHS = 100  # "auto": at most this many epochs (early stopping usually ends sooner)
_MIN_DELTA = 0.002  # an epoch improves on the validation loss when it lowers it by 0.2% (relative)
_LR_FACTOR = 0.5  # reduce on plateau: the learning rate halves after patience // 2 epochs without improvement
_REFIT_SHARE = 0.1  # the refit continues for 10% of the best epoch count (at least _REFIT_MIN, at most best)
_REFIT_MIN = 3


def _is_auto(value: Any) -> bool:
    return isinstance(value, str) and value == "auto"
_NETWORK_FILE = "network.keras"
_CAL_STEPS = 60  # calibrated forecast steps at most; later steps widen the last one by sqrt(step)


def _int_param(model: Any, name: str, minimum: int) -> int:
    value = getattr(model, name)
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InputError(f"{type(model).__name__}: {name} must be a whole number >= {minimum}; got {value!r}")
    return int(value)


def _conformal(residuals: np.ndarray, frac: float, steps: int) -> np.ndarray:
    """Per-step split-conformal half-widths at level ``frac`` from residuals ``(n, S)``
    (NaN where an origin has no actual value for a step).

    The half-width at step ``h`` is the ``k = ceil((n_h + 1) * frac)``-th smallest of the
    ``n_h`` absolute residuals of step ``h``: with exchangeable calibration residuals, a new
    error falls within it with probability at least ``frac``. When ``k > n_h`` (``frac >
    n_h / (n_h + 1)``: too few residuals for that level) no order statistic gives the
    guarantee; the bound is then the largest residual widened by the ratio of Student-t
    quantiles (``n_h`` degrees of freedom) between ``frac`` and ``n_h / (n_h + 1)``, and at
    least the Student-t prediction bound ``t * rms * sqrt(1 + 1/n_h)`` -- wider for every
    higher level, never clipped to the largest residual. No residuals: infinite. Steps
    beyond ``S`` widen step ``S``'s half-width by ``sqrt(step / S)``.
    """
    res = np.abs(np.asarray(residuals, dtype=float))
    S = res.shape[1]
    width = np.full(S, np.inf)
    for j in range(min(S, steps)):
        col = np.sort(res[:, j][~np.isnan(res[:, j])])
        n = len(col)
        if n == 0:
            continue
        k = math.ceil((n + 1) * frac - 1e-9)  # guard: (n + 1) * frac computed in floating point
        if k <= n:
            width[j] = col[k - 1]
        else:
            from scipy.stats import t

            tq = t.ppf(0.5 + frac / 2, df=n)
            t_edge = t.ppf(0.5 + n / (n + 1) / 2, df=n)
            rms = np.sqrt(np.mean(col ** 2))
            width[j] = max(col[-1] * tq / t_edge, tq * rms * np.sqrt(1 + 1 / n))
    if steps <= S:
        return width[:steps]
    extra = width[-1] * np.sqrt(np.arange(S + 1, steps + 1) / S)
    return np.concatenate([width, extra])


def _calibration_note(n: list[int], head: int, pooled: int, in_sample: bool, calibrated: int | None = None) -> str:
    """What intervals calibrated on ``n[h]`` residuals at step ``h + 1`` can promise
    (``calibrated``: how many of the ``pooled`` series have held-out windows)."""
    calibrated = pooled if calibrated is None else calibrated
    if pooled > 1:
        some = f"{calibrated} of {pooled}" if calibrated < pooled else f"{pooled}"
        where = f"pooled over {some} series after each series' scaling"
    else:
        where = "of one series"
    source = ("in-sample training windows (no validation windows: validation_fraction=0 or series too "
              "short; no guarantee, likely too narrow)" if in_sample else "held-out validation windows")
    m = n[head - 1] if n else 0
    if m == 0:
        return f"no calibration residuals ({source}): intervals are infinite"
    top = 100 * m / (m + 1)
    later = ""
    if len(n) > head:
        later = f"; steps {head + 1}-{len(n)} from fewer origins (down to {n[-1]} at step {len(n)})"
    return (f"split conformal on {m} residuals per step from {source}, {where}{later}; "
            f"levels up to {top:.1f}% are conformal, higher levels (or a step with fewer residuals) use a "
            f"Student-t bound beyond the largest residual; steps beyond {len(n)} widen by sqrt(step/{len(n)})")


class RecurrentForecaster(Forecaster):
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
        Outputs of the direct multi-output head; longer forecasts roll it forward. The
        backtest sets "auto" to its horizon; fitted directly, "auto" is one season (1
        without a season), at most a quarter of the median series length.
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
        Epochs without validation improvement before stopping (best weights restored).
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
        Season length ``m``; "auto": from the time index's frequency, 1 when it has none.
    deseasonalize : {"auto", "multiplicative", "additive", None}, default "auto"
        Remove classical seasonal indices before the network, put them back on forecasts;
        "auto": when the 90% autocorrelation test finds the series seasonal (per series),
        multiplicative for a positive series, else additive.
    refit : bool or "auto", default "auto"
        After early stopping, train again on every window for the best epoch count ("auto":
        whenever there is a validation part). Intervals keep the residuals of the
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
        steps_per_epoch, epochs, epochs_run, best_epoch, refit, n_series, n_windows,
        padded_series.
    """

    _tags = {"needs_keras": True, "intervals": True, "supports_exog": True,
             "deterministic": True, "exact": False, "global_model": True, "family": "recurrent"}

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
                 seed: int | None = None, jit_compile: bool = False, verbose: int = 0) -> None:
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
        self.verbose = verbose

    @classmethod
    def _param_defaults(cls) -> dict[str, Any]:
        return {**super()._param_defaults(), "cell": cls.cell}

    @classmethod
    def _tiny_params(cls) -> dict[str, Any]:
        return {"time_steps": 6, "horizon": 2, "units": 4, "epochs": 2, "batch_size": 16, "seed": 0}

    # ------------------------------------------------------------------ parameters
    def _validate_params(self) -> None:
        name = type(self).__name__
        if self.cell not in ("lstm", "gru", "rnn"):
            raise InputError(f"{name}: cell must be 'lstm', 'gru' or 'rnn'; got {self.cell!r}")
        for p, lo in [("time_steps", 1), ("horizon", 1), ("lag", 1), ("units", 1), ("layers", 1),
                      ("epochs", 1), ("batch_size", 1), ("patience", 1), ("season", 1)]:
            if not (p in _AUTO_PARAMS and _is_auto(getattr(self, p))):
                _int_param(self, p, lo)
        if self.steps_per_epoch is not None and not _is_auto(self.steps_per_epoch):
            _int_param(self, "steps_per_epoch", 1)
        if self.deseasonalize not in _DESEASONALIZE:
            raise InputError(f"{name}: deseasonalize must be 'auto', 'multiplicative', 'additive' or None; "
                             f"got {self.deseasonalize!r}")
        for p in ("log", "refit"):
            v = getattr(self, p)
            if not (_is_auto(v) or isinstance(v, bool | np.bool_)):
                raise InputError(f"{name}: {p} must be 'auto', True or False; got {v!r}")
        dense = self.dense_layers
        if not isinstance(dense, list | tuple) or any(isinstance(u, bool) or not isinstance(u, int | np.integer) or u < 1 for u in dense):
            raise InputError(f"{name}: dense_layers must be a tuple of whole numbers >= 1 (units per layer); got {dense!r}")
        for p in ("dropout", "recurrent_dropout"):
            v = getattr(self, p)
            if not isinstance(v, int | float) or not 0 <= v < 1:
                raise InputError(f"{name}: {p} must be in [0, 1); got {v!r}")
        vf = self.validation_fraction
        if not isinstance(vf, int | float) or not 0 <= vf < 1:
            raise InputError(f"{name}: validation_fraction must be in [0, 1); got {vf!r}")
        if self.activation not in ("tanh", "relu"):
            raise InputError(f"{name}: activation must be 'tanh' or 'relu'; got {self.activation!r}")
        if self.loss not in ("auto", "mse", "mae", "huber"):
            raise InputError(f"{name}: loss must be 'auto', 'mse', 'mae' or 'huber'; got {self.loss!r}")
        if not isinstance(self.learning_rate, int | float) or not self.learning_rate > 0:
            raise InputError(f"{name}: learning_rate must be a positive number; got {self.learning_rate!r}")
        if self.clipnorm is not None and (not isinstance(self.clipnorm, int | float) or self.clipnorm < 0):
            raise InputError(f"{name}: clipnorm must be a positive number or None; got {self.clipnorm!r}")
        if self.scaler not in _SCALERS:
            raise InputError(f"{name}: scaler must be 'auto', 'standard', 'minmax' or None; got {self.scaler!r}")
        if self.window_norm not in _WINDOW_NORMS:
            raise InputError(f"{name}: window_norm must be 'auto', None, 'last' or 'mean'; got {self.window_norm!r}")
        if not isinstance(self.jit_compile, bool | np.bool_):
            raise InputError(f"{name}: jit_compile must be True or False; got {self.jit_compile!r}")
        if self.seed is not None and (isinstance(self.seed, bool) or not isinstance(self.seed, int | np.integer)):
            raise InputError(f"{name}: seed must be a whole number or None; got {self.seed!r}")


    def _rp(self, name: str) -> Any:
        """A parameter as the fitted model uses it: resolved (``resolved_params_``) when fitted."""
        resolved = self.__dict__.get("resolved_params_")
        if resolved is not None and name in resolved:
            return resolved[name]
        return getattr(self, name)

    def _span(self) -> int:
        return window_span(self._rp("time_steps"), self.lag)

    def min_length(self) -> int:
        """Observations needed: one input window, the head's horizon, the differencing step,
        and (with validation) ``horizon + 1`` windows so that one is left for validation.
        With ``time_steps="auto"`` the window is bounded by the data and a short series is
        padded, so ``horizon + 2`` observations (at least 3) are enough."""
        self._validate_params()
        H = 1 if _is_auto(self.horizon) else int(self.horizon)
        d = int(bool(self.difference))
        if _is_auto(self.time_steps):
            return max(3, H + 2) + d
        windows = H + 1 if self.validation_fraction > 0 else 1
        return window_span(self.time_steps, self.lag) + H - 1 + windows + d

    # ------------------------------------------------------------------ transforms
    def _seasonal(self, sid: str, positions: np.ndarray) -> tuple[str | None, np.ndarray | None]:
        """The seasonal factors of series ``sid`` at ``positions`` (counted from its first
        fitted value), and how they apply; ``(None, None)`` when not deseasonalised."""
        adj = self.__dict__.get("seasonal_", {}).get(sid)
        if not adj or adj["kind"] is None:
            return None, None
        si = np.asarray(adj["indices"], dtype=float)
        return adj["kind"], si[np.asarray(positions) % len(si)]

    def _levels(self, yv: np.ndarray, where: str, sid: str = _SINGLE, start: int = 0,
                positions: np.ndarray | None = None) -> np.ndarray:
        """Deseasonalised (when chosen) and logged (when chosen) values; ``yv[i]`` is at
        position ``start + i`` of the series, or at ``positions[i]``."""
        pos = np.arange(start, start + len(yv)) if positions is None else positions
        kind, s = self._seasonal(sid, pos)
        if kind == "multiplicative":
            yv = yv / s
        elif kind == "additive":
            yv = yv - s
        if not self._rp("log"):
            return yv
        if np.any(yv <= 0):
            pos = int(np.flatnonzero(yv <= 0)[0])
            raise InputError(f"{where} has a non-positive value {yv[pos]} (row {pos}) but log=True needs positive values; "
                             "set log=False (or log='auto') or shift the series")
        return np.log(yv)

    def _unlevels(self, sid: str, g: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`_levels` for values at ``positions`` (same shape)."""
        out = np.exp(g) if self._rp("log") else g
        kind, s = self._seasonal(sid, positions)
        if kind == "multiplicative":
            out = out * s
        elif kind == "additive":
            out = out + s
        return out

    def _levels_quiet(self, sid: str, g: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """:meth:`_levels` of forecasts or interval bounds (no input checks: a non-positive
        value under ``log`` gives -inf/NaN, not an error)."""
        kind, s = self._seasonal(sid, positions)
        if kind == "multiplicative":
            g = g / s
        elif kind == "additive":
            g = g - s
        return np.log(g) if self._rp("log") else g

    def _model_space(self, sid: str, yv: np.ndarray, Xv: np.ndarray | None, where: str = "y",
                     start: int = 0) -> np.ndarray:
        """Rows ``(target, exog...)`` in the network's scale; row ``i`` is time ``start + i + difference``."""
        g = self._levels(yv, where, sid, start)
        d = int(bool(self.difference))
        z = np.diff(g) if d else g
        cols = [z[:, None]]
        if Xv is not None:
            cols.append(Xv[d:len(g)] if Xv.shape[0] >= len(g) else Xv[d:])
        Z = np.concatenate(cols, axis=1) if len(cols) > 1 else cols[0]
        sc, k = self.scalers_[sid], Z.shape[1]
        return (Z - np.asarray(sc["loc"][:k])) / np.asarray(sc["scale"][:k])

    def _exog_space(self, sid: str, Xv: np.ndarray) -> np.ndarray:
        sc = self.scalers_[sid]
        return (Xv - np.asarray(sc["loc"][1:])) / np.asarray(sc["scale"][1:])

    def _fit_scaler(self, Z: np.ndarray) -> dict[str, list[float]]:
        cols = Z.shape[1]
        scaler = self._rp("scaler")
        if scaler is None:
            return {"loc": [0.0] * cols, "scale": [1.0] * cols}
        from sklearn.preprocessing import MinMaxScaler, StandardScaler

        sk = StandardScaler() if scaler == "standard" else MinMaxScaler()
        for lo in range(0, len(Z), 1_000_000):  # in chunks: bounded temporaries on long series
            sk.partial_fit(Z[lo:lo + 1_000_000])
        if scaler == "standard":
            loc, scale = sk.mean_, sk.scale_
        else:
            scale = 1.0 / sk.scale_
            loc = -sk.min_ * scale
        scale = np.where(np.asarray(scale) > 0, scale, 1.0)
        return {"loc": [float(v) for v in loc], "scale": [float(v) for v in scale]}

    # ------------------------------------------------------------------ network
    def _spec(self, n_features: int, n_future: int) -> dict[str, Any]:
        return {"cell": self.cell, "time_steps": int(self._rp("time_steps")), "horizon": int(self._rp("horizon")),
                "n_features": int(n_features), "n_future": int(n_future), "units": int(self.units),
                "layers": int(self.layers), "dense_layers": [int(u) for u in self.dense_layers],
                "bidirectional": bool(self.bidirectional), "dropout": float(self.dropout),
                "recurrent_dropout": float(self.recurrent_dropout), "activation": self.activation,
                "learning_rate": float(self.learning_rate),
                "clipnorm": None if not self.clipnorm else float(self.clipnorm), "loss": self._rp("loss"),
                "seed": None if self.seed is None else int(self.seed),
                "jit_compile": bool(self.jit_compile)}

    def _network_call(self, fn: Callable[[Any], Any]) -> Any:
        from . import _keras_net

        net = _keras_net.acquire(self.spec_)
        try:
            net.load(self._token, self.weights_)
            return fn(net)
        finally:
            _keras_net.release(net)

    # ------------------------------------------------------------------ fitting
    def on_epoch(self, callback: Callable[[int, float, float | None], None] | None) -> RecurrentForecaster:
        """Set a hook called after each training epoch with ``(epoch, loss, val_loss)``
        (``val_loss`` is None without validation), e.g. to drive a progress bar. Returns self."""
        self._callback = callback
        return self

    def _panel_min_length(self) -> int:
        """A series of a panel shorter than a window is padded: it needs the head's horizon,
        one input and the differencing step."""
        self._validate_params()
        return (1 if _is_auto(self.horizon) else int(self.horizon)) + 1 + int(bool(self.difference))

    def _fit_panel(self, ys: dict[str, pd.Series], Xs: dict[str, pd.DataFrame] | None) -> None:
        self._fit_many(ys, Xs)

    def _fit(self, y: pd.Series, X: pd.DataFrame | None) -> None:
        self._fit_many({_SINGLE: y}, None if X is None else {_SINGLE: X})

    # ------------------------------------------------------------------ automatic settings
    def _resolve_data(self, ys: dict[str, pd.Series]) -> None:
        """Resolve the "auto" preprocessing settings on the training data (``resolved_params_``)
        and the per-series seasonal factors (``seasonal_``)."""
        from ..io import season_length
        from ..seasonality import seasonal_adjustment

        lengths = np.array([len(s) for s in ys.values()])
        typical = int(np.median(lengths))
        d = int(bool(self.difference))
        if _is_auto(self.season):
            found = {season_length(s.index) for s in ys.values()}
            m = int(found.pop()) if len(found) == 1 and None not in found else 1
        else:
            m = int(self.season)
        if _is_auto(self.horizon):  # a season ahead (one step for non-seasonal data), within the data
            H = max(1, min(m if m > 1 else 1, typical // 4))
        else:
            H = int(self.horizon)
        if _is_auto(self.time_steps):  # three seasons, or 1.5 horizons (at least 8) without a season
            T = 3 * m if m > 1 else max(8, math.ceil(1.5 * H))
            T = max(2, min(T, (typical - d - 2 * H - 1) // int(self.lag) + 1))
        else:
            T = int(self.time_steps)
        self.seasonal_, kinds = {}, {}
        adjusted_positive = True
        for sid, s in ys.items():
            v = s.to_numpy(dtype=float)
            kind, si = seasonal_adjustment(v, m, self.deseasonalize)  # on this series' training data only
            self.seasonal_[sid] = {"kind": kind, "indices": [float(x) for x in si]}
            kinds[str(kind)] = kinds.get(str(kind), 0) + 1
            adj = v / si[np.arange(len(v)) % len(si)] if kind == "multiplicative" else (
                v - si[np.arange(len(v)) % len(si)] if kind == "additive" else v)
            adjusted_positive = adjusted_positive and bool(np.all(adj > 0))
        log = adjusted_positive if _is_auto(self.log) else bool(self.log)
        if _is_auto(self.window_norm):
            window_norm = None if self.difference else "last"
        else:
            window_norm = self.window_norm
        # log-ratios to the window's last value are already on one scale for every series;
        # anything else (levels, differences, covariates) is standardised per series
        plain = log and window_norm is not None and self.__dict__.get("_n_exog", 0) == 0
        scaler = (None if plain else "standard") if _is_auto(self.scaler) else self.scaler
        if len(ys) == 1:
            deseason: Any = next(iter(self.seasonal_.values()))["kind"] or "none"
        else:
            deseason = {("none" if k == "None" else k): n for k, n in sorted(kinds.items())}
        self.resolved_params_ = {
            "season": m, "deseasonalize": deseason, "log": bool(log), "scaler": scaler,
            "window_norm": window_norm, "time_steps": int(T), "horizon": int(H),
            "loss": "mae" if _is_auto(self.loss) else self.loss, "n_series": len(ys),
        }

    def _resolve_budget(self, n_windows: int, has_validation: bool) -> None:
        """Resolve the "auto" training budget from the number of training windows."""
        r = self.resolved_params_
        if _is_auto(self.batch_size):  # ~ 1/64 of the windows per batch, between 32 and 256
            b = int(np.clip(2 ** math.floor(math.log2(max(n_windows, 1) / 64)) if n_windows >= 64 else 32, 32, 256))
        else:
            b = int(self.batch_size)
        if _is_auto(self.steps_per_epoch):
            full = -(-n_windows // b)
            spe = _MAX_STEPS_PER_EPOCH if full > _MAX_STEPS_PER_EPOCH else None
        else:
            spe = self.steps_per_epoch
        epochs = (_MAX_EPOCHS if has_validation else 50) if _is_auto(self.epochs) else int(self.epochs)
        refit = has_validation if _is_auto(self.refit) else bool(self.refit) and has_validation
        r.update({"batch_size": b, "steps_per_epoch": spe, "epochs": int(epochs), "refit": bool(refit),
                  "n_windows": int(n_windows)})

    def _fit_many(self, ys: dict[str, pd.Series], Xs: dict[str, pd.DataFrame] | None) -> None:
        from . import _keras_net

        self.resolved_params_ = None
        self._n_exog = 0 if Xs is None else next(iter(Xs.values())).shape[1]
        self._resolve_data(ys)
        span, H = self._span(), int(self._rp("horizon"))
        vf = float(self.validation_fraction)
        d = int(bool(self.difference))
        self.scalers_ = {}
        arrays, train_starts, val_starts, pads = [], [], [], []
        for sid, s in ys.items():
            yv = s.to_numpy()
            Xv = None if Xs is None else Xs[sid].to_numpy()
            g = self._levels(yv, f"series {self._key(sid)!r}" if sid != _SINGLE else "y", sid)
            # the network's inputs, built in float32 and scaled in place (long series stay cheap)
            Z = np.empty((len(g) - d, 1 + (0 if Xv is None else Xv.shape[1])), dtype=np.float32)
            Z[:, 0] = np.diff(g) if d else g
            if Xv is not None:
                Z[:, 1:] = Xv[d:]
            pad = max(0, span + H - len(Z))  # a series shorter than one window: its first row repeated before it
            nw = len(Z) + pad - span - H + 1
            cut = nw
            if vf > 0 and not pad:
                cut = max(1, min(int(nw * (1 - vf)), nw - H))
            # the scaler sees only rows of training windows (inputs and targets)
            sc = self.scalers_[sid] = self._fit_scaler(Z[: max(1, cut - 1 + span + H - pad)])
            Z -= np.asarray(sc["loc"], dtype=np.float32)
            Z /= np.asarray(sc["scale"], dtype=np.float32)
            if pad:
                Z = np.concatenate([np.repeat(Z[:1], pad, axis=0), Z])
            pads.append(pad)
            arrays.append(Z)
            train_starts.append(range(cut))
            val_starts.append(range(cut + H - 1, nw) if vf > 0 else range(0))
        has_val = sum(len(v) for v in val_starts) > 0
        self._resolve_budget(sum(len(t) for t in train_starts), has_val)
        r = self.resolved_params_
        r["padded_series"] = int(sum(p > 0 for p in pads))
        n_ex = 0 if Xs is None else next(iter(Xs.values())).shape[1]
        future = None if n_ex == 0 else [a[:, 1:] for a in arrays]
        self.n_exog_ = n_ex
        self.spec_ = self._spec(1 + n_ex, H * n_ex)
        common = {"time_steps": r["time_steps"], "horizon": H, "lag": self.lag,
                  "batch_size": r["batch_size"], "future": future, "window_norm": r["window_norm"]}
        train = WindowBatches(arrays, starts=train_starts, shuffle=bool(self.shuffle), seed=self.seed,
                              steps_per_epoch=r["steps_per_epoch"], **common)
        val = WindowBatches(arrays, starts=val_starts, shuffle=False, **common) if has_val else None
        patience = int(self.patience)
        lr_patience = max(1, patience // 2) if patience > 1 else None
        self.history_ = self._train(train, epochs=r["epochs"], validation=val, patience=patience,
                                    min_delta=_MIN_DELTA, lr_patience=lr_patience, lr_factor=_LR_FACTOR,
                                    callback=self._epoch_callback("train", r["epochs"]), verbose=int(self.verbose))
        self.versions_ = _keras_net.versions()
        self.seed_ = self.seed
        # intervals from the early-stopped network on windows it did not train on, then the refit
        self._calibrate(ys, Xs, val_starts, train_starts, pads)
        h = self.history_
        r["epochs_run"] = len(h["loss"])
        r["best_epoch"] = int(h["best_epoch"])
        if h["stopped"] == "early stopping":
            r["stopped"] = (f"early stopping: no validation improvement > {100 * _MIN_DELTA:g}% in "
                            f"{patience} epochs")
        elif h["stopped"] == "epoch cap":
            r["stopped"] = f"epoch cap ({r['epochs']} epochs; the validation loss was still improving)"
        else:
            r["stopped"] = f"epoch cap ({r['epochs']} epochs; no validation windows)"
        r["learning_rate"] = {"start": float(self.learning_rate), "end": float(f"{h['final_lr']:.6g}"),
                              "reductions": int(h["lr_reductions"]),
                              "schedule": (f"x{_LR_FACTOR:g} after {lr_patience} epochs without improvement"
                                           if lr_patience else "constant")}
        r["refit_epochs"] = self._refit_epochs() if r["refit"] else 0
        r["tf_threads"] = dict(_keras_net.configure_threads())
        if r["refit"]:
            self._refit_all(arrays, pads, common)

    def _calibrate(self, ys: dict[str, pd.Series], Xs: dict[str, pd.DataFrame] | None,
                   val_starts: list[range], train_starts: list[range], pads: list[int]) -> None:
        """Conformal calibration residuals: from each rolling origin of the held-out
        validation windows (the last training windows, head steps only, when no series has
        a validation part), the forecast of every step up to the end of the training data
        (recursive beyond the head's ``horizon``, as ``predict`` makes it; at most
        ``_CAL_STEPS`` steps) against the actual values, so step ``h`` calibrates step
        ``h``. In a panel, a series without validation windows (too short, or padded)
        contributes no residuals and borrows the pooled ones of the others. ``residuals_``
        keeps the head's steps in the data's units; ``scaled_residuals_`` every step in the
        network's scale (deseasonalised and logged as chosen, divided by the series' scaler
        scale; None where an origin has no actual value), where a global model pools them
        over its series. Called with the early-stopped network, before any refit."""
        span, H, d = self._span(), int(self._rp("horizon")), int(bool(self.difference))
        in_sample = not any(len(v) for v in val_starts)
        parts = []
        for k, (sid, s) in enumerate(ys.items()):
            starts = np.asarray(train_starts[k][-200:] if in_sample else val_starts[k], dtype=np.int64)
            ends = starts + span - 1 + d - pads[k]  # position in y of each window's last input (the origin)
            parts.append((sid, s.to_numpy(), None if Xs is None else Xs[sid].to_numpy(), ends))
        used = [p for p in parts if len(p[3])]
        # steps beyond the head only from held-out origins (in-sample residuals guarantee nothing)
        S = H if in_sample else max(H, min(_CAL_STEPS, max(len(yv) - 1 - int(ends.min()) for _, yv, _, ends in used)))
        forecasts = dict(zip([p[0] for p in used], self._forecast([(sid, yv, Xv, ends, S) for sid, yv, Xv, ends in used], calibrating=True),
                             strict=True))
        self.residuals_, self.scaled_residuals_ = {}, {}
        counts = np.zeros(S, dtype=np.int64)
        for sid, yv, _, ends in parts:
            if sid not in forecasts:
                self.residuals_[sid], self.scaled_residuals_[sid] = [], []
                continue
            fc = forecasts[sid]
            idx = ends[:, None] + 1 + np.arange(S)[None, :]
            seen = idx < len(yv)
            actual = np.where(seen, yv[np.minimum(idx, len(yv) - 1)], np.nan)
            self.residuals_[sid] = (actual[:, :H] - fc[:, :H]).tolist()
            where = f"series {self._key(sid)!r}" if sid != _SINGLE else "y"
            # both sides through the same transform as the network's inputs (seasonal factors
            # at each target's position, log); an unseen target takes the forecast's place
            level = self._levels(np.where(seen, actual, fc), where, sid, positions=idx)
            with np.errstate(divide="ignore", invalid="ignore"):
                centre = self._levels_quiet(sid, fc, idx)
            scaled = (level - centre) / self.scalers_[sid]["scale"][0]
            self.scaled_residuals_[sid] = [[float(v) if ok else None for v, ok in zip(row, okrow, strict=True)]
                                           for row, okrow in zip(scaled, seen, strict=True)]
            counts += seen.sum(axis=0)
        pooled = len(ys)
        n = [int(c) for c in counts]
        note = _calibration_note(n, H, pooled, in_sample, len(used))
        m = n[H - 1]
        self.calibration_ = {"n": m, "n_per_step": n, "steps": S, "pooled": int(pooled),
                             "in_sample": bool(in_sample), "max_conformal_level": 100 * m / (m + 1), "note": note}
        if m < 19 or in_sample:  # 19 residuals: the fewest for a conformal 95% interval
            import warnings

            from ..errors import FitWarning, user_stacklevel

            warnings.warn(f"{type(self).__name__}: intervals: {note}; for more calibration data raise "
                          "validation_fraction, fit a longer series or a global model on a panel",
                          FitWarning, stacklevel=user_stacklevel())

    def _epoch_callback(self, stage: str, total: int) -> Callable[[int, float, float | None], None] | None:
        """The per-epoch hook of a training stage: the user's (:meth:`on_epoch`, early-stopped
        training only) and a progress reporter's (``_epoch_progress(stage, epoch, total)``,
        set by the backtest to draw the epochs on its progress bar)."""
        user = getattr(self, "_callback", None) if stage == "train" else None
        bar = self.__dict__.get("_epoch_progress")
        if user is None and bar is None:
            return None

        def hook(epoch: int, loss: float, val: float | None) -> None:
            if user is not None:
                user(epoch, loss, val)
            if bar is not None:
                bar(stage, epoch + 1, total)

        return hook

    def _refit_epochs(self) -> int:
        """Epochs of the refit: 10% of the best epoch count, at least 3, at most the best
        epoch count itself."""
        best = int(self.history_["best_epoch"])
        return int(min(best, max(_REFIT_MIN, math.ceil(_REFIT_SHARE * best))))

    def _train(self, batches, start: tuple[list[np.ndarray], float] | None = None,
               **train_kwargs: Any) -> dict[str, Any]:
        """Train a pooled network of this architecture and keep the weights; returns the
        training history. From its seeded initial weights, or with ``start = (weights,
        learning rate)`` from those weights with fresh optimizer moments (the refit
        continues from the early-stopped network)."""
        from . import _keras_net

        net = _keras_net.acquire(self.spec_)
        try:
            if start is None:
                net.reset()
            else:
                net.continue_from(*start)
            history = net.train(batches, **train_kwargs)
            self.weights_ = net.get_weights()
            self._token = _keras_net.new_token()
            net.loaded = self._token
        except (ValueError, TypeError, RuntimeError) as err:
            raise ModelError(f"{type(self).__name__}: training the network failed: {err}") from err
        finally:
            _keras_net.release(net)
        if not all(np.all(np.isfinite(w)) for w in self.weights_):
            raise ModelError(f"{type(self).__name__}: training diverged (non-finite weights); "
                             "lower learning_rate, keep clipnorm on, or scale the series")
        return history

    def _refit_all(self, arrays: list[np.ndarray], pads: list[int], common: dict[str, Any]) -> None:
        """Continue training the early-stopped network on every window, the validation
        windows (the newest data) included, for a few epochs (:meth:`_refit_epochs`), at the
        learning rate training ended with and fresh optimizer moments. The conformal
        residuals stay those of the early-stopped network on data it did not see."""

        span, H = self._span(), int(self._rp("horizon"))
        epochs = self._refit_epochs()
        starts = [range(len(a) - span - H + 1) for a in arrays]
        full = WindowBatches(arrays, starts=starts, shuffle=bool(self.shuffle), seed=self.seed,
                             steps_per_epoch=self._rp("steps_per_epoch"), **common)
        refit = self._train(full, start=(self.weights_, float(self.history_["final_lr"])), epochs=epochs,
                            validation=None, callback=self._epoch_callback("refit", epochs))
        self.history_["refit_loss"] = refit["loss"]
        if self.verbose:
            print(f"refit on every window for {epochs} epoch(s) - loss {refit['loss'][-1]:.5f}")

    # ------------------------------------------------------------------ forecasting core
    def _warn_rolled(self, steps: int, H: int) -> None:
        """Forecasts beyond the trained head roll it on its own outputs, which is usually
        less accurate than a head trained for the whole horizon: say so, naming horizon=.
        The message is the same for the same model and steps, so Python's default warning
        filter shows it once."""
        import warnings

        from ..errors import ForecastWarning, user_stacklevel

        how = "resolved from the data (one season)" if self.horizon == "auto" else "set"
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

    def _widths(self, sid: str, frac: float, steps: int) -> np.ndarray:
        """Conformal half-widths in the network's scale for series ``sid``, calibrated on
        all series' residuals for a model fitted on a panel, else on its own; computed once
        per fit/load, level and number of steps (a backtest asks for thousands)."""
        cache = self.__dict__.get("_width_cache")
        if cache is None or cache[0] is not self.scaled_residuals_:
            cache = self._width_cache = (self.scaled_residuals_, {}, {})
        key = "*" if self.calibration_["pooled"] > 1 else sid
        scores, widths = cache[1], cache[2]
        if key not in scores:
            parts = self.scaled_residuals_.values() if key == "*" else [self.scaled_residuals_[sid]]
            S = int(self.calibration_["steps"])
            scores[key] = np.concatenate([np.asarray(r, dtype=float).reshape(-1, S) for r in parts])
        if (key, frac, steps) not in widths:
            widths[(key, frac, steps)] = _conformal(scores[key], frac, steps)
        return widths[(key, frac, steps)]

    def _prediction(self, sid: str, mean: np.ndarray, end: int) -> Prediction:
        """A forecast ``mean`` from the origin at position ``end`` of series ``sid``, with
        bounds at the conformal half-widths around it in the network's scale (the scale the
        calibration residuals were taken in: deseasonalised by the factors of each step's
        position, logged as chosen, times the scaler's scale), mapped back to the data."""
        scale = float(self.scalers_[sid]["scale"][0])
        steps = len(mean)
        positions = int(end) + 1 + np.arange(steps)
        plain = not self._rp("log") and self._seasonal(sid, positions)[0] is None

        def bounds(frac: float, mean: np.ndarray = mean) -> tuple[np.ndarray, np.ndarray]:
            w = self._widths(sid, frac, steps) * scale
            if plain:
                return mean - w, mean + w
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                centre = self._levels_quiet(sid, mean, positions)
                return self._unlevels(sid, centre - w, positions), self._unlevels(sid, centre + w, positions)

        return Prediction(mean, bounds=bounds, interval_method=self.calibration_["note"])

    def _predict(self, horizon: int, X: pd.DataFrame | None) -> Prediction:
        return self._predict_one(_SINGLE, self.y_, self.X_, horizon, X)

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
        means = self._forecast([(_SINGLE, yv, Xv, ends, horizon)])[0]
        return [self._prediction(_SINGLE, m, e) for m, e in zip(means, ends, strict=True)]

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
        self._network_call(lambda net: net.model.save(folder / _NETWORK_FILE))
        return {"network": _NETWORK_FILE, "spec": self.spec_, "scalers": self.scalers_,
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
