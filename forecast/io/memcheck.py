"""Refuse a data file that cannot fit in memory before spending minutes trying to read it.

Reading a table into validated series takes several times the file's size. Measured with
``benchmarks/bench_read_memory.py`` (the memory that grows with the file when
``read_series`` reads an M3 panel and a long series, see BENCHMARKS.md): 6.0 to 7.3 bytes per
byte of a CSV file, and 48 to 82 bytes per cell (row x column) of a Parquet file, whose
compressed or dictionary-encoded size says little. A file whose estimate exceeds the
memory available now is refused with a line that says what to do, instead of failing
after a long read with an out-of-memory error.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError

__all__ = ["available_memory", "needed_memory", "check_fits_in_memory", "check_forecast_fits"]

#: estimated peak memory of reading a file: bytes per byte of CSV text, per Parquet cell
CSV_FACTOR = 8.0
PARQUET_BYTES_PER_CELL = 100.0
#: estimated bytes a forecast takes per step and series: the time stamp, the mean, its
#: standard error and the bounds of two interval levels, with the model's temporaries
#: (an order of magnitude above the ~40 bytes that stay; ``Naive().predict`` grew by more
#: than 23 bytes a step before the kernel stopped it at 10**9 steps)
FORECAST_BYTES_PER_STEP = 128


def available_memory() -> int | None:
    """Bytes of memory available to this process now (None if unknown): the smaller of
    the system's available memory and the room left under a cgroup (container) limit."""
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError):
        try:
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (AttributeError, OSError, ValueError):
            pass
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text().strip()
        if limit != "max":
            found.append(max(int(limit) - int(used), 0))
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def needed_memory(path: Path) -> int:
    """Estimated peak bytes of reading ``path`` into series."""
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            import pyarrow.parquet as pq

            meta = pq.ParquetFile(path).metadata
        except Exception:  # noqa: BLE001 - an unreadable file is reported by the reader
            return 0
        return int(meta.num_rows * meta.num_columns * PARQUET_BYTES_PER_CELL)
    return int(path.stat().st_size * CSV_FACTOR)


def _gb(n: int) -> str:
    return f"{n / 2**30:.1f} GB"


def check_fits_in_memory(path: Path) -> None:
    """Raise ``InputError`` when reading ``path`` would need more memory than is available."""
    need = needed_memory(path)
    free = available_memory()
    if free is None or need <= free:
        return
    raise InputError(
        f"{path} is too large for the memory available: the file is {_gb(path.stat().st_size)} and "
        f"reading it needs about {_gb(need)}, but {_gb(free)} is free; use a smaller file (e.g. "
        "split a panel into files of fewer series, or fewer rows) or keep only the columns you "
        "need (time, target, id and regressors)"
    )


def check_forecast_fits(horizon: int, n_series: int = 1, bytes_per_step: float = FORECAST_BYTES_PER_STEP,
                        name: str = "horizon=") -> None:
    """Raise ``InputError`` when a forecast of ``horizon`` steps for ``n_series`` series
    would need more memory than is available, before anything is allocated."""
    need = int(horizon * n_series * bytes_per_step)
    free = available_memory()
    if free is None or need <= free:
        return
    most = max(int(free // (n_series * bytes_per_step)), 1)
    series = f" for each of {n_series} series" if n_series > 1 else ""
    raise InputError(
        f"a forecast of {horizon} steps{series} needs about {_gb(need)} of memory but {_gb(free)} "
        f"is free; give {name} at most {most}"
    )
