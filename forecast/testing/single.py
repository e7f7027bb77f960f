"""The checks of the Forecaster contract on one series."""

from __future__ import annotations

import inspect
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..base import DEFAULT_TAGS, FAMILIES, Forecast, Forecaster
from ..errors import InputError, NotFittedError
from .case import as_case
from .helpers import assert_same_forecast, ensure, raises, same


# ------------------------------------------------------------------------------ checks
def check_tags(model: Any, y: Any = None, X: Any = None) -> None:
    """Tags hold every known key with a value of the right type, and agree with each other."""
    case = as_case(model, y, X)
    tags = case.tags
    missing = [k for k in DEFAULT_TAGS if k not in tags]
    ensure(not missing, f"{case.cls.__name__}.get_tags() lacks {missing}")
    for key, default in DEFAULT_TAGS.items():
        if isinstance(default, bool):
            ensure(isinstance(tags[key], bool), f"tag {key!r} must be True or False; got {tags[key]!r}")
    ensure(not tags["requires_exog"] or tags["supports_exog"], "requires_exog is set but supports_exog is not")
    ensure(tags["family"] in FAMILIES, f"tag 'family' must be one of {', '.join(FAMILIES)}; got {tags['family']!r}")
    need = case.template.min_length()
    ensure(isinstance(need, int) and need >= 1, f"min_length() must be an int >= 1; got {need!r}")
    if tags["global_model"]:
        missing_hooks = [h for h in ("_fit_panel", "_predict_panel", "_predict_origins_panel")
                         if getattr(case.cls, h) is getattr(Forecaster, h)]
        ensure(not missing_hooks, f"{case.cls.__name__} is tagged global_model but does not implement "
                                   f"{', '.join(missing_hooks)}")


def check_params_verbatim(model: Any, y: Any = None, X: Any = None) -> None:
    """``get_params`` returns the constructor arguments themselves; ``__init__`` does nothing else."""
    case = as_case(model, y, X)
    names = case.cls._param_names()
    args = {k: v for k, v in case.params.items()}
    m = case.cls(**args)
    got = m.get_params()
    ensure(list(got) == names, f"get_params() keys {list(got)} differ from the constructor's {names}")
    for key, value in args.items():
        ensure(got[key] is value,
                f"parameter {key!r} was not stored verbatim: passed {value!r}, get_params() gives {got[key]!r}")
    defaults = case.cls._param_defaults()
    for key in names:
        default = defaults[key]
        if key not in args and default is not inspect.Parameter.empty:
            ensure(same(got[key], default),
                    f"parameter {key!r} was left at its default {default!r}, but get_params() gives {got[key]!r}")
    fitted_attrs = [k for k in vars(m) if k.endswith("_") and not k.startswith("__")]
    ensure(not fitted_attrs, f"__init__ set fitted-looking attributes {fitted_attrs}; set them in fit")
    ensure(not m.is_fitted, "a new model reports is_fitted")
    ensure(m.set_params(**got) is m, "set_params must return the model")
    ensure(all(m.get_params()[k] is v for k, v in got.items()), "set_params did not store the values verbatim")
    raises(InputError, lambda: m.set_params(not_a_parameter=1), "set_params(not_a_parameter=1)",
            ["not_a_parameter"])
    ensure(repr(m).startswith(case.cls.__name__ + "("), f"repr should read like a constructor call; got {m!r}")


def check_clone(model: Any, y: Any = None, X: Any = None) -> None:
    """``clone`` gives an unfitted, independent model with equal parameters."""
    case = as_case(model, y, X)
    fitted = case.fitted()
    before = case.predict(fitted)
    for source in (case.template, fitted):
        c = source.clone()
        ensure(c is not source and type(c) is type(source), "clone must return a new object of the same class")
        ensure(not c.is_fitted, "a clone must not be fitted")
        ensure(not [k for k in vars(c) if k.endswith("_") and not k.startswith("__")],
                "a clone carries fitted attributes")
        p, q = source.get_params(), c.get_params()
        for key in p:
            ensure(same(p[key], q[key]), f"clone changed parameter {key!r}: {p[key]!r} -> {q[key]!r}")
            if isinstance(p[key], list | dict | np.ndarray):
                ensure(p[key] is not q[key], f"clone shares the mutable parameter {key!r} with the original")
    c = fitted.clone()
    c.fit(*case.short())
    ensure(fitted.cutoff_ == case.y_train.index[-1], "fitting a clone changed the original's cutoff_")
    assert_same_forecast(case.predict(fitted), before, 0.0, 0.0, "the original's forecast after fitting its clone")


