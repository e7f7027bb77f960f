"""Exact Gaussian maximum likelihood for ARMA(p, q) errors around a linear mean, fast.

The model is ``y_t = x_t' b + u_t`` with ``u_t`` a stationary, invertible ARMA(p, q)
(``x_t`` holds the constant and any regressors; an ARIMA is fitted on the differenced
series and regressors). The likelihood is the exact one that statsmodels' state-space
ARIMA maximises, computed with the innovations algorithm (statsmodels' compiled
``arma_innovations``): the one-step prediction errors ``e_t`` of the data and their
variances ``sigma2 * v_t``. Given the ARMA coefficients, the regression coefficients ``b``
(generalised least squares on the whitened data) and ``sigma2`` have closed forms, so they
are concentrated out, and maximising the likelihood becomes the nonlinear least-squares
problem

    minimise over (phi, theta):   (1/n) sum_t e_t^2 / v_t  *  (prod_t v_t)^(1/n)

which Levenberg-Marquardt (``scipy.optimize.least_squares``) solves in a few iterations
from statsmodels' own start values, in the same unconstrained parametrisation (the AR and
MA coefficients mapped through statsmodels' stationarity transform), so it finds the
optimum statsmodels' L-BFGS search finds, at a fraction of the cost.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

__all__ = ["ArmaFit", "fit_arma", "FastFitError"]

MAX_NFEV = 40  # Levenberg-Marquardt steps (each with a Jacobian of p + q likelihood evaluations)


class FastFitError(RuntimeError):
    """The fast estimator could not produce a trustworthy optimum (callers fall back)."""


@dataclass
class ArmaFit:
    ar: np.ndarray  # phi_1..phi_p   (y_t = phi_1 y_{t-1} + ... + e_t + theta_1 e_{t-1} + ...)
    ma: np.ndarray  # theta_1..theta_q
    beta: np.ndarray  # regression coefficients, in the column order of X
    sigma2: float
    llf: float
    nfev: int
    converged: bool = True


def _constrain(x: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.tsa.statespace.tools import constrain_stationary_univariate

    ar = constrain_stationary_univariate(x[:p]) if p else np.zeros(0)
    ma = -constrain_stationary_univariate(x[p:]) if len(x) > p else np.zeros(0)
    return ar, ma


def _unconstrain(ar: np.ndarray, ma: np.ndarray) -> np.ndarray:
    from statsmodels.tsa.statespace.tools import unconstrain_stationary_univariate

    parts = []
    if len(ar):
        parts.append(unconstrain_stationary_univariate(np.asarray(ar, dtype=float)))
    if len(ma):
        parts.append(unconstrain_stationary_univariate(-np.asarray(ma, dtype=float)))
    return np.concatenate(parts) if parts else np.zeros(0)


def _acovf(ar: np.ndarray, ma: np.ndarray, nobs: int) -> np.ndarray:
    """Autocovariances of a stationary ARMA with unit innovation variance, lags 0..nobs-1
    (Brockwell and Davis eqs. 3.3.8-3.3.9, as statsmodels' ``arma_acovf`` without its
    per-call root check: the parametrisation guarantees stationarity). Plain Python for
    the few coefficients involved: it runs at every likelihood evaluation."""
    a, t = [float(v) for v in ar], [1.0] + [float(v) for v in ma]
    p, q = len(a), len(t) - 1
    m = max(p, q) + 1
    psi = [0.0] * m
    for j in range(m):
        psi[j] = (t[j] if j <= q else 0.0) + sum(a[i - 1] * psi[j - i] for i in range(1, min(j, p) + 1))
    phi = [1.0] + [-v for v in a] + [0.0] * (m - p - 1)
    A = np.zeros((m, m))
    b = np.zeros(m)
    for k in range(m):
        for i in range(k + 1):
            A[k, i] += phi[k - i]
        for i in range(1, m - k):
            A[k, i] += phi[k + i]
        b[k] = sum(t[k + i] * psi[i] for i in range(max(q + 1 - k, 0)))
    out = np.zeros(max(nobs, m))
    out[:m] = np.linalg.solve(A, b)
    for k in range(m, nobs):  # short: callers ask for a few lags beyond m
        out[k] = sum(a[i] * out[k - 1 - i] for i in range(p))
    return out[:nobs] if nobs >= m else out


@functools.cache
def _innovations_kernels():
    """statsmodels' compiled innovations routines (float64), or None if they moved."""
    try:
        from statsmodels.tsa.innovations import _arma_innovations as _ai

        return (_ai.darma_transformed_acovf_fast, _ai.darma_innovations_algo_fast,
                _ai.darma_innovations_filter)
    except (ImportError, AttributeError):  # pragma: no cover - statsmodels internals moved
        return None


