"""Speed of the recurrent forecasters, against references measured in the same run.

Usage::

    PYTHONPATH=. python benchmarks/bench_recurrent.py            # print the tables
    PYTHONPATH=. python benchmarks/bench_recurrent.py --write    # also update BENCHMARKS.md
    KERAS_BACKEND=jax PYTHONPATH=. python benchmarks/bench_recurrent.py --write

Measures, on the bundled weekly CO2 series (2,284 points):

1. steady-state seconds per training epoch of our training loop vs a default Keras
   ``model.fit`` on the same architecture and the same windows (and the first epoch,
   which carries the tracing cost);
2. refitting a forecaster (1 epoch) with the cached compiled network vs building a new one;
3. forecasts from 100 origins: one batched call vs an origin-by-origin update + predict loop;
4. training throughput (windows/s) of RNN/LSTM/GRU at a few sizes.

``--m3 [--base DIR]``: the training budget of the defaults (issue 18, item 3). One global
``fc.LSTM(seed=0)`` and ``fc.GRU(seed=0)`` per M3 set (monthly, quarterly, other, yearly;
a systematic sample: every k-th series, ``--every``), trained on all but the last h values
and scored on them (OWA vs Naive2), each fit in its own process so CPU time is its own;
``--base DIR`` runs the same fits on another checkout of the code (e.g. ``git archive`` of
the commit before) in the same run, for before/after ratios; the import of Keras/TensorFlow
is timed on its own with the runtime's first operation (the fit's CPU excludes that start-up,
a second ratio includes it), and ``--repeats N``
interleaves N runs of each fit and reports medians. ``--xla`` adds the defaults
with ``jit_compile=True``; ``--window`` fits with ``time_steps`` = 2 seasons and 3 seasons on
the training data's own last h values (a validation split: the test part is not read).

``--unroll``: what unrolling the recurrent loop (Keras' ``unroll=True``) would cost and save at
the window lengths the defaults resolve to on short series: the first compiled call (tracing
and graph optimisation) and steady-state CPU seconds per block of 16 training steps, with and
without unrolling, and the training steps it takes to win back the extra first-call cost.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import forecast as fc
from forecast.windows import WindowBatches, make_windows

ROOT = Path(__file__).resolve().parents[1]


def _spec(cell="lstm", units=32, T=48, H=1):
    return {"cell": cell, "time_steps": T, "horizon": H, "n_features": 1, "n_future": 0, "units": units,
            "layers": 1, "dense_layers": [], "bidirectional": False, "dropout": 0.0, "recurrent_dropout": 0.0,
            "activation": "tanh", "learning_rate": 1e-3, "clipnorm": 1.0, "loss": "mse", "seed": 0}


def _series():
    y = fc.datasets.load("co2")
    z = (y.to_numpy() - y.mean()) / y.std()
    return y, z.astype(np.float32)


def bench_epochs(epochs: int = 10, T: int = 48, batch: int = 64) -> list[tuple]:
    import keras

    from forecast.models import _keras_net

    _, z = _series()
    X, Y = make_windows(z, T, 1)
    X, Y = np.ascontiguousarray(X), np.ascontiguousarray(Y)
    # reference: a default Keras fit on the materialised windows
    spec = _spec(T=T)
    keras.utils.set_random_seed(0)
    model = _keras_net.build_model(spec)
    model.compile(optimizer=keras.optimizers.Adam(1e-3, clipnorm=1.0), loss="mse")
    t = time.perf_counter()
    model.fit(X, Y, batch_size=batch, epochs=1, shuffle=True, verbose=0)
    ref_first = time.perf_counter() - t
    t = time.perf_counter()
    model.fit(X, Y, batch_size=batch, epochs=epochs, shuffle=True, verbose=0)
    ref_epoch = (time.perf_counter() - t) / epochs
    # ours: the cached network's compiled step over view-based batches
    net = _keras_net.Net(spec)
    src = WindowBatches([z[:, None]], time_steps=T, horizon=1, batch_size=batch, seed=0)
    t = time.perf_counter()
    net.train(src, epochs=1)
    our_first = time.perf_counter() - t
    t = time.perf_counter()
    net.train(src, epochs=epochs)
    our_epoch = (time.perf_counter() - t) / epochs
    n = len(X)
    return [
        ("Keras model.fit (reference)", n, ref_first, ref_epoch, 1.0),
        ("forecast training loop", n, our_first, our_epoch, ref_epoch / our_epoch),
    ]


def bench_refit(repeats: int = 3) -> list[tuple]:
    from forecast.models import _keras_net

    y, _ = _series()
    params = {"time_steps": 48, "horizon": 4, "units": 32, "epochs": 1, "seed": 0}
    fc.LSTM(**params).fit(y)  # warm-up: imports, first build
    rebuild, reuse = [], []
    for _ in range(repeats):
        _keras_net.clear_pool()
        t = time.perf_counter()
        fc.LSTM(**params).fit(y)
        rebuild.append(time.perf_counter() - t)
    for _ in range(repeats):
        t = time.perf_counter()
        fc.LSTM(**params).fit(y)
        reuse.append(time.perf_counter() - t)
    a, b = float(np.median(rebuild)), float(np.median(reuse))
    return [("new network per fit (build + trace)", a, 1.0), ("cached network, weights re-initialised", b, a / b)]


def bench_origins(n_origins: int = 100, horizon: int = 12) -> list[tuple]:
    y, _ = _series()
    train, new = y[:-n_origins], y[-n_origins:]
    model = fc.LSTM(time_steps=48, horizon=horizon, units=32, epochs=1, seed=0).fit(train)
    origins = [train.index[-1], *new.index[:-1]]
    model.predict_origins(new, origins, horizon)  # warm-up
    t = time.perf_counter()
    batched = model.predict_origins(new, origins, horizon)
    t_batch = time.perf_counter() - t
    t = time.perf_counter()
    loop = copy.deepcopy(model)
    looped = [loop.predict(horizon)]
    for k in range(n_origins - 1):
        loop.update(new.iloc[k:k + 1])
        looped.append(loop.predict(horizon))
    t_loop = time.perf_counter() - t
    diff = max(float(np.abs(a.mean.to_numpy() - b.mean.to_numpy()).max()) for a, b in zip(batched, looped, strict=True))
    return [("origin-by-origin update + predict", t_loop, 1.0, diff),
            ("one batched call (predict_origins)", t_batch, t_loop / t_batch, diff)]


def bench_throughput(epochs: int = 3, T: int = 48, batch: int = 64) -> list[tuple]:
    from forecast.models import _keras_net

    _, z = _series()
    rows = []
    for units in (16, 64):
        for cell in ("rnn", "lstm", "gru"):
            net = _keras_net.Net(_spec(cell=cell, units=units, T=T))
            src = WindowBatches([z[:, None]], time_steps=T, horizon=1, batch_size=batch, seed=0)
            net.train(src, epochs=1)  # tracing
            t = time.perf_counter()
            net.train(src, epochs=epochs)
            dt = time.perf_counter() - t
            rows.append((cell, units, T, batch, src.n_samples * epochs / dt))
    return rows


M3_EVERY = {"monthly": 10, "quarterly": 5, "other": 1, "yearly": 4, "long24": 1, "long52": 1}
M3_SEASON = {"monthly": 12, "quarterly": 4, "other": 1, "yearly": 1, "long24": 24, "long52": 52}


#: the long seasonal panels of ``--long``: (season, pandas frequency, horizon, series, lengths)
LONG_PANELS = {"long24": (24, "h", 48, 120, (720, 960)), "long52": (52, "W-SUN", 13, 120, (700, 1000))}


def long_panel(subset: str) -> tuple[dict, dict, int]:
    """A generated panel of long seasonal series (``LONG_PANELS``): per series a level, a
    trend, a seasonal shape of three harmonics (10-30% of the level) and AR(1) noise, from a
    fixed seed; (train, test, h) with the last h values as the test part."""
    m, freq, h, n, (lo, hi) = LONG_PANELS[subset]
    rng = np.random.default_rng(m)
    train, test = {}, {}
    for i in range(n):
        length = int(rng.integers(lo, hi + 1))
        t = np.arange(length)
        level = rng.uniform(50, 500)
        season = sum(rng.uniform(0.03, 0.1) * np.sin(2 * np.pi * k * t / m + rng.uniform(0, 2 * np.pi))
                     for k in (1, 2, 3))
        phi, noise = rng.uniform(0.5, 0.9), np.zeros(length)
        shocks = rng.normal(0, rng.uniform(0.02, 0.05), length)
        for j in range(1, length):
            noise[j] = phi * noise[j - 1] + shocks[j]
        trend = rng.uniform(-0.2, 0.4) * t / length
        y = level * (1 + trend) * (1 + season + noise)
        s = pd.Series(y, index=pd.date_range("2015-01-04", periods=length, freq=freq), name=f"L{i}")
        train[f"L{i}"], test[f"L{i}"] = s.iloc[:-h], s.iloc[-h:]
    return train, test, h


def _m3_panel(subset: str, every: int, validation: bool):
    """(train panel, test arrays, h) of every ``every``-th series; with ``validation`` the
    training part's own last h values are the test (nothing of the M3 test part is read)."""
    from forecast import datasets

    if subset in LONG_PANELS:
        train, test, h = long_panel(subset)
    else:
        train, test, h = datasets.load_m3(subset, split=True)
    ids = list(train)[::every]
    if validation:  # series that keep a network's minimum (h + 2 values) once their last h are held out
        ids = [i for i in ids if len(train[i]) >= 2 * h + 2]
        return {i: train[i].iloc[:-h] for i in ids}, [train[i].to_numpy(float)[-h:] for i in ids], h
    return {i: train[i] for i in ids}, [test[i].to_numpy(float) for i in ids], h


