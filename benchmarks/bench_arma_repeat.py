"""Do identical ARMA fits repeat bit for bit in one process? The estimator's search against
scipy's MINPACK Levenberg-Marquardt (what the first fast estimator used), same run.

For every 8th M3 quarterly series (up to 60), ARMA(3,3) with a constant is fitted twice with
other fits in between (what a backtest or an order search does). ``forecast`` counts series
whose two ``fc.ARMA(p=3, q=3).fit`` results differ in any bit of any parameter. ``scipy lm``
runs ``scipy.optimize.least_squares(method="lm")`` on the very same criterion (the
estimator's concentrated likelihood) twice and counts series whose two solutions differ.

Run: ``OPENBLAS_NUM_THREADS=1 python -m benchmarks.bench_arma_repeat``
"""

from __future__ import annotations

import warnings

import numpy as np

import forecast as fc
from forecast.models import _arma_mle as A


def _criterion(y: np.ndarray, p: int, q: int):
    n = len(y)
    Z = np.asfortranarray(np.column_stack([y / np.std(y), np.ones(n)]))

    def residuals(x: np.ndarray) -> np.ndarray:
        ar, ma = A.constrain(x, p)
        try:
            r, v, _ = A.profile(Z, 1, ar, ma)
        except (A.FastFitError, ValueError, ZeroDivisionError, np.linalg.LinAlgError):
            return np.full(n, 1e6)
        return r * np.exp(0.5 * np.mean(np.log(v))) / np.sqrt(n)

    return residuals


def main() -> None:
    from scipy.optimize import least_squares

    warnings.simplefilter("ignore")
    series, _ = fc.datasets.load_m3("quarterly")
    ids = list(series)[::8][:60]
    differ = {"forecast": 0, "scipy lm": 0}
    for sid in ids:
        y = series[sid]
        first = fc.ARMA(p=3, q=3).fit(y).params_.to_numpy()
        fc.ARMA(p=2, q=2).fit(series[ids[0]])  # other work in between
        again = fc.ARMA(p=3, q=3).fit(y).params_.to_numpy()
        differ["forecast"] += first.tobytes() != again.tobytes()
        res = _criterion(y.to_numpy(float), 3, 3)
        a = least_squares(res, np.zeros(6), method="lm", xtol=1e-9, ftol=1e-11, gtol=1e-10, max_nfev=40).x
        np.random.rand(np.random.randint(1, 1000))  # other work in between
        b = least_squares(res, np.zeros(6), method="lm", xtol=1e-9, ftol=1e-11, gtol=1e-10, max_nfev=40).x
        differ["scipy lm"] += a.tobytes() != b.tobytes()
    print("| search | series | repeated fits that differ |")
    print("|---|---|---|")
    for name, count in differ.items():
        print(f"| {name} | {len(ids)} | {count} |")


if __name__ == "__main__":
    main()
