"""Checks every forecaster must pass; usable on your own :class:`~forecast.base.Forecaster`.

(Over 600 lines on purpose: the whole conformance suite, one function per check, read top to
bottom as the specification of the Forecaster contract.)

The toolkit's own conformance test runs each check below on every registered model. Run
them on a model of your own with :func:`check_forecaster`, or one at a time (each check
takes a model instance, a model class, or a :class:`Case`, and raises ``AssertionError``
saying what broke):

>>> import forecast as fc
>>> from forecast.testing import check_forecaster, check_names
>>> report = check_forecaster(fc.SeasonalNaive(m=12))
>>> sorted(set(report.values()))  # doctest: +NORMALIZE_WHITESPACE
['passed', 'skipped: the model does not use exogenous regressors',
 "skipped: the model is not a global model (tag 'global_model')"]
>>> check_names()[:3]
['tags', 'params_verbatim', 'clone']

A model class is instantiated with its fast configuration ``cls(**cls._tiny_params())``.
The checks branch on capability tags (``supports_exog``, ``requires_exog``, ``intervals``,
``deterministic``, ``exact``, ``global_model``), never on class names. Models that use exogenous
regressors get real ones: the US macro data (quarterly real GDP growth explained by
consumption growth and unemployment); the others get the airline series as monthly
growth in percent (log differences: stationary, so ARMA fits are quick and well posed).

Checks (name: what it asserts):

- ``tags``: the tags are complete and consistent (a global model implements the panel hooks).
- ``params_verbatim``: ``get_params()`` returns the constructor arguments unchanged (the
  same objects); ``__init__`` sets no fitted state; ``set_params`` rejects unknown names.
- ``clone``: ``clone`` gives the same parameters, unfitted, independent of the original.
- ``fit_returns_self``: ``fit`` returns the model itself, fitted, with ``cutoff_``.
- ``not_fitted``: ``predict``, ``update``, ``predict_origins`` and ``save`` before ``fit``
  raise ``NotFittedError``.
- ``horizon_index``: ``predict(h)`` gives ``h`` finite values on the time stamps that
  continue ``y`` for a PeriodIndex, a DatetimeIndex with a frequency and an integer index.
- ``determinism``: two fits of clones on the same data give the same forecasts.
- ``bad_input``: bad arguments raise ``InputError`` whose message names the argument.
- ``no_lookahead``: changing values after an origin leaves the forecast from that origin
  unchanged (through ``predict_origins`` and through fitting on the truncated series).
- ``update_equals_batched``: ``predict_origins`` equals ``update`` + ``predict`` at each
  origin and leaves the model unchanged.
- ``save_load``: a saved and reloaded model forecasts the same, before and after ``update``.
- ``intervals``: intervals (where the model gives them) satisfy lower <= mean <= upper and
  are wider at 95% than at 80%; a model without intervals says so with ``InputError``.
- ``future_exog`` (models with exogenous regressors): the forecast follows the future
  values of ``X`` it is given.
- ``panel_refused`` (models not tagged ``global_model``): ``fit`` on a panel raises
  ``InputError`` that says so.

Panel checks, for models tagged ``global_model``, on three series cut from the same data
(int ids; one ends earlier, one starts later):

- ``panel_fit_predict``: fitting a dict and a long frame gives the same forecasts;
  ``predict`` returns a ``PanelForecast`` keyed by the caller's ids, each forecast
  continuing its own series.
- ``panel_no_lookahead``: values after an origin, and other series' new values, leave
  the forecast from that origin unchanged.
- ``panel_update_equals_batched``: ``predict_origins`` on a panel equals ``update`` +
  ``predict`` at each origin and leaves the model unchanged.
- ``panel_save_load``: a saved and reloaded panel model keeps its ids and forecasts the
  same, before and after ``update``.
"""

from __future__ import annotations

import copy
import inspect
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .base import DEFAULT_TAGS, FAMILIES, Forecast, Forecaster
from .errors import InputError, NotFittedError

__all__ = [
    "Case",
    "check_forecaster",
    "check_names",
    "yield_checks",
    "skip_reason",
    "CHECKS",
    "check_tags",
    "check_params_verbatim",
    "check_clone",
    "check_fit_returns_self",
    "check_not_fitted",
    "check_horizon_index",
    "check_determinism",
    "check_bad_input",
    "check_no_lookahead",
    "check_update_equals_batched",
    "check_save_load",
    "check_intervals",
    "check_future_exog",
    "check_panel_refused",
    "check_panel_fit_predict",
    "check_panel_no_lookahead",
    "check_panel_update_equals_batched",
    "check_panel_save_load",
]


