"""``arma(auto)``: the screened order search against the exhaustive one, in the same run.

For each series both searches run one after the other on the same training data (the
screened search is ``fc.ARMA(p="auto", q="auto")``; the exhaustive one is the same model
with its private ``_exhaustive`` flag set, the search before screening, which fits every
candidate exactly). ``max_p = max_q = 5``, AIC. Reported per data set:

* agreement: the share of series on which both choose the same order;
* likelihood: on how many series the reported fit's log-likelihood is below the exhaustive
  search's fit of the same order (it must be none; compared with a 1e-6 tolerance);
* CPU seconds per series (single-threaded) of each search: median and maximum, and the
  ratio of the medians.

Data: a systematic sample (every ``--every``-th series, in file order) of the training
parts of M3 monthly, quarterly and other (series shorter than ARMA(5,5) needs are skipped),
and ``--seasonal`` long seasonal series simulated here: seasonal ARMA(1,1)(1,1)24 paths
around a daily sine cycle, 480-700 points, seeded. Last, the timing the target is about:
the first 480 points of the peers' hourly ARMA(2,1) series (``benchmarks/peers/data.py``),
``--repeats`` times each, median CPU seconds.

    OPENBLAS_NUM_THREADS=1 nice -n 10 python -m benchmarks.bench_arma_auto --every 20 --seasonal 8
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import forecast as fc  # noqa: E402

MAX_P = MAX_Q = 5


def seasonal_series(n: int, seed: int) -> pd.Series:
    """A seeded seasonal ARMA(1,1)(1,1)24 path around a level and a daily cycle."""
    from statsmodels.tsa.arima_process import arma_generate_sample

    rng = np.random.default_rng(seed)
    phi = 0.3 + 0.5 * rng.random()
    ar = np.convolve([1, -phi], np.r_[1, np.zeros(23), -0.3])
    ma = np.convolve([1, 0.3], np.r_[1, np.zeros(23), -0.5])
    u = arma_generate_sample(ar, ma, n, scale=1.0, distrvs=rng.standard_normal, burnin=200)
    y = 100 + 10 * np.sin(2 * np.pi * np.arange(n) / 24) + u
    return pd.Series(y, index=pd.date_range("2024-01-01", periods=n, freq="h"), name=f"seasonal-{seed}")


def model(exhaustive: bool) -> fc.ARMA:
    m = fc.ARMA(p="auto", q="auto", max_p=MAX_P, max_q=MAX_Q)
    m._exhaustive = exhaustive
    return m


def timed_fit(y: pd.Series, exhaustive: bool):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c0 = time.process_time()
        m = model(exhaustive).fit(y)
        return m, time.process_time() - c0


def compare(y: pd.Series) -> dict:
    new, t_new = timed_fit(y, exhaustive=False)
    old, t_old = timed_fit(y, exhaustive=True)
    p, _, q = new.order_
    row = old.selection_[(old.selection_["p"] == p) & (old.selection_["q"] == q)].iloc[0]
    k = len(new.params_)
    llf_old = (2 * k - row["aic"]) / 2  # the exhaustive search's fit of the reported order
    return {"same": new.order_ == old.order_, "below": bool(new.llf_ < llf_old - 1e-6),
            "gain": float(new.llf_ - llf_old), "new": t_new, "old": t_old,
            "exact": int(new.selection_["exact"].sum()), "order": new.order_, "old_order": old.order_}


def data_sets(every: int, n_seasonal: int) -> dict[str, list[pd.Series]]:
    need = model(False).min_length()
    out: dict[str, list[pd.Series]] = {}
    for subset in ("monthly", "quarterly", "other"):
        train, _, _ = fc.datasets.load_m3(subset, split=True)
        out[f"M3 {subset}"] = [s for s in list(train.values())[::every] if len(s) >= need]
    if n_seasonal:
        lengths = np.linspace(480, 700, n_seasonal).round().astype(int)
        out["seasonal m=24"] = [seasonal_series(int(n), seed) for seed, n in enumerate(lengths)]
    return out


def main(argv: list[str] | None = None) -> str:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--every", type=int, default=20, help="every k-th M3 series of each set")
    ap.add_argument("--seasonal", type=int, default=8, help="simulated seasonal series (480-700 points)")
    ap.add_argument("--repeats", type=int, default=3, help="repeats of the 480-point timing")
    ap.add_argument("--out", default=None, help="write the Markdown table to this file")
    a = ap.parse_args(argv)
    from benchmarks.peers import data

    timed_fit(data.series().iloc[:100], exhaustive=False)  # warm-up: imports, compiled code
    lines = ["| data set | series | same order | reported llf below exhaustive | exact fits (median of 36) "
             "| screened: median / max s | exhaustive: median / max s | ratio of medians |",
             "|---|---|---|---|---|---|---|---|"]
    for name, series in data_sets(a.every, a.seasonal).items():
        rows = []
        for y in series:
            r = compare(y)
            rows.append(r)
            if not r["same"]:
                print(f"  {name} {y.name}: screened {r['order']} exhaustive {r['old_order']} "
                      f"(llf gain {r['gain']:+.4f})", flush=True)
        new = [r["new"] for r in rows]
        old = [r["old"] for r in rows]
        same = sum(r["same"] for r in rows)
        line = (f"| {name} | {len(rows)} | {same}/{len(rows)} ({100 * same / len(rows):.1f}%) "
                f"| {sum(r['below'] for r in rows)} | {statistics.median(r['exact'] for r in rows):g} "
                f"| {statistics.median(new):.3f} / {max(new):.3f} | {statistics.median(old):.3f} / {max(old):.3f} "
                f"| {statistics.median(new) / statistics.median(old):.3f} |")
        lines.append(line)
        print(line, flush=True)
    y = data.series().iloc[:480]
    runs = {False: [], True: []}
    for _ in range(a.repeats):
        for exhaustive in (False, True):
            m, secs = timed_fit(y, exhaustive)
            runs[exhaustive].append((secs, m.order_))
    t_new = statistics.median(s for s, _ in runs[False])
    t_old = statistics.median(s for s, _ in runs[True])
    lines += ["", "| 480-point hourly ARMA(2,1) series | CPU s (median of "
              f"{a.repeats}) | order |", "|---|---|---|",
              f"| screened search | {t_new:.2f} | {runs[False][0][1]} |",
              f"| exhaustive search | {t_old:.2f} | {runs[True][0][1]} |",
              f"| ratio | {t_new / t_old:.3f} | |"]
    md = "\n".join(lines)
    print(md)
    if a.out:
        Path(a.out).write_text(md + "\n")
    return md


if __name__ == "__main__":
    main()
