"""Speed of the backtest engine, as ratios against references measured in the same run.

    PYTHONPATH=. python benchmarks/bench_backtest.py            # all cases
    PYTHONPATH=. python benchmarks/bench_backtest.py --quick    # smaller sizes

Cases
-----
1. ARMA(2,1) on 1,000 points of real data (weekly CO2, first differences), 100 origins,
   horizon 24: ``refit=False`` vs refit at every origin (target: >= 20x faster); refit at
   every origin vs a hand-written statsmodels SARIMAX loop (target: within 10%); refit at
   every origin with ``n_jobs=2`` vs ``n_jobs=1`` (target: close to 2x on 2 cores).
   Skipped when ``forecast.models.arima`` is not installed.
2. A recurrent model with ``refit=False`` and 100 origins vs its floor: one ``fit`` plus one
   ``predict_origins`` by hand (target: within 10%). Skipped without ``forecast.models.recurrent``.
3. A 100-series panel (M3 yearly) with the naive model refitted at every origin: the
   engine's own time per task, i.e. wall time minus the models' fit and predict time
   (target: below 5 ms).
"""

from __future__ import annotations

import argparse
import importlib.util
import time
import warnings

import forecast as fc


def _best(fn, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _co2_diff(n: int):
    y = fc.datasets.load("co2").diff().iloc[1:]
    return y.iloc[-n:]


def bench_arma(rows: list, quick: bool) -> None:
    if importlib.util.find_spec("forecast.models.arima") is None:
        rows.append(("ARMA(2,1) refit=False vs refit every origin", "skipped: forecast.models.arima missing", "", ">= 20x"))
        return
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    n, n_origins, h = (400, 30, 24) if quick else (1000, 100, 24)
    y = _co2_diff(n)
    initial = n - h - n_origins + 1
    kw = dict(horizon=h, initial=initial, step=1)
    t_norefit = _best(lambda: fc.backtest(["arma(2,1)"], y, refit=False, **kw))
    t_refit = _best(lambda: fc.backtest(["arma(2,1)"], y, refit=True, **kw))

    def hand_loop():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for o in range(initial - 1, n - h):
                res = SARIMAX(y.iloc[: o + 1].to_numpy(), order=(2, 0, 1), trend="c").fit(disp=False)
                fcast = res.get_forecast(h)
                fcast.predicted_mean, fcast.se_mean  # noqa: B018 - what the engine records

    t_hand = _best(hand_loop)
    t_par = _best(lambda: fc.backtest(["arma(2,1)"], y, refit=True, n_jobs=2, **kw))
    rows.append((f"ARMA(2,1) refit every origin / refit=False ({n} pts, {n_origins} origins, h={h})",
                 f"{t_refit:.2f} s / {t_norefit:.3f} s", f"{t_refit / t_norefit:.1f}x", ">= 20x"))
    rows.append(("ARMA(2,1) engine refit every origin / hand statsmodels loop",
                 f"{t_refit:.2f} s / {t_hand:.2f} s", f"{t_refit / t_hand:.2f}", "<= 1.10"))
    rows.append(("ARMA(2,1) refit every origin n_jobs=1 / n_jobs=2",
                 f"{t_refit:.2f} s / {t_par:.2f} s", f"{t_refit / t_par:.2f}x", "~ 2x"))


def bench_recurrent(rows: list, quick: bool) -> None:
    if importlib.util.find_spec("forecast.models.recurrent") is None:
        rows.append(("LSTM refit=False / floor (1 fit + 1 batched predict)", "skipped: forecast.models.recurrent missing", "", "<= 1.10"))
        return
    from forecast.models.recurrent import LSTM

    n_origins, h = (30, 12) if quick else (100, 12)
    y = _co2_diff(600)
    initial = len(y) - h - n_origins + 1
    model = LSTM(**LSTM._tiny_params())

    def floor():
        m = model.clone().fit(y.iloc[:initial])
        m.predict_origins(y.iloc[initial: len(y) - h], list(y.index[initial - 1: len(y) - h]), h)

    floor()  # warm up TensorFlow
    t_floor = _best(floor)
    t_engine = _best(lambda: fc.backtest({"lstm": model}, y, horizon=h, initial=initial, refit=False, seed=0))
    rows.append((f"LSTM refit=False / floor ({n_origins} origins, h={h})",
                 f"{t_engine:.2f} s / {t_floor:.2f} s", f"{t_engine / t_floor:.2f}", "<= 1.10"))


def bench_overhead(rows: list, quick: bool) -> None:
    series, _ = fc.datasets.load_m3("yearly")
    ids = sorted(series)[: 30 if quick else 100]
    panel = {k: series[k] for k in ids}
    fc.backtest(["naive"], panel, horizon=4, initial=14, step=100)  # warm up imports
    start = time.perf_counter()
    res = fc.backtest(["naive"], panel, horizon=4, initial=14, step=1, refit=True)
    wall = time.perf_counter() - start
    tasks = res.meta["tasks_total"]
    model = float(res.timings["fit_seconds"].sum() + res.timings["predict_seconds"].sum())
    per_task = (wall - model) / tasks * 1e3
    rows.append((f"engine time per task, {len(ids)}-series panel, naive, {tasks} tasks",
                 f"{wall:.2f} s wall, {model:.2f} s in models", f"{per_task:.2f} ms", "< 5 ms"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--only", choices=["arma", "recurrent", "overhead"], default=None)
    args = parser.parse_args()
    cases = {"arma": bench_arma, "recurrent": bench_recurrent, "overhead": bench_overhead}
    print("| case | times | ratio / value | target |")
    print("|---|---|---|---|", flush=True)
    for name, fn in cases.items():
        if args.only in (None, name):
            rows: list = []
            fn(rows, args.quick)
            for row in rows:  # printed as measured, so a long run shows its progress
                print("| " + " | ".join(row) + " |", flush=True)

if __name__ == "__main__":
    main()