def m3_worker(subset: str, kind: str, every: int, params: dict, validation: bool) -> dict:
    """One global network's fit and forecast; CPU and wall seconds of this process."""
    import warnings

    warnings.simplefilter("ignore")
    panel, _, h = _m3_panel(subset, every, validation)
    cls = {"lstm": fc.LSTM, "gru": fc.GRU}[kind]
    # the process's one-time start of Keras/TensorFlow (the import, the thread settings the code
    # makes, the runtime's first operation), timed on its own: paid once per process however
    # many networks it fits (a backtest fits several); then a pause, so that background start-up
    # work of TensorFlow's threads lands here and not in the fit's CPU time
    i0 = time.process_time()
    from forecast.models import _keras_net

    _keras_net.configure_threads()
    _keras_net.keras.ops.sum(_keras_net.keras.ops.ones((2, 2)))
    time.sleep(1.0)
    import_cpu = time.process_time() - i0
    t0, c0 = time.perf_counter(), time.process_time()
    model = cls(**{"seed": 0, "horizon": h, **params}).fit(panel)
    out = model.predict(h)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    r = model.resolved_params_
    return {"cpu": cpu, "wall": wall, "import_cpu": import_cpu, "fcs": [out[i].mean.to_numpy().tolist() for i in panel],
            "epochs_run": r.get("epochs_run"), "best_epoch": r.get("best_epoch"),
            "refit_epochs": r.get("refit_epochs", r.get("best_epoch")), "time_steps": r.get("time_steps"),
            "stopped": r.get("stopped", "(not reported)"), "code": fc.__file__}


