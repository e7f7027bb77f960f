"""The seasonal ARIMA likelihood AutoARIMA's stepwise search evaluates: the multiplicative
AR/MA polynomials of an (p, q)(P, Q, m) candidate in statsmodels' unconstrained
(partial-autocorrelation) parametrisation, the exact likelihood by the innovations algorithm
and the conditional sum of squares, each minimised by Levenberg-Marquardt with the search's
and the final fit's tolerances."""

from __future__ import annotations

import numpy as np

from ..errors import ModelError


def constrain_pacf(u: np.ndarray) -> np.ndarray:
    """statsmodels' stationarity transform (Monahan); for one coefficient it is
    ``-u / sqrt(1 + u^2)``, written out because it runs at every likelihood evaluation."""
    if len(u) == 1:
        return -u / np.sqrt(1.0 + u * u)
    if not len(u):
        return EMPTY
    from statsmodels.tsa.statespace.tools import constrain_stationary_univariate

    return constrain_stationary_univariate(u)


EMPTY = np.zeros(0)


def unconstrain_pacf(c: np.ndarray) -> np.ndarray:
    from statsmodels.tsa.statespace.tools import unconstrain_stationary_univariate

    if not len(c):
        return np.zeros(0)
    with np.errstate(all="ignore"):
        try:
            u = unconstrain_stationary_univariate(np.asarray(c, dtype=float))
        except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
            return np.zeros(len(c))
    return np.where(np.isfinite(u), np.clip(u, -8, 8), 0.0)


class Orders:
    """The coefficients of one ``(p, q)(P, Q)m`` candidate from an unconstrained vector
    (each polynomial stationary/invertible through statsmodels' transform)."""

    def __init__(self, p: int, q: int, P: int, Q: int, m: int) -> None:
        self.p, self.q, self.P, self.Q, self.m = p, q, P, Q, m
        self.k = p + q + P + Q

    def coefs(self, u: np.ndarray) -> tuple[np.ndarray, ...]:
        p, q, P = self.p, self.q, self.P
        ar = constrain_pacf(u[:p])
        ma = -constrain_pacf(u[p:p + q])
        sar = constrain_pacf(u[p + q:p + q + P])
        sma = -constrain_pacf(u[p + q + P:])
        return ar, ma, sar, sma

    def unconstrain(self, ar, ma, sar, sma) -> np.ndarray:
        return np.concatenate([unconstrain_pacf(ar), unconstrain_pacf(-np.asarray(ma)),
                               unconstrain_pacf(sar), unconstrain_pacf(-np.asarray(sma))])

    def polys(self, ar, ma, sar, sma) -> tuple[np.ndarray, np.ndarray]:
        """Expanded lag polynomials ``phi(B) Phi(B^m)`` and ``theta(B) Theta(B^m)``."""
        def seasonal(c: np.ndarray, sign: float) -> np.ndarray:
            out = np.zeros(len(c) * self.m + 1)
            out[0] = 1.0
            out[self.m::self.m] = sign * c
            return out

        a = np.concatenate(([1.0], -ar))
        b = np.concatenate(([1.0], ma))
        if len(sar):
            a = np.convolve(a, seasonal(sar, -1.0))
        if len(sma):
            b = np.convolve(b, seasonal(sma, 1.0))
        return a, b

    def min_root(self, ar, ma, sar, sma) -> float:
        """Smallest root modulus of the four factor polynomials (inf without any)."""
        out = np.inf
        for c, sign, power in ((ar, -1.0, 1), (ma, 1.0, 1), (sar, -1.0, self.m), (sma, 1.0, self.m)):
            if len(c) and np.any(c != 0):
                roots = np.roots(np.r_[sign * np.asarray(c)[::-1], 1.0])
                if len(roots):
                    out = min(out, float(np.min(np.abs(roots))) ** (1.0 / power))
        return out


#: Levenberg-Marquardt tolerances of the search (a relative change of 1e-5 in the sum of
#: squares moves the criterion by about n * 1e-5, about 0.001 for 100 observations, far
#: below the differences between candidates) and of the chosen model's final estimate.
SEARCH_TOL = {"xtol": 1e-3, "ftol": 1e-5, "gtol": 1e-8, "max_nfev": 40}
FINAL_TOL = {"xtol": 1e-8, "ftol": 1e-10, "gtol": 1e-10, "max_nfev": 200}
#: the CSS optimum only starts the exact search: a rough one does
START_TOL = {"xtol": 1e-2, "ftol": 1e-3, "gtol": 1e-6, "max_nfev": 20}


