"""The case a check runs on: a model (instance or class in its fast configuration) and real data."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd

from ..base import Forecast, Forecaster
from ..errors import InputError


# ------------------------------------------------------------------------------ the case
def default_data(exog: bool) -> tuple[pd.Series, pd.DataFrame | None]:
    from .. import datasets

    if exog:
        macro = datasets.load("macro")
        growth = 100 * np.log(macro[["realgdp", "realcons"]]).diff().iloc[1:]
        X = pd.DataFrame({"cons_growth": growth["realcons"], "unemp": macro["unemp"].iloc[1:]})
        return growth["realgdp"].rename("gdp_growth"), X
    air = datasets.load("airline")
    return (100 * np.log(air).diff().iloc[1:]).rename("passenger_growth"), None


class Case:
    """A model under test with its data, and a fitted copy shared by read-only checks.

    Parameters
    ----------
    model : Forecaster instance or subclass
        A class is built with ``cls(**cls._tiny_params())``; an instance is used as the
        template (its parameters are what the checks compare against; it is never fitted).
    y, X : optional
        The series (and exogenous regressors) to use; by default real bundled data: the
        airline series, or the macro data for models that use exogenous regressors.
    horizon : int
        Steps ahead to forecast in the checks.

    The data are split into a training part, ``n_new`` continuing observations (for
    ``update`` and ``predict_origins``) and ``horizon`` last steps that only lend their
    exogenous values to the last forecast.
    """

    n_new = 12

    def __init__(self, model: Forecaster | type[Forecaster], y: Any = None, X: Any = None,
                 *, horizon: int = 6):
        if isinstance(model, type):
            if not issubclass(model, Forecaster):
                raise TypeError(f"{model.__name__} is not a Forecaster subclass")
            self.cls = model
            self.params = model._tiny_params()
            self.template = model(**self.params)
        elif isinstance(model, Forecaster):
            self.cls = type(model)
            self.params = dict(model.get_params())
            self.template = model
        else:
            raise TypeError(f"expected a Forecaster or a Forecaster subclass; got {type(model).__name__}")
        self.tags = self.cls.get_tags()
        self.uses_exog = bool(self.tags["supports_exog"] or self.tags["requires_exog"])
        if y is None:
            y, default_X = default_data(self.uses_exog)
            X = default_X if X is None else X
        from ..io import check_exog, check_series

        self.y = check_series(y, "y")
        self.X = check_exog(X, self.y.index, "X") if self.uses_exog else None
        if self.uses_exog and self.X is None:
            raise InputError(f"{self.cls.__name__} uses exogenous regressors: pass X to the checks")
        self.horizon = int(horizon)
        n = len(self.y)
        self.n_train = n - self.n_new - self.horizon
        need = self.template.min_length()
        if self.n_train < max(need, 2) + self.n_new:
            raise InputError(
                f"the checks need a series of at least {max(need, 2) + 2 * self.n_new + self.horizon} "
                f"observations for {self.template!r}; y has {n}"
            )
        scale = float(np.nanmax(np.abs(self.y.to_numpy()))) or 1.0
        #: tolerance when two computations of the same forecast are compared (float32
        #: networks, tagged ``exact=False``, agree to a relative tolerance only)
        self.rtol = 1e-8 if self.tags["exact"] else 1e-5
        self.atol = self.rtol * scale
        self._fitted: Forecaster | None = None
        self._refit: tuple[Forecaster, pd.Series] | None = None
        self.fit_returned: Any = None

    # --------------------------------------------------------------- data slices
    @property
    def y_train(self) -> pd.Series:
        return self.y.iloc[: self.n_train]

    @property
    def X_train(self) -> pd.DataFrame | None:
        return None if self.X is None else self.X.iloc[: self.n_train]

    @property
    def y_new(self) -> pd.Series:
        return self.y.iloc[self.n_train : self.n_train + self.n_new]

    def X_rows(self, start: int, stop: int) -> pd.DataFrame | None:
        """Exogenous rows ``start:stop`` counted from the end of the training part."""
        if self.X is None:
            return None
        return self.X.iloc[self.n_train + start : self.n_train + stop]

    @property
    def name(self) -> str:
        return repr(self.template)

    # --------------------------------------------------------------- models
    def new(self) -> Forecaster:
        """A fresh, unfitted model with the case's parameters."""
        return self.cls(**copy.deepcopy(self.params))

    def fit_new(self, y: pd.Series | None = None, X: pd.DataFrame | None = None) -> Forecaster:
        """A fresh model fitted on ``y`` (default: the training part)."""
        if y is None:
            y, X = self.y_train, self.X_train
        return self.new().fit(y, X)

    def fitted(self) -> Forecaster:
        """The shared model fitted on the training part. Checks must not change it."""
        if self._fitted is None:
            model = self.new()
            self.fit_returned = model.fit(self.y_train, self.X_train)
            self._fitted = model
        return self._fitted

    def copy_fitted(self) -> Forecaster:
        """A copy of the shared fitted model that a check may change (a fresh fit for
        models that need Keras, whose networks are not deep-copied)."""
        if self.tags["needs_keras"]:
            return self.fit_new()
        return copy.deepcopy(self.fitted())

    def refit(self) -> tuple[Forecaster, pd.Series]:
        """A second model, fitted on the training part cut from a copy of ``y`` whose
        later values were changed; returns the model and that copy (the caller's series)."""
        if self._refit is None:
            series = self.y.copy()
            spread = float(self.y.std()) or 1.0
            series.iloc[self.n_train:] = series.iloc[self.n_train:] * 3.0 + spread
            X = None if self.X is None else self.X.iloc[: self.n_train]
            self._refit = (self.new().fit(series.iloc[: self.n_train], X), series)
        return self._refit

    def short(self) -> tuple[pd.Series, pd.DataFrame | None]:
        """The last part of the training data, long enough for the model (quicker fits)."""
        n = min(self.n_train, max(60, self.template.min_length() + 24))
        return self.y_train.iloc[-n:], None if self.X is None else self.X_train.iloc[-n:]

    # --------------------------------------------------------------- panels
    def panel(self) -> tuple[dict[int, pd.Series], dict[int, pd.DataFrame] | None,
                             dict[int, pd.Series], dict[int, pd.DataFrame] | None]:
        """A panel of three series cut from the case's data, keyed by int ids:
        ``(ys, Xs, ys_new, Xs_new)``. Series 0 is the training part; series 1 ends six steps
        earlier and is rescaled; series 2 starts a year later. ``ys_new`` continues each
        series by ``n_new`` values; ``Xs_new`` covers those and ``horizon`` more steps."""
        n, k, h = self.n_train, self.n_new, self.horizon
        y = self.y
        rescaled = y * 0.5 + float(y.abs().mean())
        parts = {0: (y, 0, n), 1: (rescaled, 0, n - 6), 2: (y, 12, n)}
        ys = {i: s.iloc[a:b] for i, (s, a, b) in parts.items()}
        ys_new = {i: s.iloc[b:b + k] for i, (s, a, b) in parts.items()}
        if self.X is None:
            return ys, None, ys_new, None
        Xs = {i: self.X.iloc[a:b] for i, (_, a, b) in parts.items()}
        Xs_new = {i: self.X.iloc[b:b + k + h] for i, (_, a, b) in parts.items()}
        return ys, Xs, ys_new, Xs_new

    def panel_future_X(self, start: int = 0) -> dict[int, pd.DataFrame] | None:
        """Each series' exogenous values for the ``horizon`` steps after position ``start``
        of its new data."""
        Xs_new = self.panel()[3]
        return None if Xs_new is None else {i: x.iloc[start:start + self.horizon] for i, x in Xs_new.items()}

    def fitted_panel(self) -> Forecaster:
        """The shared model fitted on :meth:`panel` (a dict). Checks must not change it."""
        if getattr(self, "_fitted_panel", None) is None:
            ys, Xs, _, _ = self.panel()
            self._fitted_panel = self.new().fit(ys, Xs)
        return self._fitted_panel

    def predict(self, model: Forecaster, horizon: int | None = None, start: int = 0) -> Forecast:
        """``model.predict`` with the exogenous rows that follow position ``start``."""
        h = self.horizon if horizon is None else horizon
        return model.predict(h, self.X_rows(start, start + h) if model.X_ is not None else None)


def as_case(model: Any, y: Any = None, X: Any = None) -> Case:
    return model if isinstance(model, Case) else Case(model, y, X)


