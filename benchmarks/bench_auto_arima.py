"""Automatic seasonal ARIMA: ``fc.AutoARIMA`` against statsforecast's ``AutoARIMA``.

Two workloads, both run in the same process, one method after the other:

1. M3 accuracy and time: every series of M3 ``other`` (174, h=8, non-seasonal) and M3
   ``quarterly`` (756, h=8, season 4), trained on everything before the last h values.
   ``fc.AutoARIMA()`` takes the season from the series' time index (a quarterly
   PeriodIndex gives m=4; ``other`` has an integer index, m=1); statsforecast gets
   ``season_length`` 4 / 1. Both with their defaults (Hyndman-Khandakar: KPSS for d,
   seasonal strength for D, stepwise AICc search). Scored by sMAPE, MASE (in-sample
   seasonal-naive scale, m of the set) and OWA against Naive2 (naive on the seasonally
   adjusted series when the M3 90% ACF test says seasonal), as in the M4 definition. A fit
   that raises is replaced by Naive2 and counted as failed. Both are timed after one
   warm-up fit (imports, compiled code), series by series interleaved (ours, theirs, ours,
   ...) so that a busy moment of a shared machine hits both; wall and CPU time are
   reported, and the ratio is of CPU time (both run single-threaded).
2. A long hourly series: 700 hourly points with m=24 (a seeded simulated seasonal
   ARMA(1,1)(1,1)24 around a level and a daily sine cycle, on an hourly DatetimeIndex:
   there is no real hourly series in the repository), the whole automatic fit timed for
   each library.

statsforecast is not a dependency of the toolkit: run this in the benchmark environment

    python3.11 -m venv .venv-sf
    .venv-sf/bin/pip install "statsforecast==2.1.1" "pandas>=2.2,<3" numpy scipy statsmodels \\
        scikit-learn matplotlib joblib pyarrow rich
    .venv-sf/bin/pip install -e . --no-deps
    OPENBLAS_NUM_THREADS=1 .venv-sf/bin/python -m benchmarks.bench_auto_arima

``--quick`` scores the first 40 series of each set; ``--no-peer`` runs ours only.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_m3_accuracy import naive2, score  # noqa: E402
from forecast import datasets  # noqa: E402

SEASON = {"quarterly": 4, "other": 1}
TARGET_OWA = {"other": 0.656, "quarterly": 0.979}  # statsforecast AutoARIMA's published OWA


def ours(y: pd.Series, m: int, h: int) -> np.ndarray:
    import forecast as fc

    return fc.AutoARIMA().fit(y).predict(h).mean.to_numpy(float)


def statsforecast(y: pd.Series, m: int, h: int) -> np.ndarray:
    from statsforecast.models import AutoARIMA

    return np.asarray(AutoARIMA(season_length=m).forecast(y=y.to_numpy(float), h=h)["mean"], dtype=float)


METHODS = {"fc.AutoARIMA": ours, "statsforecast AutoARIMA": statsforecast}


def run_set(subset: str, methods: list[str], n_series: int | None, log=print) -> list[dict]:
    train, test, h = datasets.load_m3(subset, split=True)
    ids = list(train)[:n_series] if n_series else list(train)
    m = SEASON[subset]
    trains = [train[i] for i in ids]
    xs = [y.to_numpy(float) for y in trains]
    tests = [test[i].to_numpy(float) for i in ids]
    rows = []
    ref = [naive2(x, m, h) for x in xs]
    sm0, ms0 = score(xs, tests, ref, m)
    rows.append({"set": subset, "method": "Naive2", "sMAPE": sm0, "MASE": ms0, "OWA": 1.0,
                 "failed": 0, "seconds": float("nan"), "cpu": float("nan"), "series": len(ids)})
    fcs = {name: [] for name in methods}
    failed = dict.fromkeys(methods, 0)
    wall = dict.fromkeys(methods, 0.0)
    cpu = dict.fromkeys(methods, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in methods:
            METHODS[name](trains[0], m, h)  # warm-up: imports, compiled code
        # interleaved, series by series, so that a busy moment of the machine hits both
        for y, r in zip(trains, ref, strict=True):
            for name in methods:
                t0, c0 = time.perf_counter(), time.process_time()
                try:
                    f = METHODS[name](y, m, h)
                    if not np.isfinite(f).all():
                        raise ValueError("non-finite forecast")
                except Exception:  # noqa: BLE001 - counted, replaced by Naive2
                    f, failed[name] = r, failed[name] + 1
                wall[name] += time.perf_counter() - t0
                cpu[name] += time.process_time() - c0
                fcs[name].append(f)
    for name in methods:
        sm, ms = score(xs, tests, fcs[name], m)
        owa = 0.5 * (sm / sm0 + ms / ms0)
        rows.append({"set": subset, "method": name, "sMAPE": sm, "MASE": ms, "OWA": owa, "failed": failed[name],
                     "seconds": wall[name], "cpu": cpu[name], "series": len(ids)})
        log(f"  {subset:<9s} {name:<24s} sMAPE {sm:6.2f}  MASE {ms:6.3f}  OWA {owa:.3f}  "
            f"failed {failed[name]}  {wall[name]:.1f} s (CPU {cpu[name]:.1f} s)")
    return rows


def hourly_series(n: int = 700, seed: int = 0) -> pd.Series:
    """A seeded seasonal ARMA(1,1)(1,1)24 path around a level and a daily cycle, hourly index."""
    from statsmodels.tsa.arima_process import arma_generate_sample

    rng = np.random.default_rng(seed)
    ar = np.convolve([1, -0.6], np.r_[1, np.zeros(23), -0.3])
    ma = np.convolve([1, 0.3], np.r_[1, np.zeros(23), -0.5])
    u = arma_generate_sample(ar, ma, n + 24, scale=1.0, distrvs=rng.standard_normal, burnin=200)
    season = 10 * np.sin(2 * np.pi * np.arange(n + 24) / 24)
    y = 100 + season + u
    index = pd.date_range("2024-01-01", periods=n, freq="h")
    return pd.Series(y[24:], index=index, name="hourly")


def run_hourly(methods: list[str], log=print) -> list[dict]:
    y = hourly_series()
    rows = []
    for name in methods:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0, c0 = time.perf_counter(), time.process_time()
            if name == "fc.AutoARIMA":
                import forecast as fc

                model = fc.AutoARIMA().fit(y)
                what = f"ARIMA{model.order_}{model.seasonal_order_} trend {model.trend_!r}, {model.fit_method_}"
            else:
                from statsforecast.models import AutoARIMA

                model = AutoARIMA(season_length=24).fit(y.to_numpy(float))
                what = str(model.model_.get("arma", ""))
            secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        rows.append({"method": name, "seconds": secs, "cpu": cpu, "model": what})
        log(f"  hourly n=700 m=24 {name:<24s} {secs:.1f} s (CPU {cpu:.1f} s)  {what}")
    return rows


def markdown(rows: list[dict], hourly: list[dict]) -> str:
    frame = pd.DataFrame(rows)
    lines = []
    for subset, part in frame.groupby("set", sort=False):
        peer = part.loc[part["method"] == "statsforecast AutoARIMA"]
        lines += [f"**M3 {subset}** ({int(part['series'].iloc[0])} series, h=8, m={SEASON[subset]}; "
                  f"target OWA <= {TARGET_OWA[subset]})", "",
                  "| method | sMAPE | MASE | OWA | failed fits | wall time | CPU time | CPU time vs statsforecast |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in part.itertuples():
            secs = "" if not np.isfinite(r.seconds) else f"{r.seconds:.1f} s"
            cpu = "" if not np.isfinite(r.cpu) else f"{r.cpu:.1f} s"
            rel = f"{r.cpu / peer['cpu'].iloc[0]:.2f}" if len(peer) and np.isfinite(r.cpu) else ""
            lines.append(f"| {r.method} | {r.sMAPE:.2f} | {r.MASE:.3f} | {r.OWA:.3f} | {r.failed} "
                         f"| {secs} | {cpu} | {rel} |")
        lines.append("")
    if hourly:
        lines += ["**Hourly series** (700 points, m=24): time of the whole automatic fit", "",
                  "| method | wall time | CPU time | chosen model |", "| --- | ---: | ---: | --- |"]
        lines += [f"| {r['method']} | {r['seconds']:.1f} s | {r['cpu']:.1f} s | {r['model']} |" for r in hourly]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--subsets", default="other,quarterly")
    p.add_argument("--quick", action="store_true", help="the first 40 series of each set")
    p.add_argument("--no-peer", action="store_true", help="run fc.AutoARIMA only")
    p.add_argument("--no-hourly", action="store_true")
    p.add_argument("--out", default=None, help="write the Markdown tables to this file")
    a = p.parse_args(argv)
    methods = ["fc.AutoARIMA"] + ([] if a.no_peer else ["statsforecast AutoARIMA"])
    rows = []
    for subset in a.subsets.split(","):
        rows += run_set(subset, methods, 40 if a.quick else None)
    hourly = [] if a.no_hourly else run_hourly(methods)
    md = markdown(rows, hourly)
    print(md)
    if a.out:
        Path(a.out).write_text(md)
    return md


if __name__ == "__main__":
    main()
