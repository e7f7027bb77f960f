"""Forecast combinations: the mean or median of several models' forecasts.

:class:`Combination` is a Forecaster like any other: ``fit`` fits a copy of each member on
the same data, ``predict`` / ``update`` / ``predict_origins`` call the members' and combine
their point forecasts and their interval bounds (quantile averaging: the combination's
bound at a level is the mean, or the median, of the members' bounds at that level).

The averaged bounds are then recalibrated split-conformally on the combination's own
errors (``calibration="conformal"``, the default; :mod:`forecast.models.calibration`):
``fit`` holds out the last quarter of the training data, fits the members on the rest and
forecasts every origin of the held-out part; each error is measured in units of the
averaged interval's half-width on its side, and the bounds are scaled by the conformal
quantile of those ratios, pooled over the horizon steps, so that they cover.

In :func:`forecast.backtest` a combination is not fitted at all: the engine runs its
members' tasks (a member also listed alone runs once) and builds the combination's
forecasts from the members' forecasts at the same origins (:func:`combine_records`); the
bounds at each origin are recalibrated on the combination's errors at the series' earlier
origins whose whole horizon is observed by then (:func:`calibration.recalibrate_records`).

>>> import forecast as fc
>>> y = fc.datasets.load("airline")
>>> combo = fc.Combination([fc.Naive(), fc.SeasonalNaive(m=12)]).fit(y)
>>> combo.predict(2).mean.round(1).tolist()
[424.5, 411.5]
"""

from __future__ import annotations

from pathlib import Path
from statistics import NormalDist
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..base import DEFAULT_TAGS, Forecaster, Prediction
from ..errors import InputError
from .calibration import CALIBRATIONS, Calibrator

__all__ = ["Combination", "HOWS", "combine_records"]

HOWS = ("mean", "median", "inverse_error")
#: combinations a standalone model can compute (inverse_error needs a backtest's earlier origins)
_STANDALONE = ("mean", "median")


def _reduce(stack: np.ndarray, how: str) -> np.ndarray:
    return np.median(stack, axis=0) if how == "median" else np.mean(stack, axis=0)


def prediction_bounds(pred: Prediction, frac: float) -> tuple[np.ndarray, np.ndarray]:
    mean = np.asarray(pred.mean, dtype=float)
    if pred.bounds is not None:
        lower, upper = pred.bounds(frac)
        return np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    z = NormalDist().inv_cdf(0.5 + frac / 2)
    se = np.asarray(pred.se, dtype=float)
    return mean - z * se, mean + z * se


def _combine(preds: list[Prediction], how: str, intervals: bool, calibrator: Calibrator | None = None) -> Prediction:
    mean = _reduce(np.stack([np.asarray(p.mean, dtype=float) for p in preds]), how)
    if not intervals:
        return Prediction(mean)

    def averaged(frac: float) -> tuple[np.ndarray, np.ndarray]:
        pairs = [prediction_bounds(p, frac) for p in preds]
        lower = _reduce(np.stack([lo for lo, _ in pairs]), how)
        upper = _reduce(np.stack([up for _, up in pairs]), how)
        # each member's interval holds its own mean, so the averaged bounds hold the averaged mean
        # (mean); for the median that need not be so: widen to the point forecast
        return np.minimum(lower, mean), np.maximum(upper, mean)

    method = f"{how} of the members' interval bounds"
    if calibrator is None or not calibrator.active:
        if calibrator is not None:
            method += f" (not recalibrated: {calibrator.note})"
        return Prediction(mean, bounds=averaged, interval_method=method)

    def bounds(frac: float) -> tuple[np.ndarray, np.ndarray]:
        return calibrator.bounds(mean, averaged, frac)

    return Prediction(mean, bounds=bounds, interval_method=method + ", " + calibrator.describe())


class _Tags:
    """``get_tags`` on the class: the class's own tags; on an instance: derived from the members
    (intervals only if every member gives them, deterministic/exact only if every member is,
    needs Keras if any member does)."""

    def __get__(self, obj: Any, owner: type) -> Any:
        if obj is None:
            return lambda: Forecaster.get_tags.__func__(owner)
        return obj._member_tags


