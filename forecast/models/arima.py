"""The ARMA family on statsmodels' state-space ARIMA: MA, AR, ARMA, ARMAX and (seasonal) ARIMA.

(The five public classes; their shared implementation -- estimation with its statsmodels
fallback, filtering, the one-pass multi-origin path and persistence -- is
:class:`.statespace.StateSpaceARIMA`, the estimator's numerics live in ``_arma_mle`` and
arma(auto)'s order search in ``arma_search``.)

Every model here is one statsmodels ``ARIMA`` (a state-space SARIMAX) with parameters
estimated by maximum likelihood in ``fit``. ``update`` runs the Kalman filter over the new
observations only, with the parameters held fixed, and ``predict_origins`` gives the
forecasts from many origins with one filtering pass. Prediction intervals come from the
state-space forecast variance (Gaussian errors).

>>> import forecast as fc
>>> y = fc.datasets.load("sunspots")
>>> model = fc.AR(p=2).fit(y)
>>> model.order_
(2, 0, 0)
>>> model.params_.index.tolist()
['const', 'ar.L1', 'ar.L2', 'sigma2']
>>> model.predict(3).mean.round(1).tolist()
[13.7, 31.8, 49.6]
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import InputError, ModelError
from ..validation import whole_number
from .statespace import CRITERIA, StateSpaceARIMA, order_tuple

__all__ = ["ARIMA", "ARMA", "ARMAX", "AR", "MA"]


class ARIMA(StateSpaceARIMA):
    """(Seasonal) ARIMA on statsmodels' state-space model, with optional exogenous regressors.

    Parameters
    ----------
    order : tuple of int
        ``(p, d, q)``: AR order, differences, MA order.
    seasonal_order : tuple of int
        ``(P, D, Q, s)``: the seasonal parts and the season length ``s``; ``(0, 0, 0, 0)`` for none.
    trend : {None, "n", "c", "t", "ct"}
        Deterministic trend. ``None`` (the default) means a constant ``"c"`` when the model
        is not differenced (``d == 0`` and ``D == 0``) and no trend ``"n"`` otherwise, as in
        statsmodels.
    method : str, optional
        None (the default): exact maximum likelihood by the toolkit's fast estimator
        (innovations algorithm + Levenberg-Marquardt, the same optimum as statsmodels'
        ``"statespace"`` fit, several times faster) for non-seasonal models with trend
        ``"n"``/``"c"`` (d = 0) or ``"n"``/``"t"`` (d = 1), statsmodels' ``"statespace"``
        fit otherwise. A statsmodels method name (``"statespace"``, ``"innovations_mle"``,
        ...) makes statsmodels estimate the model with it.
    maxiter : int, optional
        Most optimizer iterations of statsmodels' fit (implies statsmodels' optimiser).
    enforce_stationarity, enforce_invertibility : bool
        Restrict the AR/MA parameters to the stationary/invertible region.

    Attributes
    ----------
    params_ : pandas.Series
        Estimated coefficients by name (``const``, ``ar.L1``, ``ma.L1``, ``sigma2``, exog columns).
    aic_, bic_ : float
        Information criteria of the fit.
    fit_warnings_ : list of str
        Warnings statsmodels raised while estimating (e.g. non-convergence); never printed.
    fit_method_ : str
        Which estimator ran: ``"exact-ls"`` (the fast exact estimator) or the statsmodels
        method name.

    Examples
    --------
    >>> import forecast as fc
    >>> y = fc.datasets.load("airline")
    >>> model = fc.ARIMA(order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)).fit(y)
    >>> model.trend_, len(model.predict(12))
    ('n', 12)
    """

    _tags: ClassVar[dict[str, Any]] = {"supports_exog": True}
    _repr_always = ("order",)

    def __init__(self, order=(1, 0, 0), seasonal_order=(0, 0, 0, 0), trend=None, method=None,
                 maxiter=None, enforce_stationarity=True, enforce_invertibility=True) -> None:
        self.order = order
        self.seasonal_order = seasonal_order
        self.trend = trend
        self.method = method
        self.maxiter = maxiter
        self.enforce_stationarity = enforce_stationarity
        self.enforce_invertibility = enforce_invertibility

    def _spec(self):
        owner = type(self).__name__
        order = order_tuple(self.order, "order", owner, 3)
        seasonal_order = self._check_seasonal(self.seasonal_order)
        return order, seasonal_order, self._trend_for(order, seasonal_order, self.trend)

    @classmethod
    def _tiny_params(cls) -> dict[str, Any]:
        return {"order": (1, 1, 0)}


class _ARMABase(StateSpaceARIMA):
    """ARMA(p, q) with a constant: ``trend="c"`` unless told otherwise."""

    def _pq(self) -> tuple[Any, Any]:
        return getattr(self, "p", 0), getattr(self, "q", 0)

    def _spec(self):
        owner = type(self).__name__
        p, q = self._pq()
        p = p if p == "auto" else whole_number(p, "p", owner)
        q = q if q == "auto" else whole_number(q, "q", owner)
        order = (0 if p == "auto" else p, 0, 0 if q == "auto" else q)
        seasonal_order = (0, 0, 0, 0)
        return order, seasonal_order, self._trend_for(order, seasonal_order, self.trend)

    enforce_stationarity = True
    enforce_invertibility = True


_ARMA_DOC_COMMON = """
    trend : {"c", "n", "t", "ct"}
        Deterministic part; the default ``"c"`` includes a constant (the series' mean).
    method : str, optional
        None (the default): exact maximum likelihood by the toolkit's fast estimator
        (innovations algorithm + Levenberg-Marquardt; the optimum of statsmodels'
        ``"statespace"`` fit, several times faster). A statsmodels method name
        (``"statespace"``, ``"innovations_mle"``, ...) makes statsmodels estimate the model.
    maxiter : int, optional
        Most optimizer iterations of statsmodels' fit (implies statsmodels' optimiser).
