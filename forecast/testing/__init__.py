"""Checks every forecaster must pass; usable on your own :class:`~forecast.base.Forecaster`.

(The conformance suite as a package: :mod:`.single` holds the checks on one series,
:mod:`.panel` those of a global model on a panel, :mod:`.case` the model and data a check
runs on, :mod:`.helpers` the shared assertions; read top to bottom, they are the
specification of the Forecaster contract.)

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

from collections.abc import Callable, Iterator
from typing import Any

from .case import Case
from .panel import (
    check_panel_fit_predict,
    check_panel_no_lookahead,
    check_panel_refused,
    check_panel_save_load,
    check_panel_update_equals_batched,
)
from .single import (
    check_bad_input,
    check_clone,
    check_determinism,
    check_fit_returns_self,
    check_future_exog,
    check_horizon_index,
    check_intervals,
    check_no_lookahead,
    check_not_fitted,
    check_params_verbatim,
    check_save_load,
    check_tags,
    check_update_equals_batched,
)

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
