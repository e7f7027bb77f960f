"""Coverage of the 80% and 95% prediction intervals on M3 yearly (h=6) and other (h=8).

Every series is trained on everything but its last ``h`` values (the competition's
protocol) and its intervals are scored on those ``h`` held-out values: coverage is the
share of held-out values inside the interval, over all series and steps (nominal: 0.80
and 0.95). Methods:

- ``LSTM``, ``GRU``: one global network per set (``fc.LSTM``/``fc.GRU`` fitted on the
  dict of training parts; log scale, windows shifted by their last input, standard scaler
  per series, direct head of the whole horizon, MAE loss, early stopping on the last 10%
  of each series' windows). Intervals: split conformal on the held-out validation windows,
  pooled over the series after each series' scaling (the toolkit's method);
- the same fitted networks with the previous interval method, recomputed from the same
  residuals for comparison: per-series residuals in the data's units, quantile level
  clipped to 1 (``per-series, clipped``);
- ``ARMA(auto)``: ``arma(auto, max_p=2, max_q=2)`` per series, Gaussian intervals from
  the state-space model (failed fits are counted and left out).

Combinations (``--combination-sets``, default ``other``):

- ``mean of ARMA(auto) and LSTM bounds``: the bounds of the two fitted models above
  averaged (quantile averaging, the combination's bounds before recalibration);
- ``Combination([...])`` standalone, per series, with the averaged bounds
  (``calibration="none"``) and recalibrated split-conformally on a held-out last quarter
  of the training data (the default), members ``arima(auto, m=1)`` + ``naive`` and
  ``naive`` + ``drift``;
- ``backtest``: ``fc.backtest`` on the whole series (first origin after half of each,
  every second origin, fitted once) of ``arima(auto, m=1)``, ``lstm`` and
  ``combo(arima(auto, m=1), lstm)`` with and without ``calibration=none``, run at
  ``level=80`` and ``level=95``: coverage over every origin of every series (the first
  origins of each series, before enough earlier origins are fully observed, keep the
  averaged bounds in both rows).

The network settings are fixed in advance (small networks, few epochs: a few minutes on
two cores); nothing is tuned on the held-out values. Series shorter than a network's
``min_length`` are padded at the start with their first value (as in
``bench_m3_accuracy.py``). ``wider`` is the share of (series, step) pairs whose 95%
interval is strictly wider than the 80% one.

Run: ``python -m benchmarks.bench_coverage`` (``--every 5`` for a systematic sample;
``--subsets other --skip-networks`` for the combination rows alone).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecast import datasets  # noqa: E402

WINDOW = {"yearly": 8, "other": 16}  # input steps of the networks, as in bench_m3_accuracy
ARMA = "arma(auto, max_p=2, max_q=2)"
LEVELS = (80, 95)


def _padded(x: pd.Series, need: int) -> pd.Series:
    if len(x) >= need:
        return pd.Series(x.to_numpy(float))
    v = x.to_numpy(float)
    return pd.Series(np.concatenate([np.repeat(v[0], need - len(v)), v]))


def _old_bounds(residuals: np.ndarray, mean: np.ndarray, frac: float) -> tuple[np.ndarray, np.ndarray]:
    """The previous method: per-series residuals in the data's units, level clipped to 1."""
    res = np.abs(residuals)
    n = len(res)
    q = min(1.0, math.ceil((n + 1) * frac) / n)
    w = np.quantile(res, q, axis=0, method="inverted_cdf")
    return mean - w, mean + w


