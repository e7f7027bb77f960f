"""A default comparison a user can wait for (issue 18, item 4).

``forecast backtest`` with its default models and settings on a 100-series M3 monthly panel
(a systematic sample: every 14th series of the 1,428, whole series as a user would have
them), run as the command a user types, in its own process: wall seconds, CPU seconds
(the process and its children), the models it ran, the epochs its networks trained and why
they stopped (from ``run.json``). ``--base DIR`` runs the same command on another checkout
of the code (e.g. ``git archive`` of the commit before) in the same run, for a before/after
ratio.

Usage::

    PYTHONPATH=. python benchmarks/bench_default_backtest.py [--base DIR] [--series 100] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EVERY = 14


def panel_csv(path: Path, n_series: int) -> Path:
    """The first ``n_series`` of every 14th M3 monthly series as a long CSV (id, date, value)."""
    from forecast import datasets

    panel = datasets.load("m3_monthly")
    ids = list(panel)[::EVERY][:n_series]
    rows = [pd.DataFrame({"id": sid, "date": panel[sid].index.to_timestamp(), "value": panel[sid].to_numpy()})
            for sid in ids]
    pd.concat(rows).to_csv(path, index=False)
    return path


def run_cli(code_dir: Path, csv: Path, out: Path) -> dict:
    """``forecast backtest CSV --out OUT`` with ``code_dir`` first on the path; wall and CPU
    seconds of the command (its children included), and what run.json says it ran."""
    env = {**os.environ, "PYTHONPATH": str(code_dir), "TF_CPP_MIN_LOG_LEVEL": "3"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "forecast", "backtest", str(csv), "--id-col", "id",
                           "--out", str(out), "--quiet"], env=env, cwd=str(code_dir), capture_output=True,
                          text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"{code_dir}: exit {proc.returncode}\n{proc.stderr[-3000:]}")
    run = json.loads((out / "run.json").read_text())
    board = pd.read_csv(out / "leaderboard.csv")
    return {"wall": wall, "cpu": cpu, "run": run, "board": board}


def _networks(run: dict) -> str:
    """Epochs each network ran and why it stopped (run.json's resolved settings; a global
    network reports the same settings for every series, so its first row is enough)."""
    seen: dict[str, str] = {}
    for row in run.get("backtest", {}).get("resolved") or []:
        settings = row.get("settings") or {}
        if "epochs_run" in settings and row["model"] not in seen:
            seen[row["model"]] = (f"{row['model']}: {settings['epochs_run']} epochs (best {settings.get('best_epoch')}"
                                  f", refit {settings.get('refit_epochs')}), {settings.get('stopped', 'stop not reported')}")
    return "; ".join(seen.values()) or "(not reported)"


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=None, help="another checkout of the code to compare with")
    parser.add_argument("--series", type=int, default=100)
    parser.add_argument("--write", action="store_true", help="update the section in BENCHMARKS.md")
    args = parser.parse_args(argv)
    runs = ([("before", Path(args.base))] if args.base else []) + [("after", ROOT)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        csv = panel_csv(Path(tmp) / "m3_monthly_100.csv", args.series)
        for label, where in runs:
            r = run_cli(where, csv, Path(tmp) / f"out-{label}")
            board = r["board"]
            col = next(c for c in ("owa", "mase", "smape") if c in board.columns)
            best = board.iloc[0]
            rows.append((label, r["wall"], r["cpu"], ", ".join(map(str, board.iloc[:, 0])),
                         f"{best.iloc[0]} ({col} {best[col]:.3f})", _networks(r["run"])))
            print(rows[-1], flush=True)
    ref = rows[0][1]
    lines = [f"`forecast backtest` with the defaults on {args.series} M3 monthly series (every {EVERY}th, "
             f"whole series), {os.cpu_count()} cores, one run each in the same session:\n",
             "| code | wall s | wall ratio | CPU s | models | best | networks |", "|---|---|---|---|---|---|---|"]
    for label, wall, cpu, models, best, nets in rows:
        lines.append(f"| {label} | {wall:.0f} | {wall / ref:.2f}x | {cpu:.0f} | {models} | {best} | {nets} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        path = ROOT / "BENCHMARKS.md"
        doc = path.read_text()
        start, end = "<!-- bench_default_backtest: start -->", "<!-- bench_default_backtest: end -->"
        block = f"{start}\n{text}{end}"
        doc = (doc.split(start)[0] + block + doc.split(end)[1]) if start in doc else doc.rstrip() + "\n\n" + block + "\n"
        path.write_text(doc)
    return text


if __name__ == "__main__":
    main()
