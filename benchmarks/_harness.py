"""Timing harness shared by the comparative benchmarks.

Every benchmark is a list of :class:`Candidate` objects, one of them the reference. The
harness runs them interleaved (A B C A B C ...), ``repeats`` times, so that a slow moment
of a shared machine hits every candidate alike; it reports the median and the min-max of
each candidate's wall time and the ratio of medians to the reference measured in the same
run. Each candidate returns its forecasts as an ``(origins, horizon)`` array; the harness
compares them with the reference's (and with the actual values) so that speed is compared
on equal work.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Candidate:
    """One way of doing the workload.

    ``fn`` does the whole timed call and returns the forecasts, an ``(origins, horizon)``
    array. ``setup`` (untimed) runs before each call and its result is passed to ``fn``.
    ``reps`` overrides the repeat count for a candidate that is too slow to repeat often.
    """

    name: str
    fn: Callable[..., Any]
    setup: Callable[[], Any] | None = None
    note: str = ""
    reps: int | None = None
    times: list[float] = field(default_factory=list)
    forecasts: np.ndarray | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class Row:
    name: str
    median: float
    lo: float
    hi: float
    ratio: float
    n: int
    max_rel_diff: float
    rmse: float
    note: str
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _call(c: Candidate) -> tuple[float, Any]:
    arg = c.setup() if c.setup is not None else None
    gc.collect()
    t0 = time.perf_counter()
    out = c.fn(arg) if c.setup is not None else c.fn()
    return time.perf_counter() - t0, out


def run(candidates: list[Candidate], *, reference: str, repeats: int, warmup: bool = True,
        actual: np.ndarray | None = None, log: Callable[[str], None] | None = print) -> list[Row]:
    """Run ``candidates`` interleaved and return one :class:`Row` per candidate.

    ``warmup`` runs every candidate once untimed first (imports, JIT, graph tracing: the
    costs a user pays once per process). A candidate that raises is reported with its
    error and dropped from later rounds; the others go on.
    """
    names = [c.name for c in candidates]
    if reference not in names:
        raise ValueError(f"reference {reference!r} is not among the candidates {names}")
    if warmup:
        for c in candidates:
            try:
                _, out = _call(c)
                c.forecasts = None if out is None else np.asarray(out, dtype=float)
            except Exception as err:  # noqa: BLE001 - a failing peer is reported, not fatal
                c.error = " ".join(f"{type(err).__name__}: {err}".split())[:300]
                if log:
                    log(f"  {c.name}: FAILED in warm-up: {c.error}")
    for r in range(repeats):
        for c in candidates:
            if c.error is not None or (c.reps is not None and r >= c.reps):
                continue
            try:
                dt, out = _call(c)
            except Exception as err:  # noqa: BLE001
                c.error = " ".join(f"{type(err).__name__}: {err}".split())[:300]
                if log:
                    log(f"  {c.name}: FAILED: {c.error}")
                continue
            c.times.append(dt)
            if c.forecasts is None and out is not None:
                c.forecasts = np.asarray(out, dtype=float)
            if log:
                log(f"  [{r + 1}/{repeats}] {c.name:<42s} {dt:8.3f} s")
    ref = next(c for c in candidates if c.name == reference)
    if not ref.times:
        raise RuntimeError(f"the reference {reference!r} failed: {ref.error}")
    ref_med = statistics.median(ref.times)
    rows = []
    for c in candidates:
        if not c.times:
            rows.append(Row(c.name, float("nan"), float("nan"), float("nan"), float("nan"), 0,
                            float("nan"), float("nan"), c.note, c.error, c.extra))
            continue
        med = statistics.median(c.times)
        rel = rmse = float("nan")
        if c.forecasts is not None and ref.forecasts is not None and c.forecasts.shape == ref.forecasts.shape:
            den = np.maximum(np.abs(ref.forecasts), 1e-12)
            rel = float(np.max(np.abs(c.forecasts - ref.forecasts) / den))
        if c.forecasts is not None and actual is not None and c.forecasts.shape == actual.shape:
            rmse = float(np.sqrt(np.mean((c.forecasts - actual) ** 2)))
        rows.append(Row(c.name, med, min(c.times), max(c.times), med / ref_med, len(c.times),
                        rel, rmse, c.note, c.error, c.extra))
    return rows


def fmt_time(t: float) -> str:
    if not np.isfinite(t):
        return "—"
    return f"{t * 1000:.0f} ms" if t < 1 else f"{t:.2f} s"


def fmt_rel(x: float) -> str:
    if not np.isfinite(x):
        return "—"
    if x == 0:
        return "0 (identical)"
    return f"{x:.1e}"


def table(rows: list[Row], *, reference: str) -> str:
    """A Markdown table of rows: median, min-max, ratio to the reference, equal-work checks."""
    out = [
        f"| candidate | median | min–max | n | × {reference} | max rel. diff of forecasts vs reference | RMSE vs actual | note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        if r.error is not None and r.n == 0:
            out.append(f"| {r.name} | failed | | | | | | {r.error.replace('|', '/')} |")
            continue
        ratio = f"**{r.ratio:.2f}×**" if r.name != reference else "1.00×"
        rmse = f"{r.rmse:.4g}" if np.isfinite(r.rmse) else "—"
        out.append(
            f"| {r.name} | {fmt_time(r.median)} | {fmt_time(r.lo)}–{fmt_time(r.hi)} | {r.n} | {ratio} | "
            f"{fmt_rel(r.max_rel_diff)} | {rmse} | {r.note} |"
        )
    return "\n".join(out)


def versions(packages: list[str]) -> dict[str, str]:
    """Installed versions of ``packages`` (without importing them)."""
    from importlib import metadata

    out = {"python": platform.python_version()}
    for p in packages:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
            if p == "forecast":  # run from a checkout without installing
                try:
                    import forecast

                    out[p] = f"{forecast.__version__} (source tree)"
                except ImportError:
                    pass
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kb = int(fh.readline().split()[1])
            mem = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, Python {sys.version.split()[0]}"


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