class Combination(Forecaster):
    """The mean or median of the forecasts of several models.

    Parameters
    ----------
    models : list of Forecaster
        The members (at least two), each fitted on the same data (copies: the objects
        given are never fitted).
    how : "mean", "median" or "inverse_error"
        How point forecasts and interval bounds are combined, step by step.
        ``"inverse_error"`` (backtest only) weights each member by the inverse of its mean
        absolute error at the earlier origins whose whole horizon is observed by the
        origin forecast (equal weights before there is one); a standalone model refuses it.
    calibration : "conformal" or "none"
        ``"conformal"`` (default) recalibrates the combined bounds split-conformally on the
        combination's own errors: ``fit`` holds out the last quarter of the training data
        (at most 60 values, leaving the members' ``min_length``), fits copies of the members
        on the rest and forecasts from every held-out origin (up to the largest integer
        ``horizon`` of a member, else 12 steps); each error is divided by the averaged
        interval's half-width on its side and the bounds are scaled by the split-conformal
        quantile of these ratios (pooled over steps; widened where needed so that the 95%
        interval holds the 80% one). With too few errors for a level (fewer than
        ``level/(1-level)``) that level keeps the averaged bounds; ``calibration_``
        reports what was used. ``"none"`` keeps the averaged bounds.

    The combination fits one series at a time (not tagged ``global_model``): in a
    backtest over a panel its global members are still trained globally, since the
    engine runs each member as its own contender and combines their forecasts.
    Exogenous regressors are not supported.
    """

    _tags: ClassVar[dict[str, Any]] = {"intervals": True, "family": "combination"}
    get_tags = _Tags()  # type: ignore[assignment]

    def __init__(self, models: Any = None, how: str = "mean", calibration: str = "conformal") -> None:
        self.models = models
        self.how = how
        self.calibration = calibration

    @classmethod
    def _tiny_params(cls) -> dict[str, Any]:
        from .baseline import Drift, Naive, SeasonalNaive

        return {"models": [Naive(), SeasonalNaive(m=12), Drift()], "how": "mean"}

    def _member_tags(self) -> dict[str, Any]:
        tags = dict(DEFAULT_TAGS)
        tags.update(type(self).get_tags())
        members = self.models if isinstance(self.models, list | tuple) else []
        members = [m for m in members if isinstance(m, Forecaster)]
        if members:
            member_tags = [m.get_tags() for m in members]
            tags["intervals"] = all(t["intervals"] for t in member_tags)
            tags["deterministic"] = all(t["deterministic"] for t in member_tags)
            tags["exact"] = all(t["exact"] for t in member_tags)
            tags["needs_keras"] = any(t["needs_keras"] for t in member_tags)
        return tags

    def _validate_params(self) -> None:
        if not isinstance(self.models, list | tuple) or len(self.models) < 2:
            raise InputError(f"Combination: models must be a list of at least two models; got {self.models!r}")
        for i, m in enumerate(self.models):
            if not isinstance(m, Forecaster):
                raise InputError(f"Combination: models[{i}] must be a Forecaster (e.g. fc.Naive()); "
                                 f"got {type(m).__name__}")
            if isinstance(m, Combination):
                raise InputError(f"Combination: models[{i}] is itself a combination; list its members instead")
            if m.get_tags()["requires_exog"]:
                raise InputError(f"Combination: models[{i}] ({m!r}) needs exogenous regressors, "
                                 "which a combination does not pass on; drop it")
        if self.how not in HOWS:
            raise InputError(f"Combination: how must be one of {', '.join(HOWS)}; got {self.how!r}")
        if self.calibration not in CALIBRATIONS:
            raise InputError(f"Combination: calibration must be one of {', '.join(CALIBRATIONS)}; "
                             f"got {self.calibration!r}")

    def _fit(self, y: pd.Series, X: pd.DataFrame | None) -> None:
        if self.how not in _STANDALONE:
            raise InputError(f"Combination: how={self.how!r} learns its weights from the members' errors at a "
                             "backtest's earlier origins; use it in fc.backtest (or --models), or use how='mean' "
                             "or how='median' for a model fitted on its own")
        self.members_ = [m.clone().fit(y) for m in self.models]
        self.calibrator_ = None
        if self.calibration == "conformal" and self.get_tags()["intervals"]:
            from .calibration import holdout_calibrator

            self.calibrator_ = holdout_calibrator(self.models, y, self.how, self.min_length(),
                                                  lambda preds: _combine(preds, self.how, True))
        self.calibration_ = None if self.calibrator_ is None else self.calibrator_.report()

    def min_length(self) -> int:
        if not isinstance(self.models, list | tuple):
            return 1
        return max([1, *(m.min_length() for m in self.models if isinstance(m, Forecaster))])

    # ------------------------------------------------------------ hooks

    def _update(self, y_new: pd.Series, X_new: pd.DataFrame | None) -> None:
        for m in self.members_:
            m.update(y_new)

    def _predict(self, horizon: int, X: pd.DataFrame | None) -> Prediction:
        return _combine([m._predict(horizon, None) for m in self.members_], self.how,
                        self.get_tags()["intervals"], self.calibrator_)

    def _predict_origins(self, y_new: pd.Series, positions: list[int], horizon: int,
                         X_all: pd.DataFrame | None) -> list[Prediction]:
        per_member = [m._predict_origins(y_new, positions, horizon, None) for m in self.members_]
        intervals = self.get_tags()["intervals"]
        return [_combine([preds[i] for preds in per_member], self.how, intervals, self.calibrator_)
                for i in range(len(positions))]

    # ------------------------------------------------------------ persistence
    def _get_state(self, folder: Path) -> dict[str, Any]:
        from ..persistence import save_model

        for i, m in enumerate(self.members_):
            save_model(m, Path(folder) / f"member{i}")
        return {"members": len(self.members_),
                "calibrator": None if self.calibrator_ is None else self.calibrator_.to_state()}

    def _set_state(self, state: dict[str, Any], folder: Path) -> None:
        from ..persistence import load_model

        self.members_ = [load_model(Path(folder) / f"member{i}") for i in range(int(state["members"]))]
        cal = state.get("calibrator")
        self.calibrator_ = None if cal is None else Calibrator.from_state(cal)
        self.calibration_ = None if self.calibrator_ is None else self.calibrator_.report()


