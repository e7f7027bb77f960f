"""Saving and loading a :class:`~forecast.evaluation.result.BacktestResult`: its tidy tables
(Parquet or CSV) and ``meta.json``, written as one folder that replaces any previous one
atomically. No pickle. Time labels (origins, time stamps) are stored as text and read back
as the index kind each series had (period, datetime or integer).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..atomic import atomic_folder
from ..errors import InputError, PersistenceError
from ..jsonable import dumps

__all__ = ["save_result", "read_result"]

FORMAT = "forecast-backtest"
FORMAT_VERSION = 1
TABLES = ("forecasts", "actuals", "failures", "timings")


def save_result(result: Any, path: str | os.PathLike, *, format: str = "parquet") -> Path:
    """Write ``result`` to folder ``path`` (tables as Parquet or CSV, ``meta.json``),
    atomically: a complete folder replaces any previous one. No pickle."""
    if format not in ("parquet", "csv"):
        raise InputError(f"format must be 'parquet' or 'csv'; got {format!r}")
    path = Path(path)
    with atomic_folder(path) as tmp:
        for name in TABLES:
            frame = _labels_to_text(getattr(result, name))
            if format == "parquet":
                frame.to_parquet(tmp / f"{name}.parquet", index=False)
            else:
                frame.to_csv(tmp / f"{name}.csv", index=False)
        manifest = {"format": FORMAT, "version": FORMAT_VERSION, "tables": format, "meta": result.meta}
        (tmp / "meta.json").write_text(dumps(manifest, unknown=str, indent=1), encoding="utf-8")
    return path


def read_result(path: str | os.PathLike) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The tables and metadata of a result written by :meth:`BacktestResult.save`
    (:func:`forecast.evaluation.result.load_result` makes the result of them)."""
    path = Path(path)
    manifest_path = path / "meta.json"
    if not manifest_path.exists():
        raise PersistenceError(f"{path} is not a saved backtest result (no meta.json); check the path")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise PersistenceError(f"{manifest_path} is not valid JSON: {err}") from err
    if manifest.get("format") != FORMAT:
        raise PersistenceError(f"{path} holds {manifest.get('format')!r}, not a backtest result")
    if int(manifest.get("version", 0)) > FORMAT_VERSION:
        raise PersistenceError(f"{path} was written by a newer version of forecast; upgrade to read it")
    meta = manifest["meta"]
    tables = {}
    for name in TABLES:
        if manifest["tables"] == "parquet":
            frame = pd.read_parquet(path / f"{name}.parquet")
        else:
            frame = pd.read_csv(path / f"{name}.csv", dtype={"series_id": str, "model": str, "origin": str,
                                                              "timestamp": str, "message": str})
            frame["series_id"] = frame["series_id"].astype(str)
        tables[name] = _labels_from_text(frame, meta["index"])
    return tables, meta


# ---------------------------------------------------------------------- label helpers
def index_kind(index: pd.Index) -> dict[str, Any]:
    if isinstance(index, pd.PeriodIndex):
        return {"kind": "period", "freq": index.freqstr}
    if isinstance(index, pd.DatetimeIndex):
        return {"kind": "datetime", "freq": index.freqstr}
    return {"kind": "integer", "freq": None}


def _labels_to_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in ("origin", "timestamp"):
        if col in out.columns:
            out[col] = [v.isoformat() if isinstance(v, pd.Timestamp) else str(v) for v in out[col]]
    return out


def _labels_from_text(frame: pd.DataFrame, kinds: dict[str, dict[str, Any]]) -> pd.DataFrame:
    frame = frame.copy()
    frame["series_id"] = frame["series_id"].astype(str)
    for col in ("origin", "timestamp"):
        if col not in frame.columns:
            continue
        text = frame[col].astype(str)
        converted = {}
        for sid, idx in frame.groupby("series_id", sort=False).groups.items():
            kind = kinds[sid]
            vals = text.loc[idx]
            if kind["kind"] == "period":
                converted[sid] = pd.PeriodIndex(vals.tolist(), freq=kind["freq"])
            elif kind["kind"] == "datetime":
                converted[sid] = pd.DatetimeIndex(pd.to_datetime(vals.tolist()))
            else:
                converted[sid] = pd.Index(vals.astype(np.int64).tolist())
        if len({str(v.dtype) for v in converted.values()}) <= 1 and converted:
            column = None
            for sid, idx in frame.groupby("series_id", sort=False).groups.items():
                part = pd.Series(converted[sid], index=idx)
                column = part if column is None else pd.concat([column, part])
            frame[col] = column.sort_index() if column is not None else frame[col]
        else:
            column = pd.Series(index=frame.index, dtype=object)
            for sid, idx in frame.groupby("series_id", sort=False).groups.items():
                column.loc[idx] = list(converted[sid])
            frame[col] = column
    return frame


def text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    for col in ("series_id", "model", "stage", "error_type", "message"):
        if col in frame.columns:
            frame[col] = frame[col].astype(str)
    return frame