def _m3_run(code_dir: Path, subset: str, kind: str, every: int, params: dict, validation: bool) -> dict:
    import json
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(code_dir), "TF_CPP_MIN_LOG_LEVEL": "3"}
    arg = json.dumps([subset, kind, every, params, validation])
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--m3-worker", arg], env=env,
                         capture_output=True, text=True, check=True, cwd=str(code_dir))
    return json.loads(out.stdout.strip().splitlines()[-1])


def _owa(subset: str, every: int, validation: bool, fcs: list) -> float:
    from forecast import metrics
    from forecast.seasonality import naive2_forecast

    panel, tests, h = _m3_panel(subset, every, validation)
    m = M3_SEASON[subset]
    trains = [s.to_numpy(float) for s in panel.values()]

    def score(f):
        sm = np.mean([metrics.smape(t, g) for t, g in zip(tests, f, strict=True)])
        ms = np.mean([metrics.mase(t, g, y_train=x, m=m if len(x) > m else 1)
                      for x, t, g in zip(trains, tests, f, strict=True)])
        return sm, ms

    s0, m0 = score([naive2_forecast(x, m, h) for x in trains])
    s1, m1 = score([np.asarray(f) for f in fcs])
    return 0.5 * (s1 / s0 + m1 / m0)


def bench_m3(subsets: list[str], base: Path | None, xla: bool, log=print, validation: bool = False,
             kinds: tuple[str, ...] = ("lstm", "gru"), seeds: tuple[int, ...] = (0,),
             repeats: int = 1) -> list[tuple]:
    """Per panel and network, the runs (before, after, ...) interleaved ``repeats`` times, each
    in its own process; CPU and wall seconds are medians over the repeats, the import of
    Keras/TensorFlow excluded (its median is its own column). A seeded fit gives the same
    forecasts in every repeat, so OWA and epochs come from the first."""
    rows = []
    for subset, kind, seed in [(s, k, d) for s in subsets for k in kinds for d in seeds]:
        every = M3_EVERY[subset]
        runs = [("before", base, {"seed": seed})] if base else []
        runs.append(("after", ROOT, {"seed": seed}))
        if xla:
            runs.append(("after, jit_compile=True", ROOT, {"jit_compile": True, "seed": seed}))
        results: list[list[dict]] = [[] for _ in runs]
        for _ in range(repeats):
            for k, (_label, where, params) in enumerate(runs):
                results[k].append(_m3_run(where, subset, kind, every, params, validation))
        ref = ref_all = None
        for (label, _where, _params), rs in zip(runs, results, strict=True):
            r = rs[0]
            cpu, wall, imp = (float(np.median([x[key] for x in rs])) for key in ("cpu", "wall", "import_cpu"))
            owa = _owa(subset, every, validation, r["fcs"])
            ref = cpu if ref is None else ref
            ref_all = cpu + imp if ref_all is None else ref_all
            row = (subset, len(r["fcs"]), kind.upper() + ("" if seeds == (0,) else f" seed {seed}"), label,
                   owa, cpu, wall, cpu / ref, imp, (cpu + imp) / ref_all,
                   f"{r['epochs_run']} (best {r['best_epoch']}) + refit {r['refit_epochs']}", r["stopped"])
            log(row, r["code"], "cpu per repeat:", [round(x["cpu"], 2) for x in rs])
            rows.append(row)
    return rows


