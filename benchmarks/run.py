"""One runner for the comparative benchmarks (peers' speed, M3 accuracy).

``python -m benchmarks.run``           full run (``make bench``), tens of minutes on 2 cores
``python -m benchmarks.run --quick``   smoke run of about a minute (``make bench-quick``)
``python -m benchmarks.run --only arma_refit,lstm``   some workloads only
``--write BENCHMARKS.md``              splice the tables into that file's marked sections

Peers that are not installed are reported as failed and the run goes on; install them
with ``pip install -e .[bench]``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "benchmarks"  # noqa: A001

from . import _harness as H  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
PACKAGES = ["forecast", "numpy", "pandas", "scipy", "statsmodels", "scikit-learn", "keras", "tensorflow-cpu",
            "tensorflow", "jax", "torch", "dask", "distributed", "statsforecast", "sktime", "darts", "skforecast"]
WORKLOADS = ["arma_refit", "arma_norefit", "lstm", "panel", "memory", "m3"]


def _cmd(args: argparse.Namespace, only: str) -> str:
    extra = ""
    if args.repeats != 5:
        extra += f" --repeats {args.repeats}"
    if args.slow_repeats != 3:
        extra += f" --slow-repeats {args.slow_repeats}"
    if args.origins and only.startswith("arma"):
        extra += f" --origins {args.origins}"
    return f"python -m benchmarks.run{' --quick' if args.quick else ''} --only {only}{extra}"


def bench_arma(args, refit: bool) -> str:
    from .peers import arma

    n_orig = args.origins or (5 if args.quick else 100)
    reps = 1 if args.quick else args.repeats
    cands, ref, actual = arma.candidates(refit, n_orig, slow_reps=None if args.quick else args.slow_repeats)
    title = "refit at every origin" if refit else "no refit (fit once, then update)"
    print(f"\n== ARMA(2,1)+c, {title}: {n_orig} origins, h=24, 1,000-point hourly series")
    rows = H.run(cands, reference=ref, repeats=reps, warmup=not args.quick, actual=actual)
    tab = H.table(rows, reference=ref)
    print(tab)
    name = "arma_refit" if refit else "arma_norefit"
    return (f"#### ARMA(2,1)+c, {title}\n\n{n_orig} origins, h=24, simulated 1,000-point hourly ARMA(2,1) series "
            f"(`benchmarks/peers/data.py`). Reproduce: `{_cmd(args, name)}`\n\n{tab}\n")


def bench_lstm(args) -> str:
    from .peers import lstm

    if args.quick:
        lstm.EPOCHS = 2
    n_orig = 20 if args.quick else 100
    reps = 1 if args.quick else args.repeats
    cands, ref, actual, timing = lstm.candidates(n_orig, quick=args.quick, slow_reps=None if args.quick else args.slow_repeats)
    print(f"\n== LSTM({lstm.UNITS}), window {lstm.WINDOW}, h=24, {lstm.EPOCHS} epochs, batch {lstm.BATCH}, "
          f"{n_orig} origins")
    rows = H.run(cands, reference=ref, repeats=reps, warmup=not args.quick, actual=actual)
    for r in rows:  # networks cannot agree to the digit: compare their errors instead
        r.max_rel_diff = float("nan")
    names = {"Keras fit + one batched predict": ref, "forecast fc.LSTM fit + predict_origins": "fc",
             "forecast fc.LSTM(jit_compile=True) fit + predict_origins": "fc-xla",
             "darts BlockRNNModel (PyTorch)": "darts"}
    for r in rows:
        t = timing.get(names.get(r.name, ""), {}) or timing.get(r.name, {})
        if t:
            r.note += f"; last call: train {t['train']:.2f} s, predict {t['predict']:.3f} s"
    tab = H.table(rows, reference=ref)
    print(tab)
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    return (f"#### LSTM({lstm.UNITS}), window {lstm.WINDOW}, h=24 (MIMO), {lstm.EPOCHS} epochs, batch {lstm.BATCH}, "
            f"trained once, {n_orig} origins: Keras on {backend}\n\nWhole call: build + train + predict, on the standardised series "
            f"of the ARMA workloads. Forecasts of networks cannot agree exactly (initialisation, framework): "
            f"the equal-work check is the RMSE against the actual values (standardised units). "
            f"Reproduce: `{'' if backend == 'tensorflow' else f'KERAS_BACKEND={backend} '}{_cmd(args, 'lstm')}`"
            f"\n\n{tab}\n")


def bench_panel(args) -> str:
    from .peers import panel

    n_series = 10 if args.quick else 100
    reps = 1 if args.quick else max(3, args.repeats - 2)
    out = []
    specs = re.split(r",(?![^()]*\))", args.panel_models)  # commas outside parentheses
    for spec in (["naive"] if args.quick else specs):
        try:
            import forecast as fc

            fc.create(spec)
        except Exception as err:  # noqa: BLE001
            print(f"  skipping {spec}: {err}")
            continue
        cands, ref, tasks, close = panel.candidates(spec, n_series, dask=not args.quick)
        try:
            print(f"\n== panel: {n_series} M3 quarterly series, {spec}, {tasks} tasks")
            rows = H.run(cands, reference=ref, repeats=reps, warmup=True)
        finally:
            close()
        base = rows[0].median
        for r in rows[1:]:
            if r.n:
                r.note += f"; overhead {1000 * (r.median - base) / tasks:+.2f} ms/task"
        tab = H.table(rows, reference=ref)
        print(tab)
        out.append(f"#### Panel of {n_series} M3 quarterly series, `{spec}` refit at every origin "
                   f"({tasks} fits, h={panel.H}, step {panel.STEP})\n\n{tab}\n")
    models = "" if args.quick or args.panel_models == "naive,arma(1,1)" else f" --panel-models {args.panel_models}"
    return (f"Reproduce: `{_cmd(args, 'panel')}{models}`\n\n" + "\n".join(out)) if out else ""


def bench_memory(args) -> str:
    script = ROOT / "benchmarks" / "bench_windows_memory.py"
    if not script.exists():
        return ""
    cmd = [sys.executable, str(script)] + (["--quick"] if args.quick else [])
    print("\n== memory:", " ".join(cmd))
    proc = subprocess.run(cmd, cwd=ROOT, text=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    print(proc.stdout[-4000:], proc.stderr[-2000:])
    return ""  # that benchmark writes its own section of BENCHMARKS.md


def bench_m3(args) -> str:
    from . import bench_m3_accuracy as m3

    argv = ["--quick", "--subsets", "yearly", "--methods", "ARIMA,LSTM"] if args.quick else []
    frame = m3.main(argv)
    return f"Reproduce: `python -m benchmarks.bench_m3_accuracy{' --quick' if args.quick else ''}`\n\n" + m3.markdown(frame)


def header() -> str:
    v = H.versions(PACKAGES)
    vers = ", ".join(f"{k} {val}" for k, val in v.items() if val != "not installed")
    missing = [k for k, val in v.items() if val == "not installed"]
    return (f"Machine: {H.machine()}.\n\nVersions: {vers}"
            + (f" (not installed: {', '.join(missing)})" if missing else "") + ".\n")


def splice(path: Path, section: str, text: str) -> None:
    begin, end = f"<!-- BEGIN {section} -->", f"<!-- END {section} -->"
    body = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{begin}\n{text.rstrip()}\n{end}"
    if begin in body:
        body = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _m: block, body, flags=re.S)
    else:
        body = body.rstrip() + "\n\n" + block + "\n"
    path.write_text(body)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="comparative benchmarks of forecast")
    p.add_argument("--quick", action="store_true", help="a smoke run of about a minute")
    p.add_argument("--only", default=",".join(WORKLOADS), help=f"comma-separated subset of {WORKLOADS}")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--slow-repeats", type=int, default=3,
                   help="repeats of the slowest peers (sktime, darts and skforecast ARMA; origin-by-origin Keras)")
    p.add_argument("--panel-models", default="naive,arma(1,1)")
    p.add_argument("--origins", type=int, default=None,
                   help="forecast origins of the ARMA workloads (default 100; quick 5)")
    p.add_argument("--write", default=None, help="splice the tables into this Markdown file")
    args = p.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.filterwarnings("ignore")
    only = [w.strip() for w in args.only.split(",") if w.strip()]
    unknown = set(only) - set(WORKLOADS)
    if unknown:
        p.error(f"unknown workloads {sorted(unknown)}; choose from {WORKLOADS}")
    t0 = time.perf_counter()
    print(header())
    sections: dict[str, str] = {}
    if "arma_refit" in only:
        sections["peers-arma-refit"] = bench_arma(args, refit=True)
    if "arma_norefit" in only:
        sections["peers-arma-norefit"] = bench_arma(args, refit=False)
    if "lstm" in only:
        backend = os.environ.get("KERAS_BACKEND", "tensorflow")
        sections["peers-lstm" + ("" if backend == "tensorflow" else f"-{backend}")] = bench_lstm(args)
    if "panel" in only:
        sections["peers-panel"] = bench_panel(args)
    if "memory" in only:
        bench_memory(args)
    if "m3" in only:
        sections["m3-accuracy"] = bench_m3(args)
    RESULTS.mkdir(exist_ok=True)
    stamp = "quick" if args.quick else "full"
    for name, text in sections.items():
        if text:
            (RESULTS / f"{name}.{stamp}.md").write_text(text)
    if args.write:
        path = Path(args.write)
        splice(path, "bench-header", header())
        for name, text in sections.items():
            if text:
                splice(path, name, text)
    print(f"\nbenchmarks done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