def check_fit_returns_self(model: Any, y: Any = None, X: Any = None) -> None:
    """``fit`` returns the model itself, now fitted up to the last time stamp of ``y``."""
    case = as_case(model, y, X)
    m = case.fitted()
    out = case.fit_returned
    ensure(out is m, f"fit returned {type(out).__name__} instead of the model itself")
    ensure(m.is_fitted, "after fit, is_fitted is False")
    ensure(m.cutoff_ == case.y_train.index[-1], f"cutoff_ is {m.cutoff_}, expected {case.y_train.index[-1]}")
    ensure(same(m.get_params(), case.template.get_params()), "fit changed the model's parameters")


def check_not_fitted(model: Any, y: Any = None, X: Any = None) -> None:
    """Everything that needs a fitted model raises ``NotFittedError`` before ``fit``."""
    case = as_case(model, y, X)
    m = case.new()
    raises(NotFittedError, lambda: m.predict(case.horizon, case.X_rows(0, case.horizon)), "predict before fit", ["fit"])
    raises(NotFittedError, lambda: m.update(case.y_new, case.X_rows(0, case.n_new)), "update before fit", ["fit"])
    raises(NotFittedError, lambda: m.predict_origins(case.y_new, [case.y_new.index[0]], case.horizon,
                                                      case.X_rows(0, case.n_new + case.horizon)),
            "predict_origins before fit", ["fit"])
    with tempfile.TemporaryDirectory() as tmp:
        raises(NotFittedError, lambda: m.save(Path(tmp) / "model"), "save before fit", ["fit"])


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
    case = as_case(model, y, X)
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
            ensure(isinstance(f, Forecast), f"predict returned {type(f).__name__}, not a Forecast")
            ensure(isinstance(f.mean, pd.Series), "Forecast.mean must be a pandas Series")
            ensure(len(f.mean) == steps, f"{kind}: predict({steps}) gave {len(f.mean)} values")
            want = expected(steps)
            ensure(type(f.index) is type(want) or (kind == "integer index" and pd.api.types.is_integer_dtype(f.index.dtype)),
                    f"{kind}: the forecast index is a {type(f.index).__name__}")
            ensure(f.index.equals(want), f"{kind}: the forecast index {list(f.index)} does not continue y "
                                          f"(expected {list(want)})")
            if isinstance(want, pd.DatetimeIndex):
                ensure(f.index.freq is not None, f"{kind}: the forecast index has no frequency")
            ensure(np.isfinite(f.mean.to_numpy()).all(), f"{kind}: predict({steps}) gave non-finite values")


def check_determinism(model: Any, y: Any = None, X: Any = None) -> None:
    """Two clones fitted on the same data forecast the same (networks: thanks to their seed)."""
    case = as_case(model, y, X)
    a = case.predict(case.fitted())
    b = case.predict(case.refit()[0])
    tol = 0.0 if case.tags["exact"] else 1e-6
    assert_same_forecast(b, a, tol, tol * case.atol / case.rtol, "forecasts of two fits on the same data")


