"""Automatic seasonal ARIMA: the Hyndman-Khandakar algorithm of R's ``forecast::auto.arima``.

(The differencing tests and the stepwise search are here; the seasonal likelihood the
search evaluates is :mod:`.sarima_lik`.)

Every choice is made on the training series given to ``fit``:

1. the season ``m``: ``m=`` when set (``m=1`` means non-seasonal), else the one handed to
   ``fit(season=)`` (the backtest's, per series), else from the time index (12 monthly, 4
   quarterly, 24 hourly, ...);
2. the seasonal differences ``D`` (0 or 1) by the seasonal-strength test of R's
   ``nsdiffs``: difference when the STL seasonal strength is at least 0.64;
3. the differences ``d`` (0 to ``max_d``) by successive KPSS tests at level 0.05 on the
   (seasonally differenced) series;
4. the orders ``(p, q)(P, Q)`` and the constant (a mean when ``d + D == 0``, a drift when
   ``d + D == 1``, none otherwise) by the stepwise search, minimising AICc by default.

Every candidate is estimated on the differenced series by exact Gaussian maximum
likelihood (the concentrated likelihood of the innovations algorithm, as in
:mod:`._arma_mle`, maximised by Levenberg-Marquardt from the conditional-sum-of-squares
optimum: R's "CSS-ML") or, on long series (``n > 150`` or ``m > 12``, R's rule), by
conditional sum of squares alone. The chosen model is then estimated by exact maximum
likelihood to full precision (non-seasonal ones by :func:`._arma_mle.fit_arma`). The estimate is filtered
through statsmodels' state-space ARIMA, so forecasts, updates and intervals are
statsmodels' own. As in R, candidates with an AR or MA root within 1.01 of the unit
circle are rejected.

>>> import forecast as fc
>>> model = fc.AutoARIMA().fit(fc.datasets.load("airline"))
>>> model.m_, model.differencing_["D"]
(12, 1)
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import InputError, ModelError
from ..validation import whole_number
from .sarima_lik import EMPTY, FINAL_TOL, START_TOL, Orders, css_fit, exact_fit
from .statespace import StateSpaceARIMA, statsmodels_call

__all__ = ["AutoARIMA"]

_ICS = ("aicc", "aic", "bic")
KPSS_ALPHA = 0.05
SEASONAL_STRENGTH = 0.64  # R's nsdiffs threshold for the "seas" test
MIN_ROOT = 1.01  # R's auto.arima rejects fits with a root closer to the unit circle


def season_of(y: pd.Series) -> int:
    """The season ``m`` of a series by the toolkit's one resolver
    (:func:`forecast.seasonality.resolve_seasons`); 1 (non-seasonal) where it has none."""
    from ..seasonality import resolve_seasons

    return resolve_seasons({"y": y})["y"]


# ------------------------------------------------------------------ differencing tests
def _is_constant(x: np.ndarray) -> bool:
    return bool(len(x) == 0 or np.ptp(x) <= 1e-12 * max(1.0, float(np.max(np.abs(x)))))


def kpss_diffs(x: np.ndarray, max_d: int, alpha: float = KPSS_ALPHA) -> tuple[int, list[float]]:
    """Differences by successive KPSS level-stationarity tests (R's ``ndiffs``): difference
    while the test rejects at ``alpha``. Returns ``(d, p-values of the tests run)``. The lag
    truncation is R's, ``trunc(3 sqrt(n) / 13)``."""
    from statsmodels.tsa.stattools import kpss

    pvalues: list[float] = []
    d = 0
    while d < max_d and len(x) > 3 and not _is_constant(x):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # p-values beyond the table are clipped, said in a warning
            _, pvalue, *_ = kpss(x, regression="c", nlags=int(3 * np.sqrt(len(x)) / 13))
        pvalues.append(float(pvalue))
        if pvalue >= alpha:
            break
        d += 1
        x = np.diff(x)
    return d, pvalues


def seasonal_strength(x: np.ndarray, m: int) -> float:
    """STL seasonal strength ``max(0, 1 - var(remainder) / var(seasonal + remainder))``."""
    from statsmodels.tsa.seasonal import STL

    res = STL(x, period=m).fit()
    detrended = np.asarray(res.seasonal) + np.asarray(res.resid)
    denom = float(np.var(detrended))
    return 0.0 if denom <= 0 else float(max(0.0, 1.0 - np.var(res.resid) / denom))


# ------------------------------------------------------------------ one candidate's estimate
# ------------------------------------------------------------------ the model
class AutoARIMA(StateSpaceARIMA):
    """Automatic seasonal ARIMA (Hyndman-Khandakar stepwise search, as R's ``auto.arima``).

    Parameters
    ----------
    m : int, optional
        Season length. None (the default) takes the season handed to ``fit(season=)``, else
        from the time index with the backtest's rule (12 monthly, 4 quarterly, 24 hourly, 7 daily, 1 for an integer index or yearly
        data); ``m=1`` fits a non-seasonal model.
    d, D : int, optional
        Fix the number of differences / seasonal differences instead of testing for them.
    max_p, max_q, max_P, max_Q : int
        Largest orders the stepwise search may reach (as in R, ``p + q + P + Q`` is not
        capped in a stepwise search).
    max_d, max_D : int
        Most differences the KPSS tests / seasonal differences the seasonal-strength test may choose.
    ic : {"aicc", "aic", "bic"}
        Criterion the search minimises.
    approximation : bool, optional
        Search by conditional sum of squares, then re-estimate the chosen model by exact
        maximum likelihood. None (the default): only for long series (n > 150 or m > 12).
    allow_constant : bool
        Let the search include a mean (``d + D == 0``) or a drift (``d + D == 1``).

    Attributes
    ----------
    order_, seasonal_order_ : tuple
        The chosen ``(p, d, q)`` and ``(P, D, Q, m)``.
    trend_ : str
        ``"c"`` (mean), ``"t"`` (drift) or ``"n"``.
    m_ : int
        The season length used.
    differencing_ : dict
        ``d`` and ``D``, how each was chosen, the KPSS p-values and the seasonal strength.
    selection_ : pandas.DataFrame
        Every candidate tried, in search order: ``p, q, P, Q, constant, ic, status, chosen``.
        ``ic`` is the criterion of the search (from the exact likelihood of the differenced
        series, or with CSS its approximation up to a constant shared by all candidates);
        ``inf`` with the reason in ``status`` for a rejected one (a root within 1.01 of
        the unit circle, a failed fit, too few observations for AICc).
    fit_method_ : str
        ``"exact-ml"`` or ``"css+exact-ml"`` (searched by CSS, chosen model by exact ML).
    params_, aic_, bic_, llf_, fit_warnings_ : as for :class:`~forecast.models.arima.ARIMA`
        statsmodels' values for the chosen model and its estimates. The estimates maximise
        the likelihood of the differenced series (as R and statsforecast do); statsmodels'
        state-space likelihood, with the seasonal differences in the state, can differ from
        it a little on short seasonal series, so ``llf_`` is not always ``ic``'s likelihood.

    Examples
    --------
    >>> import forecast as fc
    >>> y = fc.datasets.load("airline")
    >>> model = fc.AutoARIMA(ic="aicc").fit(y)
    >>> model.seasonal_order_[3], len(model.predict(12))
    (12, 12)
    """

    # its own stepwise search does not start from a previous fit's optimum: no refit chains
    _tags: ClassVar[dict[str, Any]] = {"intervals": True, "supports_exog": False, "uses_season": True,
                                       "warm_start": False}
    enforce_stationarity = True
    enforce_invertibility = True
    method = None
    maxiter = None
    trend = None

    def __init__(self, m=None, d=None, D=None, max_p=5, max_q=5, max_P=2, max_Q=2,
                 max_d=2, max_D=1, ic="aicc", approximation=None, allow_constant=True) -> None:
        self.m = m
        self.d = d
        self.D = D
        self.max_p = max_p
        self.max_q = max_q
        self.max_P = max_P
        self.max_Q = max_Q
        self.max_d = max_d
        self.max_D = max_D
        self.ic = ic
        self.approximation = approximation
        self.allow_constant = allow_constant

    @classmethod
    def _tiny_params(cls) -> dict[str, Any]:
        return {"max_p": 1, "max_q": 1, "max_P": 1, "max_Q": 1}

    # -------------------------------------------------------------- settings
    def _validate_params(self) -> None:
        owner = type(self).__name__
        if self.m is not None:
            whole_number(self.m, "m", owner, low=1)
        for name in ("max_p", "max_q", "max_P", "max_Q", "max_d", "max_D"):
            whole_number(getattr(self, name), name, owner)
        if self.d is not None:
            whole_number(self.d, "d", owner)
        if self.D is not None and whole_number(self.D, "D", owner) > 1:
            raise InputError(f"{owner}: D must be 0 or 1; got {self.D!r}")
        if self.ic not in _ICS:
            raise InputError(f"{owner}: ic must be one of {', '.join(map(repr, _ICS))}; got {self.ic!r}")
        for name in ("approximation", "allow_constant"):
            value = getattr(self, name)
            if not (isinstance(value, bool) or (name == "approximation" and value is None)):
                raise InputError(f"{owner}: {name} must be true or false; got {value!r}")

    def min_length(self) -> int:
        self._validate_params()
        return max(4, (self.d or 0) + 3)

    def _spec(self):  # the order is chosen in fit; the base class asks only for checks
        return (0, 0, 0), (0, 0, 0, 0), "n"

    # -------------------------------------------------------------- fit
    def _differencing(self, x: np.ndarray, m: int) -> dict[str, Any]:
        info: dict[str, Any] = {"m": m}
        if m < 2:
            D, info["D_by"] = 0, "non-seasonal"
        elif self.D is not None:
            D, info["D_by"] = int(self.D), "given"
        elif len(x) < 2 * m + 1 or _is_constant(x):
            D, info["D_by"] = 0, f"too short for a seasonal test (n={len(x)} < 2m+1)"
        else:
            info["seasonal_strength"] = seasonal_strength(x, m)
            D = int(self.max_D >= 1 and info["seasonal_strength"] >= SEASONAL_STRENGTH)
            info["D_by"] = "seasonal strength"
        xd = x[m:] - x[:-m] if D else x
        if self.d is not None:
            d, info["d_by"] = int(self.d), "given"
        else:
            d, info["kpss_pvalues"] = kpss_diffs(xd, int(self.max_d))
            info["d_by"] = "KPSS"
        info["d"], info["D"] = d, D
        return info

    def _fit(self, y: pd.Series, X: pd.DataFrame | None) -> None:
        owner = type(self).__name__
        self._validate_params()
        x = y.to_numpy(dtype=float)
        n = len(x)
        # m= wins; else the season handed to fit (the backtest's, per series); else the one resolver
        m = int(self.m) if self.m is not None else (self._handed("season") or season_of(y))
        info = self._differencing(x, m)
        d, D = info["d"], info["D"]
        w = np.diff(x[m:] - x[:-m] if D else x, d) if d else (x[m:] - x[:-m] if D else x)
        if len(w) < 3:
            raise InputError(f"{owner}: y has {n} observations, too few after d={d}, D={D} differences "
                             f"(m={m}); give a longer series or fix d/D")
        seasonal = m >= 2
        self._m, self._n_diff = m, len(w)
        self._approx = (n > 150 or m > 12) if self.approximation is None else bool(self.approximation)
        # R's caps: no more coefficients than a third of the data
        self._caps = (min(int(self.max_p), n // 3), min(int(self.max_q), n // 3),
                      min(int(self.max_P), n // (3 * m)) if seasonal else 0,
                      min(int(self.max_Q), n // (3 * m)) if seasonal else 0)
        self._w, self._trend_kind = w, ("c" if d + D == 0 else "t" if d + D == 1 else "n")
        allow_const = bool(self.allow_constant) and d + D <= 1
        self._tried: dict[tuple, dict] = {}
        if _is_constant(w):  # a deterministic series (R's rule): its mean or drift, no search
            best = self._deterministic(allow_const, x)
        else:
            best = self._stepwise(allow_const, seasonal)
        ok = sorted((k for k, row in self._tried.items() if row["ic"] < np.inf), key=lambda k: self._tried[k]["ic"])
        if not ok or best is None:
            raise ModelError(f"{owner}: every candidate failed ({len(self._tried)} tried); "
                             "check the series, or fix d/D or give smaller max orders")
        notes: list[str] = []
        chosen = None
        for key in ok[:5]:
            try:
                chosen = self._final(key, x, d, D, m)
                break
            except (ModelError, ValueError, np.linalg.LinAlgError, ZeroDivisionError) as err:
                notes.append(f"ARIMA{key} could not be re-estimated ({err}); the next best was taken")
                self._tried[key]["status"] = "failed exact re-estimate"
        if chosen is None:
            raise ModelError(f"{owner}: no candidate could be estimated by exact maximum likelihood")
        key, results, caught = chosen
        p, q, P, Q, const = key
        self.order_ = (int(p), int(d), int(q))
        self.seasonal_order_ = (int(P), int(D), int(Q), int(m if seasonal else 0))
        self.trend_ = self._trend_kind if const else "n"
        self.m_ = int(m)
        self.differencing_ = info
        self.selection_ = pd.DataFrame([{**row, "chosen": k == key} for k, row in self._tried.items()])
        self.results_ = results
        self.fit_method_ = "css+exact-ml" if self._approx else "exact-ml"
        self.fit_warnings_ = notes + caught
        self._set_summary(results, None)
        for name in ("_w", "_tried", "_fits", "_caps", "_exact_given"):
            self.__dict__.pop(name, None)

    # -------------------------------------------------------------- candidates
    def _estimate_candidate(self, key: tuple, *, exact: bool, x0: np.ndarray | None = None):
        """``(coefficients, constant, sigma2, llf-or-css-n, converged)`` of one candidate on
        the differenced series."""
        p, q, P, Q, const = key
        orders = Orders(p, q, P, Q, self._m)
        w = self._w
        if not exact:
            u, beta, sigma2, n_used, conv = css_fit(w, const, orders)
            return orders.coefs(u), beta, sigma2, n_used, conv
        if x0 is None:  # start from the CSS optimum (R's default "CSS-ML")
            x0 = css_fit(w, const, orders, START_TOL)[0]
        u, beta, sigma2, llf, conv = exact_fit(w, const, orders, x0)
        return orders.coefs(u), beta, sigma2, llf, conv

    def _try(self, key: tuple) -> float:
        """Fit one candidate (once), record it in the selection table, return its criterion."""
        if key in self._tried:
            return self._tried[key]["ic"]
        p, q, P, Q, const = key
        npar = p + q + P + Q + int(const) + 1
        nstar = self._n_diff
        row = {"p": p, "q": q, "P": P, "Q": Q, "constant": bool(const), "ic": np.inf, "status": "ok"}
        self._tried[key] = row
        try:
            with np.errstate(all="ignore"):
                coefs, beta, sigma2, stat, conv = self._estimate_candidate(key, exact=not self._approx)
        except (ModelError, ValueError, np.linalg.LinAlgError, FloatingPointError, ZeroDivisionError) as err:
            row["status"] = f"failed: {err}"
            return np.inf
        if not (np.isfinite(sigma2) and sigma2 > 0):
            row["status"] = "failed: zero variance"
            return np.inf
        if Orders(p, q, P, Q, self._m).min_root(*coefs) < MIN_ROOT:
            row["status"] = "root near the unit circle"
            return np.inf
        # exact: -2 llf; CSS: n log(sigma2), R's approximation up to a constant shared by all
        aic = (nstar * np.log(sigma2) if self._approx else -2.0 * stat) + 2 * npar
        if self.ic == "aic":
            ic = aic
        elif self.ic == "bic":
            ic = aic + (np.log(nstar) - 2) * npar
        else:
            ic = aic + 2 * npar * (npar + 1) / (nstar - npar - 1) if nstar - npar - 1 > 0 else np.inf
            if not np.isfinite(ic):
                row["status"] = "too few observations for AICc"
        row["ic"] = float(ic)
        if not conv:
            row["status"] = "ok (search stopped early)"
        self._fits[key] = (coefs, beta, sigma2)
        return row["ic"]

    def _deterministic(self, allow_const: bool, x: np.ndarray) -> tuple:
        """The (seasonally) differenced series is constant: ARIMA(0,d,0)(0,D,0) with its
        mean as the constant or drift (R's rule), a vanishing innovation variance."""
        key = (0, 0, 0, 0, allow_const)
        w = self._w
        sigma2 = max(float(np.var(w)), 1e-12 * max(1.0, float(np.mean(x * x))))
        self._fits = {key: ((EMPTY,) * 4, float(np.mean(w)) if allow_const else 0.0, sigma2)}
        self._exact_given = {key}
        self._tried[key] = {"p": 0, "q": 0, "P": 0, "Q": 0, "constant": allow_const, "ic": -np.inf,
                            "status": "constant after differencing: no search"}
        return key

    def _stepwise(self, allow_const: bool, seasonal: bool) -> tuple | None:
        """R's stepwise search; returns the best candidate's key (or None)."""
        self._fits: dict[tuple, tuple] = {}
        self._exact_given: set[tuple] = set()
        mp, mq, mP, mQ = self._caps

        def allowed(p, q, P, Q):
            return 0 <= p <= mp and 0 <= q <= mq and 0 <= P <= mP and 0 <= Q <= mQ

        starts = [(min(2, mp), min(2, mq), min(1, mP), min(1, mQ), allow_const),
                  (0, 0, 0, 0, allow_const),
                  (min(1, mp), 0, min(1, mP), 0, allow_const),
                  (0, min(1, mq), 0, min(1, mQ), allow_const)]
        if allow_const:
            starts.append((0, 0, 0, 0, False))
        best, best_ic = None, np.inf
        for key in starts:
            if allowed(*key[:4]):
                ic = self._try(key)
                if ic < best_ic:
                    best, best_ic = key, ic
        if best is None:
            return None
        improved = True
        while improved and len(self._tried) < 94:
            improved = False
            p, q, P, Q, c = best
            moves = [(p, q, P - 1, Q), (p, q, P, Q - 1), (p, q, P + 1, Q), (p, q, P, Q + 1),
                     (p, q, P - 1, Q - 1), (p, q, P - 1, Q + 1), (p, q, P + 1, Q - 1), (p, q, P + 1, Q + 1),
                     (p - 1, q, P, Q), (p, q - 1, P, Q), (p + 1, q, P, Q), (p, q + 1, P, Q),
                     (p - 1, q - 1, P, Q), (p - 1, q + 1, P, Q), (p + 1, q - 1, P, Q), (p + 1, q + 1, P, Q)]
            keys = [(*mv, c) for mv in moves if allowed(*mv)]
            if allow_const:
                keys.append((p, q, P, Q, not c))
            for key in keys:
                if key in self._tried:
                    continue
                ic = self._try(key)
                if ic < best_ic:
                    best, best_ic, improved = key, ic, True
                    break
        return best if np.isfinite(best_ic) else None

    # -------------------------------------------------------------- the chosen model
    def _final_estimate(self, key: tuple, coefs: tuple) -> tuple[tuple, float, float]:
        """The chosen candidate's exact ML estimate to full precision, from the search's
        optimum: by the fast estimator :func:`._arma_mle.fit_arma` for a non-seasonal model,
        by the seasonal likelihood above otherwise (or if the fast estimator gives up)."""
        from ._arma_mle import FastFitError, fit_arma

        p, q, P, Q, const = key
        w = self._w
        if not (P or Q):
            try:
                fit = fit_arma(w, np.ones((len(w), 1)) if const else None, p, q, coefs[0], coefs[1])
                return ((fit.ar, fit.ma, EMPTY, EMPTY), float(fit.beta[0]) if const else 0.0, fit.sigma2)
            except FastFitError:
                pass
        orders = Orders(p, q, P, Q, self._m)
        u, beta, sigma2, _, _ = exact_fit(w, const, orders, orders.unconstrain(*coefs), FINAL_TOL)
        return orders.coefs(u), beta, sigma2

    def _final(self, key: tuple, x: np.ndarray, d: int, D: int, m: int):
        """Exact ML estimate of the chosen candidate (re-estimated from the CSS optimum when
        searched by CSS), filtered through statsmodels: ``(key, results, warnings)``."""
        p, q, P, Q, const = key
        orders = Orders(p, q, P, Q, m)
        coefs, beta, sigma2 = self._fits[key]
        notes = []
        if key not in self._exact_given:
            final = self._final_estimate(key, coefs)
            if orders.min_root(*final[0]) >= MIN_ROOT:
                coefs, beta, sigma2 = final
            else:  # as R: keep the search's estimate, say so
                notes.append("the exact re-estimate of the chosen model has a root within 1.01 of the unit "
                             "circle; the search's estimate (" + ("CSS" if self._approx else "exact ML, search "
                             "tolerance") + ") is kept")
        ar, ma, sar, sma = coefs
        trend = self._trend_kind if const else "n"
        # statsmodels' layout: trend, ar, ma, seasonal ar, seasonal ma, sigma2; a drift b
        # in y_t = b t + u_t is b on the differenced scale, m b on the seasonally differenced
        trend_params = [beta / (m if D else 1)] if const else []
        params = np.concatenate([trend_params, ar, ma, sar, sma, [sigma2]])
        seasonal_order = (P, D, Q, m if m >= 2 else 0)
        mod = self._model(x, None, (p, d, q), seasonal_order, trend)
        results, caught = statsmodels_call(f"filtering ARIMA{(p, d, q)}x{seasonal_order} on {len(x)} observations",
                                 type(self).__name__, mod.filter, params, cov_type="none")
        return key, results, notes + caught

    # -------------------------------------------------------------- persistence
    def _get_state(self, folder: Path) -> dict[str, Any]:
        state = super()._get_state(folder)
        state["m"] = self.m_
        state["differencing"] = {k: (list(v) if isinstance(v, list) else v) for k, v in self.differencing_.items()}
        return state

    def _set_state(self, state: dict[str, Any], folder: Path) -> None:
        super()._set_state(state, folder)
        self.m_ = int(state["m"])
        self.differencing_ = dict(state["differencing"])
