"""Refit-at-every-origin ARMA(2,1) backtest: the toolkit against statsforecast, same run.

The workload of ``benchmarks/peers/arma.py`` (a 1,000-point hourly ARMA(2,1) series, 100
origins, horizon 24, parameters re-estimated at every origin): ``fc.backtest`` with
``refit=True`` against statsforecast's ``cross_validation(refit=True)``, interleaved,
median of ``--repeats`` rounds after a warm-up. The target is a ratio of at most 0.5.

Needs statsforecast (the bench environment: ``make bench`` builds it, or any venv with
``statsforecast==2.1.1`` and this project on the path).

Run: ``OPENBLAS_NUM_THREADS=1 python -m benchmarks.bench_arma_refit [--repeats 3]``
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np

from .peers import arma, data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    y = data.series()
    lengths = data.train_lengths(100)
    arma.sf_cv(y, lengths[:3], True)  # warm-up: numba compilation, imports
    arma.fc_backtest(y, lengths[:3], True)
    times: dict[str, list[float]] = {"statsforecast": [], "forecast": []}
    for _ in range(args.repeats):
        start = time.perf_counter()
        sf = arma.sf_cv(y, lengths, True)
        times["statsforecast"].append(time.perf_counter() - start)
        start = time.perf_counter()
        ours = arma.fc_backtest(y, lengths, True)
        times["forecast"].append(time.perf_counter() - start)
    t_sf, t_fc = statistics.median(times["statsforecast"]), statistics.median(times["forecast"])
    print("| candidate | median time (s) | ratio to statsforecast |")
    print("|---|---|---|")
    print(f"| statsforecast cross_validation(refit=True) | {t_sf:.2f} | 1.00 |")
    print(f"| forecast fc.backtest(refit=True) | {t_fc:.2f} | {t_fc / t_sf:.3f} |")
    print(f"\nlargest forecast difference: {float(np.abs(sf - ours).max()):.2g}")


if __name__ == "__main__":
    main()
