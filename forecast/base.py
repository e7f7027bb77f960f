"""The Forecaster contract: validation once, one series or a panel, the hooks models implement.

Every model, classical or recurrent, is a :class:`Forecaster`. The public methods
(``fit``, ``predict``, ``update``, ``predict_origins``) validate their input once, here,
and then call the private hooks a model implements (``_fit``, ``_predict``, ``_update``
and, when the model has a fast path, ``_predict_origins``). Whether ``fit`` got one series
or a panel is decided here too, once: a model tagged ``global_model`` gets a panel through
its panel hooks (``_fit_panel``, ``_predict_panel``, ``_update_panel``,
``_predict_origins_panel``); any other model refuses it. What ``predict`` returns
(:class:`Forecast`, :class:`PanelForecast`) lives in :mod:`forecast.forecasts`.

>>> import forecast as fc
>>> y = fc.datasets.load("airline")
>>> fc.Naive().fit(y).predict(3).mean.round(1).tolist()
[432.0, 432.0, 432.0]
"""

from __future__ import annotations

import copy
import inspect
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from .errors import InputError, NotFittedError, PersistenceError, option
from .forecasts import DEFAULT_LEVELS, Forecast, PanelForecast, Prediction
from .io import (
    check_exog,
    check_future_end,
    check_future_exog,
    check_horizon,
    check_series,
    future_index,
    is_panel,
    read_panel,
)
from .io.memcheck import check_forecast_fits
from .panel_exog import panel_regressors
from .persistence import save_model
from .tags import DEFAULT_TAGS, FAMILIES
from .threads import single_thread
from .validation import whole_number

__all__ = ["Forecaster", "Forecast", "PanelForecast", "Prediction", "clone", "DEFAULT_TAGS", "DEFAULT_LEVELS", "FAMILIES"]

def clone(model: Forecaster) -> Forecaster:
    """A new, unfitted model with the same parameters (deep-copied)."""
    return model.clone()