# ------------------------------------------------------------------------------ helpers
def _ensure(condition: Any, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def _same(a: Any, b: Any) -> bool:
    """Equality that copes with arrays, tuples of arrays and NaN."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, Forecaster) and isinstance(b, Forecaster):  # a model as a parameter (a combination's members)
        return type(a) is type(b) and _same(a.get_params(), b.get_params())
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - objects without a usable ==
        return a is b


def _raises(exc: type[BaseException], call: Callable[[], Any], what: str,
            mentions: list[str] | tuple[str, ...] = ()) -> str:
    """Run ``call``; it must raise ``exc`` whose message contains each of ``mentions``
    (a bare word such as ``y`` or ``X`` must appear as a whole word)."""
    try:
        call()
    except exc as err:
        msg = str(err)
        for word in mentions:
            pattern = rf"(?<![\w.]){re.escape(word)}(?!\w)" if re.fullmatch(r"\w+", word) else re.escape(word)
            _ensure(re.search(pattern, msg),
                    f"{what}: the {exc.__name__} message should mention {word!r}; it says: {msg!r}")
        return msg
    except Exception as err:  # noqa: BLE001 - report what was raised instead
        raise AssertionError(f"{what}: expected {exc.__name__}, got {type(err).__name__}: {err}") from err
    raise AssertionError(f"{what}: expected {exc.__name__}, but nothing was raised")


def _assert_close(actual: Any, expected: Any, rtol: float, atol: float, what: str) -> None:
    a = np.asarray(actual, dtype=float)
    b = np.asarray(expected, dtype=float)
    _ensure(a.shape == b.shape, f"{what}: shapes differ ({a.shape} vs {b.shape})")
    if not np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
        worst = float(np.nanmax(np.abs(a - b)))
        raise AssertionError(f"{what}: values differ (largest difference {worst:.3g}, rtol {rtol:g}):\n"
                             f"  got      {a.ravel()[:8]}\n  expected {b.ravel()[:8]}")


def _assert_same_forecast(a: Forecast, b: Forecast, rtol: float, atol: float, what: str,
                          intervals: bool = True) -> None:
    _ensure(a.index.equals(b.index), f"{what}: indexes differ ({list(a.index[:3])}... vs {list(b.index[:3])}...)")
    _assert_close(a.mean.to_numpy(), b.mean.to_numpy(), rtol, atol, f"{what} (mean)")
    if intervals and a.has_intervals and b.has_intervals:
        _assert_close(a.interval(95).to_numpy(), b.interval(95).to_numpy(), rtol, atol, f"{what} (95% interval)")


# ------------------------------------------------------------------------------ the case
def _default_data(exog: bool) -> tuple[pd.Series, pd.DataFrame | None]:
    from . import datasets

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
            y, default_X = _default_data(self.uses_exog)
            X = default_X if X is None else X
        from .io import check_exog, check_series

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


def _as_case(model: Any, y: Any = None, X: Any = None) -> Case:
    return model if isinstance(model, Case) else Case(model, y, X)


# ------------------------------------------------------------------------------ checks
def check_tags(model: Any, y: Any = None, X: Any = None) -> None:
    """Tags hold every known key with a value of the right type, and agree with each other."""
    case = _as_case(model, y, X)
    tags = case.tags
    missing = [k for k in DEFAULT_TAGS if k not in tags]
    _ensure(not missing, f"{case.cls.__name__}.get_tags() lacks {missing}")
    for key, default in DEFAULT_TAGS.items():
        if isinstance(default, bool):
            _ensure(isinstance(tags[key], bool), f"tag {key!r} must be True or False; got {tags[key]!r}")
    _ensure(not tags["requires_exog"] or tags["supports_exog"], "requires_exog is set but supports_exog is not")
    _ensure(tags["family"] in FAMILIES, f"tag 'family' must be one of {', '.join(FAMILIES)}; got {tags['family']!r}")
    need = case.template.min_length()
    _ensure(isinstance(need, int) and need >= 1, f"min_length() must be an int >= 1; got {need!r}")
    if tags["global_model"]:
        missing_hooks = [h for h in ("_fit_panel", "_predict_panel", "_predict_origins_panel")
                         if getattr(case.cls, h) is getattr(Forecaster, h)]
        _ensure(not missing_hooks, f"{case.cls.__name__} is tagged global_model but does not implement "
                                   f"{', '.join(missing_hooks)}")


def check_params_verbatim(model: Any, y: Any = None, X: Any = None) -> None:
    """``get_params`` returns the constructor arguments themselves; ``__init__`` does nothing else."""
    case = _as_case(model, y, X)
    names = case.cls._param_names()
    args = {k: v for k, v in case.params.items()}
    m = case.cls(**args)
    got = m.get_params()
    _ensure(list(got) == names, f"get_params() keys {list(got)} differ from the constructor's {names}")
    for key, value in args.items():
        _ensure(got[key] is value,
                f"parameter {key!r} was not stored verbatim: passed {value!r}, get_params() gives {got[key]!r}")
    defaults = case.cls._param_defaults()
    for key in names:
        default = defaults[key]
        if key not in args and default is not inspect.Parameter.empty:
            _ensure(_same(got[key], default),
                    f"parameter {key!r} was left at its default {default!r}, but get_params() gives {got[key]!r}")
    fitted_attrs = [k for k in vars(m) if k.endswith("_") and not k.startswith("__")]
    _ensure(not fitted_attrs, f"__init__ set fitted-looking attributes {fitted_attrs}; set them in fit")
    _ensure(not m.is_fitted, "a new model reports is_fitted")
    _ensure(m.set_params(**got) is m, "set_params must return the model")
    _ensure(all(m.get_params()[k] is v for k, v in got.items()), "set_params did not store the values verbatim")
    _raises(InputError, lambda: m.set_params(not_a_parameter=1), "set_params(not_a_parameter=1)",
            ["not_a_parameter"])
    _ensure(repr(m).startswith(case.cls.__name__ + "("), f"repr should read like a constructor call; got {m!r}")


def check_clone(model: Any, y: Any = None, X: Any = None) -> None:
    """``clone`` gives an unfitted, independent model with equal parameters."""
    case = _as_case(model, y, X)
    fitted = case.fitted()
    before = case.predict(fitted)
    for source in (case.template, fitted):
        c = source.clone()
        _ensure(c is not source and type(c) is type(source), "clone must return a new object of the same class")
        _ensure(not c.is_fitted, "a clone must not be fitted")
        _ensure(not [k for k in vars(c) if k.endswith("_") and not k.startswith("__")],
                "a clone carries fitted attributes")
        p, q = source.get_params(), c.get_params()
        for key in p:
            _ensure(_same(p[key], q[key]), f"clone changed parameter {key!r}: {p[key]!r} -> {q[key]!r}")
            if isinstance(p[key], list | dict | np.ndarray):
                _ensure(p[key] is not q[key], f"clone shares the mutable parameter {key!r} with the original")
    c = fitted.clone()
    c.fit(*case.short())
    _ensure(fitted.cutoff_ == case.y_train.index[-1], "fitting a clone changed the original's cutoff_")
    _assert_same_forecast(case.predict(fitted), before, 0.0, 0.0, "the original's forecast after fitting its clone")


def check_fit_returns_self(model: Any, y: Any = None, X: Any = None) -> None:
    """``fit`` returns the model itself, now fitted up to the last time stamp of ``y``."""
    case = _as_case(model, y, X)
    m = case.fitted()
    out = case.fit_returned
    _ensure(out is m, f"fit returned {type(out).__name__} instead of the model itself")
    _ensure(m.is_fitted, "after fit, is_fitted is False")
    _ensure(m.cutoff_ == case.y_train.index[-1], f"cutoff_ is {m.cutoff_}, expected {case.y_train.index[-1]}")
    _ensure(_same(m.get_params(), case.template.get_params()), "fit changed the model's parameters")


def check_not_fitted(model: Any, y: Any = None, X: Any = None) -> None:
    """Everything that needs a fitted model raises ``NotFittedError`` before ``fit``."""
    case = _as_case(model, y, X)
    m = case.new()
    _raises(NotFittedError, lambda: m.predict(case.horizon, case.X_rows(0, case.horizon)), "predict before fit", ["fit"])
    _raises(NotFittedError, lambda: m.update(case.y_new, case.X_rows(0, case.n_new)), "update before fit", ["fit"])
    _raises(NotFittedError, lambda: m.predict_origins(case.y_new, [case.y_new.index[0]], case.horizon,
                                                      case.X_rows(0, case.n_new + case.horizon)),
            "predict_origins before fit", ["fit"])
    with tempfile.TemporaryDirectory() as tmp:
        _raises(NotFittedError, lambda: m.save(Path(tmp) / "model"), "save before fit", ["fit"])


def _index_variants(y: pd.Series) -> list[tuple[str, pd.Index, Callable[[int], pd.Index]]]:
    """The same values on a PeriodIndex, a DatetimeIndex with a frequency and an integer
    index, each with the time stamps expected after it (computed independently of
    :func:`forecast.io.future_index`)."""
    idx = y.index
    out = []
    periods = None
    if isinstance(idx, pd.PeriodIndex):
        periods = idx
    elif isinstance(idx, pd.DatetimeIndex):
        try:
            periods = idx.to_period()
        except (ValueError, TypeError):
            periods = None
    if periods is not None:
        n = len(periods)
        out.append(("PeriodIndex", periods,
                    lambda h, p=periods, n=n: pd.PeriodIndex([p[0] + (n + i) for i in range(h)], freq=p.freq)))
        stamps = periods.to_timestamp()
        if stamps.freq is None:
            stamps = pd.DatetimeIndex(stamps, freq="infer")
        out.append(("DatetimeIndex", stamps,
                    lambda h, p=periods, n=n: pd.PeriodIndex([p[0] + (n + i) for i in range(h)], freq=p.freq).to_timestamp()))
    elif isinstance(idx, pd.DatetimeIndex) and idx.freq is not None:
        out.append(("DatetimeIndex", idx, lambda h, i=idx: pd.DatetimeIndex([i[-1] + k * i.freq for k in range(1, h + 1)])))
    n_obs = len(y)
    ints = pd.Index(np.arange(1, n_obs + 1, dtype=np.int64))
    out.append(("integer index", ints, lambda h, n=n_obs: pd.Index(np.arange(n + 1, n + h + 1, dtype=np.int64))))
    return out


def check_horizon_index(model: Any, y: Any = None, X: Any = None) -> None:
    """``predict(h)`` gives ``h`` finite forecasts on the time stamps that continue ``y``."""
    case = _as_case(model, y, X)
    h = case.horizon
    y_short, X_short = case.short()
    for (kind, index, expected), (_, own, own_expected) in zip(
            _index_variants(y_short), _index_variants(case.y_train), strict=True):
        if own.equals(case.y_train.index):  # the data's own index: the shared fitted model
            m, expected = case.fitted(), own_expected
        else:  # the same values on another kind of index, fitted on a short stretch
            m = case.fit_new(y_short.set_axis(index), None if X_short is None else X_short.set_axis(index))
        for steps in (1, h):
            xf = None
            if case.X is not None:
                xf = case.X_rows(0, steps).set_axis(expected(steps))
            f = m.predict(np.int64(steps) if steps == h else steps, xf)
            _ensure(isinstance(f, Forecast), f"predict returned {type(f).__name__}, not a Forecast")
            _ensure(isinstance(f.mean, pd.Series), "Forecast.mean must be a pandas Series")
            _ensure(len(f.mean) == steps, f"{kind}: predict({steps}) gave {len(f.mean)} values")
            want = expected(steps)
            _ensure(type(f.index) is type(want) or (kind == "integer index" and pd.api.types.is_integer_dtype(f.index.dtype)),
                    f"{kind}: the forecast index is a {type(f.index).__name__}")
            _ensure(f.index.equals(want), f"{kind}: the forecast index {list(f.index)} does not continue y "
                                          f"(expected {list(want)})")
            if isinstance(want, pd.DatetimeIndex):
                _ensure(f.index.freq is not None, f"{kind}: the forecast index has no frequency")
            _ensure(np.isfinite(f.mean.to_numpy()).all(), f"{kind}: predict({steps}) gave non-finite values")


def check_determinism(model: Any, y: Any = None, X: Any = None) -> None:
    """Two clones fitted on the same data forecast the same (networks: thanks to their seed)."""
    case = _as_case(model, y, X)
    a = case.predict(case.fitted())
    b = case.predict(case.refit()[0])
    tol = 0.0 if case.tags["exact"] else 1e-6
    _assert_same_forecast(b, a, tol, tol * case.atol / case.rtol, "forecasts of two fits on the same data")


def check_bad_input(model: Any, y: Any = None, X: Any = None) -> None:
    """Bad arguments raise ``InputError`` whose message names the argument."""
    case = _as_case(model, y, X)
    fitted = case.fitted()
    xf = case.X_rows(0, case.horizon)
    for bad in (0, -1, "3", 2.5, None, True):
        _raises(InputError, lambda b=bad: fitted.predict(b, xf), f"predict(horizon={bad!r})", ["horizon"])
    _raises(InputError, lambda: fitted.predict_origins(case.y_new, [case.y_new.index[0]], 0,
                                                      case.X_rows(0, case.n_new + case.horizon)),
            "predict_origins(horizon=0)", ["horizon"])
    y_nan = case.y_train.copy()
    y_nan.iloc[len(y_nan) // 2] = np.nan
    _raises(InputError, lambda: case.new().fit(y_nan, case.X_train), "fit(y with a NaN)", ["y", "missing"])
    y_inf = case.y_train.copy()
    y_inf.iloc[3] = np.inf
    _raises(InputError, lambda: case.new().fit(y_inf, case.X_train), "fit(y with inf)", ["y", "infinite"])
    empty = case.y_train.iloc[:0]
    _raises(InputError, lambda: case.new().fit(empty, None if case.X is None else case.X_train.iloc[:0]),
            "fit(empty y)", ["y", "empty"])
    need = case.template.min_length()
    if need > 1:
        _raises(InputError, lambda: case.new().fit(case.y_train.iloc[: need - 1],
                                                  None if case.X is None else case.X_train.iloc[: need - 1]),
                f"fit(y with {need - 1} values)", ["y", str(need)])
    if case.uses_exog:
        _raises(InputError, lambda: case.new().fit(case.y_train, case.X_train.iloc[:-2]),
                "fit(y, X with fewer rows than y)", ["X"])
    wrong_start = case.y_new.iloc[1:]
    _raises(InputError, lambda: fitted.update(wrong_start, case.X_rows(1, case.n_new)),
            "update(y_new that skips a time stamp)", ["y_new"])
    if not case.uses_exog:
        _raises(InputError, lambda: case.new().fit(case.y_train, case.y_train.to_frame("x")),
                "fit(y, X) on a model without exogenous regressors", ["X"])
        _raises(InputError, lambda: fitted.predict(case.horizon, pd.DataFrame({"x": np.ones(case.horizon)})),
                "predict(h, X) on a model without exogenous regressors", ["X"])
    else:
        if case.tags["requires_exog"]:
            _raises(InputError, lambda: case.new().fit(case.y_train), "fit(y) without X", ["X"])
        _raises(InputError, lambda: fitted.predict(case.horizon), "predict(h) without X", ["X"])
        _raises(InputError, lambda: fitted.predict(case.horizon, case.X_rows(0, case.horizon - 1)),
                "predict(h) with X one row short", ["X"])
        later = case.X_rows(2, case.horizon + 2)
        _raises(InputError, lambda: fitted.predict(case.horizon, later),
                "predict(h) with X for the wrong time stamps", ["X"])
        X_nan = case.X_rows(0, case.horizon).copy()
        X_nan.iloc[1, 0] = np.nan
        _raises(InputError, lambda: fitted.predict(case.horizon, X_nan), "predict(h) with NaN in X", ["X"])
        _raises(InputError, lambda: fitted.predict_origins(case.y_new, [case.y_new.index[-1]], case.horizon, None),
                "predict_origins without X_new", ["X_new"])


def check_no_lookahead(model: Any, y: Any = None, X: Any = None) -> None:
    """Values after an origin never change the forecast from that origin."""
    case = _as_case(model, y, X)
    fitted = case.fitted()
    h = case.horizon
    y_new = case.y_new
    X_new = case.X_rows(0, case.n_new + h)
    origins = [fitted.cutoff_, y_new.index[3], y_new.index[7]]
    base = fitted.predict_origins(y_new, origins, h, X_new)
    spread = float(case.y.std()) or 1.0
    for k, origin in enumerate(origins):
        start = 0 if k == 0 else y_new.index.get_loc(origin) + 1
        perturbed = y_new.copy()
        perturbed.iloc[start:] = perturbed.iloc[start:] + 5.0 * spread * (1 + np.arange(len(perturbed) - start) % 3)
        moved = fitted.predict_origins(perturbed, origins, h, X_new)
        _assert_same_forecast(moved[k], base[k], case.rtol, case.atol,
                              f"predict_origins: forecast from {origin} after changing the values that follow it")
    # Fitting on the series cut at the origin: what follows the cut, changed or not, must
    # not reach the model, and the model must not share memory with the caller's series.
    cut = case.n_train
    m, y_full = case.refit()
    first = case.predict(m)
    tol = 0.0 if case.tags["exact"] else 1e-6
    _assert_same_forecast(first, case.predict(fitted), tol, tol * case.atol / case.rtol,
                          "fit on the series cut at the origin (later values changed) vs fit on the training part")
    y_full.iloc[:] = np.linspace(-1.0, 1.0, len(y_full))
    _assert_same_forecast(case.predict(m), first, 0.0, 0.0,
                          "forecast after the caller changed its series in place")
    from_cut = m.predict_origins(y_full.iloc[cut : cut + case.n_new], [m.cutoff_], h, X_new)[0]
    _assert_same_forecast(from_cut, first, case.rtol, case.atol,
                          "predict_origins from the cutoff (with different later values) vs predict")


def check_update_equals_batched(model: Any, y: Any = None, X: Any = None) -> None:
    """``predict_origins`` equals ``update`` + ``predict`` at each origin, and changes nothing."""
    case = _as_case(model, y, X)
    h = case.horizon
    y_new = case.y_new
    X_new = case.X_rows(0, case.n_new + h)
    m = case.copy_fitted()
    before = case.predict(m)
    origins = [m.cutoff_, y_new.index[0], y_new.index[4], y_new.index[-1]]
    batched = m.predict_origins(y_new, origins, h, X_new)
    _ensure(len(batched) == len(origins), f"predict_origins gave {len(batched)} forecasts for {len(origins)} origins")
    _ensure(m.cutoff_ == case.y_train.index[-1] and len(m.y_) == case.n_train,
            "predict_origins changed the model's data")
    _assert_same_forecast(case.predict(m), before, 0.0, 0.0, "predict after predict_origins")
    done = 0
    for origin, got in zip(origins, batched, strict=True):
        pos = 0 if origin == case.y_train.index[-1] else y_new.index.get_loc(origin) + 1
        if pos > done:
            out = m.update(y_new.iloc[done:pos], case.X_rows(done, pos))
            _ensure(out is m, "update must return the model itself")
            done = pos
        _ensure(m.cutoff_ == origin, f"after update the cutoff_ is {m.cutoff_}, expected {origin}")
        want = case.predict(m, start=pos)
        _assert_same_forecast(got, want, case.rtol, case.atol,
                              f"predict_origins vs update + predict from origin {origin}")


def check_save_load(model: Any, y: Any = None, X: Any = None) -> None:
    """A saved and reloaded model gives the same forecasts, before and after ``update``."""
    from .persistence import load_model

    case = _as_case(model, y, X)
    m = case.fitted()
    tol = 0.0 if case.tags["exact"] else case.rtol
    atol = 0.0 if case.tags["exact"] else case.atol
    with tempfile.TemporaryDirectory() as tmp:
        path = m.save(Path(tmp) / "model")
        loaded = load_model(path, classes=[case.cls])
    _ensure(type(loaded) is type(m), f"load gave a {type(loaded).__name__}")
    _ensure(_same(loaded.get_params(), m.get_params()), "the loaded model's parameters differ")
    _ensure(loaded.is_fitted and loaded.cutoff_ == m.cutoff_, "the loaded model is not fitted up to the same cutoff")
    _ensure(loaded.y_.index.equals(m.y_.index), "the loaded model's data has a different index")
    _assert_same_forecast(case.predict(loaded), case.predict(m), tol, atol, "forecast of the loaded model")
    # after update: compare with the original's forecast from the same origin (the
    # batched path, which leaves the shared original unchanged)
    step = 4
    loaded.update(case.y_new.iloc[:step], case.X_rows(0, step))
    origin = case.y_new.index[step - 1]
    want = m.predict_origins(case.y_new.iloc[:step], [origin], case.horizon, case.X_rows(0, step + case.horizon))[0]
    _assert_same_forecast(case.predict(loaded, start=step), want, case.rtol, case.atol,
                          "forecast of the loaded model after update")


def check_intervals(model: Any, y: Any = None, X: Any = None) -> None:
    """Intervals are ordered and nested (80% inside 95%), or clearly absent."""
    case = _as_case(model, y, X)
    f = case.predict(case.fitted())
    if not case.tags["intervals"]:
        _raises(InputError, lambda: f.interval(95), "interval(95) on a model without intervals", ["intervals"])
        _ensure(list(f.to_frame().columns) == ["mean"], "to_frame() of a model without intervals should hold only 'mean'")
        return
    _ensure(f.has_intervals, "the model's tags say intervals, but its forecast has none")
    mean = f.mean.to_numpy()
    widths = {}
    for level in (80, 95):
        band = f.interval(level)
        _ensure(list(band.columns) == ["lower", "upper"] and band.index.equals(f.index),
                f"interval({level}) must be a DataFrame with lower/upper on the forecast index")
        lo, hi = band["lower"].to_numpy(), band["upper"].to_numpy()
        _ensure(np.isfinite(lo).all() and np.isfinite(hi).all(), f"interval({level}) has non-finite bounds")
        slack = 1e-9 * (1 + np.abs(mean))
        _ensure((lo <= mean + slack).all() and (mean <= hi + slack).all(),
                f"interval({level}) does not contain the mean: lower {lo[:4]}, mean {mean[:4]}, upper {hi[:4]}")
        widths[level] = hi - lo
    _ensure((widths[95] >= widths[80]).all() and (widths[95] > widths[80]).any(),
            f"the 95% interval is not wider than the 80% one: widths {widths[95][:4]} vs {widths[80][:4]}")
    frame = f.to_frame()
    _ensure(list(frame.columns) == ["mean", "lower_80", "upper_80", "lower_95", "upper_95"],
            f"to_frame() columns are {list(frame.columns)}")


def check_future_exog(model: Any, y: Any = None, X: Any = None) -> None:
    """A model with exogenous regressors uses the future values it is given."""
    case = _as_case(model, y, X)
    fitted = case.fitted()
    h = case.horizon
    xf = case.X_rows(0, h)
    base = fitted.predict(h, xf)
    again = fitted.predict(h, xf.copy())
    _assert_same_forecast(again, base, 0.0, 0.0, "two forecasts with the same future X")
    changed = xf * 1.5 + xf.abs().mean() + 1.0
    moved = fitted.predict(h, changed)
    _ensure(not np.allclose(moved.mean.to_numpy(), base.mean.to_numpy(), rtol=case.rtol, atol=case.atol),
            "changing the future values of X did not change the forecast; the model ignores them")


# ------------------------------------------------------------------------------ panel checks
def _long_frame(ys: dict[Any, pd.Series]) -> pd.DataFrame:
    def stamps(index: pd.Index) -> Any:
        return index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index

    return pd.concat([pd.DataFrame({"series_id": k, "timestamp": stamps(s.index), "value": s.to_numpy()})
                      for k, s in ys.items()], ignore_index=True)


def _assert_same_panel(a: dict, b: dict, rtol: float, atol: float, what: str, index: bool = True) -> None:
    _ensure(list(a) == list(b), f"{what}: series ids differ ({list(a)} vs {list(b)})")
    for k in a:
        fa, fb = a[k], b[k]
        for i, (x, y) in enumerate(zip(fa, fb, strict=True)) if isinstance(fa, list) else [(None, (fa, fb))]:
            label = f"{what}, series {k!r}" + ("" if i is None else f", origin {i}")
            if index:
                _assert_same_forecast(x, y, rtol, atol, label)
            else:
                _assert_close(x.mean.to_numpy(), y.mean.to_numpy(), rtol, atol, label)


def check_panel_refused(model: Any, y: Any = None, X: Any = None) -> None:
    """A model that is not a global model refuses a panel with ``InputError`` saying so."""
    case = _as_case(model, y, X)
    ys, Xs, _, _ = case.panel()
    _raises(InputError, lambda: case.new().fit(ys, Xs), "fit(a dict of series) on a single-series model",
            ["panel"])


def check_panel_fit_predict(model: Any, y: Any = None, X: Any = None) -> None:
    """A global model fits a dict and a long frame alike; ``predict`` gives a
    :class:`~forecast.base.PanelForecast` keyed by the caller's ids (ints stay ints), each
    forecast on the time stamps that continue its own series."""
    from .base import PanelForecast
    from .io import future_index

    case = _as_case(model, y, X)
    ys, Xs, _, _ = case.panel()
    m = case.fitted_panel()
    _ensure(m.is_panel_ and set(m.cutoff_) == {str(k) for k in ys}, "fit on a dict did not record every series")
    out = m.predict(case.horizon, case.panel_future_X())
    _ensure(isinstance(out, PanelForecast), f"predict on a panel gave a {type(out).__name__}, not a PanelForecast")
    _ensure(list(out) == sorted(ys) and all(type(k) is int for k in out),
            f"predict on a panel gave ids {list(out)}; expected the caller's int ids {sorted(ys)}")
    for k, f in out.items():
        _ensure(f.index.equals(future_index(ys[k].index, case.horizon)),
                f"series {k}: the forecast does not continue its own series")
        _ensure(np.isfinite(f.values).all(), f"series {k}: non-finite forecasts")
    frame = out.to_frame()
    _ensure(list(frame.columns[:3]) == ["series_id", "timestamp", "mean"] and len(frame) == len(ys) * case.horizon,
            f"PanelForecast.to_frame() has columns {list(frame.columns)} and {len(frame)} rows")
    if not isinstance(case.y.index, pd.PeriodIndex | pd.DatetimeIndex):
        return
    long = _long_frame(ys)
    Xl = None if Xs is None else {k: x.set_axis(_long_frame({k: ys[k]})["timestamp"]) for k, x in Xs.items()}
    by_frame = case.new().fit(long, Xl)
    xf = case.panel_future_X()
    if xf is not None:
        xf = {k: x.set_axis(future_index(by_frame.y_[str(k)].index, case.horizon)) for k, x in xf.items()}
    got = by_frame.predict(case.horizon, xf)
    tol = 0.0 if case.tags["exact"] else 1e-6
    _assert_same_panel(got, out, tol, tol * case.atol / case.rtol, "fit on a long frame vs on a dict", index=False)


def check_panel_no_lookahead(model: Any, y: Any = None, X: Any = None) -> None:
    """On a panel, values after an origin, and other series' new values, never change the
    forecast from that origin."""
    case = _as_case(model, y, X)
    m = case.fitted_panel()
    _, _, ys_new, Xs_new = case.panel()
    h = case.horizon
    origins = {0: [m.cutoff_["0"], ys_new[0].index[3]], 1: [ys_new[1].index[5]]}
    base = m.predict_origins(ys_new, origins, h, Xs_new)
    spread = float(case.y.std()) or 1.0
    moved_new = {k: s.copy() for k, s in ys_new.items()}
    moved_new[0].iloc[4:] += 5.0 * spread
    moved_new[1].iloc[6:] -= 5.0 * spread
    moved_new[2].iloc[:] += 7.0 * spread  # a series without origins here
    moved = m.predict_origins(moved_new, origins, h, Xs_new)
    _assert_same_panel(moved, base, case.rtol, case.atol,
                       "predict_origins on a panel after changing values that follow each origin")
    alone = m.predict_origins({0: ys_new[0]}, {0: origins[0]}, h, None if Xs_new is None else {0: Xs_new[0]})
    _assert_same_panel(alone, {0: base[0]}, case.rtol, case.atol, "series 0's origins alone vs with the others")


def check_panel_update_equals_batched(model: Any, y: Any = None, X: Any = None) -> None:
    """On a panel, ``predict_origins`` equals ``update`` + ``predict`` at each origin and
    leaves the model unchanged."""
    case = _as_case(model, y, X)
    ys, Xs, ys_new, Xs_new = case.panel()
    m = case.new().fit(ys, Xs) if case.tags["needs_keras"] else copy.deepcopy(case.fitted_panel())
    h = case.horizon
    cut = {k: m.cutoff_[str(k)] for k in ys}
    origins = {k: [cut[k], s.index[4], s.index[-1]] for k, s in ys_new.items()}
    batched = m.predict_origins(ys_new, origins, h, Xs_new)
    _ensure({k: m.cutoff_[str(k)] for k in ys} == cut, "predict_origins changed the panel model's data")
    for step, (lo, hi) in enumerate([(0, 0), (0, 5), (5, case.n_new)]):
        if hi > lo:
            xs = None if Xs_new is None else {k: x.iloc[lo:hi] for k, x in Xs_new.items()}
            _ensure(m.update({k: s.iloc[lo:hi] for k, s in ys_new.items()}, xs) is m,
                    "update must return the model itself")
        got = m.predict(h, case.panel_future_X(hi))
        want = {k: batched[k][step] for k in sorted(batched)}
        _assert_same_panel(dict(got), want, case.rtol, case.atol,
                           f"update + predict vs predict_origins on a panel (origin {step})")


def check_panel_save_load(model: Any, y: Any = None, X: Any = None) -> None:
    """A model fitted on a panel, saved and reloaded, keeps its ids (ints stay ints) and
    forecasts the same, before and after ``update``."""
    from .persistence import load_model

    case = _as_case(model, y, X)
    m = case.fitted_panel()
    _, _, ys_new, Xs_new = case.panel()
    with tempfile.TemporaryDirectory() as tmp:
        loaded = load_model(m.save(Path(tmp) / "panel"), classes=[case.cls])
    _ensure(loaded.is_panel_ and loaded.cutoff_ == m.cutoff_, "the loaded panel model has other series or cutoffs")
    tol = 0.0 if case.tags["exact"] else case.rtol
    atol = 0.0 if case.tags["exact"] else case.atol
    xf = case.panel_future_X()
    _assert_same_panel(dict(loaded.predict(case.horizon, xf)), dict(m.predict(case.horizon, xf)), tol, atol,
                       "forecast of the loaded panel model")
    step = 4
    loaded.update({k: s.iloc[:step] for k, s in ys_new.items()},
                  None if Xs_new is None else {k: x.iloc[:step] for k, x in Xs_new.items()})
    want = m.predict_origins(ys_new, {k: [s.index[step - 1]] for k, s in ys_new.items()}, case.horizon, Xs_new)
    _assert_same_panel(dict(loaded.predict(case.horizon, case.panel_future_X(step))),
                       {k: v[0] for k, v in want.items()}, case.rtol, case.atol,
                       "forecast of the loaded panel model after update")


#: Every check by name, in the order they run.
CHECKS: dict[str, Callable[..., None]] = {
    "tags": check_tags,
    "params_verbatim": check_params_verbatim,
    "clone": check_clone,
    "fit_returns_self": check_fit_returns_self,
    "not_fitted": check_not_fitted,
    "horizon_index": check_horizon_index,
    "determinism": check_determinism,
    "bad_input": check_bad_input,
    "no_lookahead": check_no_lookahead,
    "update_equals_batched": check_update_equals_batched,
    "save_load": check_save_load,
    "intervals": check_intervals,
    "future_exog": check_future_exog,
    "panel_refused": check_panel_refused,
    "panel_fit_predict": check_panel_fit_predict,
    "panel_no_lookahead": check_panel_no_lookahead,
    "panel_update_equals_batched": check_panel_update_equals_batched,
    "panel_save_load": check_panel_save_load,
}


def check_names() -> list[str]:
    """Names of all checks, in the order they run."""
    return list(CHECKS)


def skip_reason(name: str, model: Any) -> str | None:
    """Why check ``name`` does not apply to ``model`` (a class, instance or Case), or None."""
    tags = (model.tags if isinstance(model, Case)
            else (model if isinstance(model, type) else type(model)).get_tags())
    if name == "determinism" and not tags["deterministic"]:
        return "the model's 'deterministic' tag is False"
    if name == "future_exog" and not (tags["supports_exog"] or tags["requires_exog"]):
        return "the model does not use exogenous regressors"
    if name == "panel_refused" and tags["global_model"]:
        return "the model is a global model: it fits panels"
    if name.startswith("panel_") and name != "panel_refused" and not tags["global_model"]:
        return "the model is not a global model (tag 'global_model')"
    return None


def yield_checks(model: Any = None) -> Iterator[tuple[str, Callable[..., None]]]:
    """``(name, check)`` pairs; given a model, only the checks that apply to its tags."""
    for name, fn in CHECKS.items():
        if model is None or skip_reason(name, model) is None:
            yield name, fn


def check_forecaster(model: Any, y: Any = None, X: Any = None, *, horizon: int = 6,
                     raise_on_failure: bool = True) -> dict[str, str]:
    """Run every applicable check on ``model`` (a Forecaster instance or class).

    Returns ``{check name: "passed" | "skipped: why" | "failed: why"}``; with
    ``raise_on_failure`` (default) an ``AssertionError`` lists the failures.
    """
    case = Case(model, y, X, horizon=horizon)
    report: dict[str, str] = {}
    for name, fn in CHECKS.items():
        reason = skip_reason(name, case)
        if reason:
            report[name] = f"skipped: {reason}"
            continue
        try:
            fn(case)
        except AssertionError as err:
            report[name] = f"failed: {err}"
        else:
            report[name] = "passed"
    failed = {k: v for k, v in report.items() if v.startswith("failed")}
    if failed and raise_on_failure:
        lines = "\n".join(f"- {k}: {v[len('failed: '):]}" for k, v in failed.items())
        raise AssertionError(f"{case.name} failed {len(failed)} of {len(CHECKS)} checks:\n{lines}")
    return report
