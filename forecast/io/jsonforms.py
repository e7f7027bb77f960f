"""The JSON form of indexes, series and panels (saved models, the results folder, the cache)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError


def index_to_json(index: pd.Index) -> dict[str, Any]:
    """Describe an index as JSON-friendly data (for saving models and results)."""
    if isinstance(index, pd.PeriodIndex):
        return {"kind": "period", "freq": index.freqstr, "values": [str(v) for v in index]}
    if isinstance(index, pd.DatetimeIndex):
        return {"kind": "datetime", "freq": index.freqstr, "values": [v.isoformat() for v in index]}
    return {"kind": "integer", "values": [int(v) for v in index]}


def index_from_json(data: Mapping[str, Any]) -> pd.Index:
    kind = data.get("kind")
    if kind == "period":
        return pd.PeriodIndex(data["values"], freq=data["freq"])
    if kind == "datetime":
        return pd.DatetimeIndex(pd.to_datetime(data["values"]), freq=data["freq"])
    if kind == "integer":
        return pd.Index(np.asarray(data["values"], dtype=np.int64))
    raise InputError(f"unknown index kind {kind!r} in saved data")


def _series_to_json(y: pd.Series) -> dict[str, Any]:
    return {"index": index_to_json(y.index), "values": y.to_numpy().tolist(), "name": y.name}


def _series_from_json(data: Mapping[str, Any]) -> pd.Series:
    return pd.Series(np.asarray(data["values"], dtype=float), index=index_from_json(data["index"]),
                     name=data.get("name"))


def data_to_json(data: Any) -> Any:
    """A Series, a DataFrame (columns as series) or a panel dict of either, as JSON data."""
    if isinstance(data, Mapping):
        return {"__panel__": {str(k): data_to_json(v) for k, v in data.items()}}
    if isinstance(data, pd.DataFrame):
        return {c: _series_to_json(data[c]) for c in data.columns}
    return _series_to_json(data)


def data_from_json(data: Mapping[str, Any]) -> Any:
    """Inverse of :func:`data_to_json`."""
    if "__panel__" in data:
        return {k: data_from_json(v) for k, v in data["__panel__"].items()}
    if "index" in data and "values" in data:
        return _series_from_json(data)
    return pd.DataFrame({c: _series_from_json(v) for c, v in data.items()})


# --------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------
