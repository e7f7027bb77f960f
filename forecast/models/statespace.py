"""The shared implementation of the ARMA family: one statsmodels ARIMA (a state-space
SARIMAX) per model, estimated by exact maximum likelihood (the fast estimator of
``_arma_mle`` where it applies, statsmodels' own fit as its fallback and check), filtered
thereafter: ``update`` filters new observations with fixed parameters, ``predict_origins``
forecasts from many origins with one filtering pass, and the fitted state persists as JSON.
The public classes (MA, AR, ARMA, ARMAX, ARIMA) in :mod:`.arima` say which specification
they stand for; AutoARIMA (:mod:`.auto_arima`) builds on the same class.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..base import Forecaster, Prediction
from ..errors import InputError, ModelError
from ..validation import whole_number

__all__ = ["StateSpaceARIMA", "statsmodels_call", "Estimated", "order_tuple", "TRENDS", "CRITERIA", "SHORT"]

TRENDS = ("n", "c", "t", "ct")
CRITERIA = ("aic", "bic")
#: Up to this many (differenced) observations statsmodels' own fit always runs beside the
#: fast estimator and the higher likelihood is kept: short series have flat likelihoods
#: whose supremum often lies at a unit root that no search from inside reaches (seen on
#: M3 yearly and quarterly series), and statsmodels' fit is cheap there. 150 is the length
#: above which R's auto.arima treats a series as long.
SHORT = 150


# ------------------------------------------------------------------ parameter checks
_whole = whole_number  # the toolkit's one rule for whole-number parameters


def order_tuple(value: Any, name: str, owner: str, size: int) -> tuple[int, ...]:
    if not isinstance(value, tuple | list) or len(value) != size:
        example = "(p, d, q), e.g. (1, 1, 1)" if size == 3 else "(P, D, Q, s), e.g. (0, 1, 1, 12)"
        raise InputError(f"{owner}: {name} must be a tuple {example}; got {value!r}")
    return tuple(_whole(v, f"{name}[{i}]", owner) for i, v in enumerate(value))


def statsmodels_call(action: str, owner: str, fn, *args, hint: str = "", **kwargs):
    """Run a statsmodels call, collecting its warnings and wrapping its failures."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = fn(*args, **kwargs)
        except (np.linalg.LinAlgError, ValueError, IndexError, OverflowError) as err:
            raise ModelError(
                f"{owner}: statsmodels failed while {action} ({type(err).__name__}: {err}); "
                "try a smaller order, a different trend, or check the series for level shifts "
                f"and extreme values{hint}"
            ) from err
    messages = [f"{w.category.__name__}: {w.message}" for w in caught]
    return out, messages


@dataclass(frozen=True)
class Estimated:
    """A finished estimate (statsmodels results, notes, method name), kept by an order
    search so that the chosen order is not estimated again."""

    results: Any
    notes: list[str]
    method: str


