"""Refit-at-every-origin ARMA(2,1): the toolkit against statsforecast, same run.

Two workloads, each 100 origins, horizon 24, parameters re-estimated at every origin,
ARMA(2,1) with a constant, on an hourly ARMA(2,1) series simulated with a fixed seed
(``benchmarks/peers/data.py``):

- ``peers``: the 1,000-point series of ``benchmarks/peers/arma.py`` (first fit on 877
  points), the workload this script always measured;
- ``issue 18``: a 700-point series (first fit on 577 points), the workload of issue 18.

Candidates, interleaved round by round, median of ``--repeats`` rounds after a warm-up:
statsforecast's ``cross_validation(refit=True)``, ``fc.backtest(refit=True)`` as shipped
(consecutive refits chained, each fit warm-started from the previous origin's optimum:
``forecast/evaluation/chains.py``), and the same backtest with the chains switched off
(``CHAIN = 1``: every refit starts cold, the engine before warm starts). CPU time of this
process is reported beside wall time: the machine is shared, so CPU time is the fairer
measure (every candidate runs single-threaded here).

Needs statsforecast (``.venv-sf`` as in BENCHMARKS.md, or ``make bench``'s environment).

Run: ``OPENBLAS_NUM_THREADS=1 python -m benchmarks.bench_arma_refit [--repeats 3]``
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np

from .peers import arma, data

WORKLOADS = {"peers (1,000 points)": 1000, "issue 18 (700 points)": 700}


def _lengths(n: int) -> list[int]:
    return [length - (data.N - n) for length in data.train_lengths(100)]


def _cold(y, lengths):
    from forecast.evaluation import chains

    saved, chains.CHAIN = chains.CHAIN, 1
    try:
        return arma.fc_backtest(y, lengths, True)
    finally:
        chains.CHAIN = saved


CANDIDATES = {
    "statsforecast cross_validation(refit=True)": lambda y, lengths: arma.sf_cv(y, lengths, True),
    "forecast fc.backtest(refit=True)": lambda y, lengths: arma.fc_backtest(y, lengths, True),
    "forecast, every refit cold (no chains)": _cold,
}


def measure(n: int, repeats: int) -> tuple[dict[str, tuple[float, float]], dict[str, float]]:
    y = data.series(n=n)
    lengths = _lengths(n)
    for fn in CANDIDATES.values():  # warm-up: numba compilation, imports
        fn(y, lengths[:3])
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in CANDIDATES}
    out: dict[str, np.ndarray] = {}
    for _ in range(repeats):
        for name, fn in CANDIDATES.items():
            wall, cpu = time.perf_counter(), time.process_time()
            out[name] = fn(y, lengths)
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    med = {name: (statistics.median(t[0] for t in v), statistics.median(t[1] for t in v))
           for name, v in times.items()}
    ref = out["statsforecast cross_validation(refit=True)"]
    diffs = {name: float(np.abs(f - ref).max()) for name, f in out.items()}
    return med, diffs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    print("| workload | candidate | median wall (s) | median CPU (s) | CPU ratio to statsforecast "
          "| largest forecast difference to statsforecast |")
    print("|---|---|---:|---:|---:|---:|")
    for label, n in WORKLOADS.items():
        med, diffs = measure(n, args.repeats)
        sf_cpu = med["statsforecast cross_validation(refit=True)"][1]
        for name, (wall, cpu) in med.items():
            print(f"| {label} | {name} | {wall:.2f} | {cpu:.2f} | {cpu / sf_cpu:.2f} | {diffs[name]:.2g} |",
                  flush=True)


if __name__ == "__main__":
    main()
