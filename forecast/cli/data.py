"""Reading the DATA argument: a CSV/Parquet file or the name of a bundled dataset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["load_data", "file_hash"]


def load_data(data: str | None, *, target: str | None = None, time_col: str | None = None,
              id_col: str | None = None, exog: list[str] | None = None, sep: str | None = None,
              decimal: str | None = None, date_format: str | None = None,
              thousands: str | None = None, skip_rows: int | None = None,
              say: Callable[[str], None] | None = None) -> tuple[Any, Any, str]:
    """``(y, X, label)`` from a CSV/Parquet path or a bundled dataset name (None: airline).

    ``y`` is a validated Series, or a dict of them for a panel; ``X`` the exogenous columns.
    ``sep``, ``decimal``, ``thousands`` and ``date_format`` describe a text file (detected
    when ``None``), ``skip_rows`` the title lines above its header;
    notes about the reading (time stamps converted to UTC) go to ``say``.
    """
    import warnings

    from ..errors import ForecastWarning

    with warnings.catch_warnings(record=True) as notes:
        warnings.simplefilter("always", ForecastWarning)
        loaded = _load_data(data, target=target, time_col=time_col, id_col=id_col, exog=exog,
                            sep=sep, decimal=decimal, date_format=date_format,
                            thousands=thousands, skip_rows=skip_rows or 0)
    for note in notes:
        if issubclass(note.category, ForecastWarning) and say is not None:
            say(f"note: {note.message}")
        elif not issubclass(note.category, ForecastWarning):
            warnings.warn_explicit(note.message, note.category, note.filename, note.lineno)
    return loaded


def _load_data(data, *, target, time_col, id_col, exog, sep, decimal, date_format, thousands, skip_rows):
    import pandas as pd

    from .. import datasets, io

    exog = list(exog or [])
    if data is None:
        data = "airline"
    path = Path(data)
    if not path.exists() and data in datasets.names():
        loaded = datasets.load(data)
        if isinstance(loaded, dict):  # an M3 panel
            frame = pd.concat(
                [pd.DataFrame({"series_id": k, "timestamp": s.index.astype(str) if not
                               pd.api.types.is_integer_dtype(s.index.dtype) else s.index,
                               "value": s.to_numpy()}) for k, s in loaded.items()],
                ignore_index=True)
            id_col = id_col or "series_id"
            time_col = time_col or "timestamp"
            target = target or "value"
        else:
            if isinstance(loaded, pd.Series):
                loaded = loaded.to_frame(loaded.name or data)
            tname = loaded.index.name or "time"
            frame = loaded.reset_index()
            if isinstance(loaded.index, pd.PeriodIndex):
                frame[tname] = loaded.index.astype(str)
            time_col = time_col or tname
            target = target or str(loaded.columns[0])
        y, X = io.read_series(frame, target=target, time_col=time_col, id_col=id_col, exog=exog)
        return y, X, f"bundled dataset {data!r}"
    y, X = io.read_series(path, target=target, time_col=time_col, id_col=id_col, exog=exog,
                          sep=sep, decimal=decimal, date_format=date_format,
                          thousands=thousands, skip_rows=skip_rows)
    return y, X, str(path)


def file_hash(data: str | None) -> str | None:
    import hashlib

    if data is None or not Path(data).is_file():
        return None
    digest = hashlib.sha256()
    with open(data, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