def check_bad_input(model: Any, y: Any = None, X: Any = None) -> None:
    """Bad arguments raise ``InputError`` whose message names the argument."""
    case = as_case(model, y, X)
    fitted = case.fitted()
    xf = case.X_rows(0, case.horizon)
    for bad in (0, -1, "3", 2.5, None, True):
        raises(InputError, lambda b=bad: fitted.predict(b, xf), f"predict(horizon={bad!r})", ["horizon"])
    raises(InputError, lambda: fitted.predict_origins(case.y_new, [case.y_new.index[0]], 0,
                                                      case.X_rows(0, case.n_new + case.horizon)),
            "predict_origins(horizon=0)", ["horizon"])
    y_nan = case.y_train.copy()
    y_nan.iloc[len(y_nan) // 2] = np.nan
    raises(InputError, lambda: case.new().fit(y_nan, case.X_train), "fit(y with a NaN)", ["y", "missing"])
    y_inf = case.y_train.copy()
    y_inf.iloc[3] = np.inf
    raises(InputError, lambda: case.new().fit(y_inf, case.X_train), "fit(y with inf)", ["y", "infinite"])
    empty = case.y_train.iloc[:0]
    raises(InputError, lambda: case.new().fit(empty, None if case.X is None else case.X_train.iloc[:0]),
            "fit(empty y)", ["y", "empty"])
    need = case.template.min_length()
    if need > 1:
        raises(InputError, lambda: case.new().fit(case.y_train.iloc[: need - 1],
                                                  None if case.X is None else case.X_train.iloc[: need - 1]),
                f"fit(y with {need - 1} values)", ["y", str(need)])
    if case.uses_exog:
        raises(InputError, lambda: case.new().fit(case.y_train, case.X_train.iloc[:-2]),
                "fit(y, X with fewer rows than y)", ["X"])
    wrong_start = case.y_new.iloc[1:]
    raises(InputError, lambda: fitted.update(wrong_start, case.X_rows(1, case.n_new)),
            "update(y_new that skips a time stamp)", ["y_new"])
    if not case.uses_exog:
        raises(InputError, lambda: case.new().fit(case.y_train, case.y_train.to_frame("x")),
                "fit(y, X) on a model without exogenous regressors", ["X"])
        raises(InputError, lambda: fitted.predict(case.horizon, pd.DataFrame({"x": np.ones(case.horizon)})),
                "predict(h, X) on a model without exogenous regressors", ["X"])
    else:
        if case.tags["requires_exog"]:
            raises(InputError, lambda: case.new().fit(case.y_train), "fit(y) without X", ["X"])
        raises(InputError, lambda: fitted.predict(case.horizon), "predict(h) without X", ["X"])
        raises(InputError, lambda: fitted.predict(case.horizon, case.X_rows(0, case.horizon - 1)),
                "predict(h) with X one row short", ["X"])
        later = case.X_rows(2, case.horizon + 2)
        raises(InputError, lambda: fitted.predict(case.horizon, later),
                "predict(h) with X for the wrong time stamps", ["X"])
        X_nan = case.X_rows(0, case.horizon).copy()
        X_nan.iloc[1, 0] = np.nan
        raises(InputError, lambda: fitted.predict(case.horizon, X_nan), "predict(h) with NaN in X", ["X"])
        raises(InputError, lambda: fitted.predict_origins(case.y_new, [case.y_new.index[-1]], case.horizon, None),
                "predict_origins without X_new", ["X_new"])


def check_no_lookahead(model: Any, y: Any = None, X: Any = None) -> None:
    """Values after an origin never change the forecast from that origin."""
    case = as_case(model, y, X)
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
        assert_same_forecast(moved[k], base[k], case.rtol, case.atol,
                              f"predict_origins: forecast from {origin} after changing the values that follow it")
    # Fitting on the series cut at the origin: what follows the cut, changed or not, must
    # not reach the model, and the model must not share memory with the caller's series.
    cut = case.n_train
    m, y_full = case.refit()
    first = case.predict(m)
    tol = 0.0 if case.tags["exact"] else 1e-6
    assert_same_forecast(first, case.predict(fitted), tol, tol * case.atol / case.rtol,
                          "fit on the series cut at the origin (later values changed) vs fit on the training part")
    y_full.iloc[:] = np.linspace(-1.0, 1.0, len(y_full))
    assert_same_forecast(case.predict(m), first, 0.0, 0.0,
                          "forecast after the caller changed its series in place")
    from_cut = m.predict_origins(y_full.iloc[cut : cut + case.n_new], [m.cutoff_], h, X_new)[0]
    assert_same_forecast(from_cut, first, case.rtol, case.atol,
                          "predict_origins from the cutoff (with different later values) vs predict")


def check_update_equals_batched(model: Any, y: Any = None, X: Any = None) -> None:
    """``predict_origins`` equals ``update`` + ``predict`` at each origin, and changes nothing."""
    case = as_case(model, y, X)
    h = case.horizon
    y_new = case.y_new
    X_new = case.X_rows(0, case.n_new + h)
    m = case.copy_fitted()
    before = case.predict(m)
    origins = [m.cutoff_, y_new.index[0], y_new.index[4], y_new.index[-1]]
    batched = m.predict_origins(y_new, origins, h, X_new)
    ensure(len(batched) == len(origins), f"predict_origins gave {len(batched)} forecasts for {len(origins)} origins")
    ensure(m.cutoff_ == case.y_train.index[-1] and len(m.y_) == case.n_train,
            "predict_origins changed the model's data")
    assert_same_forecast(case.predict(m), before, 0.0, 0.0, "predict after predict_origins")
    done = 0
    for origin, got in zip(origins, batched, strict=True):
        pos = 0 if origin == case.y_train.index[-1] else y_new.index.get_loc(origin) + 1
        if pos > done:
            out = m.update(y_new.iloc[done:pos], case.X_rows(done, pos))
            ensure(out is m, "update must return the model itself")
            done = pos
        ensure(m.cutoff_ == origin, f"after update the cutoff_ is {m.cutoff_}, expected {origin}")
        want = case.predict(m, start=pos)
        assert_same_forecast(got, want, case.rtol, case.atol,
                              f"predict_origins vs update + predict from origin {origin}")


def check_save_load(model: Any, y: Any = None, X: Any = None) -> None:
    """A saved and reloaded model gives the same forecasts, before and after ``update``."""
    from ..persistence import load_model

    case = as_case(model, y, X)
    m = case.fitted()
    tol = 0.0 if case.tags["exact"] else case.rtol
    atol = 0.0 if case.tags["exact"] else case.atol
    with tempfile.TemporaryDirectory() as tmp:
        path = m.save(Path(tmp) / "model")
        loaded = load_model(path, classes=[case.cls])
    ensure(type(loaded) is type(m), f"load gave a {type(loaded).__name__}")
    ensure(same(loaded.get_params(), m.get_params()), "the loaded model's parameters differ")
    ensure(loaded.is_fitted and loaded.cutoff_ == m.cutoff_, "the loaded model is not fitted up to the same cutoff")
    ensure(loaded.y_.index.equals(m.y_.index), "the loaded model's data has a different index")
    assert_same_forecast(case.predict(loaded), case.predict(m), tol, atol, "forecast of the loaded model")
    # after update: compare with the original's forecast from the same origin (the
    # batched path, which leaves the shared original unchanged)
    step = 4
    loaded.update(case.y_new.iloc[:step], case.X_rows(0, step))
    origin = case.y_new.index[step - 1]
    want = m.predict_origins(case.y_new.iloc[:step], [origin], case.horizon, case.X_rows(0, step + case.horizon))[0]
    assert_same_forecast(case.predict(loaded, start=step), want, case.rtol, case.atol,
                          "forecast of the loaded model after update")


def check_intervals(model: Any, y: Any = None, X: Any = None) -> None:
    """Intervals are ordered and nested (80% inside 95%), or clearly absent."""
    case = as_case(model, y, X)
    f = case.predict(case.fitted())
    if not case.tags["intervals"]:
        raises(InputError, lambda: f.interval(95), "interval(95) on a model without intervals", ["intervals"])
        ensure(list(f.to_frame().columns) == ["mean"], "to_frame() of a model without intervals should hold only 'mean'")
        return
    ensure(f.has_intervals, "the model's tags say intervals, but its forecast has none")
    mean = f.mean.to_numpy()
    widths = {}
    for level in (80, 95):
        band = f.interval(level)
        ensure(list(band.columns) == ["lower", "upper"] and band.index.equals(f.index),
                f"interval({level}) must be a DataFrame with lower/upper on the forecast index")
        lo, hi = band["lower"].to_numpy(), band["upper"].to_numpy()
        ensure(np.isfinite(lo).all() and np.isfinite(hi).all(), f"interval({level}) has non-finite bounds")
        slack = 1e-9 * (1 + np.abs(mean))
        ensure((lo <= mean + slack).all() and (mean <= hi + slack).all(),
                f"interval({level}) does not contain the mean: lower {lo[:4]}, mean {mean[:4]}, upper {hi[:4]}")
        widths[level] = hi - lo
    ensure((widths[95] >= widths[80]).all() and (widths[95] > widths[80]).any(),
            f"the 95% interval is not wider than the 80% one: widths {widths[95][:4]} vs {widths[80][:4]}")
    frame = f.to_frame()
    ensure(list(frame.columns) == ["mean", "lower_80", "upper_80", "lower_95", "upper_95"],
            f"to_frame() columns are {list(frame.columns)}")


def check_future_exog(model: Any, y: Any = None, X: Any = None) -> None:
    """A model with exogenous regressors uses the future values it is given."""
    case = as_case(model, y, X)
    fitted = case.fitted()
    h = case.horizon
    xf = case.X_rows(0, h)
    base = fitted.predict(h, xf)
    again = fitted.predict(h, xf.copy())
    assert_same_forecast(again, base, 0.0, 0.0, "two forecasts with the same future X")
    changed = xf * 1.5 + xf.abs().mean() + 1.0
    moved = fitted.predict(h, changed)
    ensure(not np.allclose(moved.mean.to_numpy(), base.mean.to_numpy(), rtol=case.rtol, atol=case.atol),
            "changing the future values of X did not change the forecast; the model ignores them")


