"""Exact Gaussian maximum likelihood for ARMA(p, q) errors around a linear mean, fast.

The model is ``y_t = x_t' b + u_t`` with ``u_t`` a stationary, invertible ARMA(p, q)
(``x_t`` holds the constant and any regressors; an ARIMA is fitted on the differenced
series and regressors). The likelihood is the exact one, computed with the innovations
algorithm (statsmodels' compiled ``arma_innovations``): the one-step prediction errors
``e_t`` of the data and their variances ``sigma2 * v_t``. Given the ARMA coefficients, the
regression coefficients ``b`` (generalised least squares on the whitened data) and
``sigma2`` have closed forms, so they are concentrated out, and maximising the likelihood
becomes the nonlinear least-squares problem

    minimise over (phi, theta):   (1/n) sum_t e_t^2 / v_t  *  (prod_t v_t)^(1/n)

in the unconstrained parametrisation statsmodels uses (the AR and MA coefficients mapped
through its stationarity transform). It is solved by Levenberg-Marquardt with a
convergence criterion, from statsmodels' start values and, where the likelihood has
several optima or none inside the region, from further starts (:func:`fit_arma`).

This is the likelihood statsmodels' state-space model computes for the same parameters
when the differencing states start from an exact diffuse prior (``arima.py`` builds its
models so), up to the constant ``log(2 pi) / 2`` per differenced-away observation; for
d = 0 it is statsmodels' default likelihood. The caller compares the estimate with
statsmodels' own fit wherever the search is not conclusive, so the reported fit is never
worse than statsmodels'.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

__all__ = ["ArmaFit", "fit_arma", "FastFitError"]

TOL = 1e-8  # convergence: relative change of the criterion, the parameters or the gradient
MAX_ITER = 200  # Marquardt iterations: far above what a well-posed search needs (5-30)
JOIN = 0.05  # a later search this close to an earlier optimum is heading for it
BOUNDARY = 7.0  # |unconstrained value| above which a partial autocorrelation exceeds 0.99
WARM_ITER = 20  # a search from the previous origin's optimum converges in a few; one that
#                 needs more is on a flat likelihood, where every start runs (and statsmodels)


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
    converged: bool = True  # the best search met the convergence criterion
    boundary: bool = False  # ... but ended at a unit root (the supremum is on the boundary)
    modes: int = 1  # distinct optima the searches from different starts ended at
    nobs: int = 0  # observations the likelihood was computed on
    warm: bool = False  # the search from a previous fit's optimum was conclusive


def _pacf_to_coefs(x: np.ndarray) -> list[float]:
    """statsmodels' ``constrain_stationary_univariate`` (Monahan's transform: partial
    autocorrelations ``x / sqrt(1 + x^2)`` through the Durbin-Levinson recursion), the same
    operations in the same order on Python floats: the same bits, several times faster for
    the few coefficients involved (it runs at every likelihood evaluation)."""
    r = (x / ((1 + x**2) ** 0.5)).tolist()
    row: list[float] = []  # the coefficients negated, as statsmodels' recursion runs
    for k, rk in enumerate(r):
        row = [row[i] + rk * row[k - i - 1] for i in range(k)] + [rk]
    return row


def constrain(x: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    ar = -np.array(_pacf_to_coefs(x[:p])) if p else np.zeros(0)
    ma = np.array(_pacf_to_coefs(x[p:])) if len(x) > p else np.zeros(0)
    return ar, ma


def unconstrain(ar: np.ndarray, ma: np.ndarray) -> np.ndarray:
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
    per-call root check: the parametrisation guarantees stationarity). Plain Python floats
    for the few coefficients involved (NumPy only for the one m x m solve): it runs at
    every likelihood evaluation."""
    a, t = ar.tolist(), [1.0] + ma.tolist()
    p, q = len(a), len(t) - 1
    m = max(p, q) + 1
    psi = [0.0] * m
    for j in range(m):
        psi[j] = (t[j] if j <= q else 0.0) + sum(a[i - 1] * psi[j - i] for i in range(1, min(j, p) + 1))
    phi = [1.0] + [-v for v in a] + [0.0] * (m - p - 1)
    A = [[0.0] * m for _ in range(m)]
    b = [0.0] * m
    for k in range(m):
        row = A[k]
        for i in range(k + 1):
            row[i] += phi[k - i]
        for i in range(1, m - k):
            row[i] += phi[k + i]
        b[k] = sum(t[k + i] * psi[i] for i in range(max(q + 1 - k, 0)))
    out = np.linalg.solve(np.array(A), np.array(b)).tolist()
    for k in range(m, nobs):  # short: callers ask for a few lags beyond m
        out.append(sum(a[i] * out[k - 1 - i] for i in range(p)))
    return np.array(out[:nobs] if nobs >= m else out)


