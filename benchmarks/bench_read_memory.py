"""Peak memory of reading a data file into series, per byte of the file.

Usage::

    PYTHONPATH=. python benchmarks/bench_read_memory.py            # print the table
    PYTHONPATH=. python benchmarks/bench_read_memory.py --write    # also update BENCHMARKS.md

``forecast.io.memcheck`` refuses a file whose estimated reading peak (``CSV_FACTOR`` bytes
per byte of a CSV file, ``PARQUET_BYTES_PER_CELL`` per row x column of a Parquet file)
exceeds the free memory. This script measures what those constants stand for. Each file is read
with ``forecast.io.read_series`` in a fresh subprocess; the reference is the same process
just before the read (Python, pandas, pyarrow and forecast imported, peak reset), and the
per-byte cost is the slope of (peak - reference) between two sizes of the same workload.
Workloads, from the bundled real data:

* a long panel: every M3 yearly and quarterly series, once and 4 times under new ids
  (``series_id, timestamp, value``; 55,000 and 221,000 rows);
* one long series: the co2 values tiled to 250,000 and 1,000,000 rows on an hourly index.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = textwrap.dedent("""
    import json, sys
    import pandas as pd, pyarrow.parquet  # noqa: F401
    from forecast import io
    path, id_col = sys.argv[1], (sys.argv[2] or None)
    def status(key):
        with open("/proc/self/status") as fh:
            return next(int(l.split()[1]) * 1024 for l in fh if l.startswith(key))
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # reset the peak (VmHWM) to the current RSS
    before = status("VmRSS:")
    y, _ = io.read_series(path, id_col=id_col)
    print(json.dumps({"before": before, "peak": status("VmHWM:")}))
""")


def _files(folder: Path) -> list[tuple[str, list[Path], str]]:
    """Each workload at two sizes (the second four times the first)."""
    import numpy as np
    import pandas as pd

    import forecast as fc

    m3 = [(f"{sid}", s) for name in ("m3_yearly", "m3_quarterly") for sid, s in fc.datasets.load(name).items()]
    co2 = fc.datasets.load("co2").to_numpy()

    def panel(copies: int) -> pd.DataFrame:
        return pd.concat([pd.DataFrame({"series_id": f"{sid}_{c}", "timestamp": s.index.astype(str),
                                        "value": s.to_numpy()}) for c in range(copies) for sid, s in m3],
                         ignore_index=True)

    def long(n: int) -> pd.DataFrame:
        stamps = pd.date_range("1958-03-29", periods=n, freq="h").strftime("%Y-%m-%d %H:%M")
        return pd.DataFrame({"timestamp": stamps, "co2": np.resize(co2, n)})

    out = []
    for label, make, sizes, id_col in (("M3 panel", panel, (1, 4), "series_id"),
                                       ("co2 tiled, hourly", long, (250_000, 1_000_000), "")):
        for kind in ("CSV", "Parquet"):
            paths = []
            for size in sizes:
                frame = make(size)
                path = folder / f"{label.split()[0].lower()}_{size}.{kind.lower()}"
                frame.to_csv(path, index=False) if kind == "CSV" else frame.to_parquet(path, index=False)
                paths.append(path)
            out.append((f"{label}, {kind}", paths, id_col))
    return out


def measure(path: Path, id_col: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", _CHILD, str(path), id_col], capture_output=True, text=True,
                         cwd=ROOT, env=env)
    if res.returncode:
        raise RuntimeError(f"measurement failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update the section in BENCHMARKS.md")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from forecast.io.memcheck import CSV_FACTOR, PARQUET_BYTES_PER_CELL, needed_memory

    mb = 1e6
    lines = ["| file | rows (small / large) | size (small / large) | peak above RSS before, MB "
             "(small / large) | growth per unit of size | estimate for the large file, MB |",
             "|---|---|---|---|---|---|"]
    import pandas as pd
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as tmp:
        for label, paths, id_col in _files(Path(tmp)):
            rows, size, used = [], [], []
            parquet = paths[0].suffix == ".parquet"
            for path in paths:
                if parquet:
                    meta = pq.ParquetFile(path).metadata
                    rows.append(meta.num_rows)
                    size.append(meta.num_rows * meta.num_columns)  # cells
                else:
                    rows.append(len(pd.read_csv(path, usecols=[0])))
                    size.append(path.stat().st_size)  # bytes
                got = measure(path, id_col)
                used.append(got["peak"] - got["before"])
            slope = (used[1] - used[0]) / (size[1] - size[0])
            unit = "M cells" if parquet else "MB"
            lines.append(f"| {label} | {rows[0]:,} / {rows[1]:,} | {size[0] / mb:.2f} / {size[1] / mb:.2f} {unit} | "
                         f"{used[0] / mb:.0f} / {used[1] / mb:.0f} | "
                         f"{slope:.1f} bytes per {'cell' if parquet else 'byte'} | "
                         f"{needed_memory(paths[1]) / mb:.0f} |")
    text = (f"Reading memory: `forecast.io.read_series` in a fresh process; the peak (VmHWM, reset just "
            f"before the read) above the RSS before it, for each file at two sizes. The growth per unit "
            f"of size is the slope between the two (what grows with the file; a fixed part comes on "
            f"top). `forecast.io.memcheck` estimates the peak as {CSV_FACTOR:g} bytes per byte of a CSV "
            f"file and {PARQUET_BYTES_PER_CELL:g} bytes per cell (row x column) of a Parquet file, and "
            f"refuses a file whose estimate exceeds the free memory:\n\n"
            + "\n".join(lines) + "\n")
    print(text)
    if args.write:
        write_section(text)
    return text


def write_section(text: str) -> None:
    """Replace the block between this benchmark's markers in BENCHMARKS.md, or append a
    "Reading data files" section holding it."""
    path = ROOT / "BENCHMARKS.md"
    doc = path.read_text()
    start, end = "<!-- bench_read_memory: start -->", "<!-- bench_read_memory: end -->"
    block = f"{start}\n{text}{end}"
    if start in doc:
        before, rest = doc.split(start, 1)
        doc = before + block + rest.split(end, 1)[1]
    else:
        doc = (doc.rstrip("\n") + "\n\n## Reading data files\n\nReproduce with:\n\n```\n"
               "PYTHONPATH=. python benchmarks/bench_read_memory.py --write\n```\n\n" + block + "\n")
    path.write_text(doc)


if __name__ == "__main__":
    main()
