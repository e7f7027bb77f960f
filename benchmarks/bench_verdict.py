"""What the model confidence set and the verdict add to reading a backtest result.

Workload: the airline series, models naive, snaive(12), ar(13) and drift, horizon 6, 39
origins (``initial=100``), no refit; and the first 40 M3 monthly series with naive,
snaive(12) and ar(2), horizon 6, the last 10 origins of each. On a fresh result each time
(nothing cached), interleaved, median of ``--repeats``:

* ``scores()``: the reference;
* ``leaderboard()`` without the ``mcs`` column (the code before it: ``mcs_column`` replaced by
  a constant), and with it (the model confidence set: arch's bootstrap, 1000 replications);
* ``verdict()`` after the leaderboard (the confidence set then comes from the result's cache).

Run: ``python -m benchmarks.bench_verdict [--repeats 5]``
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import forecast as fc
import forecast.evaluation.result as result_module
from forecast.datasets import load_m3


def _fresh(res):
    return fc.evaluation.BacktestResult(res.forecasts, res.actuals, res.failures, res.timings, res.meta)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import arch.bootstrap  # noqa: F401  (imported once, not timed)

    air = fc.backtest(["naive", "snaive(12)", "ar(13)", "drift"], fc.datasets.load("airline"), horizon=6,
                      initial=100, refit=False, seed=0)
    series, _ = load_m3("monthly")
    panel = {k: series[k] for k in list(series)[:40]}
    pan = fc.backtest(["naive", "snaive(12)", "ar(2)"], panel, horizon=6,
                      initial=min(map(len, panel.values())) - 15, refit=False, seed=0)
    real = result_module.mcs_column

    def board_without(res):
        result_module.mcs_column = lambda r, models, metric=None: [False for _ in models]
        try:
            res.leaderboard()
        finally:
            result_module.mcs_column = real

    def verdict_after_board(res):
        res.leaderboard()
        res.verdict()

    cases = {"scores()": lambda r: r.scores(), "leaderboard() before (no mcs)": board_without,
             "leaderboard() with mcs": lambda r: r.leaderboard(),
             "leaderboard() + verdict()": verdict_after_board}
    print(f"{'workload':<22} {'call':<32} {'median s':>9} {'x scores()':>11}")
    for label, res in (("airline, 39 origins", air), ("M3 monthly, 40 series", pan)):
        times = {k: [] for k in cases}
        for _ in range(args.repeats):
            for name, fn in cases.items():
                r = _fresh(res)
                t = time.perf_counter()
                fn(r)
                times[name].append(time.perf_counter() - t)
        ref = statistics.median(times["scores()"])
        for name, ts in times.items():
            med = statistics.median(ts)
            print(f"{label:<22} {name:<32} {med:>9.3f} {med / ref:>11.2f}")


if __name__ == "__main__":
    main()
