"""Combinations and the hybrid against their members on the four M3 sets (OWA vs Naive2).

Every series is trained on everything but its last ``h`` values and scored on them (the
competition's protocol; yearly h=6, quarterly h=8, monthly h=18, other h=8). Methods, all
the product's defaults as a user gets them (nothing tuned on the test parts):

- the default members: ``naive``, ``snaive(m)`` (seasonal sets), ``arima(auto, m=m)`` per
  series on the raw series (the CLI's default classical contender), and one global
  ``fc.LSTM(seed=0)`` / ``fc.GRU(seed=0)`` over the set (head set to the horizon, as the
  backtest sets it);
- combinations, computed from the members' forecasts (nothing fitted again): ``mean`` of
  arima(auto) and LSTM, the same with naive (seasonal naive on seasonal sets) as a third
  member, and the median of those three. Their time is the members' time plus the
  combining (the ``combine`` column: milliseconds);
- the hybrid ``hybrid(arima(auto, m=m), lstm)`` (Zhang 2003): arima(auto) per series, one
  global LSTM over the set learning the ARIMA in-sample residuals;
- the published THETA and ForecastPro submissions (yearly, monthly, other; the quarterly
  file has none).

OWA is the M4 definition against the benchmark's Naive2 (multiplicative classical
decomposition where the 90% autocorrelation test finds seasonality). Forecasts of each
method are cached under ``--cache`` (default ``benchmarks/results/m3_combination``) so a
method added later does not refit the others; ``--fresh`` ignores the cache.

A second table measures what a combination costs in :func:`forecast.backtest`: the same
backtest (the first ``--backtest-series`` M3 other series, horizon 8, every fourth origin
from half of each series, refit at each) with the members only and with the members plus
the combination, the fastest of three alternating runs each.

Run: ``nice -n 10 python -m benchmarks.bench_m3_combination`` (``--every k`` scores a
systematic sample: every k-th series).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecast import datasets, metrics  # noqa: E402
from forecast.seasonality import naive2_forecast  # noqa: E402

SEASON = {"yearly": 1, "quarterly": 4, "monthly": 12, "other": 1}
TOTAL = {"yearly": 645, "quarterly": 756, "monthly": 1428, "other": 174}
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "m3"
PUBLISHED = ("THETA", "ForecastPro")
CACHE = Path(__file__).resolve().parent / "results" / "m3_combination"


def _quiet():
    warnings.simplefilter("ignore")


def per_series(spec_of_m):
    """A classical model fitted per series; a failed fit falls back to naive (counted)."""

    def run(trains: dict[str, pd.Series], m: int, h: int, n_jobs: int):
        from joblib import Parallel, delayed

        def one(y):
            import forecast as fc

            with warnings.catch_warnings():
                _quiet()
                try:
                    return fc.create(spec_of_m(m)).fit(y).predict(h).mean.to_numpy(float), False
                except Exception:  # noqa: BLE001 - counted
                    return np.repeat(float(y.iloc[-1]), h), True

        outs = Parallel(n_jobs=n_jobs)(delayed(one)(y) for y in trains.values()) if n_jobs != 1 else \
            [one(y) for y in trains.values()]
        return np.stack([o[0] for o in outs]), sum(o[1] for o in outs)

    return run


def network(kind: str):
    def run(trains: dict[str, pd.Series], m: int, h: int, n_jobs: int):
        import forecast as fc

        cls = {"lstm": fc.LSTM, "gru": fc.GRU}[kind]
        with warnings.catch_warnings():
            _quiet()
            model = cls(seed=0, horizon=h).fit(trains)
            out = model.predict(h)
        return np.stack([out[sid].mean.to_numpy(float) for sid in trains]), 0

    return run


def hybrid(trains: dict[str, pd.Series], m: int, h: int, n_jobs: int):
    import forecast as fc

    with warnings.catch_warnings():
        _quiet()
        model = fc.create(f"hybrid(arima(auto, m={m}), lstm(seed=0, horizon={h}))").set_params(n_jobs=n_jobs)
        model.fit(trains)
        out = model.predict(h)
    return np.stack([out[sid].mean.to_numpy(float) for sid in trains]), 0


METHODS = {
    "naive": ("`naive`", per_series(lambda m: "naive")),
    "snaive": ("`snaive(m)`", per_series(lambda m: f"snaive({m})")),
    "arima(auto)": ("`arima(auto, m=m)` per series", per_series(lambda m: f"arima(auto, m={m})")),
    "lstm": ("`fc.LSTM(seed=0)` one global network", network("lstm")),
    "gru": ("`fc.GRU(seed=0)` one global network", network("gru")),
    "hybrid": ("`hybrid(arima(auto, m=m), lstm)`: ARIMA per series + one global LSTM on its "
                                  "residuals", hybrid),
}


def combos(m: int) -> dict[str, tuple[str, list[str]]]:
    third = "snaive" if m > 1 else "naive"
    return {
        "combo(arima(auto), lstm)": ("mean", ["arima(auto)", "lstm"]),
        f"combo(arima(auto), lstm, {third})": ("mean", ["arima(auto)", "lstm", third]),
        f"combo(arima(auto), lstm, {third}, how=median)": ("median", ["arima(auto)", "lstm", third]),
    }


def published(subset: str, ids: list[str], h: int) -> dict[str, np.ndarray]:
    path = SHARED / f"M3_{subset}_FTS.csv"
    if not path.exists():
        return {}
    frame = pd.read_csv(path)
    out = {}
    for method in PUBLISHED:
        part = frame[frame["method_id"] == method]
        piv = part.pivot_table(index="series_id", columns="horizon", values="forecast")
        if set(ids) <= set(piv.index):
            out[method] = np.stack([piv.loc[i].to_numpy(float)[:h] for i in ids])
    return out


def score(trains, tests, fcs, m):
    sm = np.mean([metrics.smape(t, f) for t, f in zip(tests, fcs, strict=True)])
    ms = np.mean([metrics.mase(t, f, y_train=x, m=m if len(x) > m else 1)
                  for x, t, f in zip(trains, tests, fcs, strict=True)])
    return float(sm), float(ms)


def evaluate(subset: str, every: int, methods: list[str], n_jobs: int, cache: Path | None, log=print):
    train, test, h = datasets.load_m3(subset, split=True)
    ids = list(train)[::every]
    trains = {i: train[i] for i in ids}
    xs = [train[i].to_numpy(float) for i in ids]
    ts = [test[i].to_numpy(float) for i in ids]
    m = SEASON[subset]
    fcs: dict[str, np.ndarray] = {}
    rows = []

    def add(name, f, source, secs, combine=float("nan")):
        sm, ms = score(xs, ts, f, m)
        rows.append({"set": subset, "method": name, "sMAPE": sm, "MASE": ms, "source": source,
                     "seconds": secs, "combine_ms": combine})
        log(f"  {subset:<9s} {name:<40s} sMAPE {sm:6.2f}  MASE {ms:6.3f}  ({secs:.1f} s)", flush=True)

    add("Naive2", np.stack([naive2_forecast(x, m, h) for x in xs]), "this benchmark", 0.0)
    for name in methods:
        if name == "snaive" and m == 1:
            continue
        what, fn = METHODS[name]
        file = None if cache is None else cache / f"{subset}-every{every}-{name}.npz"
        if file is not None and file.exists():
            got = np.load(file)
            f, secs, failed = got["f"], float(got["secs"]), int(got["failed"])
        else:
            t0 = time.perf_counter()
            f, failed = fn(trains, m, h, n_jobs)
            secs = time.perf_counter() - t0
            if file is not None:
                file.parent.mkdir(parents=True, exist_ok=True)
                np.savez(file, f=f, secs=secs, failed=failed)
        fcs[name] = f
        add(name, f, what + (f" ({failed} failed fits: naive used)" if failed else ""), secs)
    for name, (how, members) in combos(m).items():
        if not all(k in fcs for k in members):
            continue
        t0 = time.perf_counter()
        stack = np.stack([fcs[k] for k in members])
        f = np.median(stack, axis=0) if how == "median" else np.mean(stack, axis=0)
        combine = (time.perf_counter() - t0) * 1000
        secs = sum(float(r["seconds"]) for r in rows if r["method"] in members)
        add(name, f, f"{how} of the members' forecasts", secs, combine)
    for name, f in published(subset, ids, h).items():
        add(f"{name} (M3)", f, "published M3 submission", float("nan"))
    frame = pd.DataFrame(rows)
    ref = frame.loc[frame["method"] == "Naive2"].iloc[0]
    frame["OWA"] = 0.5 * (frame["sMAPE"] / ref["sMAPE"] + frame["MASE"] / ref["MASE"])
    frame["series"] = len(ids)
    return frame


def backtest_cost(n_series: int, repeats: int = 3, log=print) -> pd.DataFrame:
    """Wall time of one backtest with the members only and with the members plus the
    combination (the fastest of ``repeats`` alternating runs)."""
    import forecast as fc

    train, _ = datasets.load_m3("other")
    ids = list(train)[:n_series]
    panel = {i: train[i] for i in ids}
    members = ["naive", "arima(auto, m=1)"]
    runs = (("members only", members),
            ("members + combo(naive, arima(auto, m=1))", [*members, "combo(naive, arima(auto, m=1))"]))
    best: dict[str, float] = {}
    tasks: dict[str, int] = {}
    for _ in range(repeats):  # alternating, the fastest of each: the machine is shared
        for label, models in runs:
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                _quiet()
                res = fc.backtest(models, panel, horizon=8, initial=None, step=4, refit=True)
            secs = time.perf_counter() - t0
            best[label] = min(best.get(label, np.inf), secs)
            tasks[label] = res.meta["tasks_total"]
            log(f"  backtest {label}: {secs:.1f} s, {tasks[label]} tasks", flush=True)
    return pd.DataFrame([{"run": label, "seconds": best[label], "tasks": tasks[label]} for label, _ in runs])


def markdown(frame: pd.DataFrame, cost: pd.DataFrame | None) -> str:
    lines = []
    for subset, part in frame.groupby("set", sort=False):
        n = int(part["series"].iloc[0])
        which = "all series" if n == TOTAL[subset] else f"a systematic sample of {n} of {TOTAL[subset]} series"
        lines += [f"**M3 {subset}** ({which}, MASE season m={SEASON[subset]})", "",
                  "| method | sMAPE | MASE | OWA | source | time |", "| --- | ---: | ---: | ---: | --- | ---: |"]
        for r in part.sort_values("OWA").itertuples():
            secs = "" if not np.isfinite(r.seconds) else f"{r.seconds:.0f} s"
            if np.isfinite(r.combine_ms):
                secs += f" (members) + {r.combine_ms:.1f} ms"
            lines.append(f"| {r.method} | {r.sMAPE:.2f} | {r.MASE:.3f} | {r.OWA:.3f} | {r.source} | {secs} |")
        lines.append("")
    if cost is not None and len(cost):
        lines += ["| backtest (M3 other) | tasks | wall time |", "| --- | ---: | ---: |"]
        for r in cost.itertuples():
            lines.append(f"| {r.run} | {r.tasks} | {r.seconds:.1f} s |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> pd.DataFrame:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--subsets", default="yearly,quarterly,monthly,other")
    p.add_argument("--methods", default=",".join(METHODS))
    p.add_argument("--every", type=int, default=1, help="every k-th series only (a systematic sample)")
    p.add_argument("--n-jobs", type=int, default=1)
    p.add_argument("--cache", default=str(CACHE))
    p.add_argument("--fresh", action="store_true", help="ignore cached forecasts")
    p.add_argument("--backtest-series", type=int, default=20, help="series of the backtest cost table (0: none)")
    p.add_argument("--out", default=None, help="write the Markdown tables to this file")
    a = p.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    cache = None if a.fresh else Path(a.cache)
    subsets = [s for s in a.subsets.split(",") if s]
    frame = pd.concat([evaluate(s, a.every, a.methods.split(","), a.n_jobs, cache) for s in subsets],
                      ignore_index=True) if subsets else pd.DataFrame(columns=["set"])
    cost = backtest_cost(a.backtest_series) if a.backtest_series else None
    md = markdown(frame, cost)
    print(md)
    if a.out:
        Path(a.out).write_text(md)
        Path(a.out).with_suffix(".json").write_text(json.dumps(frame.to_dict("records"), default=float))
    return frame


if __name__ == "__main__":
    main()