class StateSpaceARIMA(Forecaster):
    """Shared implementation: one statsmodels ARIMA, fitted once, filtered thereafter.

    Subclasses say which ``(order, seasonal_order, trend)`` they stand for in ``_spec``.
    """

    _tags: ClassVar[dict[str, Any]] = {"intervals": True, "supports_exog": False, "warm_start": True}
    #: per fit, by (order, trend, regressors): the optima the fast estimator ended at (a
    #: later fit's warm starts, :meth:`warm_start_from`), the ones it reached from a warm
    #: start, and the warm starts handed to this fit (instance state, set in ``_fit``)
    _optima: dict[tuple, tuple[np.ndarray, np.ndarray]]
    _warm_hits: set[tuple]
    _warm: dict[tuple, tuple[np.ndarray, np.ndarray]]
    #: parameters always shown in repr (the order), even when equal to the default

    # -------------------------------------------------------------- specification
    def _spec(self) -> tuple[tuple[int, int, int], tuple[int, int, int, int], str]:  # pragma: no cover
        raise NotImplementedError

    def _trend_for(self, order, seasonal_order, trend: Any) -> str:
        owner = type(self).__name__
        integrated = order[1] > 0 or seasonal_order[1] > 0
        if trend is None:
            return "n" if integrated else "c"
        if trend not in TRENDS:
            raise InputError(f"{owner}: trend must be one of {', '.join(map(repr, TRENDS))} or None; got {trend!r}")
        if integrated and trend in ("c", "ct"):
            raise InputError(
                f"{owner}: trend={trend!r} includes a constant, which differencing (d or D > 0) removes; "
                "use trend='n' or 't' (a drift)"
            )
        return trend

    def _check_seasonal(self, seasonal_order: Any) -> tuple[int, int, int, int]:
        owner = type(self).__name__
        so = order_tuple(seasonal_order, "seasonal_order", owner, 4)
        if any(so[:3]) and so[3] < 2:
            raise InputError(f"{owner}: seasonal_order has a seasonal part but its period s={so[3]}; give s >= 2 (e.g. 12 for monthly data)")
        return so

    def _check_fit_options(self) -> None:
        owner = type(self).__name__
        if self.maxiter is not None:
            _whole(self.maxiter, "maxiter", owner, low=1)
        if self.method is not None and not isinstance(self.method, str):
            raise InputError(f"{owner}: method must be a statsmodels ARIMA fit method name such as 'statespace'; got {self.method!r}")

    @staticmethod
    def _length_for(order, seasonal_order, k_trend: int) -> int:
        p, d, q = order
        P, D, Q, s = seasonal_order
        n_params = p + q + P + Q + k_trend + 1
        return d + D * s + max(p + P * s, q + Q * s, 1) + n_params

    def _validate_params(self) -> None:
        self._spec()
        self._check_fit_options()

    def min_length(self) -> int:
        self._validate_params()
        order, seasonal_order, trend = self._spec()
        return self._length_for(order, seasonal_order, len(trend.replace("n", "")))

    # -------------------------------------------------------------- statsmodels glue
    @staticmethod
    def _exog(X: pd.DataFrame | None) -> np.ndarray | None:
        return None if X is None else X.to_numpy(dtype=float)

    def _model(self, y: np.ndarray, X: np.ndarray | None, order, seasonal_order, trend):
        from statsmodels.tsa.arima.model import ARIMA as _SMARIMA

        mod = _SMARIMA(
            y, exog=X, order=order, seasonal_order=seasonal_order, trend=trend,
            enforce_stationarity=self.enforce_stationarity,
            enforce_invertibility=self.enforce_invertibility,
        )
        if (order[1] or seasonal_order[1]) and self.enforce_stationarity:
            # The differencing states start from an exact diffuse prior (Durbin-Koopman),
            # so the likelihood is the exact likelihood of the differenced data: scale-free,
            # and the one the fast estimator maximises. statsmodels' default, an
            # approximate diffuse prior of variance 1e6, is informative on series whose
            # level is in the thousands and moves the optimum with the units of the data.
            mod.use_exact_diffuse = True
            mod.loglikelihood_burn = 0
            mod.initialize_default()
        return mod

    def _fast_applies(self, order, seasonal_order, trend) -> bool:
        """Whether the fast exact estimator (:mod:`._arma_mle`) covers this specification."""
        if self.method is not None or self.maxiter is not None:
            return False  # the caller asked for statsmodels' own optimiser
        if not (self.enforce_stationarity and self.enforce_invertibility) or any(seasonal_order[:3]):
            return False
        d = order[1]
        return (d == 0 and trend in ("n", "c")) or (d == 1 and trend in ("n", "t")) or (d == 2 and trend == "n")

    def _fast_fit(self, mod, y: np.ndarray, X: np.ndarray | None, order, trend):
        """Exact ML on the differenced series; the parameter vector in statsmodels' order.

        statsmodels' ARIMA is a regression with ARIMA errors, and with d > 0 its (exact
        diffuse) likelihood is the likelihood of the differenced series and regressors, so
        the ARMA part is fitted there: a constant (d = 0) or a drift ('t' with d = 1) is a
        column of ones on that scale.
        """
        from ._arma_mle import FastFitError, fit_arma

        p, d, q = order
        yd = np.diff(y, d) if d else y
        cols = [np.ones(len(yd))] if trend in ("c", "t") else []
        if X is not None:
            cols.extend(np.asarray(np.diff(X, d, axis=0) if d else X, dtype=float).T)
        Xd = np.column_stack(cols) if cols else None
        k_reg = len(mod.param_names) - p - q - 1
        if len(cols) != k_reg:  # pragma: no cover - a specification statsmodels lays out otherwise
            raise FastFitError("unexpected parameter layout")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = np.asarray(mod.start_params, dtype=float)
        key = (tuple(int(v) for v in order), trend, k_reg)
        fit = fit_arma(yd, Xd, p, q, start[k_reg:k_reg + p], start[k_reg + p:k_reg + p + q],
                       other_starts=len(yd) > SHORT, warm=self.__dict__.get("_warm", {}).get(key))
        self.__dict__.setdefault("_optima", {})[key] = (fit.ar, fit.ma)
        if fit.warm:
            self.__dict__.setdefault("_warm_hits", set()).add(key)
        return fit, np.concatenate([fit.beta, fit.ar, fit.ma, [fit.sigma2]])

    @staticmethod
    def _fast_notes(fit) -> list[str]:
        if not fit.converged:
            return [f"ConvergenceWarning: the likelihood search did not converge in {fit.nfev} evaluations "
                    "from any of its starts (a flat likelihood); estimates may be imprecise"]
        if fit.boundary:
            return ["ConvergenceWarning: the likelihood is highest at a unit root (an AR or MA root on the "
                    "unit circle); the estimates lie on the boundary of the stationary/invertible region"]
        return []

    @staticmethod
    def _fast_trusted(fit) -> bool:
        """Whether the fast searches agree on one converged optimum inside the stationary and
        invertible region of a long series. Elsewhere (no convergence, a unit root, several
        optima found from different starts, or a short series) statsmodels' own fit is run
        too and the higher likelihood kept."""
        return bool(fit.nobs > SHORT and fit.converged and not fit.boundary and fit.modes == 1)

    def _fast_estimate(self, y: np.ndarray, X: np.ndarray | None, order, seasonal_order, trend):
        """The fast estimate ``(statsmodels model, ArmaFit, params)``, or None where the fast
        estimator does not apply or fails (the failure's message is then returned instead)."""
        from ._arma_mle import FastFitError

        if not self._fast_applies(order, seasonal_order, trend):
            return None
        try:
            mod = self._model(y, X, order, seasonal_order, trend)
            fit, params = self._fast_fit(mod, y, X, order, trend)
        except (FastFitError, np.linalg.LinAlgError, ValueError) as err:
            return str(err)
        return mod, fit, params

    def _estimate(self, y: np.ndarray, X: np.ndarray | None, order, seasonal_order, trend, *,
                  fast: Any = None, **fit_kwargs):
        """Maximum likelihood estimates: ``(statsmodels results, warnings, method name)``.

        The fast exact estimator runs where it applies (non-seasonal ARMA/ARIMA with the
        usual trends, stationarity and invertibility enforced, no method/maxiter given);
        the parameters it finds are then filtered through statsmodels' model, so forecasts,
        updates and intervals are statsmodels' own. Elsewhere, or if it fails, statsmodels
        estimates the model itself (L-BFGS on the state-space likelihood). ``fast`` passes
        a fast estimate already made (by an order search) so it is not made twice.
        """
        owner = type(self).__name__
        notes: list[str] = []
        if isinstance(fast, Estimated):  # finished by an order search
            return fast.results, fast.notes, fast.method
        if fast is None:
            fast = self._fast_estimate(y, X, order, seasonal_order, trend)
        fast_res = None
        if isinstance(fast, tuple):
            mod, fit, params = fast
            try:
                res, caught = statsmodels_call(f"filtering ARIMA{order} on {len(y)} observations", owner,
                                     mod.filter, params, cov_type="none")
                fast_res = (res, self._fast_notes(fit) + caught, "exact-ls")
                if self._fast_trusted(fit):
                    return fast_res
            except ModelError as err:
                fast = str(err)
        if isinstance(fast, str):
            notes.append(f"fast estimator failed ({fast}); statsmodels estimated the model instead")
        kwargs: dict[str, Any] = dict(fit_kwargs)
        # no parameter covariance: nothing here reads standard errors (intervals come from
        # the forecast variance), and statsmodels' numerical one costs as much as the fit
        kwargs.setdefault("cov_type", "none")
        if self.method is not None:
            kwargs["method"] = self.method
        if self.maxiter is not None:
            kwargs["method_kwargs"] = {"maxiter": int(self.maxiter)}

        def run():
            return self._model(y, X, order, seasonal_order, trend).fit(**kwargs)

        hint = "; if X is given, drop constant or duplicated columns from it" if X is not None else ""
        try:
            res, caught = statsmodels_call(f"estimating ARIMA{order}x{seasonal_order} on {len(y)} observations", owner,
                                 run, hint=hint)
        except ModelError:
            if fast_res is None:
                raise
            return fast_res
        if fast_res is not None:
            # the fast search ended flat or on the boundary: statsmodels' own fit was run
            # as well, and the higher likelihood (under the same model) is kept
            if not fast_res[0].llf >= res.llf:
                return res, fast_res[1] + caught, "statespace"
            return fast_res
        return res, notes + caught, "statespace" if self.method is None else str(self.method)

    def _criteria(self, y: np.ndarray, X: np.ndarray | None, order, seasonal_order, trend):
        """``(aic, bic, number of warnings, fast estimate or None)`` of one candidate order.

        With the fast estimator only the likelihood is needed, so no filtering pass runs;
        its estimate is returned so that the chosen order is not fitted again.
        """
        fast = self._fast_estimate(y, X, order, seasonal_order, trend)
        if isinstance(fast, tuple) and self._fast_trusted(fast[1]):
            _, fit, params = fast
            # the same numbers statsmodels reports for the filtered model: its exact
            # diffuse log-likelihood counts log(2 pi) / 2 less for each differenced-away
            # observation, and its effective sample is the whole series
            llf = fit.llf - 0.5 * np.log(2 * np.pi) * order[1]
            k = len(params)
            return -2 * llf + 2 * k, -2 * llf + np.log(len(y)) * k, 0, fast
        done = Estimated(*self._estimate(y, X, order, seasonal_order, trend, fast=fast))
        return float(done.results.aic), float(done.results.bic), len(done.notes), done

    def _select(self, y: np.ndarray, X: np.ndarray | None, seasonal_order, trend):
        """``(order to fit, notes, its fast estimate or None)``; subclasses with order
        selection override this."""
        return self._spec()[0], [], None

    def _extend(self, results, y_new: np.ndarray, X_new: np.ndarray | None):
        """Filter new observations with fixed parameters, starting from ``results``' last state.

        Like statsmodels ``results.extend`` (filtering only the new data) but carries the
        trend's time offset forward, so models with a time trend forecast correctly.
        """
        from statsmodels.tsa.statespace.initialization import Initialization

        offset = int(results.model.trend_offset + results.nobs)
        mod = results.model.clone(y_new, exog=X_new, trend_offset=offset, validate_exog=False)
        mod.trend_offset = offset
        mod.ssm.initialization = Initialization(
            mod.k_states, "known",
            constant=results.predicted_state[..., -1],
            stationary_cov=results.predicted_state_cov[..., -1],
        )
        return mod.filter(results.params, cov_type="none")

    # -------------------------------------------------------------- hooks
    def _set_warm_start(self, previous: Forecaster) -> None:
        self._warm = dict(getattr(previous, "_optima", {}))

    def _fit(self, y: pd.Series, X: pd.DataFrame | None) -> None:
        self._optima, self._warm_hits = {}, set()
        _, seasonal_order, _ = self._spec()
        order0 = self._spec()[0]
        trend = self._trend_for(order0, seasonal_order, self._trend_param())
        values, exog = y.to_numpy(dtype=float), self._exog(X)
        order, notes, fast = self._select(values, exog, seasonal_order, trend)
        results, caught, self.fit_method_ = self._estimate(values, exog, order, seasonal_order, trend, fast=fast)
        self.order_ = tuple(int(v) for v in order)
        self.seasonal_order_ = tuple(int(v) for v in seasonal_order)
        self.trend_ = trend
        self.results_ = results
        self.fit_warnings_ = notes + caught
        # whether the reported order's estimate came from a conclusive warm-started search
        self.warm_started_ = any(key[0] == self.order_ for key in self._warm_hits)
        self._set_summary(results, X)

    def _set_summary(self, results, X: pd.DataFrame | None) -> None:
        names = list(results.param_names)
        if X is not None:
            rename = {f"x{i + 1}": str(col) for i, col in enumerate(X.columns)}
            names = [rename.get(n, n) for n in names]
        self.params_ = pd.Series(np.asarray(results.params, dtype=float), index=names, name="params")
        self.aic_ = float(results.aic)
        self.bic_ = float(results.bic)
        self.llf_ = float(results.llf)

    def _trend_param(self) -> Any:
        return self.trend

    def _predict(self, horizon: int, X: pd.DataFrame | None) -> Prediction:
        fc, _ = statsmodels_call("forecasting", type(self).__name__, self.results_.get_forecast, horizon, exog=self._exog(X))
        return Prediction(np.asarray(fc.predicted_mean, dtype=float), se=np.asarray(fc.se_mean, dtype=float))

    def _update(self, y_new: pd.Series, X_new: pd.DataFrame | None) -> None:
        self.results_, _ = statsmodels_call("filtering new observations", type(self).__name__, self._extend,
                                  self.results_, y_new.to_numpy(dtype=float), self._exog(X_new))

    def _predict_origins(self, y_new: pd.Series, positions: list[int], horizon: int,
                         X_all: pd.DataFrame | None) -> list[Prediction]:
        """One Kalman pass over ``y_new`` (parameters fixed), then every origin's forecasts at once.

        The filter's one-step predicted state and covariance at each origin are propagated
        ``horizon`` steps through the (time-invariant) transition, all origins together.
        """
        last = positions[-1]
        endog = np.concatenate([y_new.to_numpy(dtype=float)[:last], np.full(horizon, np.nan)])
        exog = None if X_all is None else X_all.to_numpy(dtype=float)[: last + horizon]
        res, _ = statsmodels_call("filtering for multi-origin forecasts", type(self).__name__, self._extend,
                        self.results_, endog, exog)
        ssm = res.model.ssm
        fixed = {}
        for key in ("design", "obs_cov", "transition", "selection", "state_cov"):
            arr = np.asarray(ssm[key], dtype=float)
            if arr.ndim == 3:
                if arr.shape[-1] > 1:  # time-varying system matrices: use the generic path
                    return super()._predict_origins(y_new, positions, horizon, X_all)
                arr = arr[..., 0]
            fixed[key] = arr
        n_obs = len(endog)

        def by_time(key: str, size: int) -> np.ndarray:  # (n_obs + 1, size)
            arr = np.asarray(ssm[key], dtype=float)
            if arr.ndim == 2 and arr.shape[1] > 1:
                arr = np.concatenate([arr.T, arr.T[-1:]])
            else:
                arr = np.broadcast_to(arr.reshape(1, size), (n_obs + 1, size))
            return arr

        z = fixed["design"][0]  # one observed series
        T = fixed["transition"]
        RQR = fixed["selection"] @ fixed["state_cov"] @ fixed["selection"].T
        h_var = fixed["obs_cov"][0, 0]
        d = by_time("obs_intercept", 1)[:, 0]
        c = by_time("state_intercept", T.shape[0])
        pos = np.asarray(positions)
        a = res.predicted_state[:, pos].T.copy()  # (origins, states)
        P = np.moveaxis(res.predicted_state_cov[:, :, pos], -1, 0).copy()  # (origins, m, m)
        means = np.empty((len(pos), horizon))
        var = np.empty((len(pos), horizon))
        for k in range(horizon):
            t = pos + k
            means[:, k] = a @ z + d[t]
            var[:, k] = np.einsum("j,ojk,k->o", z, P, z) + h_var
            a = a @ T.T + c[t]
            P = T @ P @ T.T + RQR
        se = np.sqrt(np.maximum(var, 0.0))
        return [Prediction(means[i], se=se[i]) for i in range(len(pos))]

    # -------------------------------------------------------------- persistence
    def _get_state(self, folder: Path) -> dict[str, Any]:
        state = {
            "order": list(self.order_),
            "seasonal_order": list(self.seasonal_order_),
            "trend": self.trend_,
            "params": np.asarray(self.results_.params, dtype=float).tolist(),
            "param_names": self.params_.index.tolist(),
            "aic": self.aic_, "bic": self.bic_, "llf": self.llf_,
            "fit_warnings": list(self.fit_warnings_),
            "fit_method": self.fit_method_,
        }
        if hasattr(self, "selection_"):
            state["selection"] = self.selection_.to_dict(orient="list")
        return state

    def _set_state(self, state: dict[str, Any], folder: Path) -> None:
        self.order_ = tuple(int(v) for v in state["order"])
        self.seasonal_order_ = tuple(int(v) for v in state["seasonal_order"])
        self.trend_ = str(state["trend"])
        params = np.asarray(state["params"], dtype=float)
        mod = self._model(self.y_.to_numpy(dtype=float), self._exog(self.X_), self.order_,
                          self.seasonal_order_, self.trend_)
        self.results_, _ = statsmodels_call("re-filtering the saved data", type(self).__name__, mod.filter,
                                  params, cov_type="none")
        self.params_ = pd.Series(params, index=list(state["param_names"]), name="params")
        self.aic_, self.bic_, self.llf_ = float(state["aic"]), float(state["bic"]), float(state["llf"])
        self.fit_warnings_ = list(state["fit_warnings"])
        self.fit_method_ = str(state.get("fit_method", "statespace"))
        if "selection" in state:
            self.selection_ = pd.DataFrame(state["selection"])