def levenberg_marquardt(residuals, x0: np.ndarray, tol: dict | None = None) -> tuple[np.ndarray, bool]:
    """Levenberg-Marquardt by the fast estimator's deterministic search (scipy's MINPACK
    "lm" can end identical calls at different points, depending on what ran before)."""
    if not len(x0):
        return x0, True
    from ._arma_mle import search

    tol = tol or SEARCH_TOL
    max_iter = max(3, tol["max_nfev"] // (len(x0) + 1))  # evaluations -> iterations
    x, _, _, converged = search(residuals, np.asarray(x0, dtype=float), max_iter,
                                 ftol=tol["ftol"], xtol=tol["xtol"], gtol=tol["gtol"])
    if not np.isfinite(x).all():
        raise ModelError("the likelihood search diverged")
    return x, bool(converged)


def innovations(Z: np.ndarray, ar: np.ndarray, ma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-step prediction errors of each column of ``Z`` under an ARMA with unit innovation
    variance, and their variances (the innovations algorithm). The fast estimator's
    compiled route where it is there, statsmodels' public function otherwise."""
    try:
        from ._arma_mle import whiten
    except ImportError:  # pragma: no cover - the fast estimator's internals moved
        from statsmodels.tsa.innovations.arma_innovations import arma_innovations

        e, v = arma_innovations(Z, ar_params=ar, ma_params=ma, sigma2=1.0)
        return np.asarray(e).reshape(Z.shape), np.asarray(v, dtype=float)
    e, v = whiten(Z, np.asarray(ar, dtype=float), np.asarray(ma, dtype=float))
    return np.column_stack(e), v


def exact_fit(w: np.ndarray, const: bool, orders: Orders, x0: np.ndarray | None,
                    tol: dict | None = None):
    """Exact ML of a seasonal ARMA with an optional constant on the differenced series ``w``:
    the concentrated Gaussian likelihood (constant by GLS, variance in closed form) from
    statsmodels' innovations algorithm, maximised by Levenberg-Marquardt."""
    n = len(w)
    scale = float(np.std(w)) or 1.0
    Z = np.column_stack([w / scale, np.ones(n)]) if const else (w / scale)[:, None]

    def profile(u: np.ndarray):
        a, b = orders.polys(*orders.coefs(u))
        e, v = innovations(Z, -a[1:], b[1:])
        if not (np.all(v > 0) and np.isfinite(e).all()):
            raise ValueError("innovation variances not positive")
        wt = e / np.sqrt(v)[:, None]
        beta = 0.0
        if const:
            x1 = wt[:, 1]
            beta = float(x1 @ wt[:, 0] / (x1 @ x1))
        return wt[:, 0] - beta * (wt[:, 1] if const else 0.0), v, beta

    def residuals(u: np.ndarray) -> np.ndarray:
        try:
            r, v, _ = profile(u)
        except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
            return np.full(n, 1e6)
        return r * np.exp(0.5 * np.mean(np.log(v))) / np.sqrt(n)

    u, converged = levenberg_marquardt(residuals, np.zeros(orders.k) if x0 is None else x0, tol)
    r, v, beta = profile(u)
    sigma2 = float(r @ r / n)
    llf = -0.5 * n * (np.log(2 * np.pi * sigma2) + 1.0) - 0.5 * float(np.sum(np.log(v)))
    return u, beta * scale, sigma2 * scale**2, llf - n * np.log(scale), converged


def css_fit(w: np.ndarray, const: bool, orders: Orders, tol: dict | None = None):
    """Conditional sum of squares (R's CSS): residuals after the first ``p + P m`` values,
    MA errors before the sample set to zero, the constant concentrated out by least squares."""
    from scipy.signal import lfilter

    n0 = orders.p + orders.P * orders.m
    ones = np.ones(len(w))
    scale = float(np.std(w)) or 1.0
    ws = w / scale

    def resid(u: np.ndarray) -> np.ndarray:
        a, b = orders.polys(*orders.coefs(u))
        e = lfilter(a, b, ws)[n0:]
        if const:
            e1 = lfilter(a, b, ones)[n0:]
            e = e - e1 * (e1 @ e / (e1 @ e1))
        return e

    def beta_of(u: np.ndarray) -> float:
        a, b = orders.polys(*orders.coefs(u))
        e, e1 = lfilter(a, b, ws)[n0:], lfilter(a, b, ones)[n0:]
        return float(e1 @ e / (e1 @ e1)) * scale

    u, converged = levenberg_marquardt(resid, np.zeros(orders.k), tol)
    r = resid(u)
    sigma2 = float(r @ r / len(r)) * scale**2
    return u, beta_of(u) if const else 0.0, sigma2, len(r), converged