def networks(kind: str, trains: dict[str, pd.Series], h: int, L: int, *, units: int, epochs: int, seed: int):
    import forecast as fc

    cls = {"lstm": fc.LSTM, "gru": fc.GRU}[kind]
    model = cls(time_steps=L, horizon=h, units=units, epochs=epochs, batch_size=256, loss="mae", log=True,
                window_norm="last", scaler="standard", validation_fraction=0.1, patience=5, seed=seed)
    need = model.min_length()
    panel = {sid: _padded(x, need) for sid, x in trains.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(panel)
    out = model.predict(h)
    new, old = {}, {}
    for sid in trains:
        f = out[sid]
        new[sid] = {lv: f.interval(lv).to_numpy().T for lv in LEVELS}
        res = np.asarray(model.residuals_[sid], dtype=float)
        old[sid] = {lv: np.array(_old_bounds(res, f.values, lv / 100)) for lv in LEVELS}
    return new, old, model.calibration_


def arma(trains: dict[str, pd.Series], h: int, n_jobs: int):
    from joblib import Parallel, delayed

    def one(x):
        import forecast as fc

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                f = fc.create(ARMA).fit(pd.Series(x.to_numpy(float))).predict(h)
                return {lv: f.interval(lv).to_numpy().T for lv in LEVELS}
            except Exception:  # noqa: BLE001 - counted and left out
                return None

    outs = Parallel(n_jobs=n_jobs)(delayed(one)(x) for x in trains.values())
    return {sid: o for sid, o in zip(trains, outs, strict=True) if o is not None}


def coverage(bounds: dict[str, dict[int, np.ndarray]], tests: dict[str, pd.Series]) -> dict[str, float]:
    out = {}
    for lv in LEVELS:
        inside = [(b[lv][0] <= tests[sid].to_numpy()) & (tests[sid].to_numpy() <= b[lv][1]) for sid, b in bounds.items()]
        out[f"cov{lv}"] = float(np.mean(np.concatenate(inside)))
    w80 = np.concatenate([b[80][1] - b[80][0] for b in bounds.values()])
    w95 = np.concatenate([b[95][1] - b[95][0] for b in bounds.values()])
    out["wider"] = float(np.mean(w95 > w80))
    out["series"] = len(bounds)
    return out


def standalone_combination(members: list[str], calibration: str, trains, tests, h: int, n_jobs: int):
    from joblib import Parallel, delayed

    def one(x):
        import forecast as fc
        from forecast.models.combination import Combination

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                f = Combination([fc.create(s) for s in members], calibration=calibration).fit(
                    pd.Series(x.to_numpy(float))).predict(h)
                return {lv: f.interval(lv).to_numpy().T for lv in LEVELS}
            except Exception:  # noqa: BLE001 - counted and left out
                return None

    outs = Parallel(n_jobs=n_jobs)(delayed(one)(x) for x in trains.values())
    return {sid: o for sid, o in zip(trains, outs, strict=True) if o is not None}


def backtest_combination(full: dict[str, pd.Series], h: int, seed: int) -> dict[str, dict[str, float]]:
    """Coverage in fc.backtest of the combination with and without recalibration."""
    import forecast as fc

    combo = "combo(arima(auto, m=1), lstm)"
    raw = "combo(arima(auto, m=1), lstm, calibration=none)"
    out: dict[str, dict[str, float]] = {combo: {}, raw: {}}
    for lv in LEVELS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fc.backtest(["arima(auto, m=1)", "lstm", combo, raw], full, horizon=h, step=2, refit=False,
                              level=lv, seed=seed)
        f = res.forecasts
        for name in (combo, raw):
            part = f[(f["model"] == name) & f["y_pred"].notna()]
            out[name][f"cov{lv}"] = float(((part["lower"] <= part["y_true"]) & (part["y_true"] <= part["upper"])).mean())
            out[name]["pairs"] = len(part)
    return out


def combination_rows(subset, trains, tests, full, h, lstm_bounds, arma_bounds, a) -> list[dict]:
    rows = []
    both = [sid for sid in arma_bounds if sid in lstm_bounds]
    mean_bounds = {sid: {lv: (lstm_bounds[sid][lv] + arma_bounds[sid][lv]) / 2 for lv in LEVELS} for sid in both}
    rows.append({"set": subset, "method": "mean of ARMA(auto) and LSTM bounds (not recalibrated)",
                 **coverage(mean_bounds, tests), "n_cal": float("nan"), "seconds": float("nan")})
    for members in (["arima(auto, m=1)", "naive"], ["naive", "drift"]):
        for cal in ("none", "conformal"):
            t0 = time.perf_counter()
            b = standalone_combination(members, cal, trains, tests, h, a.n_jobs)
            what = "averaged bounds" if cal == "none" else "recalibrated (held-out quarter)"
            rows.append({"set": subset, "method": f"Combination({' + '.join(members)}) standalone, {what}",
                         **coverage(b, tests), "n_cal": float("nan"), "seconds": time.perf_counter() - t0})
            print(rows[-1], flush=True)
    t0 = time.perf_counter()
    bt = backtest_combination(full, h, a.seed)
    secs = time.perf_counter() - t0
    for name, cov in bt.items():
        what = "averaged bounds" if "none" in name else "recalibrated on earlier origins"
        rows.append({"set": subset, "method": f"backtest `{name}`, {what}", "cov80": cov["cov80"],
                     "cov95": cov["cov95"], "wider": float("nan"), "series": len(full), "n_cal": float("nan"),
                     "seconds": secs if "none" not in name else float("nan")})
        print(rows[-1], flush=True)
    return rows


def main(argv: list[str] | None = None) -> pd.DataFrame:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--subsets", default="yearly,other")
    p.add_argument("--every", type=int, default=1, help="every k-th series only (a systematic sample)")
    p.add_argument("--units", type=int, default=16)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--n-jobs", type=int, default=2)
    p.add_argument("--combination-sets", default="other", help="sets with the combination rows ('' for none)")
    p.add_argument("--skip-networks", action="store_true", help="the combination rows only")
    a = p.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    rows = []
    for subset in a.subsets.split(","):
        train, test, h = datasets.load_m3(subset, split=True)
        ids = list(train)[::a.every]
        trains, tests = {i: train[i] for i in ids}, {i: test[i] for i in ids}
        lstm_bounds = {}
        for kind in ("lstm", "gru"):
            t0 = time.perf_counter()
            new, old, cal = networks(kind, trains, h, WINDOW[subset], units=a.units, epochs=a.epochs, seed=a.seed)
            secs = time.perf_counter() - t0
            lstm_bounds = new if kind == "lstm" else lstm_bounds
            if a.skip_networks:
                continue
            rows.append({"set": subset, "method": f"{kind.upper()} global, pooled conformal", **coverage(new, tests),
                         "n_cal": cal["n"], "seconds": secs})
            rows.append({"set": subset, "method": f"{kind.upper()} global, per-series clipped (previous)",
                         **coverage(old, tests), "n_cal": float("nan"), "seconds": float("nan")})
            print(rows[-2], rows[-1], flush=True)
        t0 = time.perf_counter()
        bounds = arma(trains, h, a.n_jobs)
        if not a.skip_networks:
            rows.append({"set": subset, "method": f"ARMA(auto) `{ARMA}`", **coverage(bounds, tests),
                         "n_cal": float("nan"), "seconds": time.perf_counter() - t0,
                         "failed": len(trains) - len(bounds)})
            print(rows[-1], flush=True)
        if subset in a.combination_sets.split(","):
            full = {i: pd.Series(np.concatenate([train[i].to_numpy(float), test[i].to_numpy(float)])) for i in ids}
            rows += combination_rows(subset, trains, tests, full, h, lstm_bounds, bounds, a)
    frame = pd.DataFrame(rows)
    print()
    print(markdown(frame, a))
    return frame


def markdown(frame: pd.DataFrame, a: argparse.Namespace) -> str:
    lines = [f"Networks: {a.units} units, {a.epochs} epochs max (early stopping, patience 5), batch 256, "
             f"seed {a.seed}; every {a.every} series." if a.every > 1 else
             f"Networks: {a.units} units, {a.epochs} epochs max (early stopping, patience 5), batch 256, seed {a.seed}; "
             "all series.", "",
             "| set | method | series | coverage 80% | coverage 95% | 95% wider than 80% | calibration residuals per step | time |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in frame.itertuples():
        n_cal = "" if not np.isfinite(r.n_cal) else f"{int(r.n_cal)}"
        secs = "" if not np.isfinite(r.seconds) else f"{r.seconds:.0f} s"
        failed = getattr(r, "failed", float("nan"))
        series = f"{r.series}" + (f" ({int(failed)} failed)" if np.isfinite(failed) and failed else "")
        lines.append(f"| {r.set} | {r.method} | {series} | {r.cov80:.3f} | {r.cov95:.3f} | {r.wider:.3f} | "
                     f"{n_cal} | {secs} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
