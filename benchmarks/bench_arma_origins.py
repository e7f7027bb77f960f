"""Multi-origin forecasts of the ARMA family: the one-pass fast path vs the generic fallback.

The generic path (``Forecaster._predict_origins``) copies the model and runs
``update`` + ``predict`` at every origin; the fast path filters once and propagates every
origin's state together. Both are timed in the same run, interleaved, on the first 1000
weekly Mauna Loa CO2 values: parameters fitted on the first 900, then 100 origins (the
cutoff and the next 99 weeks), horizon 24. The script also checks that both give the same
numbers, and times one ``update`` done by filtering the new data only (what the models use)
against statsmodels' ``results.append`` (re-filtering everything).

Run: ``python benchmarks/bench_arma_origins.py [--repeats 5] [--write]``; ``--write``
puts the table into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from pathlib import Path

import numpy as np

import forecast as fc
from forecast.base import Forecaster

N, N_FIT, HORIZON = 1000, 900, 24
MARK = "<!-- bench_arma_origins -->"


def _models():
    return {
        "ARMA(2,1) on weekly changes": (fc.ARMA(p=2, q=1), True),
        "ARIMA(2,1,1)": (fc.ARIMA(order=(2, 1, 1)), False),
        "AR(3)": (fc.AR(p=3), True),
    }


def _clock(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(repeats: int) -> list[dict]:
    co2 = fc.datasets.load("co2").iloc[:N + 1]
    rows = []
    for name, (model, diff) in _models().items():
        y = co2.diff().iloc[1:] if diff else co2.iloc[1:]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(y.iloc[:N_FIT])
        y_new = y.iloc[N_FIT:]
        positions = list(range(len(y_new)))  # 100 origins: the cutoff and the next 99 steps

        def fast(model=model, y_new=y_new, positions=positions):
            return model._predict_origins(y_new, positions, HORIZON, None)

        def generic(model=model, y_new=y_new, positions=positions):
            return Forecaster._predict_origins(model, y_new, positions, HORIZON, None)

        def extend_update(model=model, y_new=y_new):
            return model._extend(model.results_, y_new.to_numpy()[:10], None)

        def append_update(model=model, y_new=y_new):
            return model.results_.append(y_new.to_numpy()[:10])

        a, b = fast(), generic()
        err = max(max(np.max(np.abs(p.mean / q.mean - 1)), np.max(np.abs(p.se / q.se - 1)))
                  for p, q in zip(a, b, strict=True))
        times = {"fast": [], "generic": [], "extend": [], "append": []}
        for _ in range(repeats):  # interleaved, so load changes hit both alike
            times["fast"].append(_clock(fast))
            times["generic"].append(_clock(generic))
            times["extend"].append(_clock(extend_update))
            times["append"].append(_clock(append_update))
        med = {k: statistics.median(v) for k, v in times.items()}
        rows.append({"model": name, "fast_s": med["fast"], "generic_s": med["generic"],
                     "speedup": med["generic"] / med["fast"], "max_rel_diff": err,
                     "update_speedup": med["append"] / med["extend"]})
    return rows


def table(rows: list[dict], repeats: int) -> str:
    lines = [
        f"### ARMA multi-origin forecasts ({N_FIT} fitted + {N - N_FIT} new points, "
        f"{N - N_FIT} origins, horizon {HORIZON}, median of {repeats})",
        "",
        "| model | fast path (s) | update+predict loop (s) | speed-up | max rel. diff | update: append / new-data filter |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['model']} | {r['fast_s']:.4f} | {r['generic_s']:.3f} | {r['speedup']:.0f}x | "
                     f"{r['max_rel_diff']:.1e} | {r['update_speedup']:.1f}x |")
    return "\n".join(lines)


def write(text: str, path: Path = Path("BENCHMARKS.md")) -> None:
    block = f"{MARK}\n{text}\n{MARK}"
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    if MARK in old:
        head, _, rest = old.partition(MARK)
        _, _, tail = rest.partition(MARK)
        new = head + block + tail
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="put the table into BENCHMARKS.md")
    args = parser.parse_args()
    text = table(run(args.repeats), args.repeats)
    print(text)
    if args.write:
        write(text)


if __name__ == "__main__":
    main()