@functools.cache
def _innovations_kernels():
    """statsmodels' compiled innovations routines (float64), or None if they moved."""
    try:
        from statsmodels.tsa.innovations import _arma_innovations as _ai

        return (_ai.darma_transformed_acovf_fast, _ai.darma_innovations_algo_fast,
                _ai.darma_innovations_filter)
    except (ImportError, AttributeError):  # pragma: no cover - statsmodels internals moved
        return None


def whiten(Z: np.ndarray, ar: np.ndarray, ma: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """One-step prediction errors of every column of ``Z`` under the ARMA (unit innovation
    variance), as a list of columns, and their variances, by the innovations algorithm."""
    kernels = _innovations_kernels()
    if kernels is None:  # pragma: no cover - the public, slower route
        from statsmodels.tsa.innovations.arma_innovations import arma_innovations

        u, v = arma_innovations(Z, ar_params=ar, ma_params=ma, sigma2=1.0)
        u = np.asarray(u).reshape(Z.shape)
        return [u[:, j] for j in range(Z.shape[1])], np.asarray(v, dtype=float)
    transformed, algo, filt = kernels
    n = Z.shape[0]
    ar = np.ascontiguousarray(ar, dtype=float)
    ma = np.ascontiguousarray(ma, dtype=float)
    # Only the first 2 max(p, q) autocovariances enter; beyond them the transformed
    # process is a pure MA(q), whose autocovariances vanish after lag q.
    m = max(len(ar), len(ma))
    acv1, acv2 = transformed(np.concatenate(([1.0], -ar)), np.concatenate(([1.0], ma)),
                             _acovf(ar, ma, min(n, 2 * m + 2)))
    acv2 = np.asarray(acv2)
    full = np.zeros(max(n - m, len(acv2)))
    full[:len(acv2)] = acv2
    theta, v = algo(n, ar, ma, acv1, full)
    if not Z.flags.f_contiguous:
        Z = np.asfortranarray(Z)
    return [np.asarray(filt(Z[:, j], ar, ma, theta)) for j in range(Z.shape[1])], np.asarray(v)


def profile(Z: np.ndarray, k: int, ar: np.ndarray, ma: np.ndarray):
    """Whitened residuals after GLS on the regressors, their variances and the GLS
    coefficients, for fixed ARMA coefficients. ``Z`` = [y, X] (Fortran order is fastest)."""
    u, v = whiten(Z, ar, ma)
    if not (v.min() > 0 and all(np.isfinite(col.sum()) for col in u)):
        raise FastFitError("innovations variances not positive")
    scale = 1.0 / np.sqrt(v)
    w0 = u[0] * scale
    if k == 1:  # a constant (or one regressor): closed-form least squares
        x1 = u[1] * scale
        xx = float(x1 @ x1)
        beta = np.array([float(x1 @ w0) / xx]) if xx > 0 else np.zeros(1)
        r = w0 - x1 * beta[0]
    elif k:
        W = np.column_stack([col * scale for col in u[1:]])
        beta, *_ = np.linalg.lstsq(W, w0, rcond=None)
        r = w0 - W @ beta
    else:
        beta, r = np.zeros(0), w0
    return r, v, beta


def search(residuals, x0: np.ndarray, max_iter: int, known: np.ndarray | None = None, *,
            ftol: float = TOL, xtol: float = TOL, gtol: float = TOL):
    """Levenberg-Marquardt from ``x0``: ``(x, cost, evaluations, converged)``.

    A plain Marquardt iteration (forward-difference Jacobian, damping scaled by the
    diagonal of J'J) in NumPy. scipy's ``least_squares(method="lm")`` is not used because
    two identical calls of it in one process can end at different points (its MINPACK
    workspace carries state between calls); this loop repeats bit for bit. It stops when an
    accepted step lowers the criterion by less than ``ftol`` relative or moves the
    parameters by less than ``xtol`` relative (converged), when the gradient is below
    ``gtol`` (relative to the criterion), when no step can lower it (converged:
    a stationary point to working precision), or after ``max_iter`` iterations (not
    converged). With ``known`` (an optimum found before), it stops as soon as it comes
    within ``JOIN`` of that point, returning ``converged=None``: it is on its way there.
    """
    x = np.array(x0, dtype=float)
    r = residuals(x)
    cost = float(r @ r)
    m = len(x)
    evals, lam = 1, 1e-3
    for _ in range(max_iter):
        J = np.empty((len(r), m))
        for j in range(m):
            h = 1.5e-8 * max(1.0, abs(x[j]))
            xh = x.copy()
            xh[j] += h
            J[:, j] = (residuals(xh) - r) / h
        evals += m
        g = J.T @ r
        A = J.T @ J
        if float(np.max(np.abs(g))) <= gtol * max(cost, 1e-300):
            return x, cost, evals, True
        d = np.diag(A).copy()
        d[d <= 0] = 1.0
        while True:
            try:
                step = np.linalg.solve(A + lam * np.diag(d), -g)
            except np.linalg.LinAlgError:
                step = np.full(m, np.nan)
            x_new = x + step
            r_new = residuals(x_new) if np.isfinite(x_new).all() else None
            evals += 1
            cost_new = float(r_new @ r_new) if r_new is not None else np.inf
            if cost_new < cost:
                lam = max(lam / 5.0, 1e-12)
                break
            lam *= 4.0
            if lam > 1e12:  # no step lowers the criterion: a stationary point
                return x, cost, evals, True
        small_gain = cost - cost_new <= ftol * cost
        small_step = float(np.max(np.abs(step))) <= xtol * (xtol + float(np.max(np.abs(x))))
        x, r, cost = x_new, r_new, cost_new
        if known is not None and float(np.max(np.abs(x - known))) < JOIN:
            return x, cost, evals, None
        if small_gain or small_step:
            return x, cost, evals, True
    return x, cost, evals, False


def further_starts(x0: np.ndarray, x1: np.ndarray, p: int, q: int) -> list[np.ndarray]:
    """Further start values after a first search from ``x0`` ended at ``x1``.

    ARMA likelihoods often have two optima of near-cancelling AR and MA factors with
    opposite signs (an "AR persistent, MA negative" and an "AR alternating, MA positive"
    one), and which one a search reaches depends on where it starts. So the searches start
    again from the mirror image of the first optimum (every partial autocorrelation's sign
    flipped) and from white noise (zero coefficients; if the first start was already
    zero, from a persistent AR part with a partly cancelling MA part).
    """
    out = [np.clip(-x1, -3.0, 3.0)]
    if np.any(x0):
        out.append(np.zeros(p + q))
    else:
        alt = np.zeros(p + q)
        if p:
            alt[0] = 2.0  # partial autocorrelation 0.9
        if q:
            alt[p] = -0.6
        out.append(alt)
    return [start for start in out if not np.array_equal(start, x0)]


def _on_boundary(x: np.ndarray) -> bool:
    """Whether a partial autocorrelation of the AR or MA polynomial is within 1% of +-1
    (the unconstrained value x maps to x / sqrt(1 + x^2)): a unit root, where the
    likelihood's supremum lies on the edge of the region and searches stop anywhere."""
    return bool(len(x)) and float(np.max(np.abs(x))) > BOUNDARY


def _start_x(ar: np.ndarray | None, ma: np.ndarray | None, p: int, q: int) -> np.ndarray:
    """Start values in the unconstrained parametrisation; values outside the stationary and
    invertible region (or none) start from zero instead."""
    try:
        with np.errstate(all="ignore"):
            x0 = unconstrain(np.zeros(p) if ar is None else np.asarray(ar, dtype=float),
                              np.zeros(q) if ma is None else np.asarray(ma, dtype=float))
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
        x0 = np.zeros(p + q)
    return np.where(np.isfinite(x0), np.clip(x0, -3, 3), 0.0)


def _warm_search(residuals, x0: np.ndarray, warm: tuple[np.ndarray, np.ndarray], p: int, q: int):
    """The search from a previous fit's optimum: ``(x, cost, evaluations, converged,
    conclusive)``. Conclusive when it converged within ``WARM_ITER`` iterations inside the
    region (no unit root) and a
    search from the ordinary start values ``x0`` (statsmodels') heads for the same optimum
    (it stops as soon as it comes within ``JOIN`` of it); otherwise the caller runs its
    ordinary searches as well and keeps the best."""
    ar, ma = warm
    if len(ar) != p or len(ma) != q:
        return None
    xw = _start_x(ar, ma, p, q)
    x, cost, nfev, converged = search(residuals, xw, WARM_ITER)
    if not converged or _on_boundary(x):
        return x, cost, nfev, converged, False
    _, _, nfev0, joined = search(residuals, x0, MAX_ITER, known=x)
    return x, cost, nfev + nfev0, converged, joined is None


def _best_search(residuals, x0: np.ndarray, p: int, q: int, other_starts: bool,
                 warm: tuple[np.ndarray, np.ndarray] | None):
    """The searches of :func:`fit_arma` and the best optimum they found: ``(x, evaluations,
    converged, boundary, modes, warm)``."""
    nfev, converged, boundary, modes = 1, True, False, 1
    done = _warm_search(residuals, x0, warm, p, q) if warm is not None and p + q else None
    warm_used = done is not None and done[4]
    if warm_used:  # the warm search is conclusive
        x, nfev = done[0], done[2]
    elif p + q:
        x, cost, nfev, converged = search(residuals, x0, MAX_ITER)
        boundary = _on_boundary(x)
        first = x
        for start in further_starts(x0, x, p, q) if other_starts else ():
            x2, cost2, nfev2, conv2 = search(residuals, start, MAX_ITER, known=first)
            nfev += nfev2
            if conv2 is None:  # joined the first search's optimum
                continue
            if abs(cost2 - cost) > 1e-6 * cost:
                modes += 1
            if cost2 < cost * (1 - 1e-12):  # the best optimum wins, ties to the earlier start
                x, cost, converged = x2, cost2, conv2
                boundary = _on_boundary(x)
        if done is not None:  # an inconclusive warm search: kept if it is still the best
            nfev += done[2]
            if done[1] < cost * (1 - 1e-12):
                x, cost, converged = done[0], done[1], done[3]
                boundary = _on_boundary(x)
    else:
        x = x0
    return x, nfev, converged, boundary, modes, warm_used


def fit_arma(y: np.ndarray, X: np.ndarray | None, p: int, q: int,
             start_ar: np.ndarray | None = None, start_ma: np.ndarray | None = None, *,
             other_starts: bool = True, warm: tuple[np.ndarray, np.ndarray] | None = None) -> ArmaFit:
    """Maximum likelihood estimates of ARMA(p, q) errors around ``X @ beta``.

    ``X`` (n, k) holds the regressors (a column of ones for a constant) or is None for a
    zero mean. The first search starts from the given start values (statsmodels' own, by
    the caller); two more start from the mirror image of its optimum and from white noise
    (:func:`further_starts`; ``other_starts=False`` skips them when the caller compares with
    another optimiser anyway), and the best optimum is kept. Each search stops on a
    convergence criterion (relative change of the criterion or of the parameters below
    ``TOL``), not on a step count. ``modes`` on the result counts the distinct optima found,
    ``converged`` and ``boundary`` say how the best search ended: callers compare with
    another optimiser unless the searches agree on one converged interior optimum.
    ``warm`` = ``(ar, ma)``, the optimum of a fit on nearly the same data (the previous
    origin of a refitting backtest), starts the search there instead: when that search
    converges inside the region to a point whose criterion is no higher than at the start
    values, it is the answer and no further starts run (consecutive origins differ by a few
    observations, so the optimum moves little); otherwise the searches above run as well
    and the best optimum is kept (:func:`_warm_search`).
    Pure function of its arguments: the same call gives the same bits. Raises
    :class:`FastFitError` when no trustworthy optimum can be produced.
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
    Z = np.asfortranarray(Z / np.r_[scale, np.ones(k)])

    def residuals(x: np.ndarray) -> np.ndarray:
        ar, ma = constrain(x, p)
        try:
            r, v, _ = profile(Z, k, ar, ma)
        except (FastFitError, ValueError, ZeroDivisionError, FloatingPointError, np.linalg.LinAlgError):
            return np.full(n, 1e6)
        return r * np.exp(0.5 * float(np.log(v).sum()) / n) / np.sqrt(n)

    x0 = _start_x(start_ar, start_ma, p, q)
    x, nfev, converged, boundary, modes, warm_used = _best_search(residuals, x0, p, q, other_starts, warm)
    ar, ma = constrain(x, p)
    r, v, beta = profile(Z, k, ar, ma)
    sigma2 = float(np.sum(r**2) / n)
    if not (sigma2 > 0 and np.isfinite(sigma2)):
        raise FastFitError("zero or non-finite innovation variance")
    llf = -0.5 * n * (np.log(2 * np.pi * sigma2) + 1.0) - 0.5 * float(np.sum(np.log(v)))
    # undo the scaling: y was divided by `scale`
    sigma2_y = sigma2 * scale**2
    llf_y = llf - n * np.log(scale)
    beta_y = beta * scale
    return ArmaFit(ar=ar, ma=ma, beta=beta_y, sigma2=sigma2_y, llf=float(llf_y), nfev=nfev,
                   converged=converged, boundary=boundary, modes=modes, nobs=n, warm=warm_used)
