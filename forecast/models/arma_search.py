"""The order search of ``ARMA(p="auto", q="auto")``: screen every candidate, fit the close ones exactly.

An exhaustive search fits every ``(p, q)`` of the grid to convergence by exact maximum
likelihood, from several starts and (where those do not agree on one interior optimum, and
always on short series) with statsmodels' own optimiser beside them. That is the right
estimate for the order that is reported, but most of its cost goes to orders that lose by
many criterion units. The search here runs in two stages:

1. **Screen.** Every candidate gets a cheap exact-likelihood estimate: one
   Levenberg-Marquardt search of the same concentrated likelihood (:mod:`._arma_mle`),
   with a loose convergence criterion and few iterations, warm-started from the screened
   optimum of a nested neighbour (``(p-1, q)`` or ``(p, q-1)`` with the new coefficient's
   partial autocorrelation at zero, which is exactly the neighbour's model, so a
   candidate's screened likelihood is never below its better nested neighbour's). The
   candidates are visited by increasing ``p + q`` so that the neighbours are ready.
   On short series (at most ``statespace.SHORT`` observations, where the exact estimator
   itself does not trust its own searches alone) a search stops on a relative change of
   the criterion of ``SCREEN_FTOL``. On longer series it stops once a step raises the
   log-likelihood by less than ``SCREEN_DLLF`` (0.01, a hundredth of the log-likelihood
   difference the refine margin stands for): the log-likelihood is ``n/2`` times the log
   of the criterion, so a relative tolerance asks for ever more log-likelihood digits as
   the series grows, and most of a long series' screen went to over-parametrised
   candidates whose flat likelihoods creep on by such tiny gains. (A log-likelihood
   tolerance on short series too lost agreement with the exhaustive search on M3 monthly
   training parts: their flat likelihoods gain in many small steps.)
2. **Refine.** Every candidate whose screened criterion lies within ``MARGIN`` units of
   the best exact criterion found so far is fitted by the exhaustive search's own
   estimator (``ARMA._criteria``: every start and statsmodels' fit where the exhaustive
   search runs it), repeated until no unrefined candidate lies within the margin of the
   best exact one. Candidates whose screen failed are always refined.

The chosen order is the one with the lowest exact criterion, and its estimate is the one the
exhaustive search makes for that order (the same computation, so never a lower
likelihood). The selection table lists every candidate; ``exact`` says whether its
criteria come from the exact fit (True) or only from the screen (False).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelError

__all__ = ["MARGIN", "screen_fit", "search_orders"]

#: criterion units (AIC or BIC) within which a screened candidate is fitted exactly
MARGIN = 2.0
#: the screen's Levenberg-Marquardt settings: a search stops once a step lowers the
#: criterion by less than SCREEN_FTOL relative (short series) or raises the log-likelihood
#: by less than SCREEN_DLLF (long series: a small fraction of the refine margin), or moves
#: the parameters by less than SCREEN_XTOL relative, or after SCREEN_ITER iterations (a
#: warm start from a nested optimum needs few)
SCREEN_FTOL = 1e-6
SCREEN_DLLF = 0.01
SCREEN_XTOL = 1e-4
SCREEN_ITER = 25
#: searches per candidate: the warm start, then the estimator's other starts (mirror, zero)
STARTS = 4


@dataclass(frozen=True)
class Screened:
    x: np.ndarray  # unconstrained AR/MA parameters (the estimator's parametrisation)
    llf: float


def screen_fit(y: np.ndarray, const: bool, p: int, q: int, x0: np.ndarray, more=()) -> Screened:
    """A quick exact-likelihood fit of ARMA(p, q) (with a constant if ``const``) from the
    unconstrained start ``x0``: the concentrated likelihood of :func:`._arma_mle.fit_arma`,
    one Levenberg-Marquardt search with the screen's loose settings. Raises
    :class:`._arma_mle.FastFitError` where the likelihood cannot be evaluated."""
    from ._arma_mle import FastFitError, constrain, further_starts, profile, search
    from .statespace import SHORT

    n = len(y)
    k = int(const)
    if n <= p + q + k + 1:
        raise FastFitError("too few observations")
    # the log-likelihood is -n/2 log(cost) + const: a relative change of the cost by
    # 2 dllf / n changes it by dllf
    ftol = SCREEN_FTOL if n <= SHORT else max(SCREEN_FTOL, 2.0 * SCREEN_DLLF / n)
    scale = float(np.std(y)) or 1.0
    Z = np.asfortranarray(np.column_stack([y / scale, np.ones(n)]) if const else (y / scale)[:, None])

    def residuals(x: np.ndarray) -> np.ndarray:
        ar, ma = constrain(x, p)
        try:
            r, v, _ = profile(Z, k, ar, ma)
        except (FastFitError, ValueError, ZeroDivisionError, FloatingPointError, np.linalg.LinAlgError):
            return np.full(n, 1e6)
        return r * np.exp(0.5 * float(np.log(v).sum()) / n) / np.sqrt(n)

    starts = [np.asarray(x0, dtype=float)] + [np.asarray(s, dtype=float) for s in more]
    x = starts[0]
    if p + q:
        x, cost, _, _ = search(residuals, x, SCREEN_ITER, ftol=ftol, xtol=SCREEN_XTOL)
        first = x
        others = [s for s in starts[1:] if not np.array_equal(s, starts[0])]
        for start in (others + further_starts(starts[0], first, p, q))[:STARTS - 1]:
            x2, cost2, _, joined = search(residuals, start, SCREEN_ITER, first,
                                           ftol=ftol, xtol=SCREEN_XTOL)
            if joined is not None and cost2 < cost:
                x, cost = x2, cost2
    ar, ma = constrain(x, p)
    r, v, _ = profile(Z, k, ar, ma)
    sigma2 = float(r @ r / n)
    if not (sigma2 > 0 and np.isfinite(sigma2)):
        raise FastFitError("zero or non-finite innovation variance")
    llf = -0.5 * n * (np.log(2 * np.pi * sigma2) + 1.0) - 0.5 * float(np.sum(np.log(v))) - n * np.log(scale)
    return Screened(x=x, llf=float(llf))


def _warm_start(p: int, q: int, done: dict[tuple[int, int], Screened]) -> np.ndarray:
    """The start of ``(p, q)``'s screen: the better screened nested neighbour, its new
    coefficient's partial autocorrelation set to zero (the neighbour's own model)."""
    options = []
    if (p - 1, q) in done:
        x = done[p - 1, q].x
        options.append((done[p - 1, q].llf, np.concatenate([x[:p - 1], [0.0], x[p - 1:]])))
    if (p, q - 1) in done:
        options.append((done[p, q - 1].llf, np.concatenate([done[p, q - 1].x, [0.0]])))
    if not options:
        return np.zeros(p + q)
    return max(options, key=lambda o: o[0])[1]  # ties to the (p - 1, q) neighbour


def search_orders(criteria, y: np.ndarray, const: bool, ps: list[int], qs: list[int],
                  criterion: str, n_reg: int, margin: float = MARGIN, start_of=None):
    """Screen every ``(p, q)`` in ``ps x qs`` and refine the close ones exactly.

    ``criteria(p, q)`` is the exhaustive search's per-candidate estimator, returning
    ``(aic, bic, n_warnings, estimate)`` or raising :class:`ModelError`; ``n_reg`` counts
    the regression coefficients (1 with a constant). Returns ``(rows, notes, estimates)``:
    one row per candidate (``p, q, aic, bic, warnings, exact``), the failure notes, and
    the exact candidates' estimates by order.
    """
    from ._arma_mle import FastFitError

    n = len(y)
    grid = sorted(((p, q) for p in ps for q in qs), key=lambda c: (c[0] + c[1], c[0]))
    screened: dict[tuple[int, int], Screened] = {}
    screen_ic: dict[tuple[int, int], float] = {}
    for p, q in grid:
        try:
            warm = _warm_start(p, q, screened)
            first = start_of(p, q) if start_of is not None else None
            fit = (screen_fit(y, const, p, q, warm) if first is None
                   else screen_fit(y, const, p, q, first, (warm,)))
        except (FastFitError, ValueError, np.linalg.LinAlgError):
            screen_ic[p, q] = -np.inf  # unknown: refined whatever the others give
            continue
        screened[p, q] = fit
        k = p + q + n_reg + 1
        screen_ic[p, q] = -2 * fit.llf + (2 * k if criterion == "aic" else np.log(n) * k)

    exact: dict[tuple[int, int], dict[str, Any]] = {}
    notes: list[str] = []
    estimates: dict[tuple[int, int], Any] = {}
    while True:
        fitted = [row[criterion] for row in exact.values() if np.isfinite(row[criterion])]
        finite = [v for v in screen_ic.values() if np.isfinite(v)]
        best = min(fitted) if fitted else (min(finite) if finite else np.inf)
        todo = [c for c in grid if c not in exact and screen_ic[c] <= best + margin]
        if not todo:
            rest = [c for c in grid if c not in exact]
            if fitted or not rest:
                break
            # every candidate refined so far failed: the next best by its screen
            todo = [min(rest, key=lambda c: (screen_ic[c], c))]
        for p, q in sorted(todo, key=lambda c: (screen_ic[c], c)):
            try:
                aic, bic, n_warn, estimates[p, q] = criteria(p, q)
                exact[p, q] = {"p": p, "q": q, "aic": aic, "bic": bic, "warnings": n_warn, "exact": True}
            except ModelError as err:
                notes.append(f"order search: ARMA({p},{q}) failed: {err.__cause__ or err}")
                exact[p, q] = {"p": p, "q": q, "aic": np.nan, "bic": np.nan, "warnings": 0, "exact": True}

    rows = []
    for p, q in ((p, q) for p in ps for q in qs):
        if (p, q) in exact:
            rows.append(exact[p, q])
        else:
            k = p + q + n_reg + 1
            fit = screened[p, q]
            rows.append({"p": p, "q": q, "aic": -2 * fit.llf + 2 * k, "bic": -2 * fit.llf + np.log(n) * k,
                         "warnings": 0, "exact": False})
    return rows, notes, estimates


def selection_table(rows: list[dict[str, Any]], criterion: str) -> pd.DataFrame:
    """The candidates best first (exact ones before screened ones on ties)."""
    table = pd.DataFrame(rows)
    table["_rank"] = ~table["exact"].astype(bool)
    table = table.sort_values([criterion, "_rank", "p", "q"], na_position="last").drop(columns="_rank")
    return table.reset_index(drop=True)
