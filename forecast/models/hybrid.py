"""Hybrid of a classical model and a network on its residuals (Zhang, 2003).

``Hybrid(classical, recurrent)`` answers the toolkit's question in one model: the classical
model (ARIMA) captures the linear part of the series; the network learns what it leaves,
its one-step in-sample residuals; the forecast is the sum of the two forecasts.

- ``fit(y)``: the classical model is fitted on ``y``; its one-step residuals on the same
  training data (the state-space model's innovations, ``results_.resid``, for the ARIMA
  family; otherwise the one-step forecasts of a copy fitted on the first ``min_length()``
  values) are the network's training series, with ``y``'s time index. The first
  ``d + D m`` residuals of a differenced model (its diffuse start) are set to zero.
- On a panel (when the network is a global model) the classical model is fitted per
  series and the network once over all the series' residuals.
- ``update`` / ``predict_origins``: the new values' residuals are the classical model's
  one-step forecast errors with its parameters fixed, fed to the network as new data.
- Intervals: the classical model's intervals shifted by the network's residual forecast.

>>> import forecast as fc
>>> fc.Hybrid(fc.ARIMA(order=(1, 1, 0)), fc.LSTM()).get_params()["horizon"]
'auto'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..base import DEFAULT_TAGS, Forecaster, Prediction
from ..errors import InputError
from ..validation import whole_number
from .combination import prediction_bounds

__all__ = ["Hybrid", "one_step_residuals"]


def _burn_in(model: Forecaster) -> int:
    order = getattr(model, "order_", None)
    seasonal = getattr(model, "seasonal_order_", None)
    d = int(order[1]) if order is not None and len(order) == 3 else 0
    big_d = int(seasonal[1]) * int(seasonal[3]) if seasonal is not None and len(seasonal) == 4 else 0
    return d + big_d


def one_step_residuals(fitted: Forecaster, y: pd.Series) -> pd.Series:
    """The one-step in-sample residuals of a classical model fitted on ``y`` (training data only)."""
    results = getattr(fitted, "results_", None)
    resid = None if results is None else getattr(results, "resid", None)
    if resid is not None and len(resid) == len(y):
        r = np.asarray(resid, dtype=float).copy()
        r[:min(_burn_in(fitted), len(r))] = 0.0
    else:
        k = max(1, fitted.min_length())
        r = np.zeros(len(y))
        if len(y) > k:
            head = fitted.clone().fit(y.iloc[:k])
            preds = head._predict_origins(y.iloc[k:], list(range(len(y) - k)), 1, None)
            r[k:] = y.to_numpy(dtype=float)[k:] - np.array([float(np.asarray(p.mean)[0]) for p in preds])
    r[~np.isfinite(r)] = 0.0
    return pd.Series(r, index=y.index, name=y.name)


def _new_residuals(classical: Forecaster, y_new: pd.Series) -> pd.Series:
    """One-step forecast errors of the new values, the classical parameters fixed."""
    if len(y_new) == 0:
        return y_new.astype(float)
    preds = classical._predict_origins(y_new, list(range(len(y_new))), 1, None)
    fit = np.array([float(np.asarray(p.mean)[0]) for p in preds])
    r = y_new.to_numpy(dtype=float) - fit
    r[~np.isfinite(r)] = 0.0
    return pd.Series(r, index=y_new.index, name=y_new.name)


def _sum(classical: Prediction, network: Prediction, intervals: bool) -> Prediction:
    shift = np.asarray(network.mean, dtype=float)
    mean = np.asarray(classical.mean, dtype=float) + shift
    if not intervals:
        return Prediction(mean)

    def bounds(frac: float) -> tuple[np.ndarray, np.ndarray]:
        lower, upper = prediction_bounds(classical, frac)
        return lower + shift, upper + shift

    return Prediction(mean, bounds=bounds,
                      interval_method="the classical model's intervals shifted by the network's residual forecast")


class _Tags:
    """Class tags on the class; on an instance, derived from the two members."""

    def __get__(self, obj: Any, owner: type) -> Any:
        if obj is None:
            return lambda: Forecaster.get_tags.__func__(owner)
        return obj._member_tags


class Hybrid(Forecaster):
    """A classical model plus a network trained on its one-step residuals (Zhang, 2003).

    Parameters
    ----------
    classical : Forecaster
        The linear model fitted on the series (e.g. ``fc.ARIMA`` or ``fc.AutoARIMA``); a
        copy is fitted per series.
    recurrent : Forecaster
        The network that learns the classical model's residuals (e.g. ``fc.LSTM()``); a
        global model is trained once over a panel's residual series.
    horizon : "auto" or int
        Given to the network's ``horizon`` when that is ``"auto"`` (its direct head);
        "auto": the horizon handed to ``fit(horizon=)`` (the backtest hands its own).
    n_jobs : int
        Worker processes for the per-series classical fits on a panel (joblib).

    Attributes
    ----------
    classical_, network_ : fitted members (``classical_`` a dict by series id on a panel)
    residuals_ : the network's training series (the classical in-sample residuals)
    resolved_params_ : both members' settings: ``classical`` (its spec and the orders each
        fit chose), ``recurrent`` (its spec) and ``network`` (its ``resolved_params_``).
    """

    _tags: ClassVar[dict[str, Any]] = {"needs_keras": True, "intervals": True, "global_model": True,
                                       "deterministic": True, "exact": False, "uses_horizon": True,
                                       "uses_season": True}
    get_tags = _Tags()  # type: ignore[assignment]

    def __init__(self, classical: Any = None, recurrent: Any = None, horizon: int | str = "auto",
                 n_jobs: int = 1) -> None:
        self.classical = classical
        self.recurrent = recurrent
        self.horizon = horizon
        self.n_jobs = n_jobs

    @classmethod
    def _tiny_params(cls) -> dict[str, Any]:
        from .arima import ARIMA
        from .recurrent import LSTM

        return {"classical": ARIMA(order=(1, 0, 0)), "recurrent": LSTM(**LSTM._tiny_params())}

    def _member_tags(self) -> dict[str, Any]:
        tags = dict(DEFAULT_TAGS)
        tags.update(type(self).get_tags())
        c, r = self.classical, self.recurrent
        if isinstance(c, Forecaster) and isinstance(r, Forecaster):
            ct, rt = c.get_tags(), r.get_tags()
            tags["intervals"] = bool(ct["intervals"])
            tags["needs_keras"] = bool(ct["needs_keras"] or rt["needs_keras"])
            tags["deterministic"] = bool(ct["deterministic"] and rt["deterministic"])
            tags["exact"] = bool(ct["exact"] and rt["exact"])
            tags["global_model"] = bool(rt["global_model"])
        return tags

    def _validate_params(self) -> None:
        for name in ("classical", "recurrent"):
            m = getattr(self, name)
            if not isinstance(m, Forecaster):
                raise InputError(f"Hybrid: {name} must be a Forecaster (e.g. fc.ARIMA(), fc.LSTM()); "
                                 f"got {type(m).__name__}")
            if m.get_tags()["requires_exog"]:
                raise InputError(f"Hybrid: {name} ({m!r}) needs exogenous regressors, which a hybrid does not pass on")
            if isinstance(m, Hybrid):
                raise InputError(f"Hybrid: {name} is itself a hybrid")
        if self.horizon != "auto":
            whole_number(self.horizon, "horizon", "Hybrid", low=1)
        if whole_number(self.n_jobs, "n_jobs", "Hybrid", low=-1) == 0:
            raise InputError(f"Hybrid: n_jobs must be a whole number (-1: all cores), not 0; got {self.n_jobs!r}")

    def min_length(self) -> int:
        need = [1]
        for m in (self.classical, self.recurrent):
            if isinstance(m, Forecaster):
                need.append(m.min_length())
        return max(need)

    # ------------------------------------------------------------ fitting
    def _network(self) -> Forecaster:
        net = self.recurrent.clone()
        head = self._handed("horizon") if self.horizon == "auto" else self.horizon  # the backtest hands its own
        if head is not None and net.get_params().get("horizon", None) == "auto":
            net.set_params(horizon=int(head))
        return net

    def _classical_fit(self, y: pd.Series, season: int | None = None) -> tuple[Forecaster, pd.Series]:
        model = self.classical.clone().fit(y, season=season)  # the handed season passed on
        return model, one_step_residuals(model, y)

    def _fit(self, y: pd.Series, X: pd.DataFrame | None) -> None:
        self.classical_, self.residuals_ = self._classical_fit(y, self._handed("season"))
        self.network_ = self._network().fit(self.residuals_, season=self._handed("season"))
        self._resolve()

    def _fit_panel(self, ys: dict[str, pd.Series], Xs: dict[str, pd.DataFrame] | None) -> None:
        if self.n_jobs == 1 or len(ys) < 2:
            fits = [self._classical_fit(y, self._handed("season", sid)) for sid, y in ys.items()]
        else:
            from joblib import Parallel, delayed

            fits = Parallel(n_jobs=self.n_jobs)(delayed(self._classical_fit)(y, self._handed("season", sid))
                                                for sid, y in ys.items())
        self.classical_ = {sid: f[0] for sid, f in zip(ys, fits, strict=True)}
        self.residuals_ = {sid: f[1] for sid, f in zip(ys, fits, strict=True)}
        self.network_ = self._network().fit(self.residuals_, season=self._handed("season"))
        self._resolve()

    def _resolve(self) -> None:
        def orders(m: Forecaster) -> str | None:
            o, so = getattr(m, "order_", None), getattr(m, "seasonal_order_", None)
            if o is None:
                return None
            return f"{tuple(o)}" + (f"x{tuple(so)}" if so is not None and any(so[:3]) else "")

        if isinstance(self.classical_, dict):
            counts: dict[str, int] = {}
            for m in self.classical_.values():
                key = orders(m) or repr(m)
                counts[key] = counts.get(key, 0) + 1
            chosen: Any = counts
        else:
            chosen = orders(self.classical_)
        self.resolved_params_ = {"classical": repr(self.classical), "classical_orders": chosen,
                                 "recurrent": repr(self.recurrent),
                                 "network": dict(getattr(self.network_, "resolved_params_", {}) or {})}

    # ------------------------------------------------------------ one series
    def _update(self, y_new: pd.Series, X_new: pd.DataFrame | None) -> None:
        r_new = _new_residuals(self.classical_, y_new)
        self.classical_.update(y_new)
        self.network_.update(r_new)

    def _predict(self, horizon: int, X: pd.DataFrame | None) -> Prediction:
        return _sum(self.classical_._predict(horizon, None), self.network_._predict(horizon, None),
                    self.get_tags()["intervals"])

    def _predict_origins(self, y_new: pd.Series, positions: list[int], horizon: int,
                         X_all: pd.DataFrame | None) -> list[Prediction]:
        classical = self.classical_._predict_origins(y_new, positions, horizon, None)
        r_new = _new_residuals(self.classical_, y_new)
        network = self.network_._predict_origins(r_new, positions, horizon, None)
        intervals = self.get_tags()["intervals"]
        return [_sum(c, n, intervals) for c, n in zip(classical, network, strict=True)]

    # ------------------------------------------------------------ a panel
    def _update_panel(self, ys_new: dict[str, pd.Series], Xs_new: dict[str, pd.DataFrame] | None) -> None:
        residuals = {}
        for sid, part in ys_new.items():
            if len(part) == 0:
                continue
            residuals[sid] = _new_residuals(self.classical_[sid], part)
            self.classical_[sid].update(part)
        if residuals:
            self.network_.update(residuals)

    def _predict_panel(self, horizon: int, Xs: dict[str, pd.DataFrame] | None) -> dict[str, Prediction]:
        network = self.network_._predict_panel(horizon, None)
        intervals = self.get_tags()["intervals"]
        return {sid: _sum(m._predict(horizon, None), network[sid], intervals) for sid, m in self.classical_.items()}

    def _predict_origins_panel(self, ys_new: dict[str, pd.Series], positions: dict[str, list[int]],
                               horizon: int, Xs_all: dict[str, pd.DataFrame] | None) -> dict[str, list[Prediction]]:
        classical, residuals = {}, {}
        for sid, part in ys_new.items():
            classical[sid] = self.classical_[sid]._predict_origins(part, positions[sid], horizon, None)
            residuals[sid] = _new_residuals(self.classical_[sid], part)
        network = self.network_._predict_origins_panel(residuals, positions, horizon, None)
        intervals = self.get_tags()["intervals"]
        return {sid: [_sum(c, n, intervals) for c, n in zip(classical[sid], network[sid], strict=True)]
                for sid in ys_new}

    # ------------------------------------------------------------ persistence
    def _get_state(self, folder: Path) -> dict[str, Any]:
        from ..persistence import save_model

        folder = Path(folder)
        save_model(self.network_, folder / "network")
        if isinstance(self.classical_, dict):
            ids = list(self.classical_)
            for i, sid in enumerate(ids):
                save_model(self.classical_[sid], folder / f"classical{i}")
            return {"panel_ids": ids, "resolved_params": self.resolved_params_}
        save_model(self.classical_, folder / "classical")
        return {"panel_ids": None, "resolved_params": self.resolved_params_}

    def _set_state(self, state: dict[str, Any], folder: Path) -> None:
        from ..persistence import load_model

        folder = Path(folder)
        self.network_ = load_model(folder / "network")
        ids = state["panel_ids"]
        if ids is None:
            self.classical_ = load_model(folder / "classical")
        else:
            self.classical_ = {str(sid): load_model(folder / f"classical{i}") for i, sid in enumerate(ids)}
        self.residuals_ = getattr(self.network_, "y_", None)
        self.resolved_params_ = state["resolved_params"]