class Forecaster:
    """Base class of every model.

    Subclasses declare their parameters as keyword-only constructor arguments, store them
    unchanged, and implement ``_fit(y, X)``, ``_predict(horizon, X) -> Prediction`` and
    ``_update(y_new, X_new)``; ``_validate_params()`` checks the parameters (``fit`` calls it
    first) and ``min_length()`` says how long a series must be. Fitted attributes end with ``_``.

    Whether the data are one series or a panel is decided here, once (``io.is_panel``). A
    model tagged ``global_model`` is trained on all series of a panel at once through the
    panel hooks, which receive validated data keyed by ``str(series id)``:
    ``_fit_panel(ys, Xs)``, ``_predict_panel(horizon, Xs) -> {id: Prediction}``,
    ``_update_panel(ys_new, Xs_new)`` and ``_predict_origins_panel(ys_new, positions,
    horizon, Xs_all) -> {id: [Prediction]}``. On a panel, ``predict`` returns a
    :class:`PanelForecast` and ``y_``/``X_``/``cutoff_`` are dicts; ``ids_`` maps each
    ``str`` id to the caller's id.
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

    @classmethod
    def _param_defaults(cls) -> dict[str, Any]:
        """Each parameter's default: the constructor's, unless a subclass says otherwise
        (e.g. a network's ``cell``, taken from the class when not given)."""
        sig = inspect.signature(cls.__init__).parameters
        return {name: sig[name].default for name in cls._param_names()}

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

    def warm_start_from(self, previous: Forecaster) -> Forecaster:
        """Let the next ``fit`` start its search where ``previous`` ended.

        ``previous`` is a fitted model of the same class and parameters, on nearly the same
        data (the previous origin of a refitting backtest). Models tagged ``warm_start``
        use its optimum as their first start value (and still search further where that
        start is not conclusive, so the estimate is the same optimum found for less work);
        other models, or a ``previous`` of another specification, are ignored. Returns self.
        """
        if (self.get_tags()["warm_start"] and type(previous) is type(self)
                and repr(previous) == repr(self)):
            self._set_warm_start(previous)
        return self

    def _set_warm_start(self, previous: Forecaster) -> None:
        """Hook of :meth:`warm_start_from` (models tagged ``warm_start``)."""

    @classmethod
    def _tiny_params(cls) -> dict[str, Any]:
        """Parameters of a fast configuration, used by the conformance checks."""
        return {}

    def __repr__(self) -> str:
        defaults = self._param_defaults()
        parts = []
        for name, value in self.get_params().items():
            default = defaults[name]
            try:
                same = default is not inspect.Parameter.empty and bool(default == value)
            except Exception:  # noqa: BLE001 - array-like params
                same = False
            if name in self._repr_always or not same:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def min_length(self) -> int:
        """Fewest observations ``fit`` accepts with these parameters (default 1)."""
        return 1

    def _panel_min_length(self) -> int:
        """Fewest observations of each series of a panel (default: :meth:`min_length`)."""
        return self.min_length()

    def _validate_params(self) -> None:
        """Check the parameters; raise ``InputError`` naming the bad one. ``fit`` calls it
        first. Default: nothing to check."""

    # ---------------------------------------------------------------- fitted state
    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "cutoff_")

    @property
    def is_panel_(self) -> bool:
        """Whether the model was fitted on a panel (then ``y_``, ``X_``, ``cutoff_`` are dicts)."""
        return isinstance(getattr(self, "y_", None), dict)

    def _set_data(self, y: Any, X: Any, ids: dict[str, Any] | None = None) -> None:
        """Record the data seen: ``y_``, ``X_``, ``cutoff_`` (and ``ids_`` for a panel)."""
        self.y_ = y
        self.X_ = X
        if isinstance(y, dict):
            self.ids_ = dict(ids) if ids else {sid: sid for sid in y}
            self.cutoff_ = {sid: s.index[-1] for sid, s in y.items()}
        else:
            self.cutoff_ = y.index[-1]

    def _key(self, sid: str) -> Any:
        """The caller's id of panel series ``sid`` (an int id stays an int)."""
        return self.__dict__.get("ids_", {}).get(sid, sid)

    def _check_fitted(self, action: str) -> None:
        if not self.is_fitted:
            raise NotFittedError(
                f"{type(self).__name__} is not fitted yet; call fit(y) before {action}"
            )

    def _reset(self) -> None:
        for key in [k for k in vars(self) if k.endswith("_") and not k.startswith("__")]:
            delattr(self, key)

    # ---------------------------------------------------------------- template methods
    def _few_threads(self) -> Any:
        """One BLAS/OpenMP thread around a classical model's hooks (:mod:`forecast.threads`);
        models tagged ``needs_keras`` keep the threads TensorFlow is given."""
        return single_thread(not self.get_tags()["needs_keras"])

    def fit(self, y: Any, X: Any = None, *, season: int | Mapping[Any, int] | None = None,
            horizon: int | None = None) -> Forecaster:
        """Estimate the model on ``y`` (and exogenous ``X`` aligned with it). Returns self.

        A model tagged ``global_model`` also takes a panel: a dict ``{id: Series}``, a list
        of Series or a long DataFrame (``series_id``, ``timestamp``, ``value``), with ``X`` a
        dict ``{id: DataFrame}`` (or None).

        ``season`` and ``horizon`` are handed over by the caller (the backtest: the season it
        resolved per series, a dict ``{id: m}`` for a panel, and its horizon), as sktime's
        ``fh``: a model tagged ``uses_season`` / ``uses_horizon`` reads them
        (:meth:`_handed`) instead of inferring them; its own explicit parameters still win.
        Other models ignore them. None: the model resolves them itself, as before.
        """
        self._handoff = {"season": season, "horizon": None if horizon is None else check_horizon(horizon)}
        self._validate_params()
        if is_panel(y):
            return self._fit_panel_data(y, X)
        return self._fit_series_data(y, X)

    def _handed(self, name: str, sid: str | None = None) -> Any:
        """The ``season`` or ``horizon`` handed to :meth:`fit` (None when none was); for a
        season handed per series, series ``sid``'s (or the dict, keyed by ``str`` id, when
        ``sid`` is None)."""
        value = self.__dict__.get("_handoff", {}).get(name)
        if name != "season" or value is None:
            return value
        if isinstance(value, Mapping):
            value = {str(k): whole_number(m, f"season[{k!r}]", type(self).__name__, low=1) for k, m in value.items()}
            return value if sid is None else value.get(str(sid))
        return whole_number(value, "season", type(self).__name__, low=1)

    def _fit_series_data(self, y: Any, X: Any) -> Forecaster:
        # (the same call depth as _fit_panel_data: a model's warnings name the caller of fit)
        y = check_series(y, "y")
        X = self._check_X(X, y, "X")
        need = self.min_length()
        if len(y) < need:
            raise InputError(
                f"y has {len(y)} observations but {self!r} needs at least {need}; "
                "use a longer series or a smaller model"
            )
        self._reset()
        with self._few_threads():
            self._fit(y, X)
        self._set_data(y, X)
        return self

    def _fit_panel_data(self, y: Any, X: Any) -> Forecaster:
        if not self.get_tags()["global_model"]:
            raise InputError(
                f"{type(self).__name__} fits one series at a time but y is a panel; pass one Series, "
                "or use a global model (e.g. LSTM) or fc.backtest, which fits each series"
            )
        ys, ids = read_panel(y, "y")
        ys = {sid: ys[sid] for sid in sorted(ys)}  # one order, whatever the input's: dict and long frame agree
        Xs = self._panel_exog(X, ys, "X")
        need = self._panel_min_length()
        for sid, s in ys.items():
            if len(s) < need:
                raise InputError(f"series {ids[sid]!r} has {len(s)} observations but {self!r} needs at least "
                                 f"{need}; drop it from the panel or use a smaller model")
        self._reset()
        self.ids_ = ids
        with self._few_threads():
            self._fit_panel(ys, Xs)
        self._set_data(ys, Xs, ids)
        return self

    def _panel_exog(self, X: Any, ys: dict[str, pd.Series], name: str) -> dict[str, pd.DataFrame] | None:
        tags = self.get_tags()
        if X is None:
            if tags["requires_exog"]:
                raise InputError(f"{type(self).__name__} needs exogenous regressors: pass {name} as a dict "
                                 "{series id: DataFrame}")
            return None
        if not tags["supports_exog"]:
            raise InputError(f"{type(self).__name__} does not use exogenous regressors; drop {name}")
        if not isinstance(X, Mapping):
            raise InputError(f"{name} for a panel must be a dict {{series id: DataFrame}}; got {type(X).__name__}")
        return panel_regressors(X, ys, name)

    def _check_X(self, X: Any, y: pd.Series, name: str) -> pd.DataFrame | None:
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
        return check_exog(X, y.index, name, y=y)

    def _future_X(self, X: Any, index: pd.Index, name: str = "X") -> pd.DataFrame | None:
        if getattr(self, "X_", None) is None:
            if X is not None and not self.get_tags()["supports_exog"]:
                raise InputError(f"{type(self).__name__} does not use exogenous regressors; drop {name}")
            return None
        return check_future_exog(X, index, list(self.X_.columns), name)

    def predict(self, horizon: int, X: Any = None) -> Forecast | PanelForecast:
        """Forecast the next ``horizon`` steps after the data seen so far.

        ``X`` gives the exogenous values for those steps when the model was fitted with them.
        A model fitted on a panel returns a :class:`PanelForecast` ``{id: Forecast}`` (``X``
        then a dict ``{id: DataFrame}`` of future values).
        """
        self._check_fitted("predict")
        horizon = check_horizon(horizon)
        self._check_horizon_size(horizon)
        if self.is_panel_:
            return self._predict_panel_data(horizon, X)
        index = future_index(self.y_.index, horizon)
        X = self._future_X(X, index)
        with self._few_threads():
            pred = self._predict(horizon, X)
        return Forecast.from_prediction(pred, index, name=repr(self))

    def _check_horizon_size(self, horizon: int) -> None:
        """Refuse, before anything is allocated, a horizon whose time stamps cannot be
        represented or whose forecast would not fit in the memory available."""
        series = self.y_.values() if self.is_panel_ else [self.y_]
        for y in series:
            check_future_end(y.index, horizon, option("horizon"))
        check_forecast_fits(horizon, len(series), name=option("horizon"))

    def _predict_panel_data(self, horizon: int, X: Any) -> PanelForecast:
        index, Xf = {}, None
        if self.X_ is not None and not isinstance(X, Mapping):
            raise InputError("this model was fitted with exogenous regressors; pass X as a dict "
                             f"{{series id: DataFrame}} with the future values of every series for {horizon} steps")
        if self.X_ is None and X is not None:
            raise InputError("this model was fitted without exogenous regressors; drop X")
        given = {str(k): v for k, v in X.items()} if self.X_ is not None else {}
        if self.X_ is not None:
            Xf = {}
        for sid, y in self.y_.items():
            index[sid] = future_index(y.index, horizon)
            if Xf is not None:
                if sid not in given:
                    raise InputError(f"X has no future values for series {sid!r}; pass X as a dict with the "
                                     f"future values of every series for {horizon} steps")
                Xf[sid] = check_future_exog(given[sid], index[sid], list(self.X_[sid].columns), f"X[{sid!r}]")
        with self._few_threads():
            preds = self._predict_panel(horizon, Xf)
        name = repr(self)
        return PanelForecast({self._key(sid): Forecast.from_prediction(preds[sid], index[sid], name=name)
                              for sid in self.y_})

    def _check_continues(self, y_new: pd.Series, name: str, y_seen: pd.Series | None = None) -> None:
        if len(y_new) == 0:
            return
        y_seen = self.y_ if y_seen is None else y_seen
        expected = future_index(y_seen.index, 1)[0]
        if y_new.index[0] != expected:
            raise InputError(
                f"{name} must continue the data seen so far (which ends at {y_seen.index[-1]}): its first "
                f"time stamp should be {expected} but is {y_new.index[0]}"
            )
        if type(y_new.index) is not type(y_seen.index) and not (
            pd.api.types.is_integer_dtype(y_new.index.dtype) and pd.api.types.is_integer_dtype(y_seen.index.dtype)
        ):
            raise InputError(f"{name} has a {type(y_new.index).__name__} but the model was fitted on a {type(y_seen.index).__name__}")

    def _panel_arg(self, data: Any, name: str, what: str) -> dict[str, Any]:
        """A dict argument of a panel method, keyed by ``str`` id and checked against the fitted ids."""
        if data is None:
            return {}
        if not isinstance(data, Mapping):
            raise InputError(f"this model was fitted on a panel: pass {name} as a dict {{series id: {what}}}")
        out = {str(k): v for k, v in data.items()}
        for sid in out:
            if sid not in self.y_:
                raise InputError(f"{name} has series {sid!r}, which the model was not fitted on; "
                                 f"known: {', '.join(self.y_)}")
        return out

    def update(self, y_new: Any, X_new: Any = None) -> Forecaster:
        """Take new observations that continue the series, without re-estimating parameters.

        For a model fitted on a panel, ``y_new`` (and ``X_new``) are dicts keyed by series id
        (any subset of the fitted series)."""
        self._check_fitted("update")
        if self.is_panel_:
            return self._update_panel_data(y_new, X_new)
        y_new = check_series(y_new, "y_new", allow_empty=True)
        if len(y_new) == 0:
            return self
        self._check_continues(y_new, "y_new")
        X_new = self._future_X(X_new, y_new.index, "X_new") if self.X_ is not None or X_new is not None else None
        with self._few_threads():
            self._update(y_new, X_new)
        self.y_ = _append(self.y_, y_new)
        if self.X_ is not None:
            self.X_ = pd.concat([self.X_, X_new.set_axis(y_new.index)])
        self.cutoff_ = self.y_.index[-1]
        return self

    def _update_panel_data(self, y_new: Any, X_new: Any) -> Forecaster:
        new = self._panel_arg(y_new, "y_new", "new observations")
        if y_new is None:
            raise InputError("this model was fitted on a panel: pass y_new as a dict {series id: new observations}")
        xnew = self._panel_arg(X_new, "X_new", "DataFrame")
        if self.X_ is None and xnew:
            raise InputError("this model was fitted without exogenous regressors; drop X_new")
        ys, Xs = {}, ({} if self.X_ is not None else None)
        for sid, part in new.items():
            part = check_series(part, f"y_new[{sid!r}]", allow_empty=True)
            if len(part) == 0:
                continue
            self._check_continues(part, f"y_new[{sid!r}]", self.y_[sid])
            ys[sid] = part
            if Xs is not None:
                Xs[sid] = check_future_exog(xnew.get(sid), part.index, list(self.X_[sid].columns),
                                            f"X_new[{sid!r}]").set_axis(part.index)
        if not ys:
            return self
        with self._few_threads():
            self._update_panel(ys, Xs)
        for sid, part in ys.items():
            self.y_[sid] = _append(self.y_[sid], part)
            if Xs is not None:
                self.X_[sid] = pd.concat([self.X_[sid], Xs[sid]])
            self.cutoff_[sid] = part.index[-1]
        return self

    def predict_origins(self, y_new: Any, origins: Sequence[Any], horizon: int,
                        X_new: Any = None) -> list[Forecast] | dict[Any, list[Forecast]]:
        """Forecasts from many origins at once, with the fitted parameters held fixed.

        ``y_new`` continues the fitted series; each origin is a time stamp in
        ``[cutoff_] + y_new.index`` and the forecast from it uses the data up to and
        including the origin only. ``X_new`` (when the model uses exogenous regressors)
        covers ``y_new``'s time stamps and the ``horizon`` steps after the last origin.
        The model itself is not changed. Models with a fast path (one filtering pass, one
        batched network call) override ``_predict_origins``; the result equals
        ``update`` + ``predict`` at each origin.

        For a model fitted on a panel, ``y_new`` is a dict ``{series id: new observations}``
        (missing ids: none), ``origins`` a dict ``{series id: origin time stamps}`` (any
        subset of the fitted series) and ``X_new`` a dict of exogenous frames covering each
        series' new time stamps and the ``horizon`` steps after its last origin; returns
        ``{series id: [Forecast per origin]}``.
        """
        self._check_fitted("predict_origins")
        horizon = check_horizon(horizon)
        if self.is_panel_:
            return self._predict_origins_panel_data(y_new, origins, horizon, X_new)
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
        with self._few_threads():
            preds = self._predict_origins(y_new, positions, horizon, X_all)
        name = repr(self)
        return [Forecast.from_prediction(p, ahead[pos:pos + horizon], name=name)
                for p, pos in zip(preds, positions, strict=True)]

    def _predict_origins_panel_data(self, y_new: Any, origins: Any, horizon: int,
                                    X_new: Any) -> dict[Any, list[Forecast]]:
        if not isinstance(origins, Mapping) or (y_new is not None and not isinstance(y_new, Mapping)):
            raise InputError("this model was fitted on a panel, not on one series: pass y_new as a dict "
                             "{series id: new observations} and origins as a dict {series id: [origin time stamps]}")
        if not origins:
            raise InputError("origins is empty; give a dict {series id: [origin time stamps]}")
        new = self._panel_arg(y_new, "y_new", "new observations")
        xnew = self._panel_arg(X_new, "X_new", "DataFrame")
        if self.X_ is None and any(v is not None for v in xnew.values()):
            raise InputError("this model was fitted without exogenous regressors; drop X_new")
        ys, positions, Xs, stamps = {}, {}, ({} if self.X_ is not None else None), {}
        for sid, wanted in self._panel_arg(origins, "origins", "[origin time stamps]").items():
            y_fit = self.y_[sid]
            part = new.get(sid)
            part = (pd.Series([], dtype=float) if part is None
                    else check_series(part, f"y_new[{sid!r}]", allow_empty=True))
            self._check_continues(part, f"y_new[{sid!r}]", y_fit)
            labels = pd.Index([self.cutoff_[sid]]).append(part.index) if len(part) else pd.Index([self.cutoff_[sid]])
            if len(wanted) == 0:
                raise InputError(f"origins[{sid!r}] is empty; give at least one forecast origin")
            pos = []
            for origin in wanted:
                try:
                    pos.append(int(labels.get_loc(origin)))
                except KeyError:
                    raise InputError(f"origin {origin} of series {sid!r} is not among the time stamps from the end of "
                                     f"its fitted data ({self.cutoff_[sid]}) to the end of y_new[{sid!r}]") from None
            if any(b <= a for a, b in zip(pos, pos[1:], strict=False)):
                raise InputError(f"origins[{sid!r}] must be strictly increasing time stamps")
            ahead = future_index(y_fit.index, len(part) + horizon)
            if Xs is not None:
                Xs[sid] = check_future_exog(xnew.get(sid), ahead[:pos[-1] + horizon], list(self.X_[sid].columns),
                                            f"X_new[{sid!r}]")
            ys[sid], positions[sid] = part, pos
            stamps[sid] = [ahead[p:p + horizon] for p in pos]
        with self._few_threads():
            preds = self._predict_origins_panel(ys, positions, horizon, Xs)
        name = repr(self)
        return {self._key(sid): [Forecast.from_prediction(p, idx, name=name)
                                 for p, idx in zip(preds[sid], stamps[sid], strict=True)]
                for sid in ys}

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

    # panel hooks (models tagged ``global_model``); data keyed by ``str(series id)``, validated
    def _fit_panel(self, ys: dict[str, pd.Series], Xs: dict[str, pd.DataFrame] | None) -> None:  # pragma: no cover
        raise NotImplementedError

    def _predict_panel(self, horizon: int, Xs: dict[str, pd.DataFrame] | None) -> dict[str, Prediction]:  # pragma: no cover
        """``{id: Prediction}`` for every fitted series; ``Xs[id]`` covers its ``horizon`` next steps."""
        raise NotImplementedError

    def _update_panel(self, ys_new: dict[str, pd.Series], Xs_new: dict[str, pd.DataFrame] | None) -> None:
        """Default: nothing to do beyond the base class appending to each ``y_[id]``."""

    def _predict_origins_panel(self, ys_new: dict[str, pd.Series], positions: dict[str, list[int]],
                               horizon: int, Xs_all: dict[str, pd.DataFrame] | None
                               ) -> dict[str, list[Prediction]]:  # pragma: no cover
        """``{id: [Prediction per origin]}``; positions count from the fitted cutoff (0) into
        ``ys_new[id]``; ``Xs_all[id]`` covers ``ys_new[id]`` and ``horizon`` steps beyond."""
        raise NotImplementedError

    # ---------------------------------------------------------------- persistence
    def save(self, path: str | os.PathLike) -> Path:
        """Save the model to folder ``path`` (see :func:`forecast.persistence.save_model`)."""
        return save_model(self, path)

    def _get_state(self, folder: Path) -> dict[str, Any]:
        """JSON-serialisable fitted state (beyond y_/X_); may write extra files in ``folder``."""
        raise PersistenceError(f"{type(self).__name__} cannot be saved yet")

    def _set_state(self, state: dict[str, Any], folder: Path) -> None:
        raise PersistenceError(f"{type(self).__name__} cannot be loaded")



def _append(y: pd.Series, y_new: pd.Series) -> pd.Series:
    out = pd.concat([y, y_new])
    if isinstance(y_new.index, pd.DatetimeIndex):
        out.index.freq = y_new.index.freq or y.index.freq
    return out
