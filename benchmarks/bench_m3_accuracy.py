"""Accuracy on the M3 competition sets (yearly h=6, quarterly h=8, other h=8).

Methods scored on the last ``h`` observations of every series, trained on everything
before them (the competition's protocol):

- ``Naive2``: naive forecast of the seasonally adjusted series (classical multiplicative
  decomposition when the M3 90% autocorrelation test finds seasonality; yearly and other
  are non-seasonal), as in the M3/M4 benchmark code;
- ``AR``, ``ARMA(auto)``, ``ARIMA(auto)``: the toolkit's classical models, one per series,
  fitted on the seasonally adjusted series where seasonal (then reseasonalised);
- ``LSTM``, ``GRU``: the product's defaults, as a user gets them: ``fc.LSTM(seed=0)`` /
  ``fc.GRU(seed=0)`` with every setting ``"auto"`` (season from the time index,
  deseasonalisation by the 90% ACF test, log, per-window normalisation, window of three
  seasons, MAE loss, early stopping then a refit on every window, a budget that scales with
  the data), one global network over the set, the direct head set to the horizon as the
  backtest sets it. ``LSTM-norefit`` keeps the early-stopped network (measures the refit);
  ``LSTM-tuned`` is the former benchmark recipe written as parameters; ``--seeds k`` takes
  the median of ``k`` networks (measures an ensemble);
- ``ARIMA(auto)`` when the registry knows ``arima(auto)``; ``sf-AutoARIMA``: statsforecast's
  ``AutoARIMA`` per series when statsforecast is installed;
- the published M3 submissions (THETA, ForecastPro, B-J automatic, Auto-ANN, NAIVE2) from
  the competition's forecast files; the quarterly set has no published forecasts bundled.

Metrics: sMAPE (M3/M4 definition, percent, mean over series and steps), MASE (in-sample
naive scale with the set's season, mean over series) and OWA against our Naive2. Nothing
is tuned on the test set.

Peers (``--methods darts-LSTM,skforecast-LSTM``, needing the ``[bench]`` extra): darts'
``BlockRNNModel`` as a global LSTM with its defaults, and skforecast's ``ForecasterRnn``
per series with its defaults.

Run: ``python -m benchmarks.bench_m3_accuracy`` (``--quick`` for a smoke run on a few series).
"""

from __future__ import annotations

import argparse
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
from forecast.seasonality import naive2_forecast, seasonal_indices  # noqa: E402

SEASON = {"yearly": 1, "quarterly": 4, "other": 1}
PUBLISHED = ["THETA", "ForecastPro", "B-J auto", "Auto-ANN", "NAIVE2"]
# the toolkit's classical models, as registry specs (the order searches are kept small:
# the shortest yearly series have 14 training points)
CLASSICAL = {
    "AR": 'arma(p="auto", q=0, max_p=3)',
    "ARMA(auto)": "arma(auto, max_p=2, max_q=2)",
    "ARIMA": 'arima(0, 1, 1, trend="t")',
    "ARIMA(auto)": "arima(auto)",
}
# input window of the global networks (in observations) per set
WINDOW = {"yearly": 8, "quarterly": 12, "other": 16}


