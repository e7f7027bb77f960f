"""Parameters of the recurrent forecasters: their checks and the "auto" settings resolved on
the training data (:class:`RecurrentSettings`, a part of
:class:`~forecast.models.recurrent.RecurrentForecaster`).

Every "auto" preprocessing and training setting is decided here, in ``fit``, on the
training data only, and reported in ``resolved_params_``: the season (handed over by the
backtest, else :func:`forecast.seasonality.resolve_season`), deseasonalisation (the M4 90%
autocorrelation test), log, scaler, window normalisation, the window and head lengths,
the loss and the training budget (batches and epochs scaling with the number of windows).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..validation import whole_number
from ..windows import window_span

__all__ = ["SINGLE", "AUTO_PARAMS", "RecurrentSettings", "is_auto"]

#: the key of the one series of a model fitted on a single Series (panels key by series id)
SINGLE = "y"
SCALERS = ("auto", "standard", "minmax", None)
WINDOW_NORMS = ("auto", None, "last", "mean")
DESEASONALIZE = ("auto", "multiplicative", "additive", None)
#: parameters that take "auto": resolved on the training data in ``fit`` (``resolved_params_``)
AUTO_PARAMS = ("time_steps", "horizon", "loss", "epochs", "batch_size", "steps_per_epoch", "scaler",
               "window_norm", "log", "season", "deseasonalize", "refit", "unroll")
MAX_STEPS_PER_EPOCH = 100  # "auto": an epoch is at most this many mini-batches
MAX_EPOCHS = 100  # "auto": at most this many epochs (early stopping usually ends sooner)
EPOCHS_WITHOUT_VALIDATION = 50  # "auto" without validation windows: no early stopping, a fixed budget
WINDOWS_PER_BATCH = 64  # "auto": a batch holds about 1/64 of the training windows ...
BATCH_MIN, BATCH_MAX = 32, 256  # ... as a power of two in this range
SEASONS_PER_WINDOW = 3  # "auto" window: three seasons of inputs
HORIZONS_PER_WINDOW = 1.5  # "auto" window without a season: 1.5 horizons ...
MIN_WINDOW = 8  # ... and at least 8 steps
TARGET_HORIZONS = 2  # the "auto" window leaves the median series two horizons of targets
HEAD_SHARE = 4  # the "auto" head is at most a quarter of the median series length


def is_auto(value: Any) -> bool:
    """Whether a parameter value is the string "auto"."""
    return isinstance(value, str) and value == "auto"


def _is_whole(value: Any, low: float) -> bool:
    try:
        whole_number(value, "value", low=low)  # type: ignore[arg-type]
    except InputError:
        return False
    return True


class RecurrentSettings:
    """Parameter checks, the lengths a fit needs, and the "auto" settings resolved in ``fit``."""

    def _validate_params(self) -> None:
        name = type(self).__name__
        if self.cell not in ("lstm", "gru", "rnn"):
            raise InputError(f"{name}: cell must be 'lstm', 'gru' or 'rnn'; got {self.cell!r}")
        for p in ("time_steps", "horizon", "lag", "units", "layers", "epochs", "batch_size", "patience", "season"):
            if not (p in AUTO_PARAMS and is_auto(getattr(self, p))):
                whole_number(getattr(self, p), p, name, low=1)
        if self.steps_per_epoch is not None and not is_auto(self.steps_per_epoch):
            whole_number(self.steps_per_epoch, "steps_per_epoch", name, low=1)
        if self.deseasonalize not in DESEASONALIZE:
            raise InputError(f"{name}: deseasonalize must be 'auto', 'multiplicative', 'additive' or None; "
                             f"got {self.deseasonalize!r}")
        for p in ("log", "refit", "unroll"):
            v = getattr(self, p)
            if not (is_auto(v) or isinstance(v, bool | np.bool_)):
                raise InputError(f"{name}: {p} must be 'auto', True or False; got {v!r}")
        dense = self.dense_layers
        if not isinstance(dense, list | tuple) or not all(_is_whole(u, low=1) for u in dense):
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
        if self.scaler not in SCALERS:
            raise InputError(f"{name}: scaler must be 'auto', 'standard', 'minmax' or None; got {self.scaler!r}")
        if self.window_norm not in WINDOW_NORMS:
            raise InputError(f"{name}: window_norm must be 'auto', None, 'last' or 'mean'; got {self.window_norm!r}")
        if not isinstance(self.jit_compile, bool | np.bool_):
            raise InputError(f"{name}: jit_compile must be True or False; got {self.jit_compile!r}")
        if self.seed is not None and not _is_whole(self.seed, low=-math.inf):  # a seed may be negative
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
        H = self._head() or 1
        d = int(bool(self.difference))
        if is_auto(self.time_steps):
            return max(3, H + 2) + d
        windows = H + 1 if self.validation_fraction > 0 else 1
        return window_span(self.time_steps, self.lag) + H - 1 + windows + d

    def _panel_min_length(self) -> int:
        """A series of a panel shorter than a window is padded: it needs the head's horizon,
        one input and the differencing step."""
        self._validate_params()
        return (self._head() or 1) + 1 + int(bool(self.difference))

    def _resolve_data(self, ys: dict[str, pd.Series]) -> None:
        """Resolve the "auto" preprocessing settings on the training data (``resolved_params_``)
        and the per-series seasonal factors (``seasonal_``)."""
        typical = int(np.median(np.array([len(s) for s in ys.values()])))
        d = int(bool(self.difference))
        m, per_series = self._resolve_season(ys)
        H = self._head()
        if H is None:  # a season ahead (one step for non-seasonal data), within the data
            H = max(1, min(m if m > 1 else 1, typical // HEAD_SHARE))
        if is_auto(self.time_steps):  # three seasons, or 1.5 horizons (at least 8) without a season
            T = SEASONS_PER_WINDOW * m if m > 1 else max(MIN_WINDOW, math.ceil(HORIZONS_PER_WINDOW * H))
            T = max(2, min(T, (typical - d - TARGET_HORIZONS * H - 1) // int(self.lag) + 1))
        else:
            T = int(self.time_steps)
        deseason, adjusted_positive = self._resolve_seasonal(ys, per_series)
        log = adjusted_positive if is_auto(self.log) else bool(self.log)
        if is_auto(self.window_norm):
            window_norm = None if self.difference else "last"
        else:
            window_norm = self.window_norm
        # log-ratios to the window's last value are already on one scale for every series;
        # anything else (levels, differences, covariates) is standardised per series
        plain = log and window_norm is not None and self.__dict__.get("_n_exog", 0) == 0
        scaler = (None if plain else "standard") if is_auto(self.scaler) else self.scaler
        self.resolved_params_ = {
            "season": m if len(set(per_series.values())) <= 1 else dict(per_series), "deseasonalize": deseason, "log": bool(log), "scaler": scaler,
            "window_norm": window_norm, "time_steps": int(T), "horizon": int(H),
            "loss": "mae" if is_auto(self.loss) else self.loss, "n_series": len(ys),
        }

    def _resolve_season(self, ys: dict[str, pd.Series]) -> tuple[int, dict[str, int]]:
        """The season ``m`` of the one network (its window and head) and each series' own
        season (its deseasonalisation): the parameter when set; else the seasons handed to
        ``fit(season=)`` (per series on a panel; ``m`` their common one, 1 when they differ);
        else by the one resolver from the frequency, the series' common season for all."""
        from ..seasonality import common_season, frequency_seasons

        if not is_auto(self.season):
            per = {sid: int(self.season) for sid in ys}
        elif self._handed("season") is None:
            m = common_season(frequency_seasons(ys))
            per = {sid: m for sid in ys}
        else:
            handed = self._handed("season")
            per = {sid: int(handed.get(sid, 1) if isinstance(handed, dict) else handed) for sid in ys}
        return common_season(per), per

    def _head(self) -> int | None:
        """The head's horizon when decided before the data are seen: the parameter, else
        the horizon handed to ``fit(horizon=)`` (the backtest's); None: resolved in fit."""
        if not is_auto(self.horizon):
            return int(self.horizon)
        handed = self._handed("horizon")
        return None if handed is None else int(handed)

    def _resolve_seasonal(self, ys: dict[str, pd.Series], seasons: dict[str, int]) -> tuple[Any, bool]:
        """Each series' seasonal factors (``seasonal_``), fitted on its training data only;
        returns how the series were deseasonalised (a kind, or per panel a count per kind)
        and whether every adjusted value is positive (``log="auto"``)."""
        from ..seasonality import seasonal_adjustment

        self.seasonal_, kinds = {}, {}
        adjusted_positive = True
        for sid, s in ys.items():
            v = s.to_numpy(dtype=float)
            kind, si = seasonal_adjustment(v, seasons[sid], self.deseasonalize)
            self.seasonal_[sid] = {"kind": kind, "indices": [float(x) for x in si]}
            kinds[str(kind)] = kinds.get(str(kind), 0) + 1
            adj = v / si[np.arange(len(v)) % len(si)] if kind == "multiplicative" else (
                v - si[np.arange(len(v)) % len(si)] if kind == "additive" else v)
            adjusted_positive = adjusted_positive and bool(np.all(adj > 0))
        if len(ys) == 1:
            return next(iter(self.seasonal_.values()))["kind"] or "none", adjusted_positive
        return {("none" if k == "None" else k): n for k, n in sorted(kinds.items())}, adjusted_positive

    def _resolve_budget(self, n_windows: int, has_validation: bool) -> None:
        """Resolve the "auto" training budget from the number of training windows."""
        r = self.resolved_params_
        if is_auto(self.batch_size):  # ~ 1/64 of the windows per batch, a power of two between 32 and 256
            b = BATCH_MIN
            if n_windows >= WINDOWS_PER_BATCH:
                b = int(np.clip(2 ** math.floor(math.log2(n_windows / WINDOWS_PER_BATCH)), BATCH_MIN, BATCH_MAX))
        else:
            b = int(self.batch_size)
        if is_auto(self.steps_per_epoch):
            full = -(-n_windows // b)
            spe = MAX_STEPS_PER_EPOCH if full > MAX_STEPS_PER_EPOCH else None
        else:
            spe = self.steps_per_epoch
        if is_auto(self.epochs):
            epochs = MAX_EPOCHS if has_validation else EPOCHS_WITHOUT_VALIDATION
        else:
            epochs = int(self.epochs)
        refit = has_validation if is_auto(self.refit) else bool(self.refit) and has_validation
        r.update({"batch_size": b, "steps_per_epoch": spe, "epochs": int(epochs), "refit": bool(refit),
                  "n_windows": int(n_windows)})
