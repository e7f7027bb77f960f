"""The Forecaster contract and the Forecast result.

Every model, classical or recurrent, is a :class:`Forecaster`. The public methods
(``fit``, ``predict``, ``update``, ``predict_origins``) validate their input once, here,
and then call the private hooks a model implements (``_fit``, ``_predict``, ``_update``
and, when the model has a fast path, ``_predict_origins``).

>>> import forecast as fc
>>> y = fc.datasets.load("airline")
>>> fc.Naive().fit(y).predict(3).mean.round(1).tolist()
[432.0, 432.0, 432.0]
"""

from __future__ import annotations

import copy
import inspect
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import numpy as np
import pandas as pd

from .errors import InputError, NotFittedError, PersistenceError
from .io import (
    check_exog,
    check_future_exog,
    check_horizon,
    check_series,
    future_index,
    index_from_json,
    index_to_json,
)

__all__ = ["Forecaster", "Forecast", "Prediction", "clone", "DEFAULT_TAGS", "DEFAULT_LEVELS"]

DEFAULT_LEVELS = (80, 95)

#: Capability tags. The backtest and the CLI branch on these, never on class names.
DEFAULT_TAGS: dict[str, Any] = {
    "supports_exog": False,   # accepts X in fit/predict
    "requires_exog": False,   # cannot fit without X (ARMAX)
    "intervals": False,       # predict gives prediction intervals
    "needs_keras": False,     # imports keras/tensorflow when fitted
    "deterministic": True,    # same data (and seed) -> same forecasts
    "global_model": False,    # can be fitted on many series at once (a panel)
    "min_length": 1,          # fewest observations fit accepts (see min_length())
}


def _level_fraction(level: float) -> float:
    level = float(level)
    frac = level / 100.0 if level > 1 else level
    if not 0 < frac < 1:
        raise InputError(f"interval level must be between 0 and 100 (e.g. 80 or 95); got {level}")
    return frac


class Prediction(NamedTuple):
    """What a model's private ``_predict`` hook returns: arrays, no index.

    ``se`` gives Gaussian intervals ``mean ± z·se``; ``bounds(level_fraction)`` any other
    kind (conformal, quantiles) as ``(lower, upper)`` arrays. ``interval_method`` says
    how the intervals were made when that matters for trusting them (e.g. too few
    calibration residuals for a conformal guarantee at some levels).
    """

    mean: np.ndarray
    se: np.ndarray | None = None
    bounds: Callable[[float], tuple[np.ndarray, np.ndarray]] | None = None
    interval_method: str | None = None


class Forecast:
    """Point forecasts indexed by future time stamps, with prediction intervals where the
    model can give them.

    Attributes
    ----------
    mean : pandas.Series
        Point forecasts, indexed by the time stamps that continue the fitted series.
    interval_method : str or None
        How the model made the intervals, when it says (e.g. the recurrent models' conformal
        calibration and the levels beyond its reach).
    """

    def __init__(self, mean: pd.Series, *, se: np.ndarray | None = None,
                 bounds: Callable[[float], tuple[np.ndarray, np.ndarray]] | None = None,
                 model: str | None = None, interval_method: str | None = None):
        self._mean: pd.Series | None = mean
        self._values = mean.to_numpy(dtype=float)
        self._index = mean.index
        self.se = None if se is None else np.asarray(se, dtype=float)
        self._bounds = bounds
        self.model = model
        self.interval_method = interval_method

    @classmethod
    def from_prediction(cls, pred: Prediction, index: pd.Index, name: str | None = None) -> Forecast:
        values = np.asarray(pred.mean, dtype=float).reshape(-1)
        if values.shape[0] != len(index):
            raise ValueError(f"model returned {values.shape[0]} forecasts for {len(index)} steps")
        # the Series is built on first use: a backtest reads thousands of these as arrays
        out = cls.__new__(cls)
        out._mean, out._values, out._index = None, values, index
        out.se = None if pred.se is None else np.asarray(pred.se, dtype=float)
        out._bounds, out.model, out.interval_method = pred.bounds, name, pred.interval_method
        return out

    @property
    def mean(self) -> pd.Series:
        if self._mean is None:
            self._mean = pd.Series(self._values, index=self._index, name="mean")
        return self._mean

    @property
    def values(self) -> np.ndarray:
        """The point forecasts as a NumPy array."""
        return self._values

    @property
    def index(self) -> pd.Index:
        return self._index

    @property
    def has_intervals(self) -> bool:
        return self.se is not None or self._bounds is not None

    def __len__(self) -> int:
        return len(self._values)

    def interval(self, level: float = 95) -> pd.DataFrame:
        """Lower and upper bounds of the central prediction interval at ``level`` percent."""
        frac = _level_fraction(level)
        if self._bounds is not None:
            lower, upper = self._bounds(frac)
        elif self.se is not None:
            from scipy.stats import norm

            z = norm.ppf(0.5 + frac / 2)
            lower, upper = self._values - z * self.se, self._values + z * self.se
        else:
            raise InputError(f"{self.model or 'this model'} gives no prediction intervals; use .mean")
        return pd.DataFrame({"lower": np.asarray(lower, float), "upper": np.asarray(upper, float)},
                            index=self.index)

    def to_frame(self, levels: Sequence[float] = DEFAULT_LEVELS) -> pd.DataFrame:
        """``mean`` plus ``lower_<level>``/``upper_<level>`` columns (when available)."""
        out = pd.DataFrame({"mean": self.mean})
        if self.has_intervals:
            for level in levels:
                band = self.interval(level)
                tag = f"{float(level):g}"
                out[f"lower_{tag}"] = band["lower"]
                out[f"upper_{tag}"] = band["upper"]
        return out

    def __repr__(self) -> str:
        return f"Forecast({self.model or ''}, {len(self)} steps from {self.index[0]})"


