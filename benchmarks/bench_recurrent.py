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
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

import numpy as np

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


def _table(header: list[str], rows: list[tuple], fmts: list[str]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        out.append("| " + " | ".join(f.format(v) for f, v in zip(fmts, row, strict=True)) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update the section in BENCHMARKS.md")
    args = parser.parse_args(argv)
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