# ------------------------------------------------------------------ seasonality (M3/M4 code)
def adjust(x: np.ndarray, m: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """(seasonally adjusted x, seasonal factors for the h steps after x)."""
    si = seasonal_indices(x, m)
    n = len(x)
    s_in = si[np.arange(n) % m]
    s_out = si[np.arange(n, n + h) % m]
    return x / s_in, s_out


# ------------------------------------------------------------------ methods
def naive2(x: np.ndarray, m: int, h: int) -> np.ndarray:
    return naive2_forecast(x, m, h)


def classical(spec: str):
    def fit_predict(x: np.ndarray, m: int, h: int) -> np.ndarray:
        import forecast as fc

        xa, s_out = adjust(x, m, h)
        y = pd.Series(xa)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                f, failed = fc.create(spec).fit(y).predict(h).mean.to_numpy(), False
            except Exception:  # noqa: BLE001 - a failed fit falls back to naive, and is counted
                f, failed = np.repeat(xa[-1], h), True
        return f * s_out, failed

    return fit_predict


def fc_default(kind: str, *, seeds: int = 1, **params):
    """The toolkit's recurrent model as a user gets it: ``fc.LSTM(seed=...)`` / ``fc.GRU``
    with its defaults (every preprocessing and training setting ``"auto"``, resolved on the
    training data), one global network over the set's series, the direct head set to the
    horizon as the backtest sets it; ``params`` override defaults (a tuned set-up). With
    ``seeds > 1``, the median of that many networks (seeds 0, 1, ...)."""

    def run(trains: list[np.ndarray], m: int, h: int, L: int, index=None) -> np.ndarray:
        import forecast as fc

        cls = {"lstm": fc.LSTM, "gru": fc.GRU}[kind]
        panel = {i: pd.Series(x, index=None if index is None else index[i]) for i, x in enumerate(trains)}
        preds = []
        for s in range(seeds):
            model = cls(seed=s, horizon=h, **params).fit(panel)
            out = model.predict(h)
            preds.append(np.stack([out[i].mean.to_numpy() for i in range(len(trains))]))
            run.resolved = model.resolved_params_
        return np.median(np.stack(preds), axis=0)

    run.resolved = {}
    return run


def _padded(x: np.ndarray, need: int) -> np.ndarray:
    return x if len(x) >= need else np.concatenate([np.repeat(x[0], need - len(x)), x])


def darts_global(*, epochs: int, seed: int = 0):
    """Peer: darts ``BlockRNNModel(model="LSTM")`` as a global model over the set, with
    darts' defaults (hidden_dim 25, batch 32, Adam 1e-3) and its usual pipeline: a
    ``Scaler`` (min-max per series) around the raw series, input chunk = the window used
    for the toolkit's networks, output chunk = the horizon; ``epochs`` epochs. Series
    shorter than input + output are padded at the start with their first value."""

    def run(trains: list[np.ndarray], m: int, h: int, L: int) -> np.ndarray:
        import logging

        from darts import TimeSeries
        from darts.dataprocessing.transformers import Scaler
        from darts.models import BlockRNNModel

        for name in ("pytorch_lightning", "lightning", "lightning.pytorch", "darts"):
            logging.getLogger(name).setLevel(logging.ERROR)
        series = [TimeSeries.from_values(_padded(x, L + h).astype("float32")) for x in trains]
        scaler = Scaler()
        scaled = scaler.fit_transform(series)
        model = BlockRNNModel(input_chunk_length=L, output_chunk_length=h, model="LSTM", n_epochs=epochs,
                              random_state=seed,
                              pl_trainer_kwargs={"accelerator": "cpu", "enable_progress_bar": False,
                                                 "enable_model_summary": False, "logger": False,
                                                 "enable_checkpointing": False})
        model.fit(scaled, verbose=False)
        pred = scaler.inverse_transform(model.predict(n=h, series=scaled, verbose=False))
        return np.stack([p.values().ravel() for p in pred])

    return run


def skforecast_local(*, epochs: int):
    """Peer: skforecast ``ForecasterRnn`` with ``create_and_compile_model`` defaults
    (LSTM(100) + Dense(64), MinMaxScaler, Adam, MSE), one network per series (its RNN
    forecaster models the columns of one DataFrame together, which does not fit a set of
    series of different lengths), lags = the toolkit's window, ``epochs`` epochs, batch 32."""

    def run(trains: list[np.ndarray], m: int, h: int, L: int) -> np.ndarray:
        import keras
        from skforecast.deep_learning import ForecasterRnn, create_and_compile_model

        out = []
        for i, x in enumerate(trains):
            keras.utils.set_random_seed(i)
            z = _padded(x, L + h + 1)
            df = pd.DataFrame({"y": z}, index=pd.RangeIndex(len(z)))
            net = create_and_compile_model(series=df, levels="y", lags=L, steps=h)
            f = ForecasterRnn(estimator=net, levels="y", lags=L,
                              fit_kwargs={"epochs": epochs, "batch_size": 32, "verbose": 0})
            f.fit(df)
            out.append(f.predict(steps=h)["pred"].to_numpy(float)[:h])
        return np.stack(out)

    return run


# ------------------------------------------------------------------ scoring
def score(trains, tests, fcs, m: int) -> tuple[float, float]:
    sm = np.mean([metrics.smape(t, f) for t, f in zip(tests, fcs, strict=True)])
    ms = np.mean([metrics.mase(t, f, y_train=x, m=m if len(x) > m else 1)
                  for x, t, f in zip(trains, tests, fcs, strict=True)])
    return float(sm), float(ms)


def published(subset: str, ids: list[str], h: int) -> dict[str, list[np.ndarray]]:
    try:
        frame = datasets.load_m3_forecasts(subset)
    except Exception:  # noqa: BLE001 - quarterly: none bundled
        return {}
    out = {}
    for method in PUBLISHED:
        part = frame[frame["method_id"] == method]
        if part.empty:
            continue
        piv = part.pivot_table(index="series_id", columns="horizon", values="forecast")
        if not set(ids) <= set(piv.index):
            continue
        out[method] = [piv.loc[i].to_numpy(float)[:h] for i in ids]
    return out


def evaluate(subset: str, *, n_series: int | None, every: int = 1, seeds: int, epochs: int, methods: list[str],
             n_jobs: int, log=print) -> pd.DataFrame:
    train, test, h = datasets.load_m3(subset, split=True)
    ids = list(train)[:n_series] if n_series else list(train)
    ids = ids[::every]
    trains = [train[i].to_numpy(float) for i in ids]
    tests = [test[i].to_numpy(float) for i in ids]
    m = SEASON[subset]
    rows = []

    def add(name, fcs, source, secs):
        sm, ms = score(trains, tests, fcs, m)
        rows.append({"method": name, "sMAPE": sm, "MASE": ms, "source": source, "seconds": secs})
        log(f"  {subset:<9s} {name:<22s} sMAPE {sm:6.2f}  MASE {ms:6.3f}  ({secs:.1f} s)")

    t0 = time.perf_counter()
    add("Naive2", [naive2(x, m, h) for x in trains], "this benchmark", time.perf_counter() - t0)
    for name, spec in CLASSICAL.items():
        if name not in methods:
            continue
        try:
            import forecast as fc

            fc.create(spec)
        except Exception as err:  # noqa: BLE001 - e.g. arima(auto) before AutoARIMA is registered
            log(f"  {name}: `{spec}` is not available here ({err}); skipped")
            continue
        fn = classical(spec)
        t0 = time.perf_counter()
        if n_jobs == 1:
            fcs = [fn(x, m, h) for x in trains]
        else:
            from joblib import Parallel, delayed

            fcs = Parallel(n_jobs=n_jobs)(delayed(fn)(x, m, h) for x in trains)
        failures = sum(f for _, f in fcs)
        fcs = [f for f, _ in fcs]
        note = f" ({failures} failed fits: naive used)" if failures else ""
        add(name, fcs, f"forecast `{spec}`{note}", time.perf_counter() - t0)
    index = [train[i].index for i in ids]
    for name in ("LSTM", "GRU"):
        variants = {
            name: ({}, "defaults"),
            f"{name}-norefit": ({"refit": False}, "defaults but refit=False (the early-stopped network; "
                                                  "the newest 10% of windows never trained on)"),
            f"{name}-tuned": ({"units": 64, "epochs": epochs, "batch_size": 256, "validation_fraction": 0.0,
                               "time_steps": WINDOW[subset]},
                              f"the former benchmark recipe as parameters: 64 units, every window, {epochs} epochs, "
                              f"batch 256, window {WINDOW[subset]}"),
        }
        for key, (params, what) in variants.items():
            if key not in methods:
                continue
            t0 = time.perf_counter()
            run = fc_default(name.lower(), seeds=seeds, **params)
            fcs = run(trains, m, h, WINDOW[subset], index)
            r = run.resolved
            got = (f"resolved: window {r.get('time_steps')}, log {r.get('log')}, deseasonalised {r.get('deseasonalize')}, "
                   f"batch {r.get('batch_size')}, best epoch {r.get('best_epoch')} of {r.get('epochs_run')}, "
                   f"refit {r.get('refit')}, padded series {r.get('padded_series')}")
            label = {name: f"{name} (defaults)", f"{name}-norefit": f"{name} (defaults, no refit)",
                     f"{name}-tuned": f"{name} (tuned set-up)"}[key]
            seeds_note = f", median of {seeds} seeds" if seeds > 1 else ""
            add(label, list(fcs), f"`fc.{name}(seed=0, horizon={h})` one global network, {what}{seeds_note}; {got}",
                time.perf_counter() - t0)
    if "sf-AutoARIMA" in methods:
        try:
            from statsforecast.models import AutoARIMA
        except ImportError:
            log("  statsforecast is not installed: sf-AutoARIMA skipped")
        else:
            t0 = time.perf_counter()
            fcs = [AutoARIMA(season_length=m).forecast(y=x, h=h)["mean"] for x in trains]
            add("statsforecast AutoARIMA", fcs, f"statsforecast `AutoARIMA(season_length={m})` per series",
                time.perf_counter() - t0)
    if "darts-LSTM" in methods:
        t0 = time.perf_counter()
        fcs = darts_global(epochs=epochs)(trains, m, h, WINDOW[subset])
        add("darts BlockRNN LSTM", list(fcs), f"darts global BlockRNNModel, defaults, Scaler, {epochs} epochs",
            time.perf_counter() - t0)
    if "skforecast-LSTM" in methods:
        t0 = time.perf_counter()
        fcs = skforecast_local(epochs=epochs)(trains, m, h, WINDOW[subset])
        add("skforecast ForecasterRnn", list(fcs), f"skforecast ForecasterRnn per series, defaults, {epochs} epochs",
            time.perf_counter() - t0)
    for name, fcs in published(subset, ids, h).items():
        add(f"{name} (M3)", fcs, "published M3 submission", float("nan"))
    frame = pd.DataFrame(rows)
    ref = frame.loc[frame["method"] == "Naive2"].iloc[0]
    frame["OWA"] = 0.5 * (frame["sMAPE"] / ref["sMAPE"] + frame["MASE"] / ref["MASE"])
    frame.insert(0, "set", subset)
    frame["series"] = len(ids)
    return frame


def markdown(frame: pd.DataFrame) -> str:
    lines = []
    for subset, part in frame.groupby("set", sort=False):
        n, h = int(part["series"].iloc[0]), {"yearly": 6, "quarterly": 8, "other": 8}[subset]
        total = {"yearly": 645, "quarterly": 756, "other": 174}[subset]
        which = "all series" if n == total else f"a systematic sample of {n} of {total} series"
        lines += [f"**M3 {subset}** ({which}, h={h}, MASE season m={SEASON[subset]})", "",
                  "| method | sMAPE | MASE | OWA | source | time |", "| --- | ---: | ---: | ---: | --- | ---: |"]
        for r in part.sort_values("OWA").itertuples():
            secs = "" if not np.isfinite(r.seconds) else f"{r.seconds:.0f} s"
            lines.append(f"| {r.method} | {r.sMAPE:.2f} | {r.MASE:.3f} | {r.OWA:.3f} | {r.source} | {secs} |")
        if subset == "quarterly":
            lines.append("")
            lines.append("The quarterly set has no published forecasts in the bundled M3 files.")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> pd.DataFrame:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--subsets", default="yearly,quarterly,other")
    p.add_argument("--quick", action="store_true", help="40 series per set, 1 seed, few epochs")
    p.add_argument("--seeds", type=int, default=1, help="median of this many networks per recurrent method")
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--methods", default="ARMA(auto),ARIMA,ARIMA(auto),LSTM,GRU,sf-AutoARIMA",
                   help="also: AR, LSTM-norefit, GRU-norefit, LSTM-tuned, GRU-tuned, darts-LSTM, skforecast-LSTM")
    p.add_argument("--every", type=int, default=1, help="score every k-th series only (a systematic sample)")
    p.add_argument("--n-jobs", type=int, default=2)
    p.add_argument("--out", default=None, help="write the Markdown tables to this file")
    a = p.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    n_series, seeds, epochs = (40, 1, 5) if a.quick else (None, a.seeds, a.epochs)
    frames = [evaluate(s, n_series=n_series, every=a.every, seeds=seeds, epochs=epochs, methods=a.methods.split(","),
                       n_jobs=a.n_jobs) for s in a.subsets.split(",")]
    frame = pd.concat(frames, ignore_index=True)
    md = markdown(frame)
    print(md)
    if a.out:
        Path(a.out).write_text(md)
    return frame


if __name__ == "__main__":
    main()