def bench_window(subsets: list[str], log=print, kinds: tuple[str, ...] = ("lstm", "gru")) -> list[tuple]:
    """time_steps 3 seasons (the default) vs 2 seasons, scored on the training data's own
    last h values (validation split)."""
    rows = []
    for subset in subsets:
        every, m = M3_EVERY[subset], M3_SEASON[subset]
        for kind in kinds:
            for label, params in (("3 seasons (default)", {}), ("2 seasons", {"time_steps": 2 * m})):
                r = _m3_run(ROOT, subset, kind, every, params, True)
                row = (subset, len(r["fcs"]), kind.upper(), label, r["time_steps"],
                       _owa(subset, every, True, r["fcs"]), r["cpu"], r["epochs_run"])
                log(row)
                rows.append(row)
    return rows


def bench_unroll(lengths=(6, 9, 12, 18, 24, 36), cells=("lstm", "gru"), batch: int = 32,
                 blocks: int = 20, log=print) -> list[tuple]:
    """Per window length and cell: CPU seconds of the first compiled training call (16 steps:
    tracing, graph optimisation, the steps) and of a steady-state call, looped vs unrolled; the
    break-even is the training steps after which unrolling's cheaper steps pay for its dearer
    first call (and its dearer first forecast call)."""
    from forecast.models import _keras_net

    _keras_net.configure_threads()
    rng = np.random.default_rng(0)

    k = _keras_net.BLOCK  # training steps per compiled call

    def measure(cell: str, T: int, unroll: bool) -> tuple[float, float, float]:
        net = _keras_net.Net({**_spec(cell=cell, T=T, H=8), "loss": "mae", "unroll": unroll})
        xb = rng.normal(size=(k, batch, T, 1)).astype(np.float32)
        fb, yb = np.zeros((k, batch, 1), np.float32), rng.normal(size=(k, batch, 8)).astype(np.float32)
        c = time.process_time()
        net._run_train_steps(xb, fb, yb)
        first = time.process_time() - c
        c = time.process_time()
        for _ in range(blocks):
            net._run_train_steps(xb, fb, yb)
        steady = (time.process_time() - c) / blocks
        c = time.process_time()
        net.predict(xb[0])
        return first, steady, time.process_time() - c

    measure("lstm", 12, False)  # warm-up: the runtime's one-time costs land here
    rows = []
    for cell in cells:
        for T in lengths:
            (f0, s0, p0), (f1, s1, p1) = measure(cell, T, False), measure(cell, T, True)
            saved = (s0 - s1) / k  # per training step
            even = (f1 + p1 - f0 - p0) / saved if saved > 0 else float("inf")
            row = (cell.upper(), T, f0, f1, s0, s1, s1 / s0, even)
            log(row)
            rows.append(row)
    return rows


