"""Does the default ARMA/ARIMA estimator reach statsmodels' optimum? Count the worse fits.

For every model the fast exact estimator serves, the log-likelihood the toolkit reports
(``fc.create(spec).fit(y).llf_``, under the statsmodels model that also produces the
forecasts and intervals) is compared with statsmodels' own fit of the same model:

* ``sm same``: statsmodels' optimiser (L-BFGS from its own start values) on the very same
  likelihood: ``fc.create(spec, method="statespace")``, i.e. statsmodels' ``fit()`` on the
  model object the toolkit filters with;
* ``sm default``: ``statsmodels.tsa.arima.model.ARIMA(y, order, trend=...).fit()`` as a
  user would call it. For d = 0 this is the same likelihood. For d >= 1 statsmodels' default
  starts the differencing states from an *approximate* diffuse prior (variance 1e6, not
  scale-free), whose log-likelihood is not the one the toolkit maximises (the exact diffuse
  one); that column is printed for reference and is not a like-for-like comparison.

Series: every M3 "other" series (174) and a systematic sample of 150 yearly and 150
quarterly series (every k-th), full length. A fit counts as *worse* when its
log-likelihood is below the reference by more than 1e-3.

Run: ``python -m benchmarks.bench_arma_optimum [--quick] [--write]``; ``--write`` puts the
table into BENCHMARKS.md (between the markers of this benchmark).
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

import forecast as fc
from forecast.datasets import load_m3

MARK = "<!-- bench_arma_optimum -->"
SPECS = {
    "arma(2,1)": dict(order=(2, 0, 1), trend="c"),
    "ma(2)": dict(order=(0, 0, 2), trend="c"),
    "arima(1,1,1)": dict(order=(1, 1, 1), trend="n"),
    "arima((0,1,1), trend='t')": dict(order=(0, 1, 1), trend="t"),
    "arima(2,2,1)": dict(order=(2, 2, 1), trend="n"),
}
TOL = 1e-3


def sample(quick: bool) -> dict[str, np.ndarray]:
    out = {}
    for subset, size in (("other", None), ("yearly", 150), ("quarterly", 150)):
        series, _ = load_m3(subset)
        keys = list(series)
        if quick:
            size = 20
        if size is not None and size < len(keys):
            keys = [keys[i] for i in np.linspace(0, len(keys) - 1, size).round().astype(int)]
        for k in keys:
            out[f"{subset}/{k}"] = series[k].to_numpy(dtype=float)
    return out


def _fit(spec: str, y: np.ndarray, **extra):
    model = fc.create(spec)
    if extra:
        model.set_params(**extra)
    start = time.perf_counter()
    model.fit(y)
    return model, time.perf_counter() - start


def _sm_default(y: np.ndarray, order, trend) -> float:
    from statsmodels.tsa.arima.model import ARIMA

    return float(ARIMA(y, order=order, trend=trend).fit().llf)


def run(quick: bool) -> list[dict]:
    data = sample(quick)
    rows = []
    for spec, sm in SPECS.items():
        worse_same = worse_default = failed = fell_back = 0
        worst_same, worst_default = 0.0, 0.0
        t_ours = t_sm = 0.0
        n = 0
        for name, y in data.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    ours, dt = _fit(spec, y)
                    ref, dt_sm = _fit(spec, y, method="statespace")
                    llf_default = _sm_default(y, sm["order"], sm["trend"])
                except Exception as err:  # noqa: BLE001 - counted, named in the output
                    failed += 1
                    print(f"  {spec} on {name}: {type(err).__name__}: {err}")
                    continue
            n += 1
            t_ours += dt
            t_sm += dt_sm
            fell_back += ours.fit_method_ != "exact-ls"
            gap = ref.llf_ - ours.llf_
            worst_same = max(worst_same, gap)
            worse_same += gap > TOL
            gap_d = llf_default - ours.llf_
            worst_default = max(worst_default, gap_d)
            worse_default += gap_d > TOL
        rows.append({
            "model": spec, "series": n, "failed": failed,
            "worse than sm same": worse_same, "worst gap (same)": worst_same,
            "worse than sm default": worse_default, "worst gap (default)": worst_default,
            "statsmodels fit used": fell_back,
            "time ours (s)": t_ours, "time sm (s)": t_sm, "ratio": t_ours / t_sm if t_sm else np.nan,
        })
        print(_table(rows[-1:]), flush=True)
    return rows


def _table(rows: list[dict]) -> str:
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = [f"{v:.3g}" if isinstance(v, float) else str(v) for v in r.values()]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write(rows: list[dict], path: Path, heading: str) -> None:
    text = path.read_text()
    block = (f"{MARK}\n{heading}\n\nCommand: `OPENBLAS_NUM_THREADS=1 python -m benchmarks.bench_arma_optimum "
             f"--write`\n\n{_table(rows)}\n{MARK}")
    if MARK in text:
        a = text.index(MARK)
        b = text.index(MARK, a + 1) + len(MARK)
        text = text[:a] + block + text[b:]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="20 series per subset")
    ap.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    ap.add_argument("--heading", default="#### Fast estimator vs statsmodels' optimum (after)")
    args = ap.parse_args()
    rows = run(args.quick)
    print()
    print(_table(rows))
    if args.write:
        write(rows, Path(__file__).resolve().parent.parent / "BENCHMARKS.md", args.heading)


if __name__ == "__main__":
    main()
