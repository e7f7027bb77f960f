"""Peak memory of training on a 10-million-point series with 512-step windows.

Usage::

    PYTHONPATH=. python benchmarks/bench_windows_memory.py            # print the table
    PYTHONPATH=. python benchmarks/bench_windows_memory.py --write    # also update BENCHMARKS.md

Each measurement runs in a fresh subprocess and reports its peak resident memory
(``ru_maxrss``):

* reference: the same process imports TensorFlow and fits the same network on a short
  series (what the framework itself costs);
* view-based batches: ``fc.LSTM(time_steps=512)`` fitted on 10,000,000 points, 1 epoch
  capped at ``steps_per_epoch`` mini-batches of 32 (a full epoch would be 312,000 steps;
  memory does not grow with the number of steps, only time does).

The memory a materialised window array would need is computed, not allocated:
``windows x time_steps x 4 bytes`` (float32).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N_POINTS = 10_000_000
TIME_STEPS = 512
STEPS = 50

_CHILD = textwrap.dedent("""
    import json, resource, sys, time
    import numpy as np, pandas as pd
    import forecast as fc
    n, T, steps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    rng = np.random.default_rng(0)
    t = np.arange(n, dtype=np.float64)
    y = pd.Series((np.sin(2 * np.pi * t / 500.0) + 0.1 * rng.standard_normal(n)).astype(np.float32))
    del t
    start = time.perf_counter()
    model = fc.LSTM(time_steps=T, horizon=1, units=8, epochs=1, batch_size=32, steps_per_epoch=steps,
                    validation_fraction=0.0, seed=0).fit(y)
    model.predict(5)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    print(json.dumps({"points": n, "peak_bytes": peak, "seconds": seconds}))
""")


def measure(n: int, T: int, steps: int) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(n), str(T), str(steps)], capture_output=True,
                         text=True, cwd=ROOT, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    if out.returncode:
        raise RuntimeError(f"measurement failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update the section in BENCHMARKS.md")
    args = parser.parse_args(argv)
    from forecast.windows import n_windows

    gib = 1024.0 ** 3
    small = measure(20_000, TIME_STEPS, STEPS)
    big = measure(N_POINTS, TIME_STEPS, STEPS)
    windows = n_windows(N_POINTS, TIME_STEPS, 1)
    naive = windows * TIME_STEPS * 4
    rows = [
        ("reference: same fit on 20,000 points", f"{small['peak_bytes'] / gib:.2f}", "-"),
        (f"view-based batches, {N_POINTS:,} points", f"{big['peak_bytes'] / gib:.2f}",
         f"{big['peak_bytes'] / naive:.3f}"),
        (f"materialised windows ({windows:,} x {TIME_STEPS} float32, computed)", f"{naive / gib:.1f}", "1"),
    ]
    lines = ["| training data | peak RSS (GiB) | fraction of materialised |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    text = (f"Window memory: LSTM(8), time_steps={TIME_STEPS}, batch 32, 1 epoch capped at {STEPS} steps "
            f"(peak RSS of a fresh process, `ru_maxrss`; the 10M fit took {big['seconds']:.1f} s):\n\n"
            + "\n".join(lines) + "\n")
    print(text)
    if args.write:
        sys.path.insert(0, str(Path(__file__).parent))
        from bench_recurrent import write_section

        write_section("bench_windows_memory", text)
    return text


if __name__ == "__main__":
    main()