# ---------------------------------------------------------------- in the backtest
def inverse_error_weights(means: np.ndarray, ok: np.ndarray, origins: list[int], y: np.ndarray) -> np.ndarray:
    """Weights ``(origins, members)`` of an inverse-error combination.

    ``means`` is ``(members, origins, horizon)``: the members' forecasts at ``origins``
    (positions in ``y``, increasing), ``ok`` ``(origins,)`` whether every member forecast
    there. The weights at origin ``o`` use only the forecasts from earlier origins ``p``
    whose whole horizon is observed at ``o`` (``p + horizon <= o``) and the values of ``y``
    up to ``o``: each member's weight is the inverse of its mean absolute error there
    (normalised to sum to one); equal weights while there is no such origin.
    """
    n_members, n_origins, h = means.shape
    steps = np.arange(1, h + 1)
    origins_arr = np.asarray(origins)
    weights = np.full((n_origins, n_members), 1.0 / n_members)
    for k, o in enumerate(origins_arr):
        past = np.flatnonzero(ok & (origins_arr + h <= o))
        if past.size == 0:
            continue
        actual = y[origins_arr[past][:, None] + steps[None, :]]  # (past, h), all at positions <= o
        mae = np.array([np.mean(np.abs(actual - means[i, past])) for i in range(n_members)])
        if not np.all(np.isfinite(mae)):
            continue
        inv = 1.0 / np.maximum(mae, 1e-12 * max(float(np.max(mae)), 1e-300))
        weights[k] = inv / inv.sum()
    return weights


def combine_records(name: str, how: str, member_records: list[dict[str, Any]],
                    member_names: list[str], intervals: bool, weights: np.ndarray | None = None) -> dict[str, Any]:
    """The combination's backtest record for one (series, segment) from its members' records
    at the same origins: an origin is forecast where every member forecast it. ``weights``
    ``(origins, members)`` (``how="inverse_error"``) weight the members per origin."""
    first = member_records[0]
    origins = first["origins"]
    for rec in member_records[1:]:
        if rec["origins"] != origins:  # pragma: no cover - the engine plans members alike
            raise RuntimeError(f"combination {name!r}: members were scored on different origins")
    ok = np.all([rec["ok"] for rec in member_records], axis=0)

    def stack(field: str) -> np.ndarray:
        return np.stack([np.asarray(rec[field], dtype=float) for rec in member_records])

    def reduce(values: np.ndarray) -> np.ndarray:  # (members, origins, horizon) -> (origins, horizon)
        if weights is not None:
            return np.einsum("mos,om->os", values, weights)
        return _reduce(values, how)

    mean = np.where(ok[:, None], reduce(stack("mean")), np.nan)
    if intervals:
        lower = np.minimum(reduce(stack("lower")), mean)
        upper = np.maximum(reduce(stack("upper")), mean)
    else:
        lower = upper = np.full_like(mean, np.nan)
    failures = []
    for i, origin in enumerate(origins):
        if ok[i]:
            continue
        bad = [(mname, rec) for mname, rec in zip(member_names, member_records, strict=True) if not rec["ok"][i]]
        mname, rec = bad[0]
        why = next((f for f in rec["failures"] if f["origin"] == origin), None)
        failures.append({"origin": int(origin), "stage": why["stage"] if why else "predict",
                         "error_type": "MemberFailed",
                         "message": f"member {mname!r} failed"
                                    + (f": {why['error_type']}: {why['message']}" if why else "")})
    return {
        "key": "combo:" + "+".join(rec["key"] for rec in member_records),
        "series_id": first["series_id"],
        "model": name,
        "segment": first["segment"],
        "origins": list(origins),
        "ok": ok.tolist(),
        "mean": mean.tolist(),
        "lower": lower.tolist(),
        "upper": upper.tolist(),
        "fit_seconds": 0.0,
        "predict_seconds": 0.0,
        "failures": failures,
        "resolved": {"members": list(member_names), "how": how},
        "warnings": [],
    }
