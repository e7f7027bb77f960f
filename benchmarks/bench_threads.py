"""A refitting ARMA backtest from a plain script: no thread variables, a busy core.

Issue 18: a user's script or notebook sets no ``OPENBLAS_NUM_THREADS``, and as soon as
another job keeps a core busy, OpenBLAS threads contend on statsmodels' small matrices
(19.5 s against 2.1 s measured before the library limited threads itself). The workload
is ``fc.backtest(["arma(2,1)"], s, horizon=24, initial=400, step=8, refit=True)`` on the
first 480 points of the peers' hourly ARMA(2,1) series (``benchmarks/peers/data.py``),
each run in a fresh interpreter while this script keeps one core busy with a spinning
process. Candidates, interleaved, ``--repeats`` rounds:

- ``unset``: the thread variables removed, the library's own limit in force (today);
- ``OPENBLAS_NUM_THREADS=1``: the variables set (what the Makefile and CLI always did);
- ``unset, no library limit``: the variables removed and ``forecast.threads`` patched out
  (the code before this change), for the before/after figure.

The ratio to ``OPENBLAS_NUM_THREADS=1`` is measured in the same run; the target is the
same figure within noise for ``unset``. Times are of the backtest call only (imports
excluded), so start-up does not blur the ratio.

Run: ``python -m benchmarks.bench_threads [--repeats 3]`` (no thread variables needed)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
         "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")

CHILD = """
import contextlib, json, sys, time, warnings
warnings.simplefilter("ignore")
import forecast as fc
if sys.argv[1] == "nolimit":
    import forecast.base, forecast.evaluation.tasks
    off = lambda active=True: contextlib.nullcontext()
    forecast.base.single_thread = forecast.evaluation.tasks.single_thread = off
from benchmarks.peers import data
s = data.series().iloc[:480]
start = time.perf_counter()
res = fc.backtest(["arma(2,1)"], s, horizon=24, initial=400, step=8, refit=True)
took = time.perf_counter() - start
from threadpoolctl import threadpool_info
print(json.dumps({"seconds": took, "mae": float(res.scores().loc["mae"].iloc[0]),
                  "blas_threads": max(i["num_threads"] for i in threadpool_info())}))
"""


def _spin() -> None:  # pragma: no cover - the busy core
    while True:
        pass


def _run(kind: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _VARS}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if kind == "set":
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = "1"
    done = subprocess.run([sys.executable, "-c", CHILD, kind], env=env, capture_output=True,
                          text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-busy", action="store_true", help="do not keep a core busy")
    args = ap.parse_args()
    names = {"unset": "thread variables unset (library limit)",
             "set": "OPENBLAS_NUM_THREADS=1",
             "nolimit": "thread variables unset, no library limit (before)"}
    spinner = None
    if not args.no_busy:
        spinner = mp.Process(target=_spin, daemon=True)
        spinner.start()
    times: dict[str, list[float]] = {k: [] for k in names}
    last: dict[str, dict] = {}
    try:
        for _ in range(args.repeats):
            for kind in names:
                last[kind] = _run(kind)
                times[kind].append(last[kind]["seconds"])
    finally:
        if spinner is not None:
            spinner.terminate()
            spinner.join()
    ref = statistics.median(times["set"])
    print(f"cores: {os.cpu_count()}, busy core: {not args.no_busy}, repeats: {args.repeats}\n")
    print("| candidate | median (s) | min-max (s) | ratio to OPENBLAS_NUM_THREADS=1 | MAE |")
    print("|---|---|---|---|---|")
    for kind, label in names.items():
        t = times[kind]
        print(f"| {label} | {statistics.median(t):.2f} | {min(t):.2f}-{max(t):.2f} | "
              f"{statistics.median(t) / ref:.2f} | {last[kind]['mae']:.4f} |")


if __name__ == "__main__":
    main()