def _table(header: list[str], rows: list[tuple], fmts: list[str]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        out.append("| " + " | ".join(f.format(v) for f, v in zip(fmts, row, strict=True)) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update the section in BENCHMARKS.md")
    parser.add_argument("--m3", action="store_true", help="the training budget of the defaults on M3 samples")
    parser.add_argument("--base", default=None, help="--m3: another checkout of the code to compare with")
    parser.add_argument("--xla", action="store_true", help="--m3: also the defaults with jit_compile=True")
    parser.add_argument("--validation", action="store_true",
                        help="--m3: score on the training data's own last h values (the M3 test part is not read)")
    parser.add_argument("--window", action="store_true", help="window of 2 vs 3 seasons (validation split)")
    parser.add_argument("--subsets", default="monthly,quarterly,other,yearly")
    parser.add_argument("--kinds", default="lstm,gru", help="the networks to fit")
    parser.add_argument("--seeds", default="0", help="--m3: the networks' seeds (one row each)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="--m3: interleaved runs per fit; CPU and wall seconds are their medians")
    parser.add_argument("--unroll", action="store_true",
                        help="first-call and per-step cost of an unrolled recurrent loop by window length")
    parser.add_argument("--m3-worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.m3_worker:
        import json

        subset, kind, every, params, validation = json.loads(args.m3_worker)
        print(json.dumps(m3_worker(subset, kind, every, params, validation)))
        return ""
    if args.unroll:
        rows = bench_unroll()
        text = ("Unrolling the recurrent loop, units 32, batch 32, horizon 8, CPU seconds (first call: tracing, "
                "graph optimisation and 16 steps; steady: one call of 16 steps):\n\n"
                + _table(["cell", "time_steps", "first call, loop", "first call, unrolled", "steady, loop",
                          "steady, unrolled", "steady ratio", "break-even steps"], rows,
                         ["{}", "{}", "{:.2f}", "{:.2f}", "{:.4f}", "{:.4f}", "{:.2f}x", "{:,.0f}"]) + "\n")
        print(text)
        if args.write:
            write_section("bench_recurrent --unroll", text)
        return text
    if args.m3 or args.window:
        subsets = args.subsets.split(",")
        parts = []
        if args.m3:
            rows = bench_m3(subsets, None if args.base is None else Path(args.base), args.xla,
                            validation=args.validation, kinds=tuple(args.kinds.split(",")),
                            seeds=tuple(int(x) for x in args.seeds.split(",")), repeats=args.repeats)
            held = ("the training part's own last h values held out (validation split, the M3 test part is not "
                    "read)" if args.validation else "last h held out")
            parts.append("One global network per M3 set (systematic sample: every k-th series), default "
                         f"settings, seed {args.seeds}, {held}; CPU seconds of the fit + forecast in its own process "
                         f"(median of {args.repeats} interleaved run(s)), the import of Keras/TensorFlow before it "
                         "and the runtime's first operation timed on its own (start-up CPU s):\n")
            parts.append(_table(["set", "series", "model", "code", "OWA", "CPU s", "wall s", "CPU ratio",
                                 "start-up CPU s", "ratio with start-up", "epochs", "stopped"], rows,
                                ["{}", "{}", "{}", "{}", "{:.3f}", "{:.2f}", "{:.2f}", "{:.2f}x", "{:.1f}",
                                 "{:.2f}x", "{}", "{}"]))
        if args.window:
            rows = bench_window(subsets, kinds=tuple(args.kinds.split(",")))
            parts.append("\nWindow length on the training data's own last h values (validation split, "
                         "the M3 test part is not read):\n")
            parts.append(_table(["set", "series", "model", "window", "time_steps", "OWA (validation)", "CPU s",
                                 "epochs"], rows, ["{}", "{}", "{}", "{}", "{}", "{:.3f}", "{:.1f}", "{}"]))
        text = "\n".join(parts) + "\n"
        print(text)
        if args.write:
            key = ("bench_recurrent --m3" + (" --validation" if args.validation else "") + (" --xla" if args.xla else "")
                   + (" --repeats" if args.repeats > 1 else "")) if args.m3 else "bench_recurrent --window"
            write_section(key, text)
        return text
    import keras

    backend = keras.backend.backend()
    parts = [f"Backend: **{backend}** (keras {keras.__version__}), {__import__('os').cpu_count()} CPU cores, "
             f"Python {sys.version.split()[0]}.\n"]
    rows = bench_epochs()
    parts.append("Training, LSTM(32), window 48, batch 64, co2 (seconds; speed-up vs Keras fit):\n")
    parts.append(_table(["loop", "windows", "first epoch s", "steady epoch s", "speed-up"], rows,
                        ["{}", "{}", "{:.2f}", "{:.3f}", "{:.2f}x"]))
    rows = bench_refit()
    parts.append("\nRefitting LSTM(32) for 1 epoch (median of 3; speed-up vs a new network):\n")
    parts.append(_table(["fit", "seconds", "speed-up"], rows, ["{}", "{:.3f}", "{:.1f}x"]))
    rows = bench_origins()
    parts.append("\nForecasts from 100 origins, horizon 12, LSTM(32) (after one warm-up call):\n")
    parts.append(_table(["path", "seconds", "speed-up", "max abs difference"], rows,
                        ["{}", "{:.4f}", "{:.1f}x", "{:.1e}"]))
    rows = bench_throughput()
    parts.append("\nTraining throughput (steady state, windows per second):\n")
    parts.append(_table(["cell", "units", "time_steps", "batch", "windows/s"], rows,
                        ["{}", "{}", "{}", "{}", "{:,.0f}"]))
    text = "\n".join(parts) + "\n"
    print(text)
    if args.write:
        write_section(f"bench_recurrent ({backend})", text)
    return text


def write_section(key: str, text: str) -> None:
    """Replace (or add) the block ``key`` inside the "Recurrent models" section of BENCHMARKS.md."""
    path = ROOT / "BENCHMARKS.md"
    doc = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = f"<!-- {key}: start -->", f"<!-- {key}: end -->"
    block = f"{start}\n{text}{end}"
    if start in doc:
        before, rest = doc.split(start, 1)
        doc = before + block + rest.split(end, 1)[1]
    else:
        if "## Recurrent models" not in doc:
            doc = doc.rstrip("\n") + "\n\n## Recurrent models\n"
        head, sep, tail = doc.partition("## Recurrent models\n")
        nxt = tail.find("\n## ")
        body, rest = (tail, "") if nxt < 0 else (tail[:nxt + 1], tail[nxt + 1:])
        doc = head + sep + body.rstrip("\n") + "\n\n" + block + "\n" + ("\n" + rest if rest else "")
    path.write_text(doc)


if __name__ == "__main__":
    main()