"""


class MA(_ARMABase):
    __doc__ = """Moving-average model MA(q) with a constant.

    Parameters
    ----------
    q : int
        Number of moving-average lags.""" + _ARMA_DOC_COMMON + """
    Examples
    --------
    >>> import forecast as fc
    >>> fc.MA(q=1).fit(fc.datasets.load("sunspots")).order_
    (0, 0, 1)
    """

    _repr_always = ("q",)

    def __init__(self, q=1, trend="c", method=None, maxiter=None) -> None:
        self.q = q
        self.trend = trend
        self.method = method
        self.maxiter = maxiter


class AR(_ARMABase):
    __doc__ = """Autoregressive model AR(p) with a constant.

    Parameters
    ----------
    p : int
        Number of autoregressive lags.""" + _ARMA_DOC_COMMON + """
    Examples
    --------
    >>> import forecast as fc
    >>> fc.AR(p=1).fit(fc.datasets.load("sunspots")).params_.index.tolist()
    ['const', 'ar.L1', 'sigma2']
    """

    _repr_always = ("p",)

    def __init__(self, p=1, trend="c", method=None, maxiter=None) -> None:
        self.p = p
        self.trend = trend
        self.method = method
        self.maxiter = maxiter


class ARMA(_ARMABase):
    __doc__ = """ARMA(p, q) with a constant, optionally choosing p and q from the data.

    Parameters
    ----------
    p, q : int or "auto"
        AR and MA orders. ``"auto"`` searches ``0..max_p`` (``0..max_q``) and keeps the order
        with the lowest ``criterion``, using the training data only. The search
        (:mod:`forecast.models.arma_search`) screens every candidate by a quick exact
        likelihood fit (loose convergence, started from statsmodels' start values, from the
        optimum of the better nested neighbour ``(p-1, q)``/``(p, q-1)``, and from the
        estimator's mirror and zero starts), then fits by full maximum likelihood every
        candidate whose screened criterion is within 2 units of the best exact one (repeated
        until none is left); the order with the lowest exact criterion wins, estimated as an
        exhaustive search would estimate it. Candidates whose exact fit is degenerate (a
        log-likelihood of exactly 0) are dropped with a note in ``fit_warnings_``. Grids of
        at most 4 candidates, and models the fast estimator does not cover (trend ``"t"``,
        ``"ct"``, a ``method`` or ``maxiter``), are searched exhaustively.
    max_p, max_q : int
        Largest orders tried by the search.
    criterion : {"aic", "bic"}
        Information criterion of the search: AIC tends to keep more lags, BIC fewer.""" + _ARMA_DOC_COMMON + """
    Attributes
    ----------
    order_ : tuple
        The fitted order ``(p, 0, q)``.
    selection_ : pandas.DataFrame
        With ``"auto"``: every candidate's ``p``, ``q``, ``aic``, ``bic``, ``warnings`` and
        ``exact``, best first; ``exact`` is False for candidates that were only screened
        (their criteria are the screen's, an upper bound of sorts on the exact ones).

    Examples
    --------
    >>> import forecast as fc
    >>> y = fc.datasets.load("sunspots")
    >>> fc.ARMA(p=2, q=1).fit(y).predict(2).mean.round(1).tolist()
    [14.6, 33.4]
    """

    _repr_always = ("p", "q")

    def __init__(self, p=1, q=1, max_p=5, max_q=5, criterion="aic", trend="c", method=None,
                 maxiter=None) -> None:
        self.p = p
        self.q = q
        self.max_p = max_p
        self.max_q = max_q
        self.criterion = criterion
        self.trend = trend
        self.method = method
        self.maxiter = maxiter

    def _grid(self) -> tuple[list[int], list[int]]:
        owner = type(self).__name__
        ps = list(range(whole_number(self.max_p, "max_p", owner) + 1)) if self.p == "auto" else [int(self.p)]
        qs = list(range(whole_number(self.max_q, "max_q", owner) + 1)) if self.q == "auto" else [int(self.q)]
        return ps, qs

    def _validate_params(self) -> None:
        for name in ("p", "q"):
            value = getattr(self, name)
            if isinstance(value, str) and value != "auto":
                raise InputError(f"ARMA: {name} must be a whole number or 'auto'; got {value!r}")
        if self.criterion not in CRITERIA:
            raise InputError(f"ARMA: criterion must be 'aic' or 'bic'; got {self.criterion!r}")
        super()._validate_params()
        self._grid()

    def min_length(self) -> int:
        self._validate_params()
        _, _, trend = self._spec()
        ps, qs = self._grid()
        return self._length_for((max(ps), 0, max(qs)), (0, 0, 0, 0), len(trend.replace("n", "")))

    #: the exhaustive search (every candidate fitted exactly), kept for comparison
    #: (``benchmarks/bench_arma_auto.py``) and for grids too small to screen
    _exhaustive = False
    #: grids of at most this many candidates are searched exhaustively
    _SMALL_GRID = 4

    def _select(self, y, X, seasonal_order, trend):
        if self.p != "auto" and self.q != "auto":
            return self._spec()[0], [], None
        ps, qs = self._grid()
        if (not self._exhaustive and len(ps) * len(qs) > self._SMALL_GRID and X is None
                and trend in ("n", "c") and self._fast_applies((max(ps), 0, max(qs)), seasonal_order, trend)):
            from .arma_search import search_orders, selection_table

            def exact(p, q):
                aic, bic, n_warn, estimate = self._criteria(y, X, (p, 0, q), seasonal_order, trend)
                if aic == 2 * (p + q + int(trend == "c") + 1):  # log-likelihood exactly 0
                    raise ModelError("degenerate fit (a log-likelihood of exactly 0: statsmodels' "
                                     "optimiser ended at a unit root with cancelling AR and MA parts)")
                return aic, bic, n_warn, estimate

            rows, notes, estimates = search_orders(
                exact,
                y, trend == "c", ps, qs, self.criterion, n_reg=int(trend == "c"),
                start_of=lambda p, q: self._start_x(y, (p, 0, q), trend))
            table = selection_table(rows, self.criterion)
            if not np.isfinite(table[self.criterion].iloc[0]):
                raise ModelError(f"ARMA: every candidate order failed to fit ({len(table)} tried); "
                                 "try smaller max_p/max_q or check the series")
            self.selection_ = table
            p, q = int(table.iloc[0]["p"]), int(table.iloc[0]["q"])
            return (p, 0, q), notes, estimates.get((p, q))
        return self._select_exhaustive(y, X, seasonal_order, trend, ps, qs)

    def _start_x(self, y, order, trend):
        """statsmodels' start values of ``order`` (those the exact fit starts from), in the
        estimator's unconstrained parametrisation; None where there are none."""
        from ._arma_mle import unconstrain

        p, _, q = order
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                start = np.asarray(self._model(y, None, order, (0, 0, 0, 0), trend).start_params, dtype=float)
                k = int(trend == "c")
                with np.errstate(all="ignore"):
                    x0 = unconstrain(start[k:k + p], start[k + p:k + p + q])
        except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
            return None
        return np.where(np.isfinite(x0), np.clip(x0, -3, 3), 0.0)

    def _select_exhaustive(self, y, X, seasonal_order, trend, ps, qs):
        """Every candidate fitted by exact maximum likelihood (the search before screening)."""
        rows, notes, estimates = [], [], {}
        for p in ps:
            for q in qs:
                try:
                    aic, bic, n_warn, estimates[p, q] = self._criteria(y, X, (p, 0, q), seasonal_order, trend)
                    rows.append({"p": p, "q": q, "aic": aic, "bic": bic, "warnings": n_warn, "exact": True})
                except ModelError as err:
                    notes.append(f"order search: ARMA({p},{q}) failed: {err.__cause__}")
                    rows.append({"p": p, "q": q, "aic": np.nan, "bic": np.nan, "warnings": 0, "exact": True})
        table = pd.DataFrame(rows)
        ok = table[np.isfinite(table[self.criterion])]
        if ok.empty:
            raise ModelError(f"ARMA: every candidate order failed to fit ({len(table)} tried); "
                             "try smaller max_p/max_q or check the series")
        table = table.sort_values([self.criterion, "p", "q"], na_position="last").reset_index(drop=True)
        self.selection_ = table
        p, q = int(table.iloc[0]["p"]), int(table.iloc[0]["q"])
        return (p, 0, q), notes, estimates.get((p, q))

    @classmethod
    def _tiny_params(cls) -> dict[str, Any]:
        return {"p": 1, "q": 1}


class ARMAX(_ARMABase):
    __doc__ = """ARMA(p, q) errors around a linear regression on exogenous series ``X``.

    ``fit(y, X)`` needs ``X``; ``predict(horizon, X)`` needs the regressors' values for the
    ``horizon`` steps ahead (an InputError says which time stamps are missing).

    Parameters
    ----------
    p, q : int
        AR and MA orders of the regression errors.""" + _ARMA_DOC_COMMON + """
    Examples
    --------
    >>> import forecast as fc
    >>> macro = fc.datasets.load("macro")
    >>> model = fc.ARMAX(p=1).fit(macro["realcons"][:-4], X=macro[["realdpi"]][:-4])
    >>> len(model.predict(4, X=macro[["realdpi"]][-4:]))
    4
    """

    _tags: ClassVar[dict[str, Any]] = {"supports_exog": True, "requires_exog": True}
    _repr_always = ("p", "q")

    def __init__(self, p=1, q=0, trend="c", method=None, maxiter=None) -> None:
        self.p = p
        self.q = q
        self.trend = trend
        self.method = method
        self.maxiter = maxiter