def clone(model: Forecaster) -> Forecaster:
    """A new, unfitted model with the same parameters (deep-copied)."""
    return model.clone()


class Forecaster:
    """Base class of every model.

    Subclasses declare their parameters as keyword-only constructor arguments, store them
    unchanged, and implement ``_fit(y, X)``, ``_predict(horizon, X) -> Prediction`` and
    ``_update(y_new, X_new)``. Fitted attributes end with ``_``.
    """

    _tags: ClassVar[dict[str, Any]] = {}
    #: parameters that repr shows even at their default (e.g. the order of an ARMA)
    _repr_always: ClassVar[tuple[str, ...]] = ()

    # ---------------------------------------------------------------- parameters & tags
    @classmethod
    def get_tags(cls) -> dict[str, Any]:
        tags = dict(DEFAULT_TAGS)
        for klass in reversed(cls.__mro__):
            tags.update(getattr(klass, "_tags", {}) if "_tags" in vars(klass) else {})
        return tags

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        names = []
        for p in sig.parameters.values():
            if p.name == "self":
                continue
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"{cls.__name__}.__init__ must not take *args/**kwargs")
            names.append(p.name)
        return names

    def get_params(self, deep: bool = False) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Forecaster:
        valid = self._param_names()
        for key, value in params.items():
            if key not in valid:
                raise InputError(
                    f"{type(self).__name__} has no parameter {key!r}; its parameters are: {', '.join(valid)}"
                )
            setattr(self, key, value)
        return self

    def clone(self) -> Forecaster:
        return type(self)(**copy.deepcopy(self.get_params()))

    @classmethod
    def _tiny_params(cls) -> dict[str, Any]:
        """Parameters of a fast configuration, used by the conformance checks."""
        return {}

    def __repr__(self) -> str:
        sig = inspect.signature(type(self).__init__)
        parts = []
        for name, value in self.get_params().items():
            default = sig.parameters[name].default
            try:
                same = default is not inspect.Parameter.empty and bool(default == value)
            except Exception:  # noqa: BLE001 - array-like params
                same = False
            if name in self._repr_always or not same:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def min_length(self) -> int:
        """Fewest observations ``fit`` accepts with these parameters."""
        return int(self.get_tags()["min_length"])

    # ---------------------------------------------------------------- fitted state
    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "cutoff_")

    def _check_fitted(self, action: str) -> None:
        if not self.is_fitted:
            raise NotFittedError(
                f"{type(self).__name__} is not fitted yet; call fit(y) before {action}"
            )

    def _reset(self) -> None:
        for key in [k for k in vars(self) if k.endswith("_") and not k.startswith("__")]:
            delattr(self, key)

    # ---------------------------------------------------------------- template methods
    def fit(self, y: Any, X: Any = None) -> Forecaster:
        """Estimate the model on ``y`` (and exogenous ``X`` aligned with it). Returns self."""
        y = check_series(y, "y")
        X = self._check_X(X, y.index, "X")
        need = self.min_length()
        if len(y) < need:
            raise InputError(
                f"y has {len(y)} observations but {self!r} needs at least {need}; "
                "use a longer series or a smaller model"
            )
        self._reset()
        self._fit(y, X)
        self.y_ = y
        self.X_ = X
        self.cutoff_ = y.index[-1]
        return self

    def _check_X(self, X: Any, index: pd.Index, name: str) -> pd.DataFrame | None:
        tags = self.get_tags()
        if X is None and tags["requires_exog"]:
            raise InputError(
                f"{type(self).__name__} needs exogenous regressors: pass {name}, a DataFrame with "
                "one row per time stamp of y"
            )
        if X is not None and not tags["supports_exog"]:
            raise InputError(
                f"{type(self).__name__} does not use exogenous regressors; drop {name} or use ARMAX"
            )
        return check_exog(X, index, name)

    def _future_X(self, X: Any, index: pd.Index, name: str = "X") -> pd.DataFrame | None:
        if getattr(self, "X_", None) is None:
            if X is not None and not self.get_tags()["supports_exog"]:
                raise InputError(f"{type(self).__name__} does not use exogenous regressors; drop {name}")
            return None
        return check_future_exog(X, index, list(self.X_.columns), name)

    def predict(self, horizon: int, X: Any = None) -> Forecast:
        """Forecast the next ``horizon`` steps after the data seen so far.

        ``X`` gives the exogenous values for those steps when the model was fitted with them.
        """
        self._check_fitted("predict")
        horizon = check_horizon(horizon)
        index = future_index(self.y_.index, horizon)
        X = self._future_X(X, index)
        pred = self._predict(horizon, X)
        return Forecast.from_prediction(pred, index, name=repr(self))

    def _check_continues(self, y_new: pd.Series, name: str) -> None:
        if len(y_new) == 0:
            return
        expected = future_index(self.y_.index, 1)[0]
        if y_new.index[0] != expected:
            raise InputError(
                f"{name} must continue the data seen so far (which ends at {self.cutoff_}): its first "
                f"time stamp should be {expected} but is {y_new.index[0]}"
            )
        if type(y_new.index) is not type(self.y_.index) and not (
            pd.api.types.is_integer_dtype(y_new.index.dtype) and pd.api.types.is_integer_dtype(self.y_.index.dtype)
        ):
            raise InputError(f"{name} has a {type(y_new.index).__name__} but the model was fitted on a {type(self.y_.index).__name__}")

    def update(self, y_new: Any, X_new: Any = None) -> Forecaster:
        """Take new observations that continue the series, without re-estimating parameters."""
        self._check_fitted("update")
        y_new = check_series(y_new, "y_new", allow_empty=True)
        if len(y_new) == 0:
            return self
        self._check_continues(y_new, "y_new")
        X_new = self._future_X(X_new, y_new.index, "X_new") if self.X_ is not None or X_new is not None else None
        self._update(y_new, X_new)
        self.y_ = pd.concat([self.y_, y_new])
        if isinstance(y_new.index, pd.DatetimeIndex):
            self.y_.index.freq = y_new.index.freq or self.y_.index.freq
        if self.X_ is not None:
            self.X_ = pd.concat([self.X_, X_new.set_axis(y_new.index)])
        self.cutoff_ = self.y_.index[-1]
        return self

    def predict_origins(self, y_new: Any, origins: Sequence[Any], horizon: int,
                        X_new: Any = None) -> list[Forecast]:
        """Forecasts from many origins at once, with the fitted parameters held fixed.

        ``y_new`` continues the fitted series; each origin is a time stamp in
        ``[cutoff_] + y_new.index`` and the forecast from it uses the data up to and
        including the origin only. ``X_new`` (when the model uses exogenous regressors)
        covers ``y_new``'s time stamps and the ``horizon`` steps after the last origin.
        The model itself is not changed. Models with a fast path (one filtering pass, one
        batched network call) override ``_predict_origins``; the result equals
        ``update`` + ``predict`` at each origin.
        """
        self._check_fitted("predict_origins")
        horizon = check_horizon(horizon)
        y_new = check_series(y_new, "y_new", allow_empty=True) if y_new is not None else pd.Series([], dtype=float)
        self._check_continues(y_new, "y_new")
        positions = self._origin_positions(y_new, origins)
        ahead = future_index(self.y_.index, len(y_new) + horizon) if len(y_new) == 0 else None
        if ahead is None:
            tail = future_index(y_new.index, horizon)
            ahead = y_new.index.append(tail)
            if isinstance(y_new.index, pd.DatetimeIndex):
                ahead = pd.DatetimeIndex(ahead, freq=y_new.index.freq or self.y_.index.freq)
        X_all = None
        if self.X_ is not None:
            need = positions[-1] + horizon
            X_all = check_future_exog(X_new, ahead[:need], list(self.X_.columns), "X_new")
        preds = self._predict_origins(y_new, positions, horizon, X_all)
        name = repr(self)
        return [Forecast.from_prediction(p, ahead[pos:pos + horizon], name=name)
                for p, pos in zip(preds, positions, strict=True)]

    def _origin_positions(self, y_new: pd.Series, origins: Sequence[Any]) -> list[int]:
        if len(origins) == 0:
            raise InputError("origins is empty; give at least one forecast origin")
        labels = pd.Index([self.cutoff_]).append(y_new.index) if len(y_new) else pd.Index([self.cutoff_])
        positions = []
        for origin in origins:
            try:
                pos = labels.get_loc(origin)
            except KeyError:
                raise InputError(
                    f"origin {origin} is not among the time stamps from the end of the fitted data "
                    f"({self.cutoff_}) to the end of y_new; origins must not precede the fitted data"
                ) from None
            positions.append(int(pos))
        if any(b <= a for a, b in zip(positions, positions[1:], strict=False)):
            raise InputError("origins must be strictly increasing time stamps")
        return positions

    def _predict_origins(self, y_new: pd.Series, positions: list[int], horizon: int,
                         X_all: pd.DataFrame | None) -> list[Prediction]:
        """Generic path: a copy of the model is updated origin by origin."""
        model = copy.deepcopy(self)
        done = 0
        out = []
        for pos in positions:
            if pos > done:
                xs = None if X_all is None else X_all.iloc[done:pos]
                model.update(y_new.iloc[done:pos], xs)
                done = pos
            xf = None if X_all is None else X_all.iloc[pos:pos + horizon]
            out.append(model._predict(horizon, xf))
        return out

    # ---------------------------------------------------------------- hooks
    def _fit(self, y: pd.Series, X: pd.DataFrame | None) -> None:  # pragma: no cover
        raise NotImplementedError

    def _predict(self, horizon: int, X: pd.DataFrame | None) -> Prediction:  # pragma: no cover
        raise NotImplementedError

    def _update(self, y_new: pd.Series, X_new: pd.DataFrame | None) -> None:
        """Default: nothing to do beyond the base class appending to ``y_``."""

    # ---------------------------------------------------------------- persistence
    def save(self, path: str | os.PathLike) -> Path:
        """Save the model to folder ``path`` (JSON, plus a Keras file for networks). No pickle."""
        from .persistence import save_model

        return save_model(self, path)

    def _get_state(self, folder: Path) -> dict[str, Any]:
        """JSON-serialisable fitted state (beyond y_/X_); may write extra files in ``folder``."""
        raise PersistenceError(f"{type(self).__name__} cannot be saved yet")

    def _set_state(self, state: dict[str, Any], folder: Path) -> None:
        raise PersistenceError(f"{type(self).__name__} cannot be loaded")


def _series_to_json(y: pd.Series) -> dict[str, Any]:
    return {"index": index_to_json(y.index), "values": y.to_numpy().tolist(), "name": y.name}


def _series_from_json(data: dict[str, Any]) -> pd.Series:
    return pd.Series(np.asarray(data["values"], dtype=float), index=index_from_json(data["index"]), name=data.get("name"))