def _whiten(Z: np.ndarray, ar: np.ndarray, ma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-step prediction errors of every column of ``Z`` under the ARMA (unit innovation
    variance) and their variances, by the innovations algorithm."""
    kernels = _innovations_kernels()
    if kernels is None:  # pragma: no cover - the public, slower route
        from statsmodels.tsa.innovations.arma_innovations import arma_innovations

        u, v = arma_innovations(Z, ar_params=ar, ma_params=ma, sigma2=1.0)
        return np.asarray(u).reshape(Z.shape), np.asarray(v, dtype=float)
    transformed, algo, filt = kernels
    n = Z.shape[0]
    ar = np.ascontiguousarray(ar, dtype=float)
    ma = np.ascontiguousarray(ma, dtype=float)
    # Only the first 2 max(p, q) autocovariances enter; beyond them the transformed
    # process is a pure MA(q), whose autocovariances vanish after lag q.
    m = max(len(ar), len(ma))
    acv1, acv2 = transformed(np.concatenate(([1.0], -ar)), np.concatenate(([1.0], ma)),
                             _acovf(ar, ma, min(n, 2 * m + 2)))
    acv2 = np.concatenate([np.asarray(acv2), np.zeros(max(n - m - len(acv2), 0))])
    theta, v = algo(n, ar, ma, acv1, acv2)
    u = np.empty_like(Z)
    for j in range(Z.shape[1]):
        u[:, j] = filt(np.ascontiguousarray(Z[:, j]), ar, ma, theta)
    return u, np.asarray(v, dtype=float)


def _profile(Z: np.ndarray, k: int, ar: np.ndarray, ma: np.ndarray):
    """Whitened residuals after GLS on the regressors, their variances and the GLS
    coefficients, for fixed ARMA coefficients. ``Z`` = [y, X]."""
    u, v = _whiten(Z, ar, ma)
    if not (np.all(v > 0) and np.isfinite(u).all()):
        raise FastFitError("innovations variances not positive")
    w = u / np.sqrt(v)[:, None]
    if k == 1:  # a constant (or one regressor): closed-form least squares
        x1 = w[:, 1]
        beta = np.array([x1 @ w[:, 0] / (x1 @ x1)]) if x1 @ x1 > 0 else np.zeros(1)
        r = w[:, 0] - x1 * beta[0]
    elif k:
        beta, *_ = np.linalg.lstsq(w[:, 1:], w[:, 0], rcond=None)
        r = w[:, 0] - w[:, 1:] @ beta
    else:
        beta, r = np.zeros(0), w[:, 0]
    return r, v, beta


def fit_arma(y: np.ndarray, X: np.ndarray | None, p: int, q: int,
             start_ar: np.ndarray | None = None, start_ma: np.ndarray | None = None) -> ArmaFit:
    """Maximum likelihood estimates of ARMA(p, q) errors around ``X @ beta``.

    ``X`` (n, k) holds the regressors (a column of ones for a constant) or is None for a
    zero mean. Start values default to zero AR and MA coefficients. Raises
    :class:`FastFitError` when the optimum cannot be trusted.
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    k = 0 if X is None else X.shape[1]
    Z = y[:, None] if X is None else np.column_stack([y, np.asarray(X, dtype=float)])
    if not np.isfinite(Z).all():
        raise FastFitError("missing values")
    if n <= p + q + k + 1:
        raise FastFitError("too few observations")
    # scale the data (the optimum is invariant to it) so the criterion is of order one
    scale = float(np.std(y)) or 1.0
    Z = Z / np.r_[scale, np.ones(k)]

    def residuals(x: np.ndarray) -> np.ndarray:
        ar, ma = _constrain(x, p)
        try:
            r, v, _ = _profile(Z, k, ar, ma)
        except (FastFitError, ValueError, np.linalg.LinAlgError):
            return np.full(n, 1e6)
        return r * np.exp(0.5 * np.mean(np.log(v))) / np.sqrt(n)

    nfev, converged = 1, True
    try:  # start values outside the stationary/invertible region start from zero instead
        with np.errstate(all="ignore"):
            x0 = _unconstrain(np.zeros(p) if start_ar is None else start_ar,
                              np.zeros(q) if start_ma is None else start_ma)
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
        x0 = np.zeros(p + q)
    if p + q:
        from scipy.optimize import least_squares

        x0 = np.where(np.isfinite(x0), np.clip(x0, -8, 8), 0.0)
        # A cap on evaluations: where the likelihood is flat or its supremum lies on the
        # boundary (a unit root, common on short series), Levenberg-Marquardt would creep
        # on for thousands of steps; each step only improves the fit, so the last point is
        # kept and flagged as not converged (as statsmodels' own fit warns there).
        sol = least_squares(residuals, x0, method="lm", xtol=1e-9, ftol=1e-11, gtol=1e-10,
                            max_nfev=MAX_NFEV)
        if sol.status < 0 or not np.isfinite(sol.x).all():
            raise FastFitError(f"Levenberg-Marquardt failed ({sol.message})")
        x, nfev, converged = sol.x, int(sol.nfev), sol.status > 0
    else:
        x = x0
    ar, ma = _constrain(x, p)
    r, v, beta = _profile(Z, k, ar, ma)
    sigma2 = float(np.sum(r**2) / n)
    if not (sigma2 > 0 and np.isfinite(sigma2)):
        raise FastFitError("zero or non-finite innovation variance")
    llf = -0.5 * n * (np.log(2 * np.pi * sigma2) + 1.0) - 0.5 * float(np.sum(np.log(v)))
    # undo the scaling: y was divided by `scale`
    sigma2_y = sigma2 * scale**2
    llf_y = llf - n * np.log(scale)
    beta_y = beta * scale
    return ArmaFit(ar=ar, ma=ma, beta=beta_y, sigma2=sigma2_y, llf=float(llf_y), nfev=nfev,
                   converged=converged)
